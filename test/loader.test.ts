// The migration loader: reading migration files statically, errors with
// positions (syntax, shape, missing dependency, cycle), caching, prefixes,
// conflicts, squashes, and Django's migration_plan semantics on the graph.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterEach, test } from "node:test";
import { loadConfig } from "../server/src/engine/config";
import type { TsMigrateError } from "../server/src/engine/errors";
import { MigrationExecutor } from "../server/src/engine/executor";
import { MigrationLoader } from "../server/src/engine/loader";
import type { Connection } from "../server/src/engine/backends/base/base";
import { tempProject } from "./temp-project";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A project in a temp folder: `files` maps relative paths to contents. */
function project(files: Record<string, string>): string {
  const root = tempProject("tsm-loader-", files);
  dirs.push(root);
  return root;
}

function loader(root: string): MigrationLoader {
  return new MigrationLoader(loadConfig({ project: root })).load();
}

const MODELS = `import { models } from "tsmigrate";\nexport class Product extends models.Model {}\n`;

function migration(deps: [string, string][], ops = ""): string {
  return [
    `import { migrations, models } from "tsmigrate";`,
    ``,
    `export default migrations.Migration({`,
    `  dependencies: [${deps.map(([a, n]) => `["${a}", "${n}"]`).join(", ")}],`,
    `  operations: [${ops}],`,
    `});`,
    ``,
  ].join("\n");
}

const CREATE = `migrations.CreateModel({ name: "Product", fields: [["id", models.BigAutoField({ primaryKey: true })], ["name", models.CharField({ maxLength: 100 })]] })`;

test("reads migrations, their operations and dependencies", () => {
  const root = project({
    "shop/models.ts": MODELS,
    "shop/migrations/0001_initial.ts": migration([], CREATE),
    "shop/migrations/0002_product_stock.ts": migration([["shop", "0001_initial"]],
      `migrations.AddField({ modelName: "product", name: "stock", field: models.IntegerField({ default: 0 }) })`),
    "shop/migrations/index.ts": "export {};\n",
    "shop/migrations/0003_types.d.ts": "export {};\n",
  });
  const l = loader(root);
  assert.deepEqual(l.errors, []);
  assert.deepEqual([...l.diskMigrations.keys()].sort(), ["shop.0001_initial", "shop.0002_product_stock"]);
  const m = l.getMigration("shop", "0002_product_stock");
  assert.deepEqual(m.operations.map((o) => o.describe()), ["Add field stock to product"]);
  assert.deepEqual(l.graph.leafNodes("shop"), [["shop", "0002_product_stock"]]);
  const state = l.projectState();
  assert.deepEqual([...state.require("shop", "product").fields.keys()], ["id", "name", "stock"]);
  const before = l.projectState(["shop", "0002_product_stock"], false);
  assert.deepEqual([...before.require("shop", "product").fields.keys()], ["id", "name"]);
});

test("a syntax error is a bad-migration error at its position", () => {
  const root = project({
    "shop/models.ts": MODELS,
    "shop/migrations/0001_initial.ts": `import { migrations } from "tsmigrate";\nexport default migrations.Migration({\n  operations: [,\n});\n`,
  });
  const l = loader(root);
  assert.equal(l.errors.length, 1);
  const e = l.errors[0]!;
  assert.equal(e.code, "bad-migration");
  assert.equal(e.location?.file, path.join(root, "shop/migrations/0001_initial.ts"));
  assert.equal(e.location?.line, 4);
  assert.throws(() => l.throwIfErrors(), (err: TsMigrateError) => err.code === "bad-migration");
});

