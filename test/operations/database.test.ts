import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { TsMigrateError } from "../../server/src/engine/errors";
import type { Operation } from "../../server/src/engine/operations/base";
import {
  AddConstraint, AddField, AddIndex, AlterField, AlterModelOptions, AlterModelTable, AlterUniqueTogether, CreateModel,
  DeleteModel, RemoveField, RemoveIndex, RenameField, RenameIndex, RenameModel, RunCode, RunSQL, SeparateDatabaseAndState,
} from "../../server/src/engine/operations/index";
import { ModelState, type ProjectState } from "../../server/src/engine/state";
import { CallValue } from "../../server/src/engine/values";
import { RecordingEditor, char, id, int, shopState } from "./helpers";

/** Forward then backward SQL calls of one operation on `state`. */
function run(op: Operation, state: ProjectState = shopState()): { forwards: string[]; backwards: string[] } {
  const before = state.clone();
  const afterState = state.clone();
  op.stateForwards("shop", afterState);
  const fwd = new RecordingEditor();
  op.databaseForwards("shop", fwd, before, afterState);
  const bwd = new RecordingEditor();
  if (op.reversible) op.databaseBackwards("shop", bwd, afterState, before);
  return { forwards: fwd.calls, backwards: bwd.calls };
}

describe("databaseForwards / databaseBackwards", () => {
  it("model operations", () => {
    assert.deepEqual(run(new CreateModel("Tag", [["id", id]])), { forwards: ["createModel shop.tag"], backwards: ["deleteModel shop.tag"] });
    assert.deepEqual(run(new DeleteModel("Category")), { forwards: ["deleteModel shop.category"], backwards: ["createModel shop.category"] });
    assert.deepEqual(run(new AlterModelTable("product", "items")), {
      forwards: ["alterDbTable shop_product -> items"], backwards: ["alterDbTable items -> shop_product"],
    });
    assert.deepEqual(run(new AlterUniqueTogether("product", null)), {
      forwards: ['alterTogether shop.product [["name","category"]] -> []'],
      backwards: ['alterTogether shop.product [] -> [["name","category"]]'],
    });
    assert.deepEqual(run(new AlterModelOptions("product", { ordering: ["name"] })), { forwards: [], backwards: [] });
  });

  it("RenameModel renames the table and alters the relations pointing at it", () => {
    assert.deepEqual(run(new RenameModel("Category", "Kind")), {
      forwards: ["alterDbTable shop_category -> shop_kind", "alterField shop.product.category -> shop.product.category"],
      backwards: ["alterDbTable shop_kind -> shop_category", "alterField shop.product.category -> shop.product.category"],
    });
  });

  it("field operations pass one-off defaults only forwards", () => {
    assert.deepEqual(run(new AddField("product", "stock", int({ default: 0 }))), {
      forwards: ["addField shop.product.stock"], backwards: ["removeField shop.product.stock"],
    });
    assert.deepEqual(run(new AddField("product", "sku", char(10, { default: "x" }), false)).forwards, ['addField shop.product.sku oneOff="x"']);
    assert.deepEqual(run(new RemoveField("product", "name")), {
      forwards: ["removeField shop.product.name"], backwards: ["addField shop.product.name"],
    });
    assert.deepEqual(run(new AlterField("product", "name", char(200, { default: "n" }), false)), {
      forwards: ['alterField shop.product.name -> shop.product.name oneOff="n"'],
      backwards: ["alterField shop.product.name -> shop.product.name"],
    });
    assert.deepEqual(run(new RenameField("product", "name", "title")), {
      forwards: ["alterField shop.product.name -> shop.product.title"],
      backwards: ["alterField shop.product.title -> shop.product.name"],
    });
  });

  it("index and constraint operations", () => {
    assert.deepEqual(run(new AddIndex("product", { name: "i", fields: ["name"] })), {
      forwards: ["addIndex shop.product i"], backwards: ["removeIndex shop.product i"],
    });
    assert.deepEqual(run(new RemoveIndex("product", "prod_name_idx")), {
      forwards: ["removeIndex shop.product prod_name_idx"], backwards: ["addIndex shop.product prod_name_idx"],
    });
    assert.deepEqual(run(new RenameIndex("product", "n_idx", "prod_name_idx")).forwards,
      ["removeIndex shop.product prod_name_idx", "addIndex shop.product n_idx"]);
    assert.deepEqual(run(new AddConstraint("product", { kind: "UniqueConstraint", name: "u", fields: ["name"] })), {
      forwards: ["addConstraint shop.product u"], backwards: ["removeConstraint shop.product u"],
    });
  });

  it("unmanaged models get no SQL", () => {
    const s = shopState();
    s.put(new ModelState("shop", "Legacy", [["id", id]], { managed: false }));
    assert.deepEqual(run(new AddField("legacy", "x", int({ null: true })), s), { forwards: [], backwards: [] });
    assert.deepEqual(run(new CreateModel("View", [["id", id]], { managed: false })), { forwards: [], backwards: [] });
  });

  it("RunSQL executes each statement; backwards needs reverseSql", () => {
    assert.deepEqual(run(new RunSQL(["INSERT 1", "", "INSERT 2"], "DELETE")), {
      forwards: ["execute INSERT 1", "execute INSERT 2"], backwards: ["execute DELETE"],
    });
    const op = new RunSQL("INSERT 1");
    assert.throws(() => op.databaseBackwards("shop", new RecordingEditor(), shopState(), shopState()),
      (e: unknown) => e instanceof TsMigrateError && e.code === "irreversible");
  });

  it("RunCode runs through the editor's runCode hook, and says so when there is none", () => {
    const op = new RunCode(new CallValue("function", ["(apps) => {}"]), new CallValue("function", ["() => 1"]));
    assert.deepEqual(run(op), { forwards: ["runCode forwards (apps) => {}"], backwards: ["runCode backwards () => 1"] });
    const plain = { ...new RecordingEditor(), runCode: undefined } as unknown as RecordingEditor;
    assert.throws(() => op.databaseForwards("shop", plain, shopState(), shopState()),
      (e: unknown) => e instanceof TsMigrateError && /run by the executor/.test(e.message));
  });

  it("SeparateDatabaseAndState runs only its database part, in order and reversed", () => {
    const op = new SeparateDatabaseAndState(
      [new AddField("product", "a", int({ null: true })), new AddField("product", "b", int({ null: true }))],
      [new RemoveField("product", "name")],
    );
    assert.deepEqual(run(op), {
      forwards: ["addField shop.product.a", "addField shop.product.b"],
      backwards: ["removeField shop.product.b", "removeField shop.product.a"],
    });
  });
});
