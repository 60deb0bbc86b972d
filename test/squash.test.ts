/**
 * engine/squash.ts: the squashed migration (replaces, initial, dependencies,
 * elidable operations, one-off defaults), its name, the cycle check, the
 * replay check, and the #32263 rule of safeOptimize against the plain
 * optimizer (which, like Django's, gets these cases wrong).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MigrationGraph } from "../server/src/engine/graph";
import { Migration } from "../server/src/engine/migration";
import type { Operation } from "../server/src/engine/operations/base";
import {
  AddField, AlterField, CreateModel, RenameField, RenameModel, RunCode, RunSQL, SeparateDatabaseAndState,
} from "../server/src/engine/operations/index";
import { optimize } from "../server/src/engine/optimizer";
import {
  buildSquash, dropElidable, safeOptimize, type SquashPlan, squashedMigrationName, stateKey,
} from "../server/src/engine/squash";
import { makeField, ModelState, ProjectState } from "../server/src/engine/state";
import { CallValue, RefValue, type Value, valueKey } from "../server/src/engine/values";

const id = makeField("BigAutoField", { autoCreated: true, primaryKey: true, serialize: false, verboseName: "ID" });
const int = makeField("IntegerField", {});
const sku = makeField("CharField", { maxLength: 20, default: "x" });
const fk = (to: string, extra: Record<string, Value> = {}) => makeField("ForeignKey", { to, onDelete: "CASCADE", ...extra });

const show = (ops: readonly Operation[]) => ops.map((o) => valueKey(o.deconstruct() as never));

function replay(base: ProjectState, ops: readonly Operation[], app = "app"): string {
  const s = base.clone();
  for (const op of ops) op.stateForwards(app, s);
  return stateKey(s);
}

function graphOf(...migrations: Migration[]): MigrationGraph {
  const g = new MigrationGraph();
  for (const m of migrations) g.addNode(m);
  for (const m of migrations) for (const d of m.dependencies) g.addDependency(m.key, m.key, d);
  return g;
}

function plan(app: string, migrations: Migration[], start?: Migration): SquashPlan {
  return { app, migrations, start, end: migrations[migrations.length - 1]! };
}

describe("safeOptimize (Django #32263)", () => {
  const cases: [string, ProjectState, Operation[]][] = [
    ["CreateModel + RenameModel folded across a model pointing at the old name", new ProjectState(), [
      new CreateModel("A", [["id", id]]), new CreateModel("B", [["id", id], ["a", fk("app.a")]]), new RenameModel("A", "C"),
    ]],
    ["a model pointing at the old name moved after the rename", new ProjectState([new ModelState("app", "A", [["id", id]])]), [
      new CreateModel("B", [["id", id], ["a", fk("app.a")]]), new RenameModel("A", "C"), new AddField("B", "x", int),
    ]],
    ["two renames joined across a model pointing at the middle name", new ProjectState(), [
      new CreateModel("A", [["id", id]]), new RenameModel("A", "C"), new CreateModel("B", [["id", id], ["a", fk("app.c")]]),
      new RenameModel("C", "D"),
    ]],
    ["RenameField folded across a toField pointing at the old name",
      new ProjectState([new ModelState("app", "A", [["id", id]]), new ModelState("app", "B", [["id", id]])]), [
        new AddField("A", "f", int), new AddField("B", "r", fk("app.a", { toField: "f" })), new RenameField("A", "f", "g"),
      ]],
  ];
  for (const [name, base, ops] of cases) {
    it(name, () => {
      const want = replay(base, ops);
      assert.notEqual(replay(base, optimize(ops, "app")), want, "the plain optimizer was expected to show the bug");
      assert.equal(replay(base, safeOptimize(ops, "app")), want);
    });
  }

  it("keeps the rename after the model that still names the old model", () => {
    const ops = cases[0]![2];
    assert.deepEqual(show(safeOptimize(ops, "app")), show(ops));
  });

  it("still optimizes what Django optimizes, returning the engine's own operations", () => {
    const ops = [new CreateModel("A", [["id", id]]), new AddField("A", "x", int), new RenameModel("A", "C"), new RenameField("C", "x", "y")];
    const out = safeOptimize(ops, "app");
    assert.deepEqual(show(out), show([new CreateModel("C", [["id", id], ["y", int]])]));
    assert.ok(out[0] instanceof CreateModel);
  });
});

describe("dropElidable", () => {
  it("drops elidable RunSQL and RunCode and keeps an elidable RunSQL's state operations", () => {
    const add = new AddField("A", "x", int);
    const keep = new RunSQL("SELECT 1");
    const out = dropElidable([
      new RunSQL("SELECT 2", undefined, [], true), keep, new RunCode(new CallValue("function", ["() => {}"]), undefined, undefined, true),
      new RunSQL("ALTER TABLE ...", undefined, [add], true),
    ]);
    assert.equal(out.length, 2);
    assert.equal(out[0], keep);
    assert.ok(out[1] instanceof SeparateDatabaseAndState);
    assert.deepEqual((out[1] as SeparateDatabaseAndState).stateOperations, [add]);
    assert.deepEqual((out[1] as SeparateDatabaseAndState).databaseOperations, []);
  });
});

describe("buildSquash", () => {
  const other1 = new Migration("other", "0001_initial", { initial: true, operations: [new CreateModel("Thing", [["id", id]])] });
  const shop1 = new Migration("shop", "0001_initial", { initial: true, operations: [new CreateModel("Product", [["id", id]])] });
  const shop2 = new Migration("shop", "0002_product_sku", {
    dependencies: [["shop", "0001_initial"], ["other", "0001_initial"]],
    operations: [
      new AddField("Product", "sku", sku, false),
      new AddField("Product", "thing", fk("other.thing", { null: true })),
      new RunSQL("UPDATE x", undefined, [], true),
    ],
  });
  const shop3 = new Migration("shop", "0003_alter", {
    dependencies: [["shop", "0002_product_sku"], ["other", "0001_initial"]],
    operations: [new AlterField("Product", "sku", makeField("CharField", { maxLength: 30 })), new RunSQL("SELECT 1")],
  });
  const graph = graphOf(other1, shop1, shop2, shop3);

  it("squashes from the first migration: initial, replaces, outside dependencies, one-off default dropped in CreateModel", () => {
    const r = buildSquash(plan("shop", [shop1, shop2, shop3]), graph);
    const m = r.migration;
    assert.equal(m.name, "0001_squashed_0003_alter");
    assert.equal(m.initial, true);
    assert.deepEqual(m.replaces, [["shop", "0001_initial"], ["shop", "0002_product_sku"], ["shop", "0003_alter"]]);
    assert.deepEqual(m.dependencies, [["other", "0001_initial"]]);
    assert.equal(r.operationsBefore, 6);
    assert.equal(r.optimized, true);
    assert.deepEqual(show(m.operations), show([
      new CreateModel("Product", [["id", id], ["sku", makeField("CharField", { maxLength: 30 })], ["thing", fk("other.thing", { null: true })]]),
      new RunSQL("SELECT 1"),
    ]));
  });

  it("a one-off default on a model made before the squash stays one-off (Django #26223)", () => {
    const r = buildSquash(plan("shop", [shop2], shop2), graph);
    const m = r.migration;
    assert.equal(m.name, "0002_product_sku_squashed_0002_product_sku");
    assert.equal(m.initial, false);
    assert.deepEqual(m.dependencies, [["other", "0001_initial"], ["shop", "0001_initial"]]);
    assert.deepEqual(show(m.operations), show(shop2.operations.slice(0, 2)));
    assert.equal((m.operations[0] as AddField).preserveDefault, false);
    const after = new ProjectState([new ModelState("shop", "Product", [["id", id]]), new ModelState("other", "Thing", [["id", id]])]);
    for (const op of m.operations) op.stateForwards("shop", after);
    assert.equal(after.get("shop", "product")!.fields.get("sku")!.options.default, undefined);
  });

  it("AddField with a one-off default then AlterField are not folded into a permanent default", () => {
    const a = new Migration("shop", "0002_a", { dependencies: [["shop", "0001_initial"]], operations: [new AddField("Product", "sku", sku, false)] });
    const b = new Migration("shop", "0003_b", {
      dependencies: [["shop", "0002_a"]], operations: [new AlterField("Product", "sku", makeField("CharField", { maxLength: 20, null: true }))],
    });
    const r = buildSquash(plan("shop", [a, b], a), graphOf(shop1, a, b));
    assert.equal(r.migration.operations.length, 2);
    assert.equal((r.migration.operations[0] as AddField).preserveDefault, false);
  });

  it("keeps dependencies outside the squashed set (a merge parent too), once, sorted", () => {
    const b1 = new Migration("shop", "0002_b1", { dependencies: [["shop", "0001_initial"]] });
    const b2 = new Migration("shop", "0002_b2", { dependencies: [["shop", "0001_initial"], ["other", "0001_initial"]] });
    const merge = new Migration("shop", "0003_merge", { dependencies: [["shop", "0002_b1"], ["shop", "0002_b2"]] });
    const r = buildSquash(plan("shop", [b2, merge], b2), graphOf(other1, shop1, b1, b2, merge));
    assert.deepEqual(r.migration.dependencies, [["other", "0001_initial"], ["shop", "0001_initial"], ["shop", "0002_b1"]]);
    assert.equal(r.migration.atomic, true);
  });

  it("refuses a range whose squash would depend on itself", () => {
    const o2 = new Migration("other", "0002_x", { dependencies: [["other", "0001_initial"], ["shop", "0001_initial"]] });
    const s2 = new Migration("shop", "0002_y", { dependencies: [["shop", "0001_initial"], ["other", "0002_x"]] });
    assert.throws(() => buildSquash(plan("shop", [shop1, s2]), graphOf(other1, o2, shop1, s2)),
      { code: "squash-cycle", message: /other\.0002_x \(a dependency of the squashed migrations\) depends on shop\.0001_initial/ });
  });

  it("keeps the operations unoptimized when the optimized ones do not replay to the same state", () => {
    class LossyAddField extends AddField {
      override reduce(other: Operation, app: string): Operation[] | boolean {
        if (other instanceof AlterField) return [new AddField(this.modelName, this.name, makeField("IntegerField", {}))];
        return super.reduce(other, app);
      }
    }
    const a = new Migration("shop", "0002_a", {
      dependencies: [["shop", "0001_initial"]],
      operations: [new LossyAddField("Product", "n", int), new AlterField("Product", "n", makeField("IntegerField", { null: true }))],
    });
    const r = buildSquash(plan("shop", [a], a), graphOf(shop1, a));
    assert.equal(r.optimized, false);
    assert.deepEqual(show(r.migration.operations), show(a.operations));
  });

  it("lists RunCode functions written by name for manual porting", () => {
    const a = new Migration("shop", "0002_a", {
      dependencies: [["shop", "0001_initial"]], operations: [new RunCode(new RefValue("forwards"))],
    });
    const b = new Migration("shop", "0003_b", {
      dependencies: [["shop", "0002_a"]], operations: [new RunCode(new CallValue("function", ["async (ctx) => {}"]))],
    });
    assert.deepEqual(buildSquash(plan("shop", [a, b], a), graphOf(shop1, a, b)).manualPorting, ["shop.0002_a"]);
  });
});

describe("squashedMigrationName", () => {
  const m = (name: string) => new Migration("shop", name);
  const first = m("0001_initial");
  const second = m("0002_b");
  const last = m("0004_foo");
  it("names as Django does", () => {
    assert.equal(squashedMigrationName(plan("shop", [first, second, last])), "0001_squashed_0004_foo");
    assert.equal(squashedMigrationName(plan("shop", [first, second, last]), "all"), "0001_all");
    assert.equal(squashedMigrationName(plan("shop", [second, last], second)), "0002_b_squashed_0004_foo");
    assert.equal(squashedMigrationName(plan("shop", [second, last], second), "mid"), "0002_mid");
  });
});