test("wrong shapes are reported with positions", () => {
  const root = project({
    "shop/models.ts": MODELS,
    "shop/migrations/0001_a.ts": `export const x = 1;\n`,
    "shop/migrations/0002_b.ts": `import { migrations } from "tsmigrate";\nexport default { operations: [] };\n`,
    "shop/migrations/0003_c.ts": `import { migrations } from "tsmigrate";\nexport default migrations.Migration({\n  operations: [migrations.FrobnicateModel({ name: "x" })],\n});\n`,
    "shop/migrations/0004_d.ts": `import { migrations } from "tsmigrate";\nexport default migrations.Migration({\n  dependencies: [["shop"]],\n  colour: "red",\n});\n`,
  });
  const l = loader(root);
  const byFile = new Map<string, TsMigrateError[]>();
  for (const e of l.fileErrors) byFile.set(path.basename(e.location!.file), [...(byFile.get(path.basename(e.location!.file)) ?? []), e]);
  assert.match(byFile.get("0001_a.ts")![0]!.message, /no default export/);
  assert.deepEqual([byFile.get("0001_a.ts")![0]!.location!.line, byFile.get("0001_a.ts")![0]!.location!.column], [1, 1]);
  assert.match(byFile.get("0002_b.ts")![0]!.message, /migrations\.Migration/);
  assert.equal(byFile.get("0002_b.ts")![0]!.location!.line, 2);
  assert.equal(byFile.get("0003_c.ts")![0]!.location!.line, 3);
  assert.match(byFile.get("0003_c.ts")![0]!.message, /FrobnicateModel/);
  const d = byFile.get("0004_d.ts")!;
  assert.equal(d.length, 2);
  assert.ok(d.some((e) => /unknown key "colour"/.test(e.message) && e.location!.line === 4));
  assert.ok(d.some((e) => /dependencies\[0\]/.test(e.message) && e.location!.line === 3));
  for (const e of l.fileErrors) assert.equal(e.code, "bad-migration");
});

test("a missing dependency is reported at the dependency", () => {
  const root = project({
    "shop/models.ts": MODELS,
    "shop/migrations/0002_b.ts": migration([["shop", "0001_gone"]]),
  });
  const l = loader(root);
  assert.equal(l.errors.length, 1);
  const e = l.errors[0]!;
  assert.equal(e.code, "missing-dependency");
  assert.match(e.message, /shop\.0002_b dependencies reference nonexistent parent node \('shop', '0001_gone'\)/);
  assert.deepEqual([e.location!.file, e.location!.line, e.location!.column], [path.join(root, "shop/migrations/0002_b.ts"), 4, 18]);
});

test("a cycle is reported naming its path", () => {
  const root = project({
    "shop/models.ts": MODELS,
    "shop/migrations/0001_a.ts": migration([["shop", "0002_b"]]),
    "shop/migrations/0002_b.ts": migration([["shop", "0001_a"]]),
  });
  const l = loader(root);
  const cycle = l.errors.find((e) => e.code === "cycle");
  assert.ok(cycle, "a cycle error");
  assert.match(cycle.message, /shop\.0001_a, shop\.0002_b|shop\.0002_b, shop\.0001_a/);
  assert.ok(cycle.location && cycle.location.line === 4);
});

test("unchanged files come from the cache; edited text is re-read", () => {
  const root = project({ "shop/models.ts": MODELS, "shop/migrations/0001_initial.ts": migration([], CREATE) });
  const l = loader(root);
  const file = path.join(root, "shop/migrations/0001_initial.ts");
  const first = l.getMigration("shop", "0001_initial");
  l.load();
  assert.equal(l.getMigration("shop", "0001_initial"), first, "same object from the cache");
  const edited = l.loadMigrationFile(file, migration([], ""));
  assert.notEqual(edited, first);
  assert.equal(edited.operations.length, 0);
  l.load({ overrides: new Map([[file, migration([], "")]]) });
  assert.equal(l.getMigration("shop", "0001_initial").operations.length, 0);
});

test("prefixes: unique prefix resolves, ambiguous one is an error", () => {
  const root = project({
    "shop/models.ts": MODELS,
    "shop/migrations/0001_initial.ts": migration([], CREATE),
    "shop/migrations/0002_a.ts": migration([["shop", "0001_initial"]]),
    "shop/migrations/0002_b.ts": migration([["shop", "0001_initial"]]),
  });
  const l = loader(root);
  assert.equal(l.getMigrationByPrefix("shop", "0001").name, "0001_initial");
  assert.throws(() => l.getMigrationByPrefix("shop", "0002"), (e: TsMigrateError) =>
    e.code === "ambiguous-migration" && e.message === "More than one migration matches '0002' in app 'shop'. Please be more specific.");
  assert.throws(() => l.getMigrationByPrefix("shop", "0003"), (e: TsMigrateError) => e.code === "unknown-migration");
  assert.deepEqual([...l.detectConflicts()], [["shop", ["0002_a", "0002_b"]]]);
});

