// `tsmigrate diffschema`: each kind of hand change to a migrated database
// (add / drop column, change type, nullability, drop index, add a unique or
// check constraint, add a table) is reported in words with exit 1; an
// untouched database reports nothing (exit 0); the database file is not
// changed by the check; `migrate` warns before changing a drifted database.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { cleanTemps, execSql, ok, run, tempDir } from "./helpers";

after(cleanTemps);

const MODELS = `import { models } from "tsmigrate";

export class Category extends models.Model {
  name = models.CharField({ maxLength: 50, unique: true });
}

export class Product extends models.Model {
  name = models.CharField({ maxLength: 100 });
  price = models.DecimalField({ maxDigits: 8, decimalPlaces: 2 });
  stock = models.IntegerField({ default: 0 });
  category = models.ForeignKey(Category, { onDelete: models.CASCADE, null: true });

  static Meta = { indexes: [models.Index({ fields: ["name", "price"], name: "shop_name_price_idx" })] };
}
`;

let migrated: string;

before(async () => {
  migrated = tempDir("tsm-drift-");
  fs.mkdirSync(path.join(migrated, "shop"));
  fs.writeFileSync(path.join(migrated, "shop", "models.ts"), MODELS);
  await ok(migrated, ["makemigrations", "--noinput"]);
  await ok(migrated, ["migrate", "--noinput"]);
});

/** A copy of the migrated project with `sql` run on its database by hand. */
function changed(sql: string): string {
  const dir = tempDir("tsm-drift-copy-");
  fs.cpSync(migrated, dir, { recursive: true });
  if (sql) execSql(path.join(dir, "db.sqlite3"), sql);
  return dir;
}

/** SQL that rebuilds shop_category with `columns` as its column definitions. */
function rebuildCategory(columns: string): string {
  return `PRAGMA foreign_keys = OFF;
    CREATE TABLE "new__shop_category" (${columns});
    INSERT INTO "new__shop_category" ("id", "name") SELECT "id", "name" FROM "shop_category";
    DROP TABLE "shop_category";
    ALTER TABLE "new__shop_category" RENAME TO "shop_category";`;
}

const sha = (file: string) => createHash("sha256").update(fs.readFileSync(file)).digest("hex");

test("an untouched database reports nothing and exits 0", async () => {
  const r = await run(migrated, "diffschema");
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.stdout, "No differences: database 'default' matches its 1 applied migration.\n");
});

const CASES: { name: string; sql: string; expected: string[] }[] = [
  {
    name: "an added column",
    sql: 'ALTER TABLE "shop_product" ADD COLUMN "legacy_code" varchar(10) NULL',
    expected: ['table "shop_product": column "legacy_code" exists in the database but in no migration'],
  },
  {
    name: "a dropped column",
    sql: 'ALTER TABLE "shop_product" DROP COLUMN "stock"',
    expected: ['table "shop_product": column "stock" is in the migrations but not in the database'],
  },
  {
    name: "a changed type",
    sql: rebuildCategory('"id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "name" text NOT NULL UNIQUE'),
    expected: ['table "shop_category": column "name" has type text in the database but varchar(50) in the migrations'],
  },
  {
    name: "a column made nullable",
    sql: rebuildCategory('"id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "name" varchar(50) NULL UNIQUE'),
    expected: ['table "shop_category": column "name" is nullable in the database but NOT NULL in the migrations'],
  },
  {
    name: "a dropped index",
    sql: 'DROP INDEX "shop_name_price_idx"',
    expected: ['table "shop_product": index on (name, price) is in the migrations but not in the database'],
  },
  {
    name: "an added unique constraint",
    sql: 'CREATE UNIQUE INDEX "shop_product_name_uniq" ON "shop_product" ("name", "price")',
    expected: ['table "shop_product": unique index on (name, price) exists in the database but in no migration'],
  },
  {
    name: "an added check constraint",
    sql: rebuildCategory('"id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "name" varchar(50) NOT NULL UNIQUE, CONSTRAINT "name_not_empty" CHECK ("name" <> \'\')'),
    expected: ['table "shop_category": check "name_not_empty" ("name" <> \'\') exists in the database but in no migration'],
  },
  {
    name: "an added table",
    sql: 'CREATE TABLE "audit_log" ("id" integer NOT NULL PRIMARY KEY, "note" text NOT NULL)',
    expected: ['table "audit_log" exists in the database but in no migration'],
  },
];

for (const c of CASES) {
  test(`${c.name} is reported in words, exit 1, and the database is left as it was`, async () => {
    const dir = changed(c.sql);
    const db = path.join(dir, "db.sqlite3");
    const before = sha(db);
    const r = await run(dir, "diffschema");
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.equal(r.stdout, `Database 'default' differs from its applied migrations:\n${c.expected.map((e) => `  - ${e}\n`).join("")}`);
    const json = await run(dir, "diffschema", "--json");
    assert.equal(json.code, 1);
    assert.deepEqual(JSON.parse(json.stdout), { database: "default", applied: 1, differences: c.expected });
    assert.equal(sha(db), before, "diffschema changed the database file");
  });
}

test("a database that is not migrated: every table exists in no migration", async () => {
  const dir = tempDir("tsm-drift-none-");
  fs.cpSync(migrated, dir, { recursive: true });
  execSql(path.join(dir, "db.sqlite3"), 'DROP TABLE "tsmigrate_migrations"');
  const r = await run(dir, "diffschema");
  assert.equal(r.code, 1);
  assert.match(r.stdout, /table "shop_category" exists in the database but in no migration/);
  assert.match(r.stdout, /table "shop_product" exists in the database but in no migration/);
});

test("a missing database file is an error (exit 2), not created", async () => {
  const dir = tempDir("tsm-drift-missing-");
  fs.cpSync(migrated, dir, { recursive: true });
  fs.rmSync(path.join(dir, "db.sqlite3"));
  const r = await run(dir, "diffschema");
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /cannot open SQLite database/);
  assert.equal(fs.existsSync(path.join(dir, "db.sqlite3")), false);
});

/** A copy of the migrated project, changed by `sql`, with a new migration pending (adds Product.sku). */
async function withPending(sql: string): Promise<string> {
  const dir = changed(sql);
  fs.writeFileSync(path.join(dir, "shop", "models.ts"), MODELS.replace("stock = ", 'sku = models.CharField({ maxLength: 20, default: "" });\n  stock = '));
  await ok(dir, ["makemigrations", "--noinput"]);
  return dir;
}

test("migrate warns when the database it is about to change has drifted, and only then", async () => {
  const dir = await withPending('ALTER TABLE "shop_product" ADD COLUMN "legacy_code" varchar(10) NULL');
  const r = await ok(dir, ["migrate", "--noinput", "--no-backup"]);
  assert.equal(r.stderr,
    "Warning: database 'default' differs from its applied migrations (1 difference; run 'tsmigrate diffschema' to list them):\n" +
    '  - table "shop_product": column "legacy_code" exists in the database but in no migration\n');
  assert.match(r.stdout, /Applying shop\.0002_product_sku\.\.\. OK/);
  const clean = await ok(await withPending(""), ["migrate", "--noinput", "--no-backup"]);
  assert.match(clean.stdout, /Applying shop\.0002_product_sku\.\.\. OK/);
  assert.equal(clean.stderr, "");
});
