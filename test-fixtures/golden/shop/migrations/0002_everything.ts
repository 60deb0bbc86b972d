import { migrations, models } from "tsmigrate";

export default migrations.Migration({
  dependencies: [["shop", "0001_initial"]],
  operations: [
    migrations.CreateModel({
      name: "Product",
      fields: [
        ["id", models.BigAutoField({ autoCreated: true, primaryKey: true, serialize: false, verboseName: "ID" })],
        [
          "category",
          models.ForeignKey("shop.category", {
            onDelete: models.SET_NULL,
            null: true,
            relatedName: "products_with_a_rather_long_related_name",
          }),
        ],
        ["price", models.DecimalField({ decimalPlaces: 2, maxDigits: 8 })],
      ],
      options: {
        verboseName: "product",
        ordering: ["-price"],
        uniqueTogether: [["category", "price"]],
        constraints: [models.CheckConstraint({ check: models.Q({ price__gte: 0 }), name: "price_gte_0" })],
      },
    }),
    migrations.DeleteModel({ name: "Tag" }),
    migrations.RenameModel({ oldName: "Category", newName: "Kind" }),
    migrations.AlterModelTable({ name: "product", table: "products" }),
    migrations.AlterModelTable({ name: "product", table: null }),
    migrations.AlterUniqueTogether({ name: "product", uniqueTogether: [["a", "b"], ["c", "d"]] }),
    migrations.AlterIndexTogether({ name: "product", indexTogether: null }),
    migrations.AlterModelOptions({ name: "product", options: { verboseNamePlural: "things", ordering: ["name"] } }),
    migrations.AddField({
      modelName: "product",
      name: "sku",
      field: models.CharField({ default: "sku \"quoted\"\n", maxLength: 10 }),
      preserveDefault: false,
    }),
    migrations.RemoveField({ modelName: "product", name: "sku" }),
    migrations.AlterField({
      modelName: "product",
      name: "price",
      field: models.DecimalField({ decimalPlaces: 2, default: -1.5, maxDigits: 10 }),
    }),
    migrations.RenameField({ modelName: "product", oldName: "price", newName: "cost" }),
    migrations.AddIndex({
      modelName: "product",
      index: models.Index({ fields: ["-cost"], name: "cost_idx", condition: models.Q({ cost__gt: 0 }) }),
    }),
    migrations.RemoveIndex({ modelName: "product", name: "cost_idx" }),
    migrations.RenameIndex({ modelName: "product", newName: "a_idx", oldFields: ["a", "b"] }),
    migrations.AddConstraint({
      modelName: "product",
      constraint: models.UniqueConstraint({ fields: ["a"], name: "u", deferrable: models.Deferrable.DEFERRED }),
    }),
    migrations.RemoveConstraint({ modelName: "product", name: "u" }),
    migrations.RunSQL({
      sql: ["INSERT INTO shop_product (cost) VALUES (1)", "UPDATE shop_product SET cost = 2"],
      reverseSql: "DELETE FROM shop_product",
      elidable: true,
    }),
    migrations.RunCode({
      code: async (apps, schemaEditor) => {
        await schemaEditor.execute("SELECT 1");
      },
      reverseCode: () => {},
    }),
    migrations.SeparateDatabaseAndState({
      databaseOperations: [
        migrations.RunSQL({ sql: "ALTER TABLE x RENAME TO y" }),
      ],
      stateOperations: [
        migrations.RenameModel({ oldName: "X", newName: "Y" }),
        migrations.DeleteModel({ name: "Z" }),
      ],
    }),
  ],
});
