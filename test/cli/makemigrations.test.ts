// `tsmigrate makemigrations` end to end on copies of the fixtures: Django's
// output, exit codes (--check 1, bad models 2, unanswerable question 3),
// nothing written when it should not be, --json, --empty, --merge.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { cleanTemps, copyFixture, ensureBuilt, list, tsmigrate } from "./helpers";

before(ensureBuilt);
after(cleanTemps);

test("shop: makes 0002_product_stock with Django's output, then no changes", () => {
  const dir = copyFixture("shop");
  const r = tsmigrate(dir, "makemigrations");
  assert.equal(r.stderr, "");
  assert.equal(r.stdout, "Migrations for 'shop':\n  shop/migrations/0002_product_stock.ts\n    - Add field stock to product\n");
  assert.equal(r.code, 0);
  const text = fs.readFileSync(path.join(dir, "shop/migrations/0002_product_stock.ts"), "utf8");
  assert.match(text, /dependencies: \[\["shop", "0001_initial"\]\]/);
  assert.match(text, /migrations\.AddField\(/);
  const again = tsmigrate(dir, "makemigrations");
  assert.equal(again.stdout, "No changes detected\n");
  assert.equal(again.code, 0);
  assert.equal(tsmigrate(dir, "makemigrations", "shop").stdout, "No changes detected in app 'shop'\n");
});

test("tracker (no config file): the initial migration", () => {
  const dir = copyFixture("tracker");
  const r = tsmigrate(dir, "makemigrations");
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split("\n");
  assert.deepEqual(lines.slice(0, 4), [
    "Migrations for 'tracker':",
    "  src/tracker/migrations/0001_initial.ts",
    "    - Create model Category",
    "    - Create model Transaction",
  ]);
  assert.deepEqual(list(path.join(dir, "src/tracker/migrations")), ["0001_initial.ts"]);
});

test("--check exits 1 on drift and writes nothing; --dry-run writes nothing", () => {
  const dir = copyFixture("shop");
  const r = tsmigrate(dir, "makemigrations", "--check");
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^Migrations for 'shop':\n {2}shop\/migrations\/0002_product_stock\.ts\n/);
  assert.deepEqual(list(path.join(dir, "shop/migrations")), ["0001_initial.ts"]);
  const dry = tsmigrate(dir, "makemigrations", "--dry-run");
  assert.equal(dry.code, 0);
  assert.equal(dry.stdout, r.stdout);
  assert.deepEqual(list(path.join(dir, "shop/migrations")), ["0001_initial.ts"]);
  tsmigrate(dir, "makemigrations");
  const clean = tsmigrate(dir, "makemigrations", "--check");
  assert.equal(clean.code, 0);
  assert.equal(clean.stdout, "No changes detected\n");
});

test("bad models: exit 2, every error as file:line:col on stderr, nothing written", () => {
  const dir = copyFixture("shop");
  fs.writeFileSync(path.join(dir, "shop/models.ts"), [
    `import { models } from "tsmigrate";`,
    ``,
    `export class Product extends models.Model {`,
    `  name = models.CharField({ maxLength: 100, unique: true });`,
    `  price = models.MoneyField({ maxDigits: 8 });`,
    `  stock = models.IntegerField({ defualt: 0 });`,
    `}`,
    ``,
  ].join("\n"));
  const r = tsmigrate(dir, "makemigrations");
  assert.equal(r.code, 2);
  assert.equal(r.stdout, "");
  const lines = r.stderr.trim().split("\n");
  assert.ok(lines.length >= 2, r.stderr);
  assert.match(lines[0]!, /^shop\/models\.ts:5:\d+: .*MoneyField/);
  assert.ok(lines.some((l) => /^shop\/models\.ts:6:\d+: .*defualt/.test(l)), r.stderr);
  assert.deepEqual(list(path.join(dir, "shop/migrations")), ["0001_initial.ts"]);
});

test("a question without a terminal exits 3 with the question, nothing written", () => {
  const dir = copyFixture("shop");
  const models = path.join(dir, "shop/models.ts");
  fs.writeFileSync(models, fs.readFileSync(models, "utf8").replace(/\n}\n$/, `\n  sku = models.CharField({ maxLength: 20 });\n}\n`));
  for (const args of [["makemigrations"], ["makemigrations", "--noinput"]]) {
    const r = tsmigrate(dir, ...args);
    assert.equal(r.code, 3, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, /non-nullable field 'sku' to product/);
    assert.deepEqual(list(path.join(dir, "shop/migrations")), ["0001_initial.ts"]);
  }
});

test("--json lists files and operations", () => {
  const dir = copyFixture("shop");
  const r = tsmigrate(dir, "makemigrations", "--json");
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(out.changes), ["shop"]);
  const m = out.changes.shop[0];
  assert.equal(m.name, "0002_product_stock");
  assert.equal(m.file, path.join(dir, "shop/migrations/0002_product_stock.ts"));
  assert.equal(m.written, true);
  assert.deepEqual(m.operations, ["Add field stock to product"]);
  assert.ok(fs.existsSync(m.file));
  assert.deepEqual(JSON.parse(tsmigrate(dir, "makemigrations", "--json").stdout), { changes: {}, questions: [] });
  assert.deepEqual(out.questions, []);
});

test("--empty needs an app; --name names it; unknown apps are exit 2", () => {
  const dir = copyFixture("shop");
  const noApp = tsmigrate(dir, "makemigrations", "--empty");
  assert.equal(noApp.code, 2);
  assert.match(noApp.stderr, /You must supply at least one app label when using --empty\./);
  const r = tsmigrate(dir, "makemigrations", "shop", "--empty", "--name", "fill_prices");
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, "Migrations for 'shop':\n  shop/migrations/0002_fill_prices.ts\n");
  const bad = tsmigrate(dir, "makemigrations", "nope");
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /No installed app with label 'nope'\./);
});

test("conflicts stop makemigrations; --merge writes the merge migration", () => {
  const dir = copyFixture("shop");
  const migrations = path.join(dir, "shop/migrations");
  tsmigrate(dir, "makemigrations");
  tsmigrate(dir, "makemigrations", "shop", "--empty", "--name", "other");
  // Make 0003_other a sibling of 0002_product_stock.
  const other = path.join(migrations, "0003_other.ts");
  fs.writeFileSync(path.join(migrations, "0002_other.ts"),
    fs.readFileSync(other, "utf8").replace(`["shop", "0002_product_stock"]`, `["shop", "0001_initial"]`));
  fs.rmSync(other);
  const r = tsmigrate(dir, "makemigrations");
  assert.equal(r.code, 2);
  assert.equal(r.stderr,
    "Conflicting migrations detected; multiple leaf nodes in the migration graph: (0002_other, 0002_product_stock in shop).\n" +
    "To fix them run 'tsmigrate makemigrations --merge'\n");
  const merge = tsmigrate(dir, "makemigrations", "--merge");
  assert.equal(merge.code, 0, merge.stderr);
  assert.equal(merge.stdout,
    "Merging shop\n  Branch 0002_other\n  Branch 0002_product_stock\n    - Add field stock to product\n\n" +
    `Created new merge migration ${path.join(migrations, "0003_merge_0002_other_0002_product_stock.ts")}\n`);
  assert.equal(tsmigrate(dir, "makemigrations").stdout, "No changes detected\n");
  assert.equal(tsmigrate(dir, "makemigrations", "--merge").stdout, "No conflicts detected to merge.\n");
});
