import { migrations, models } from "tsmigrate";

export default migrations.Migration({
  initial: true,
  dependencies: [],
  operations: [
    migrations.CreateModel({
      name: "Product",
      fields: [
        ["id", models.BigAutoField({ autoCreated: true, primaryKey: true, serialize: false, verboseName: "ID" })],
        ["name", models.CharField({ maxLength: 100, unique: true })],
        ["price", models.DecimalField({ decimalPlaces: 2, maxDigits: 8 })],
      ],
      options: { ordering: ["name"] },
    }),
  ],
});
