/**
 * The foreign key check before commit covers what a transaction touched:
 * tsmigrate's own DDL is checked table by table, anything else (RunSQL,
 * DELETE, a table dropped for good) makes the whole database checked.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { openSqlite } from "../../server/src/engine/backends/sqlite/base";
import { touchedTables } from "../../server/src/engine/backends/sqlite/foreign-keys";
import { TsMigrateError } from "../../server/src/engine/errors";

test("touchedTables classifies statements", () => {
  assert.deepEqual(touchedTables('CREATE TABLE "new__shop_product" ("id" integer)'), { tables: ["new__shop_product"], created: "new__shop_product" });
  assert.deepEqual(touchedTables("CREATE TABLE t(id integer)"), { tables: ["t"], created: "t" });
  // Not known to be empty: the table may exist already, or be filled by its SELECT.
  assert.deepEqual(touchedTables('CREATE TABLE IF NOT EXISTS "a" ("id" integer)'), { tables: ["a"] });
  assert.deepEqual(touchedTables('CREATE TABLE "a" AS SELECT * FROM "b"'), { tables: ["a"] });
  assert.deepEqual(touchedTables('ALTER TABLE "new__a" RENAME TO "a"'), { tables: ["new__a", "a"], renamed: ["new__a", "a"] });
  assert.deepEqual(touchedTables('ALTER TABLE "a" ADD COLUMN "b" integer NULL'), { tables: ["a"], rowsKept: true });
  assert.deepEqual(touchedTables('INSERT INTO "a" ("id") SELECT "id" FROM "b"'), { tables: ["a"] });
  assert.deepEqual(touchedTables('DROP TABLE "a"'), { tables: [], dropped: "a" });
  assert.deepEqual(touchedTables('CREATE INDEX "i" ON "a" ("x")'), { tables: [] });
  assert.deepEqual(touchedTables("INSERT INTO tsmigrate_migrations (app) VALUES (?)"), { tables: [] });
  // The transaction's own BEGIN (run inside atomic()) touches nothing: it once made every check a whole-database one.
  assert.deepEqual(touchedTables("BEGIN"), { tables: [] });
  assert.equal(touchedTables('DELETE FROM "a"'), "all");
  assert.equal(touchedTables("UPDATE a SET x = 1; DELETE FROM b"), "all");
  assert.deepEqual(touchedTables('UPDATE "a" SET x = 1;'), { tables: ["a"] });
  assert.equal(touchedTables("WITH x AS (SELECT 1) DELETE FROM a"), "all");
});

function parentChild() {
  const conn = openSqlite("default", ":memory:");
  conn.db.exec(`CREATE TABLE parent (id integer PRIMARY KEY);
    CREATE TABLE child (id integer PRIMARY KEY, parent_id integer REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED);
    INSERT INTO parent VALUES (1); INSERT INTO child VALUES (1, 1);`);
  return conn;
}

test("a DELETE of a referenced row is caught although it names no child table", async () => {
  const conn = parentChild();
  await assert.rejects(
    conn.atomic(async () => conn.execute("DELETE FROM parent")),
    (e: unknown) => e instanceof TsMigrateError && /child/.test(e.message) && /parent/.test(e.message),
  );
  assert.equal((conn.db.prepare("SELECT count(*) AS n FROM parent").get() as { n: number }).n, 1, "rolled back");
});

test("a table dropped for good leaves its children checked", async () => {
  const conn = parentChild();
  await assert.rejects(conn.atomic(async () => conn.execute('DROP TABLE "parent"')), TsMigrateError);
  assert.ok(conn.db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'parent'").get(), "rolled back");
});

test("a bad row copied into a rebuilt table is caught", async () => {
  const conn = parentChild();
  await assert.rejects(
    conn.atomic(async () => {
      await conn.execute('CREATE TABLE "new__child" (id integer PRIMARY KEY, parent_id integer REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)');
      await conn.execute('INSERT INTO "new__child" (id, parent_id) SELECT id, parent_id + 1 FROM "child"');
      await conn.execute('DROP TABLE "child"');
      await conn.execute('ALTER TABLE "new__child" RENAME TO "child"');
    }),
    (e: unknown) => e instanceof TsMigrateError && /child/.test(e.message),
  );
  assert.deepEqual(conn.db.prepare("SELECT parent_id FROM child").all(), [{ parent_id: 1 }]);
});

test("tables created in the transaction and never written to are not checked; written to, they are", async () => {
  const conn = openSqlite("default", ":memory:");
  const prepared: string[] = [];
  const prepare = conn.db.prepare.bind(conn.db);
  conn.db.prepare = ((sql: string) => {
    prepared.push(sql);
    return prepare(sql);
  }) as typeof conn.db.prepare;
  await conn.atomic(async () => {
    await conn.execute('CREATE TABLE "parent" ("id" integer PRIMARY KEY)');
    await conn.execute('CREATE TABLE "child" ("id" integer PRIMARY KEY, "parent_id" integer REFERENCES "parent" ("id") DEFERRABLE INITIALLY DEFERRED)');
    await conn.execute('ALTER TABLE "child" ADD COLUMN "note" text NULL');
    await conn.execute('CREATE TABLE "new__child" ("id" integer PRIMARY KEY, "parent_id" integer REFERENCES "parent" ("id") DEFERRABLE INITIALLY DEFERRED)');
    await conn.execute('DROP TABLE "child"');
    await conn.execute('ALTER TABLE "new__child" RENAME TO "child"');
  });
  assert.deepEqual(prepared.filter((s) => /foreign_key_check|sqlite_master/.test(s)), [], "nothing to check, nothing to look up");
  await assert.rejects(
    conn.atomic(async () => {
      await conn.execute('CREATE TABLE "orphan" ("id" integer PRIMARY KEY, "parent_id" integer REFERENCES "parent" ("id") DEFERRABLE INITIALLY DEFERRED)');
      await conn.execute('INSERT INTO "orphan" ("id", "parent_id") VALUES (1, 42)');
      await conn.execute('ALTER TABLE "orphan" RENAME TO "orphans"');
    }),
    (e: unknown) => e instanceof TsMigrateError && /orphans/.test(e.message),
  );
  assert.equal(conn.db.prepare("SELECT 1 FROM sqlite_master WHERE name LIKE 'orphan%'").get(), undefined, "rolled back");
});

test("CREATE TABLE IF NOT EXISTS of a table that holds a bad row is checked", async () => {
  const conn = parentChild();
  conn.db.pragma("foreign_keys = OFF");
  conn.db.exec("INSERT INTO child VALUES (2, 42)");
  await assert.rejects(
    conn.atomic(async () => conn.execute("CREATE TABLE IF NOT EXISTS child (id integer PRIMARY KEY)")),
    (e: unknown) => e instanceof TsMigrateError && /child/.test(e.message) && /42/.test(e.message),
  );
});
