// `tsmigrate migrate` end to end on a copy of the shop fixture: Django's
// output for apply, no-op with the drift notice, --plan, a target, zero,
// --check, --fake; then showmigrations and sqlmigrate on the same database.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { cleanTemps, copyFixture, ensureBuilt, tsmigrate } from "./helpers";

before(ensureBuilt);
after(cleanTemps);

test("migrate applies, then warns about models not in a migration", () => {
  const dir = copyFixture("shop");
  const first = tsmigrate(dir, "migrate");
  assert.equal(first.stderr, "");
  assert.equal(first.stdout,
    "Operations to perform:\n  Apply all migrations: shop\nRunning migrations:\n  Applying shop.0001_initial... OK\n");
  assert.equal(first.code, 0);
  assert.ok(fs.existsSync(path.join(dir, "db.sqlite3")));
  const again = tsmigrate(dir, "migrate");
  assert.equal(again.stdout,
    "Operations to perform:\n  Apply all migrations: shop\nRunning migrations:\n  No migrations to apply.\n" +
    "  Your models in app(s): 'shop' have changes that are not yet reflected in a migration, and so won't be applied.\n" +
    "  Run 'tsmigrate makemigrations' to make new migrations, and then re-run 'tsmigrate migrate' to apply them.\n");
  assert.equal(again.code, 0);
});

test("--plan, --check, a target, zero and --fake", () => {
  const dir = copyFixture("shop");
  assert.equal(tsmigrate(dir, "makemigrations").code, 0);
  const plan = tsmigrate(dir, "migrate", "--plan");
  assert.equal(plan.stdout,
    "Planned operations:\nshop.0001_initial\n    Create model Product\nshop.0002_product_stock\n    Add field stock to product\n");
  assert.equal(tsmigrate(dir, "migrate", "--check").code, 1);
  const all = tsmigrate(dir, "migrate");
  assert.equal(all.stdout,
    "Operations to perform:\n  Apply all migrations: shop\nRunning migrations:\n" +
    "  Applying shop.0001_initial... OK\n  Applying shop.0002_product_stock... OK\n");
  const check = tsmigrate(dir, "migrate", "--check");
  assert.equal(check.code, 0);
  assert.match(check.stdout, /No migrations to apply\.\n$/);

  const backPlan = tsmigrate(dir, "migrate", "shop", "zero", "--plan");
  assert.equal(backPlan.stdout,
    "Planned operations:\nshop.0002_product_stock\n    Undo Add field stock to product\nshop.0001_initial\n    Undo Create model Product\n");
  const back = tsmigrate(dir, "migrate", "shop", "0001");
  assert.equal(back.stdout,
    "Operations to perform:\n  Target specific migration: 0001_initial, from shop\nRunning migrations:\n" +
    "  Unapplying shop.0002_product_stock... OK\n");
  assert.equal(tsmigrate(dir, "showmigrations").stdout, "shop\n [X] 0001_initial\n [ ] 0002_product_stock\n");
  const zero = tsmigrate(dir, "migrate", "shop", "zero");
  assert.equal(zero.stdout,
    "Operations to perform:\n  Unapply all migrations: shop\nRunning migrations:\n  Unapplying shop.0001_initial... OK\n");
  const fake = tsmigrate(dir, "migrate", "--fake");
  assert.equal(fake.stdout,
    "Operations to perform:\n  Apply all migrations: shop\nRunning migrations:\n" +
    "  Applying shop.0001_initial... FAKED\n  Applying shop.0002_product_stock... FAKED\n");
});

test("bad targets: unknown app, ambiguous and unknown prefixes are exit 2", () => {
  const dir = copyFixture("shop");
  const unknown = tsmigrate(dir, "migrate", "nope");
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /No installed app with label 'nope'\./);
  const missing = tsmigrate(dir, "migrate", "shop", "0009");
  assert.equal(missing.code, 2);
  assert.equal(missing.stderr, "Cannot find a migration matching '0009' from app 'shop'.\n");
  fs.copyFileSync(path.join(dir, "shop/migrations/0001_initial.ts"), path.join(dir, "shop/migrations/0001_again.ts"));
  const ambiguous = tsmigrate(dir, "migrate", "shop", "0001");
  assert.equal(ambiguous.code, 2);
  assert.match(ambiguous.stderr, /Conflicting migrations detected|More than one migration matches '0001' in app 'shop'/);
});