test("a squash is used when none or all of what it replaces is applied, else the originals", () => {
  const root = project({
    "shop/models.ts": MODELS,
    "shop/migrations/0001_initial.ts": migration([], CREATE),
    "shop/migrations/0002_b.ts": migration([["shop", "0001_initial"]]),
    "shop/migrations/0001_squashed_0002_b.ts": migration([], CREATE).replace("dependencies: [],", `dependencies: [],\n  replaces: [["shop", "0001_initial"], ["shop", "0002_b"]],`),
    "shop/migrations/0003_c.ts": migration([["shop", "0002_b"]]),
  });
  const l = loader(root);
  assert.deepEqual(l.errors, []);
  const plan = (ll: MigrationLoader) => ll.graph.forwardsPlan(["shop", "0003_c"]).map((k) => k[1]);
  assert.deepEqual(plan(l), ["0001_squashed_0002_b", "0003_c"]);
  const rec = { applied: new Date(), checksum: "" };
  l.buildGraph(new Map([["shop.0001_initial", rec]]));
  assert.deepEqual(plan(l), ["0001_initial", "0002_b", "0003_c"]);
  l.buildGraph(new Map([["shop.0001_initial", rec], ["shop.0002_b", rec]]));
  assert.deepEqual(plan(l), ["0001_squashed_0002_b", "0003_c"]);
  assert.ok(l.appliedMigrations.has("shop.0001_squashed_0002_b"), "squash counts as applied");
});

test("migration plans follow Django: forwards, back to a target, zero with dependents", () => {
  const root = project({
    "a/models.ts": MODELS, "b/models.ts": MODELS, "c/models.ts": MODELS,
    "a/migrations/0001_m.ts": migration([]),
    "a/migrations/0002_m.ts": migration([["a", "0001_m"], ["c", "0001_m"]]),
    "a/migrations/0003_m.ts": migration([["a", "0002_m"], ["b", "0002_m"]]),
    "a/migrations/0004_m.ts": migration([["a", "0003_m"]]),
    "b/migrations/0001_m.ts": migration([]),
    "b/migrations/0002_m.ts": migration([["b", "0001_m"], ["c", "0001_m"]]),
    "c/migrations/0001_m.ts": migration([]),
  });
  const l = loader(root);
  assert.deepEqual(l.errors, []);
  const all = ["a.0001_m", "a.0002_m", "a.0003_m", "a.0004_m", "b.0001_m", "b.0002_m", "c.0001_m"];
  const rec = { applied: new Date(), checksum: "" };
  const ex = new MigrationExecutor({} as Connection, l);
  const plan = (targets: [string, string | null][], applied: string[]) => {
    l.buildGraph(new Map(applied.map((k) => [k, rec])));
    return ex.migrationPlan(targets).map((s) => `${s.backwards ? "-" : "+"}${s.migration.app}.${s.migration.name}`);
  };
  // Expected lists computed with Django 3.2's MigrationGraph on the same graph.
  assert.deepEqual(plan([["b", "0001_m"]], all), ["-a.0004_m", "-a.0003_m", "-b.0002_m"]);
  assert.deepEqual(plan([["c", null]], all), ["-a.0004_m", "-a.0003_m", "-b.0002_m", "-a.0002_m", "-c.0001_m"]);
  assert.deepEqual(plan([["a", null]], all), ["-a.0004_m", "-a.0003_m", "-a.0002_m", "-a.0001_m"]);
  assert.deepEqual(plan([["a", "0004_m"], ["b", "0002_m"], ["c", "0001_m"]], ["c.0001_m", "b.0001_m"]),
    ["+b.0002_m", "+a.0001_m", "+a.0002_m", "+a.0003_m", "+a.0004_m"]);
});
