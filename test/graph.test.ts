// The migration graph: plans in Django's order (checked against Django 3.2's
// MigrationGraph on the same graph), roots/leaves, cycles, missing
// dependencies, state replay, and no recursion limits on long chains.
import assert from "node:assert/strict";
import { test } from "node:test";
import { MigrationGraph } from "../server/src/engine/graph";
import { Migration, type MigrationKey } from "../server/src/engine/migration";
import type { Operation } from "../server/src/engine/operations/base";
import { CreateModel } from "../server/src/engine/operations/models";
import { makeField, ModelState, type ProjectState } from "../server/src/engine/state";

/** The graph used by Django's own tests' shape: three apps, cross-app edges. */
function sample(): MigrationGraph {
  const g = new MigrationGraph();
  const nodes: MigrationKey[] = [
    ["app_a", "0001"], ["app_a", "0002"], ["app_a", "0003"], ["app_a", "0004"],
    ["app_b", "0001"], ["app_b", "0002"], ["app_c", "0001"],
  ];
  for (const [app, name] of nodes) g.addNode(new Migration(app, name));
  const deps: [MigrationKey, MigrationKey][] = [
    [["app_a", "0002"], ["app_a", "0001"]], [["app_a", "0003"], ["app_a", "0002"]], [["app_a", "0004"], ["app_a", "0003"]],
    [["app_b", "0002"], ["app_b", "0001"]], [["app_a", "0003"], ["app_b", "0002"]], [["app_b", "0002"], ["app_c", "0001"]],
    [["app_a", "0002"], ["app_c", "0001"]],
  ];
  for (const [c, p] of deps) g.addDependency(c, c, p);
  return g;
}

const ids = (keys: readonly MigrationKey[]) => keys.map((k) => `${k[0]}.${k[1]}`);

test("forwards plan is Django's order", () => {
  assert.deepEqual(ids(sample().forwardsPlan(["app_a", "0004"])), [
    "app_c.0001", "app_b.0001", "app_b.0002", "app_a.0001", "app_a.0002", "app_a.0003", "app_a.0004",
  ]);
});

test("backwards plan is Django's order", () => {
  assert.deepEqual(ids(sample().backwardsPlan(["app_c", "0001"])), [
    "app_a.0004", "app_a.0003", "app_b.0002", "app_a.0002", "app_c.0001",
  ]);
});

test("root and leaf nodes, per app and overall", () => {
  const g = sample();
  assert.deepEqual(ids(g.rootNodes()), ["app_a.0001", "app_b.0001", "app_c.0001"]);
  assert.deepEqual(ids(g.leafNodes()), ["app_a.0004", "app_b.0002", "app_c.0001"]);
  assert.deepEqual(ids(g.leafNodes("app_b")), ["app_b.0002"]);
});

test("forwardsPlanMany dedupes in Django's _generate_plan order", () => {
  const g = sample();
  assert.deepEqual(ids(g.forwardsPlanMany([["app_b", "0002"], ["app_a", "0002"]])), [
    "app_c.0001", "app_b.0001", "app_b.0002", "app_a.0001", "app_a.0002",
  ]);
});

test("unknown node is an error", () => {
  assert.throws(() => sample().forwardsPlan(["app_a", "0009"]), (e: Error & { code?: string }) => e.code === "unknown-migration");
});

test("a cycle is reported with its path and the closing dependency's location", () => {
  const g = new MigrationGraph();
  for (const n of ["0001", "0002", "0003"]) g.addNode(new Migration("shop", n, { file: `/p/shop/migrations/${n}.ts` }));
  g.addDependency(["shop", "0002"], ["shop", "0002"], ["shop", "0001"]);
  g.addDependency(["shop", "0003"], ["shop", "0003"], ["shop", "0002"]);
  const loc = { file: "/p/shop/migrations/0001.ts", line: 3, column: 19 };
  g.addDependency(["shop", "0001"], ["shop", "0001"], ["shop", "0003"], loc);
  const errors = g.cycleErrors();
  assert.equal(errors.length, 1);
  assert.equal(errors[0]!.code, "cycle");
  assert.match(errors[0]!.message, /shop\.0001, shop\.0002, shop\.0003/);
  assert.deepEqual(errors[0]!.location, loc);
  // Plans still terminate on a cyclic graph.
  assert.equal(g.forwardsPlan(["shop", "0003"]).length, 3);
});

test("a dependency on a missing migration is reported where it is written", () => {
  const g = new MigrationGraph();
  g.addNode(new Migration("shop", "0002_b"));
  const loc = { file: "/p/shop/migrations/0002_b.ts", line: 4, column: 18 };
  g.addDependency(["shop", "0002_b"], ["shop", "0002_b"], ["shop", "0001_a"], loc);
  const errors = g.consistencyErrors();
  assert.equal(errors.length, 1);
  assert.equal(errors[0]!.code, "missing-dependency");
  assert.match(errors[0]!.message, /shop\.0002_b dependencies reference nonexistent parent node \('shop', '0001_a'\)/);
  assert.deepEqual(errors[0]!.location, loc);
  assert.equal(g.consistencyErrors(new Set(["shop.0001_a"])).length, 0, "ignored when that file failed to load");
  g.dropDummies();
  assert.deepEqual(ids(g.forwardsPlan(["shop", "0002_b"])), ["shop.0002_b"]);
});

/** An operation that adds one model to the state. */
function createModel(name: string): Operation {
  return new CreateModel(name, [["id", makeField("BigAutoField", { primaryKey: true })]]);
}

test("a 3,000-migration chain plans and replays without recursion limits", () => {
  const g = new MigrationGraph();
  const n = 3000;
  const name = (i: number) => `${String(i).padStart(4, "0")}_m`;
  for (let i = 1; i <= n; i++) g.addNode(new Migration("big", name(i), { operations: [createModel(`M${i}`)] }));
  for (let i = 2; i <= n; i++) g.addDependency(["big", name(i)], ["big", name(i)], ["big", name(i - 1)]);
  const plan = g.forwardsPlan(["big", name(n)]);
  assert.equal(plan.length, n);
  assert.deepEqual(plan[0], ["big", "0001_m"]);
  assert.equal(g.backwardsPlan(["big", name(1)]).length, n);
  assert.deepEqual(g.cycleErrors(), []);
  assert.equal(g.makeState().models.size, n);
  const before = g.makeState(["big", name(n)], false);
  assert.equal(before.models.size, n - 1);
  assert.equal(before.get("big", `M${n}`), undefined);
});

test("squash: replaced nodes are removed and edges repointed", () => {
  const g = new MigrationGraph();
  for (const n of ["0001", "0002", "0003"]) g.addNode(new Migration("a", n));
  g.addNode(new Migration("a", "0001_squashed_0002", { replaces: [["a", "0001"], ["a", "0002"]] }));
  g.addNode(new Migration("b", "0001"));
  g.addDependency(["a", "0002"], ["a", "0002"], ["a", "0001"]);
  g.addDependency(["a", "0003"], ["a", "0003"], ["a", "0002"]);
  g.addDependency(["b", "0001"], ["b", "0001"], ["a", "0001"]);
  g.removeReplacedNodes(["a", "0001_squashed_0002"], [["a", "0001"], ["a", "0002"]]);
  assert.deepEqual(ids(g.forwardsPlan(["a", "0003"])), ["a.0001_squashed_0002", "a.0003"]);
  assert.deepEqual(ids(g.forwardsPlan(["b", "0001"])), ["a.0001_squashed_0002", "b.0001"]);
  assert.equal(g.has(["a", "0001"]), false);
});
