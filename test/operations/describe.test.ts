import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  AddConstraint, AddField, AddIndex, AlterField, AlterIndexTogether, AlterModelOptions, AlterModelTable,
  AlterUniqueTogether, CreateModel, DeleteModel, RemoveConstraint, RemoveField, RemoveIndex, RenameField, RenameIndex,
  RenameModel, RunCode, RunSQL, SeparateDatabaseAndState,
} from "../../server/src/engine/operations/index";
import { CallValue, RefValue, valueKey } from "../../server/src/engine/values";
import { char, fk, id, int } from "./helpers";

// describe() texts from Django 3.2 (django/db/migrations/operations/*.py; RenameIndex from 4.1),
// migration_name_fragment from Django 4.0+.
describe("describe() and migrationNameFragment, as Django", () => {
  const cases: [string, { describe(): string; migrationNameFragment: string | undefined }, string, string | undefined][] = [
    ["CreateModel", new CreateModel("Product", [["id", id]]), "Create model Product", "product"],
    ["DeleteModel", new DeleteModel("Tag"), "Delete model Tag", "delete_tag"],
    ["RenameModel", new RenameModel("Category", "Kind"), "Rename model Category to Kind", "rename_category_kind"],
    ["AlterModelTable", new AlterModelTable("order", "orders"), "Rename table for order to orders", "alter_order_table"],
    ["AlterModelTable null", new AlterModelTable("order", null), "Rename table for order to (default)", "alter_order_table"],
    ["AlterUniqueTogether", new AlterUniqueTogether("order", [["a", "b"]]), "Alter unique_together for order (1 constraint(s))",
      "alter_order_unique_together"],
    ["AlterUniqueTogether null", new AlterUniqueTogether("order", null), "Alter unique_together for order (0 constraint(s))",
      "alter_order_unique_together"],
    ["AlterIndexTogether", new AlterIndexTogether("order", [["a"], ["b"]]), "Alter index_together for order (2 constraint(s))",
      "alter_order_index_together"],
    ["AlterModelOptions", new AlterModelOptions("question", { ordering: ["x"] }), "Change Meta options on question",
      "alter_question_options"],
    ["AddField", new AddField("product", "stock", int()), "Add field stock to product", "product_stock"],
    ["RemoveField", new RemoveField("product", "x"), "Remove field x from product", "remove_product_x"],
    ["AlterField", new AlterField("product", "name", char(200)), "Alter field name on product", "alter_product_name"],
    ["RenameField", new RenameField("product", "stock", "quantity"), "Rename field stock on product to quantity",
      "rename_stock_product_quantity"],
    ["AddIndex", new AddIndex("order", { name: "order_placed_idx", fields: ["placed_at", "number"] }),
      "Create index order_placed_idx on field(s) placed_at, number of model order", "order_order_placed_idx"],
    ["RemoveIndex", new RemoveIndex("order", "X"), "Remove index X from order", "remove_order_x"],
    ["RenameIndex", new RenameIndex("order", "new_idx", "old_idx"), "Rename index old_idx on order to new_idx", "rename_old_idx_new_idx"],
    ["RenameIndex unnamed", new RenameIndex("order", "new_idx", undefined, ["a", "b"]),
      "Rename unnamed index for ['a', 'b'] on order to new_idx", "rename_order_a_b_new_idx"],
    ["AddConstraint", new AddConstraint("order", { kind: "UniqueConstraint", name: "X", fields: ["a"] }),
      "Create constraint X on model order", "order_x"],
    ["RemoveConstraint", new RemoveConstraint("order", "X"), "Remove constraint X from model order", "remove_order_x"],
    ["RunSQL", new RunSQL("SELECT 1"), "Raw SQL operation", undefined],
    ["RunCode", new RunCode(new CallValue("function", ["() => {}"])), "Raw code operation", undefined],
    ["SeparateDatabaseAndState", new SeparateDatabaseAndState(), "Custom state/database change combination", undefined],
  ];
  for (const [name, op, text, fragment] of cases) {
    it(name, () => {
      assert.equal(op.describe(), text);
      assert.equal(op.migrationNameFragment, fragment);
    });
  }
});

describe("deconstruct()", () => {
  const args = (op: { deconstruct(): { name: string; args: object } }) => valueKey(op.deconstruct().args as never);

  it("keeps Django's argument names (camelCase) and leaves defaults out", () => {
    assert.deepEqual(Object.keys(new AddField("product", "stock", int()).deconstruct().args), ["modelName", "name", "field"]);
    assert.deepEqual(Object.keys(new AddField("product", "stock", int({ default: 0 }), false).deconstruct().args),
      ["modelName", "name", "field", "preserveDefault"]);
    assert.deepEqual(Object.keys(new RenameModel("A", "B").deconstruct().args), ["oldName", "newName"]);
    assert.deepEqual(Object.keys(new CreateModel("A", [["id", id]]).deconstruct().args), ["name", "fields"]);
    assert.deepEqual(Object.keys(new RunSQL("x").deconstruct().args), ["sql"]);
    assert.deepEqual(Object.keys(new RunSQL(["x"], "y", [], true).deconstruct().args), ["sql", "reverseSql", "elidable"]);
  });

  it("writes fields as models.* calls with lowercase relation labels", () => {
    const d = new AddField("product", "category", fk("shop.category", { null: true })).deconstruct();
    const f = d.args.field as CallValue;
    assert.equal(f.callee, "models.ForeignKey");
    assert.equal(f.args[0], "shop.category");
    assert.deepEqual(Object.keys(f.args[1] as object), ["onDelete", "null"]);
    assert.ok((f.args[1] as Record<string, unknown>).onDelete instanceof RefValue);
  });

  it("writes CreateModel options in Django's Meta order, indexes as models.Index", () => {
    const op = new CreateModel("Product", [["id", id]], {
      indexes: [{ name: "i", fields: ["id"] }], ordering: ["id"], uniqueTogether: [["id"]], verboseName: "thing",
    });
    const options = op.deconstruct().args.options as Record<string, unknown>;
    assert.deepEqual(Object.keys(options), ["verboseName", "ordering", "uniqueTogether", "indexes"]);
    assert.equal(((options.indexes as CallValue[])[0]!).callee, "models.Index");
  });

  it("writes nested operations of SeparateDatabaseAndState as migrations.* calls", () => {
    const op = new SeparateDatabaseAndState([new RunSQL("ALTER TABLE x")], [new RemoveField("product", "x")]);
    assert.equal(args(op), valueKey({
      databaseOperations: [new CallValue("migrations.RunSQL", [{ sql: "ALTER TABLE x" }])],
      stateOperations: [new CallValue("migrations.RemoveField", [{ modelName: "product", name: "x" }])],
    }));
  });

  it("marks RunSQL/RunCode reversible only with a reverse, and SeparateDatabaseAndState from its parts", () => {
    assert.equal(new RunSQL("x").reversible, false);
    assert.equal(new RunSQL("x", "y").reversible, true);
    assert.equal(new RunCode(new CallValue("function", ["() => {}"])).reversible, false);
    assert.equal(new RunCode(new CallValue("function", ["() => {}"]), new CallValue("function", ["() => {}"])).reversible, true);
    assert.equal(new SeparateDatabaseAndState([new RunSQL("x")]).reversible, false);
    assert.equal(new SeparateDatabaseAndState([], [new RemoveField("a", "b")]).reversible, true);
    assert.equal(new RunSQL("x", undefined, [], true).elidable, true);
  });
});