test("a broken migration file stops migrate with its position", () => {
  const dir = copyFixture("shop");
  fs.writeFileSync(path.join(dir, "shop/migrations/0002_broken.ts"),
    `import { migrations } from "tsmigrate";\nexport default migrations.Migration({\n  dependencies: [["shop", "0001_initial"]],\n  operations: [migrations.AddField({ modelName: "product" })],\n});\n`);
  const r = tsmigrate(dir, "migrate");
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^shop\/migrations\/0002_broken\.ts:4:\d+: /);
  assert.ok(!fs.existsSync(path.join(dir, "db.sqlite3")), "nothing touched the database");
});

test("showmigrations: list, (no migrations), --plan, --json, modified since applied", () => {
  const dir = copyFixture("shop");
  assert.equal(tsmigrate(dir, "showmigrations").stdout, "shop\n [ ] 0001_initial\n");
  assert.ok(!fs.existsSync(path.join(dir, "db.sqlite3")), "showmigrations creates no database");
  tsmigrate(dir, "makemigrations");
  tsmigrate(dir, "migrate", "shop", "0001");
  assert.equal(tsmigrate(dir, "showmigrations", "--plan").stdout, "[X]  shop.0001_initial\n[ ]  shop.0002_product_stock\n");
  const json = JSON.parse(tsmigrate(dir, "showmigrations", "--json").stdout);
  assert.equal(json.database, "default");
  assert.deepEqual(json.apps.shop.map((m: { name: string; applied: boolean; modified: boolean }) => [m.name, m.applied, m.modified]),
    [["0001_initial", true, false], ["0002_product_stock", false, false]]);
  assert.match(json.apps.shop[0].appliedAt, /^\d{4}-\d\d-\d\dT/);
  // Edit the applied migration: it is reported, by showmigrations and by migrate.
  const f = path.join(dir, "shop/migrations/0001_initial.ts");
  fs.writeFileSync(f, fs.readFileSync(f, "utf8").replace("maxLength: 100", "maxLength: 120"));
  assert.equal(tsmigrate(dir, "showmigrations").stdout,
    "shop\n [X] 0001_initial (modified since applied)\n [ ] 0002_product_stock\n");
  const m = tsmigrate(dir, "migrate");
  assert.match(m.stderr, /Warning: migration shop\.0001_initial has changed since it was applied/);
  assert.equal(m.code, 0);
  const empty = copyFixture("tracker");
  assert.equal(tsmigrate(empty, "showmigrations").stdout, "tracker\n (no migrations)\n");
});

test("sqlmigrate prints formatted SQL in Django's shape", () => {
  const dir = copyFixture("shop");
  const r = tsmigrate(dir, "sqlmigrate", "shop", "0001");
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, [
    "BEGIN;",
    "--",
    "-- Create model Product",
    "--",
    `CREATE TABLE "shop_product" (`,
    `  "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,`,
    `  "name" varchar(100) NOT NULL UNIQUE,`,
    `  "price" decimal NOT NULL`,
    ");",
    "COMMIT;",
    "",
  ].join("\n"));
  assert.ok(!fs.existsSync(path.join(dir, "db.sqlite3")), "sqlmigrate needs no database");
  const back = tsmigrate(dir, "sqlmigrate", "shop", "0001_initial", "--backwards");
  assert.equal(back.stdout, `BEGIN;\n--\n-- Create model Product\n--\nDROP TABLE "shop_product";\nCOMMIT;\n`);
  const missing = tsmigrate(dir, "sqlmigrate", "shop", "0002");
  assert.equal(missing.code, 2);
  assert.equal(missing.stderr, "Cannot find a migration matching '0002' from app 'shop'.\n");
});
