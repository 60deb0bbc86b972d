/**
 * Schema snapshots and their diff: the database tsmigrate's DDL makes is
 * compared with the database Django 3.2's DDL (pasted sqlmigrate output)
 * makes for the same models.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { openSqlite } from "../../server/src/engine/backends/sqlite/base";
import { diffSnapshots, extractChecks, snapshotSchema } from "../../server/src/engine/backends/sqlite/introspection";
import { canonicalSql, tokenize } from "../../server/src/engine/backends/base/sqltokens";
import { DJANGO_SHOP_0001 } from "./django-expected";
import { collect, shopState } from "./fixtures";

function djangoDb() {
  const conn = openSqlite("django", ":memory:");
  for (const sql of DJANGO_SHOP_0001) conn.db.exec(sql);
  conn.db.exec('CREATE TABLE "django_migrations" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "app" varchar(255) NOT NULL)');
  return conn;
}

function ourDb() {
  const conn = openSqlite("ours", ":memory:");
  const state = shopState();
  const { sql, editor } = collect();
  for (const m of state.models.values()) editor.createModel(m, state);
  editor.flush();
  for (const s of sql) conn.db.exec(s);
  conn.db.exec('CREATE TABLE "tsmigrate_migrations" ("app" text, "name" text, "applied" text, "checksum" text)');
  return conn;
}

describe("snapshots", () => {
  test("our schema for the sample models is Django's schema", () => {
    const ours = snapshotSchema(ourDb().db);
    const django = snapshotSchema(djangoDb().db);
    assert.deepEqual(diffSnapshots(ours, django, { labels: ["tsmigrate", "django"], columnOrder: true }), []);
    assert.deepEqual(ours, django);
    assert.equal(ours.tables.length, 12, "bookkeeping tables are left out");
  });

  test("defaults and ON DELETE, left out by default, are the deliberate differences", () => {
    const opts = { defaults: true, onDelete: true };
    const diff = diffSnapshots(snapshotSchema(ourDb().db, opts), snapshotSchema(djangoDb().db, opts), { labels: ["tsmigrate", "django"] });
    assert.ok(diff.includes('table "shop_product": column "stock" has DEFAULT 0 in tsmigrate but none in django'), diff.join("\n"));
    assert.ok(diff.includes('table "shop_product": column "created" has DEFAULT CURRENT_TIMESTAMP in tsmigrate but none in django'));
    assert.ok(diff.includes('table "shop_node": foreign key (parent_id) -> shop_node (id) ON DELETE SET NULL only in tsmigrate'));
    assert.ok(diff.includes('table "shop_node": foreign key (parent_id) -> shop_node (id) ON DELETE NO ACTION only in django'));
    assert.ok(diff.every((d) => /DEFAULT|ON DELETE/.test(d)), diff.join("\n"));
  });

  test("snapshot content: columns, checks, unique and partial indexes, foreign keys", () => {
    const product = snapshotSchema(djangoDb().db).tables.find((t) => t.name === "shop_product")!;
    assert.deepEqual(product.columns[5], { name: "qty", type: "integer unsigned", notNull: true, pk: 0 });
    assert.deepEqual(product.checks, [
      { name: "price_gte_0", expression: `"price" >= '0'` },
      { name: "two_lookups", expression: `("price" < '1000' AND "stock" >= 0)` },
      { name: null, expression: '(JSON_VALID("data") OR "data" IS NULL)' },
      { name: null, expression: '"big" >= 0' },
      { name: null, expression: '"qty" >= 0' },
      { name: null, expression: '"small" >= 0' },
    ]);
    assert.ok(product.indexes.some((i) => i.unique && i.where === '"active"' && i.columns.join() === "sku"));
    assert.ok(product.indexes.some((i) => !i.unique && i.columns.join() === "name,price DESC"));
    assert.ok(product.indexes.some((i) => i.unique && i.where === null && i.columns.join() === "name"), "UNIQUE column's automatic index");
    assert.deepEqual(product.foreignKeys, [{ columns: ["category_id"], table: "shop_category", to: ["id"] }]);
  });

  test("diff messages name the table, the thing and both sides", () => {
    const a = openSqlite("a", ":memory:");
    const b = openSqlite("b", ":memory:");
    a.db.exec(`CREATE TABLE t (id integer PRIMARY KEY, x varchar(10) NOT NULL, y int, CHECK (y > 0)); CREATE INDEX i1 ON t (x);
      CREATE TABLE only_a (id integer)`);
    b.db.exec("CREATE TABLE t (id integer PRIMARY KEY, y int, x text, z int); CREATE UNIQUE INDEX i2 ON t (x) WHERE x IS NOT NULL");
    assert.deepEqual(diffSnapshots(snapshotSchema(a.db), snapshotSchema(b.db), { labels: ["A", "B"], columnOrder: true }), [
      'table "only_a" only in A',
      'table "t": column "x" has type varchar(10) in A but text in B',
      'table "t": column "x" is NOT NULL in A but nullable in B',
      'table "t": column "z" only in B',
      'table "t": column order (id, x, y) in A but (id, y, x) in B',
      'table "t": check ("y" > 0) only in A',
      'table "t": index on (x) only in A',
      'table "t": unique index on (x) WHERE "x" IS NOT NULL only in B',
    ]);
  });

  test("excluded prefixes are a parameter", () => {
    const names = snapshotSchema(djangoDb().db, { excludePrefixes: ["shop_"] }).tables.map((t) => t.name);
    assert.deepEqual(names, ["django_migrations"]);
  });
});

describe("reading stored SQL", () => {
  test("CHECKs are found at any depth, with their names, ignoring quotes and comments", () => {
    const sql = `CREATE TABLE "t" ("a" text NULL CHECK ((JSON_VALID("a") OR "a" IS NULL)), b int /* CHECK (no) */,
      c text DEFAULT 'CHECK (x)', CONSTRAINT [n 1] CHECK (b>=0 AND c <> ')'))`;
    assert.deepEqual(extractChecks(sql), [
      { name: null, expression: '(JSON_VALID("a") OR "a" IS NULL)' },
      { name: "n 1", expression: `"b" >= 0 AND "c" <> ')'` },
    ]);
  });

  test("canonical text is the same however the expression was spelled", () => {
    const a = canonicalSql(tokenize('"qty">=0 and lower( "s" ) in (1,2)'));
    const b = canonicalSql(tokenize("qty >= 0 AND LOWER(s) IN (1, 2)"));
    assert.equal(a, b);
    assert.equal(a, '"qty" >= 0 AND LOWER("s") IN (1, 2)');
  });
});
