/**
 * `tsmigrate diffschema` on one backend: each kind of hand change to a
 * migrated database (add / drop column, change type, nullability, drop
 * index, add a unique or check constraint, add a table) is reported in
 * words with exit 1; an untouched database reports nothing (exit 0); the
 * database is not changed by the check; `migrate` warns before changing a
 * drifted database. Run by test/inspectdb/diffschema.test.ts (SQLite) and
 * test/postgres/diffschema.test.ts (PostgreSQL).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { cleanTemps, type DbBackend, ok, run, tempDir } from "./helpers";

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

/** A migrated project of {@link MODELS} on a new database of `backend`. */
export async function migratedProject(backend: DbBackend): Promise<string> {
  const dir = tempDir("tsm-drift-");
  await backend.newDatabase(dir);
  fs.mkdirSync(path.join(dir, "shop"));
  fs.writeFileSync(path.join(dir, "shop", "models.ts"), MODELS);
  await ok(dir, ["makemigrations", "--noinput"]);
  await ok(dir, ["migrate", "--noinput"]);
  return dir;
}

/** A copy of the migrated project (its own database) with `sql` run on its database by hand. */
export async function changed(backend: DbBackend, migrated: string, sql: string): Promise<string> {
  const dir = tempDir("tsm-drift-copy-");
  fs.cpSync(migrated, dir, { recursive: true });
  await backend.copyDatabase(migrated, dir);
  if (sql) await backend.exec(dir, sql);
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

/** A hand change: its SQL per backend (one text when both take it) and the differences diffschema must list. */
interface Case {
  readonly name: string;
  readonly sql: string | Readonly<Record<DbBackend["name"], string>>;
  readonly expected: readonly string[];
}

const CASES: Case[] = [
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
    sql: {
      sqlite: rebuildCategory('"id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "name" text NOT NULL UNIQUE'),
      postgresql: 'ALTER TABLE "shop_category" ALTER COLUMN "name" TYPE text',
    },
    expected: ['table "shop_category": column "name" has type text in the database but varchar(50) in the migrations'],
  },
  {
    name: "a column made nullable",
    sql: {
      sqlite: rebuildCategory('"id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "name" varchar(50) NULL UNIQUE'),
      postgresql: 'ALTER TABLE "shop_category" ALTER COLUMN "name" DROP NOT NULL',
    },
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
    sql: {
      sqlite: rebuildCategory('"id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "name" varchar(50) NOT NULL UNIQUE, CONSTRAINT "name_not_empty" CHECK ("name" <> \'\')'),
      postgresql: 'ALTER TABLE "shop_category" ADD CONSTRAINT "name_not_empty" CHECK ("name" <> \'\')',
    },
    expected: ['table "shop_category": check "name_not_empty" ("name" <> \'\') exists in the database but in no migration'],
  },
  {
    name: "an added table",
    sql: 'CREATE TABLE "audit_log" ("id" integer NOT NULL PRIMARY KEY, "note" text NOT NULL)',
    expected: ['table "audit_log" exists in the database but in no migration'],
  },
];

/** A copy of the migrated project, changed by `sql`, with a new migration pending (adds Product.sku). */
async function withPending(backend: DbBackend, migrated: string, sql: string): Promise<string> {
  const dir = await changed(backend, migrated, sql);
  fs.writeFileSync(path.join(dir, "shop", "models.ts"), MODELS.replace("stock = ", 'sku = models.CharField({ maxLength: 20, default: "" });\n  stock = '));
  await ok(dir, ["makemigrations", "--noinput"]);
  return dir;
}

/**
 * Registers the drift tests for `backend`; returns a getter of the migrated
 * project (set in `before`) for the backend's own tests.
 */
export function driftTests(backend: DbBackend): () => string {
  let migrated = "";
  before(async () => {
    migrated = await migratedProject(backend);
  });
  after(cleanTemps);

  test(`${backend.name}: an untouched database reports nothing and exits 0`, async () => {
    const r = await run(migrated, "diffschema");
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.stdout, "No differences: database 'default' matches its 1 applied migration.\n");
  });

  for (const c of CASES) {
    test(`${backend.name}: ${c.name} is reported in words, exit 1, and the database is left as it was`, async () => {
      const dir = await changed(backend, migrated, typeof c.sql === "string" ? c.sql : c.sql[backend.name]);
      const before = await backend.fingerprint(dir);
      const r = await run(dir, "diffschema");
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.equal(r.stdout, `Database 'default' differs from its applied migrations:\n${c.expected.map((e) => `  - ${e}\n`).join("")}`);
      const json = await run(dir, "diffschema", "--json");
      assert.equal(json.code, 1);
      assert.deepEqual(JSON.parse(json.stdout), { database: "default", applied: 1, differences: c.expected });
      assert.equal(await backend.fingerprint(dir), before, "diffschema changed the database");
    });
  }

  test(`${backend.name}: a database that is not migrated: every table exists in no migration`, async () => {
    const dir = await changed(backend, migrated, 'DROP TABLE "tsmigrate_migrations"');
    const r = await run(dir, "diffschema");
    assert.equal(r.code, 1);
    assert.match(r.stdout, /table "shop_category" exists in the database but in no migration/);
    assert.match(r.stdout, /table "shop_product" exists in the database but in no migration/);
  });

  test(`${backend.name}: migrate warns when the database it is about to change has drifted, and only then`, async () => {
    await migrateWarns(backend, migrated);
  });
  return () => migrated;
}

/** `migrate` warns of drift before applying a migration, and says nothing on an untouched database. */
async function migrateWarns(backend: DbBackend, migrated: string): Promise<void> {
  const dir = await withPending(backend, migrated, 'ALTER TABLE "shop_product" ADD COLUMN "legacy_code" varchar(10) NULL');
  const r = await ok(dir, ["migrate", "--noinput", "--no-backup"]);
  assert.equal(r.stderr,
    "Warning: database 'default' differs from its applied migrations (1 difference; run 'tsmigrate diffschema' to list them):\n" +
    '  - table "shop_product": column "legacy_code" exists in the database but in no migration\n');
  assert.match(r.stdout, /Applying shop\.0002_product_sku\.\.\. OK/);
  const clean = await ok(await withPending(backend, migrated, ""), ["migrate", "--noinput", "--no-backup"]);
  assert.match(clean.stdout, /Applying shop\.0002_product_sku\.\.\. OK/);
  assert.equal(clean.stderr, "");
}
