/**
 * The comparison harness itself must be able to see differences: schema
 * differences (types, NOT NULL, indexes, column order, checks, FKs), data
 * differences and lost seeded rows, and the Django translation must produce
 * the Python Django expects.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import Database from "better-sqlite3";
import { snapshotSchema } from "../../server/src/engine/backends/sqlite/introspection";
import { makeField } from "../../server/src/engine/state";
import { CallValue, RefValue } from "../../server/src/engine/values";
import { dataProblems, schemaProblems } from "./checks";
import { rollbackPlan } from "./replay";
import { insertSeed, planSeed, sqliteSeedSource, tableRows } from "./seed";
import { pyField, pyValue, snakeCase } from "./to-django";

const BASE = `
  CREATE TABLE "shop_category" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "title" varchar(30) NOT NULL);
  CREATE TABLE "shop_product" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "name" varchar(50) NOT NULL UNIQUE,
    "stock" integer unsigned NULL CHECK ("stock" >= 0), "data" text NULL CHECK ((JSON_VALID("data") OR "data" IS NULL)),
    "category_id" bigint NOT NULL REFERENCES "shop_category" ("id") DEFERRABLE INITIALLY DEFERRED,
    "parent_id" bigint NULL REFERENCES "shop_product" ("id") DEFERRABLE INITIALLY DEFERRED);
  CREATE INDEX "shop_product_category_id_idx" ON "shop_product" ("category_id");
  CREATE TABLE "django_migrations" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "app" varchar(255) NOT NULL);
`;

function snap(sql: string) {
  const db = new Database(":memory:");
  try {
    db.exec(sql);
    return snapshotSchema(db);
  } finally {
    db.close();
  }
}

test("schemaProblems is empty for equal schemas and ignores bookkeeping tables", () => {
  assert.deepEqual(schemaProblems(snap(BASE), snap(BASE.replace("django_migrations", "tsmigrate_migrations"))), []);
});

test("schemaProblems reports a type, NOT NULL, index, check and foreign key difference", () => {
  const changed = BASE.replace('"title" varchar(30) NOT NULL', '"title" varchar(40) NULL')
    .replace('CREATE INDEX "shop_product_category_id_idx" ON "shop_product" ("category_id");', "")
    .replace('CHECK ("stock" >= 0)', "")
    .replace('"parent_id" bigint NULL REFERENCES "shop_product" ("id") DEFERRABLE INITIALLY DEFERRED', '"parent_id" bigint NULL');
  const problems = schemaProblems(snap(BASE), snap(changed));
  const text = problems.join("\n");
  assert.match(text, /\[schema\] table "shop_category": column "title" has type varchar\(30\) in django but varchar\(40\) in tsmigrate/);
  assert.match(text, /column "title" is NOT NULL in django but nullable in tsmigrate/);
  assert.match(text, /index on \(category_id\) only in django/);
  assert.match(text, /check \("stock" >= 0\) only in django/i);
  assert.match(text, /foreign key \(parent_id\) -> shop_product/);
  assert.equal(problems.length, 5, text);
});

test("schemaProblems reports column order on its own", () => {
  const reordered = BASE.replace('"id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "title" varchar(30) NOT NULL', '"title" varchar(30) NOT NULL, "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT');
  const problems = schemaProblems(snap(BASE), snap(reordered));
  assert.equal(problems.length, 1, problems.join("\n"));
  assert.match(problems[0]!, /^\[column order\] table "shop_category"/);
});

test("the seed honours NOT NULL, UNIQUE, CHECKs and foreign keys, and dataProblems sees a changed row", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tsm-harness-"));
  try {
    const files = ["a.sqlite3", "b.sqlite3"].map((f) => path.join(dir, f));
    for (const f of files) {
      const db = new Database(f);
      db.exec(BASE);
      insertSeed(db, planSeed(sqliteSeedSource(db)));
      db.close();
    }
    const a = new Database(files[0]!);
    const rows = tableRows(a, "shop_product");
    assert.equal(rows.length, 3);
    assert.deepEqual(rows.map((r) => r.category_id), [1, 2, 3]);
    assert.deepEqual(rows.map((r) => r.parent_id), [null, 1, 2]);
    assert.equal(rows[0]!.stock, null);
    assert.equal((a.pragma("foreign_key_check") as unknown[]).length, 0);
    assert.deepEqual(dataProblems(files[0]!, files[1]!), []);
    a.prepare("UPDATE shop_product SET name = 'changed' WHERE id = 2").run();
    a.close();
    const problems = dataProblems(files[0]!, files[1]!);
    assert.equal(problems.length, 1, problems.join("\n"));
    assert.match(problems[0]!, /table "shop_product" row 2: tsmigrate .*"name":"2name".* but django .*"name":"changed"/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("to-django writes Django's spelling of fields, options and Q objects", () => {
  assert.equal(snakeCase("maxLength"), "max_length");
  assert.equal(snakeCase("unpackIpv4"), "unpack_ipv4");
  assert.equal(
    pyField("category", makeField("ForeignKey", { to: "shop.category", onDelete: "SET_NULL", null: true, relatedName: "products" })),
    'category = models.ForeignKey("shop.category", on_delete=models.SET_NULL, null=True, related_name="products")',
  );
  assert.equal(pyField("id", makeField("BigAutoField", { primaryKey: true, autoCreated: true })), undefined);
  const q = new CallValue("models.Q.or", [
    new CallValue("models.Q", [{ price__gte: 0, name: "x" }]),
    new CallValue("models.Q.not", [new CallValue("models.Q", [{ stock: new CallValue("models.F", ["min_stock"]) }])]),
  ]);
  assert.equal(pyValue(q), '(models.Q(price__gte=0, name="x") | ~models.Q(stock=models.F("min_stock")))');
  assert.equal(pyValue({ a: [true, null, 1.5] }), '{"a": [True, None, 1.5]}');
  assert.equal(pyValue(new RefValue("models.Deferrable.DEFERRED")), "models.Deferrable.DEFERRED");
});

test("rollbackPlan migrates dependent (later) apps first, to 0001 then to zero", () => {
  assert.deepEqual(rollbackPlan(["accounts", "blog"]), [["blog", "0001"], ["accounts", "0001"], ["blog", "zero"], ["accounts", "zero"]]);
});
