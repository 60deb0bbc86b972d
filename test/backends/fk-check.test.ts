/**
 * The foreign key check before commit covers what a transaction touched:
 * tsmigrate's own DDL is checked table by table, anything else (RunSQL,
 * DELETE, a table dropped for good) makes the whole database checked.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { openSqlite, touchedTables } from "../../server/src/engine/backends/sqlite/base";
import { TsMigrateError } from "../../server/src/engine/errors";

test("touchedTables classifies statements", () => {
  assert.deepEqual(touchedTables('CREATE TABLE "new__shop_product" ("id" integer)'), { tables: ["new__shop_product"] });
  assert.deepEqual(touchedTables('ALTER TABLE "new__a" RENAME TO "a"'), { tables: ["new__a", "a"] });
  assert.deepEqual(touchedTables('INSERT INTO "a" ("id") SELECT "id" FROM "b"'), { tables: ["a"] });
  assert.deepEqual(touchedTables('DROP TABLE "a"'), { tables: [], dropped: "a" });
  assert.deepEqual(touchedTables('CREATE INDEX "i" ON "a" ("x")'), { tables: [] });
  assert.deepEqual(touchedTables("INSERT INTO tsmigrate_migrations (app) VALUES (?)"), { tables: [] });
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
