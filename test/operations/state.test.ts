import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { TsMigrateError } from "../../server/src/engine/errors";
import {
  AddConstraint, AddField, AddIndex, AlterField, AlterModelOptions, AlterModelTable, AlterUniqueTogether, CreateModel,
  DeleteModel, RemoveConstraint, RemoveField, RemoveIndex, RenameField, RenameIndex, RenameModel, RunCode, RunSQL,
  SeparateDatabaseAndState,
} from "../../server/src/engine/operations/index";
import type { Operation } from "../../server/src/engine/operations/base";
import { ModelState, type ProjectState } from "../../server/src/engine/state";
import { CallValue } from "../../server/src/engine/values";
import { char, field, fk, id, int, shopState } from "./helpers";

function after(op: Operation, state: ProjectState = shopState()): ProjectState {
  const s = state.clone();
  op.stateForwards("shop", s);
  return s;
}

describe("stateForwards", () => {
  it("CreateModel adds the model; DeleteModel removes it; the original state is untouched", () => {
    const base = shopState();
    const s = after(new CreateModel("Tag", [["id", id], ["name", char(20)]], { ordering: ["name"] }), base);
    assert.deepEqual([...s.require("shop", "tag").fields.keys()], ["id", "name"]);
    assert.deepEqual(s.require("shop", "tag").options.ordering, ["name"]);
    assert.equal(base.get("shop", "tag"), undefined);
    assert.equal(after(new DeleteModel("Category")).get("shop", "category"), undefined);
  });

  it("AddField keeps a one-off default out of the state", () => {
    const kept = after(new AddField("product", "stock", int({ default: 0 })));
    assert.equal(field(kept, "shop", "product", "stock")?.options.default, 0);
    const oneOff = after(new AddField("product", "sku", char(10, { default: "x" }), false));
    assert.equal(field(oneOff, "shop", "product", "sku")?.options.default, undefined);
    assert.equal(field(oneOff, "shop", "product", "sku")?.options.maxLength, 10);
  });

  it("RemoveField, AlterField (preserveDefault false drops the default)", () => {
    assert.equal(field(after(new RemoveField("product", "name")), "shop", "product", "name"), undefined);
    const s = after(new AlterField("product", "name", char(200, { default: "n" }), false));
    assert.deepEqual(field(s, "shop", "product", "name")?.options, { maxLength: 200 });
  });

  it("RenameField keeps the field order and renames it in unique_together and indexes", () => {
    const s = after(new RenameField("product", "name", "title"));
    const m = s.require("shop", "product");
    assert.deepEqual([...m.fields.keys()], ["id", "title", "category"]);
    assert.deepEqual(m.options.uniqueTogether, [["title", "category"]]);
    assert.deepEqual(m.options.indexes?.[0]?.fields, ["title"]);
  });

  it("RenameField repoints toField of relations to the renamed field", () => {
    const base = shopState();
    base.put(new ModelState("shop", "Line", [["id", id], ["product", fk("shop.product", { toField: "name" })]]));
    const s = after(new RenameField("product", "name", "title"), base);
    assert.equal(field(s, "shop", "line", "product")?.options.toField, "title");
  });

  it("RenameModel renames and repoints relations (self-references included)", () => {
    const base = shopState();
    base.put(base.require("shop", "category").withField("parent", fk("shop.category", { null: true })));
    const s = after(new RenameModel("Category", "Kind"), base);
    assert.equal(s.get("shop", "category"), undefined);
    assert.equal(s.require("shop", "kind").name, "Kind");
    assert.equal(field(s, "shop", "product", "category")?.options.to, "shop.kind");
    assert.equal(field(s, "shop", "kind", "parent")?.options.to, "shop.kind");
  });

  it("Meta option operations", () => {
    assert.equal(after(new AlterModelTable("product", "products")).require("shop", "product").dbTable, "products");
    assert.equal(after(new AlterModelTable("product", null)).require("shop", "product").dbTable, "shop_product");
    assert.equal(after(new AlterUniqueTogether("product", null)).require("shop", "product").options.uniqueTogether, undefined);
    const o = after(new AlterModelOptions("product", { verboseName: "item" })).require("shop", "product").options;
    assert.equal(o.verboseName, "item");
    assert.deepEqual(o.uniqueTogether, [["name", "category"]], "schema options are left alone");
  });

  it("index and constraint operations", () => {
    let s = after(new AddIndex("product", { name: "cat_idx", fields: ["category"] }));
    assert.deepEqual(s.require("shop", "product").options.indexes?.map((i) => i.name), ["prod_name_idx", "cat_idx"]);
    s = after(new RemoveIndex("product", "prod_name_idx"));
    assert.equal(s.require("shop", "product").options.indexes, undefined);
    s = after(new RenameIndex("product", "name_idx", "prod_name_idx"));
    assert.deepEqual(s.require("shop", "product").options.indexes?.map((i) => i.name), ["name_idx"]);
    s = after(new AddConstraint("product", { kind: "CheckConstraint", name: "c", check: new CallValue("models.Q", [{ id__gte: 0 }]) }));
    assert.equal(s.require("shop", "product").options.constraints?.length, 1);
    s = after(new RemoveConstraint("product", "c"), s);
    assert.equal(s.require("shop", "product").options.constraints, undefined);
  });

  it("special operations: RunSQL state operations, RunCode nothing, SeparateDatabaseAndState its state part", () => {
    assert.equal(field(after(new RunSQL("x", undefined, [new RemoveField("product", "name")])), "shop", "product", "name"), undefined);
    const base = shopState();
    assert.deepEqual([...after(new RunCode(new CallValue("function", ["() => {}"])), base).models.keys()], [...base.models.keys()]);
    const s = after(new SeparateDatabaseAndState([new RunSQL("DROP TABLE x")], [new DeleteModel("Category")]));
    assert.equal(s.get("shop", "category"), undefined);
  });

  it("errors name the problem and point at the operation", () => {
    const loc = { file: "/p/shop/migrations/0002_x.ts", line: 7, column: 5 };
    const cases: Operation[] = [
      new AddField("nope", "x", int()), new RemoveField("product", "nope"), new AlterField("product", "nope", int()),
      new RenameField("product", "nope", "x"), new RenameField("product", "name", "category"), new DeleteModel("Nope"),
      new CreateModel("Product", [["id", id]]), new AddField("product", "name", int()), new RemoveIndex("product", "nope"),
      new RenameModel("Category", "Product"),
    ];
    for (const op of cases) {
      op.location = loc;
      assert.throws(() => after(op), (e: unknown) => {
        assert.ok(e instanceof TsMigrateError, `${op.describe()} throws a TsMigrateError`);
        assert.equal(e.code, "bad-migration");
        assert.deepEqual(e.location, loc);
        assert.match(e.message, new RegExp(`^${op.kind}: `));
        return true;
      });
    }
  });
});

describe("RenameField in conditions", () => {
  it("renames the field inside index conditions and check constraints", () => {
    const q = (o: Record<string, number | CallValue>) => new CallValue("models.Q", [o]);
    const base = shopState();
    const product = base.require("shop", "product");
    const s = base.clone();
    s.put(product.withOptions({
      ...product.options,
      indexes: [{ name: "p_idx", fields: ["name"], condition: q({ name__gte: 1 }) }],
      constraints: [{ kind: "CheckConstraint", name: "p_chk", check: q({ name__gte: 0, name: new CallValue("models.F", ["name"]) }) }],
    }));
    const renamed = after(new RenameField("product", "name", "cost"), s).require("shop", "product");
    assert.deepEqual(renamed.options.indexes?.[0]?.condition, q({ cost__gte: 1 }));
    const c = renamed.options.constraints?.[0];
    assert.ok(c && c.kind === "CheckConstraint");
    assert.deepEqual(c.check, q({ cost__gte: 0, cost: new CallValue("models.F", ["cost"]) }));
  });
});
