import { migrations, models } from "tsmigrate";

export default migrations.Migration({
  initial: true,
  dependencies: [["catalog", "0001_initial"]],
  operations: [
    migrations.CreateModel({
      name: "Tag",
      fields: [
        ["id", models.BigAutoField({ autoCreated: true, primaryKey: true, serialize: false, verboseName: "ID" })],
        ["label", models.SlugField({ maxLength: 40 })],
      ],
      options: { ordering: ["label"] },
    }),
    migrations.AddField({ modelName: "tag", name: "parent", field: models.ForeignKey("shop.tag", { onDelete: models.CASCADE, null: true }) }),
    migrations.AddField({ modelName: "tag", name: "others", field: models.ManyToManyField("shop.tag", { through: "shop.link" }), preserveDefault: false }),
    migrations.AlterField({ modelName: "tag", name: "label", field: models.SlugField({ maxLength: 60 }) }),
    migrations.RenameField({ modelName: "tag", oldName: "label", newName: "slug" }),
    migrations.RemoveField({ modelName: "tag", name: "others" }),
    migrations.RenameModel({ oldName: "Tag", newName: "Label" }),
    migrations.AlterModelTable({ name: "label", table: "labels" }),
    migrations.AlterModelOptions({ name: "label", options: { verboseName: "label" } }),
    migrations.AlterUniqueTogether({ name: "label", uniqueTogether: [["slug", "parent"]] }),
    migrations.AlterIndexTogether({ name: "label", indexTogether: [] }),
    migrations.AddIndex({ modelName: "label", index: models.Index({ fields: ["slug"], name: "label_slug_idx" }) }),
    migrations.RenameIndex({ modelName: "label", newName: "label_slug_ix", oldName: "label_slug_idx" }),
    migrations.RemoveIndex({ modelName: "label", name: "label_slug_ix" }),
    migrations.AddConstraint({
      modelName: "label",
      constraint: models.CheckConstraint({ check: models.Q({ slug__startswith: "x" }), name: "slug_x" }),
    }),
    migrations.RemoveConstraint({ modelName: "label", name: "slug_x" }),
    migrations.RunSQL({ sql: ["UPDATE labels SET slug = 'a'"], reverseSql: "SELECT 1", elidable: true }),
    migrations.RunCode({
      code: async (ctx) => {
        const rows = await ctx.query<{ id: number }>("SELECT id FROM labels");
        for (const r of rows) await ctx.execute("UPDATE labels SET slug = ? WHERE id = ?", ["y", r.id]);
      },
    }),
    migrations.SeparateDatabaseAndState({
      databaseOperations: [migrations.RunSQL({ sql: "SELECT 1" })],
      stateOperations: [migrations.DeleteModel({ name: "label" })],
    }),
  ],
});
