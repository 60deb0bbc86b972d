/**
 * Migrations run on an in-memory SQLite database through the SQLite schema
 * editor and connection: data survives rebuilds, each table is rebuilt at
 * most once per migration, failures roll back, foreign keys are checked.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { openSqlite, type SqliteConnection } from "../../server/src/engine/backends/sqlite/base";
import { diffSnapshots, snapshotSchema } from "../../server/src/engine/backends/sqlite/introspection";
import { TsMigrateError } from "../../server/src/engine/errors";
import { Migration } from "../../server/src/engine/migration";
import {
  AddField, AlterField, AlterModelTable, CreateModel, DeleteModel, RemoveField, RenameField, RenameModel, RunSQL,
} from "../../server/src/engine/operations";
import type { Operation } from "../../server/src/engine/operations/base";
import { ModelState, ProjectState } from "../../server/src/engine/state";
import { autoId, f } from "./fixtures";

/** Applies one migration of `ops` (app "lib") in one transaction; returns its statements. */
async function migrate(conn: SqliteConnection, state: ProjectState, ...ops: Operation[]): Promise<string[]> {
  const sql: string[] = [];
  new Migration("lib", "m", { operations: ops }).apply(state, conn.schemaEditor((s) => sql.push(s)));
  await conn.atomic(async () => {
    for (const s of sql) await conn.execute(s);
  });
  return sql;
}

/** Unapplies one migration of `ops` whose before-state is `before`. */
async function unmigrate(conn: SqliteConnection, before: ProjectState, ...ops: Operation[]): Promise<string[]> {
  const sql: string[] = [];
  new Migration("lib", "m", { operations: ops }).unapply(before, conn.schemaEditor((s) => sql.push(s)));
  await conn.atomic(async () => {
    for (const s of sql) await conn.execute(s);
  });
  return sql;
}

const rows = (conn: SqliteConnection, sql: string) => conn.db.prepare(sql).all();
const rebuilds = (sql: string[]) => sql.filter((s) => s.startsWith('CREATE TABLE "new__'));

/** Author(name) and Book(title, pages NULL, author FK), with three books. */
async function library(): Promise<{ conn: SqliteConnection; state: ProjectState }> {
  const conn = openSqlite("default", ":memory:");
  const state = new ProjectState();
  await migrate(conn, state,
    new CreateModel("Author", [autoId(), ["name", f("CharField", { maxLength: 50 })]]),
    new CreateModel("Book", [
      autoId(),
      ["title", f("CharField", { maxLength: 100 })],
      ["pages", f("IntegerField", { null: true })],
      ["author", f("ForeignKey", { to: "lib.author", onDelete: "CASCADE" })],
    ]));
  conn.db.exec(`INSERT INTO lib_author (id, name) VALUES (1, 'Ann'), (2, 'Bob');
    INSERT INTO lib_book (id, title, pages, author_id) VALUES (1, 'A', NULL, 1), (2, 'B', 20, 2), (3, 'C', NULL, 2);`);
  return { conn, state };
}

describe("rebuilds", () => {
  test("several alters of one table in one migration copy the table once and keep every row", async () => {
    const { conn, state } = await library();
    const sql = await migrate(conn, state,
      new AddField("book", "isbn", f("CharField", { maxLength: 13, default: "none" })),
      new AddField("book", "rank", f("IntegerField", { default: 5 }), false),
      new AlterField("book", "pages", f("IntegerField", { default: 0 })),
      new RenameField("book", "title", "name"),
      new AddField("book", "note", f("TextField", { null: true })),
      new RemoveField("book", "note"),
      new AlterField("book", "name", f("CharField", { maxLength: 200 })));
    assert.equal(rebuilds(sql).length, 1, sql.join("\n"));
    assert.deepEqual(sql.filter((s) => s.startsWith("INSERT")), [
      'INSERT INTO "new__lib_book" ("id", "name", "pages", "author_id", "isbn", "rank") '
      + 'SELECT "id", "title", coalesce("pages", 0), "author_id", "isbn", 5 FROM "lib_book"',
    ]);
    assert.deepEqual(rows(conn, "SELECT id, name, pages, author_id, isbn, rank FROM lib_book ORDER BY id"), [
      { id: 1, name: "A", pages: 0, author_id: 1, isbn: "none", rank: 5 },
      { id: 2, name: "B", pages: 20, author_id: 2, isbn: "none", rank: 5 },
      { id: 3, name: "C", pages: 0, author_id: 2, isbn: "none", rank: 5 },
    ]);
    const book = snapshotSchema(conn.db, { defaults: true }).tables.find((t) => t.name === "lib_book")!;
    assert.deepEqual(book.columns.map((c) => [c.name, c.type, c.notNull, c.default]), [
      ["id", "integer", true, null], ["name", "varchar(200)", true, null], ["pages", "integer", true, "0"],
      ["author_id", "bigint", true, null], ["isbn", "varchar(13)", true, "'none'"], ["rank", "integer", true, null],
    ]);
    assert.deepEqual(book.indexes.map((i) => i.columns), [["author_id"]], "the FK index is recreated");
  });

  test("cheap paths: ADD COLUMN, DROP COLUMN and RENAME COLUMN without a rebuild", async () => {
    const { conn, state } = await library();
    const sql = await migrate(conn, state,
      new AddField("book", "isbn", f("CharField", { maxLength: 13, default: "x" })),
      new AddField("book", "note", f("TextField", { null: true })),
      new RenameField("book", "title", "name"),
      new RemoveField("book", "pages"));
    assert.deepEqual(sql, [
      `ALTER TABLE "lib_book" ADD COLUMN "isbn" varchar(13) DEFAULT 'x' NOT NULL`,
      'ALTER TABLE "lib_book" ADD COLUMN "note" text NULL',
      'ALTER TABLE "lib_book" RENAME COLUMN "title" TO "name"',
      'ALTER TABLE "lib_book" DROP COLUMN "pages"',
    ]);
    assert.deepEqual(rows(conn, "SELECT name, isbn, note FROM lib_book WHERE id = 2"), [{ name: "B", isbn: "x", note: null }]);
  });

  test("renaming a foreign key column keeps its index named after the column", async () => {
    const { conn, state } = await library();
    const sql = await migrate(conn, state, new RenameField("book", "author", "writer"));
    assert.equal(rebuilds(sql).length, 0);
    const idx = rows(conn, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'lib_book'");
    assert.equal(idx.length, 1);
    assert.match((idx[0] as { name: string }).name, /^lib_book_writer_id_[0-9a-f]{8}$/);
  });

  test("a unique violation during a rebuild rolls back and leaves the table as it was", async () => {
    const { conn, state } = await library();
    conn.db.exec("UPDATE lib_book SET title = 'same'");
    const before = snapshotSchema(conn.db, { defaults: true, indexNames: true });
    await assert.rejects(
      migrate(conn, state.clone(), new AlterField("book", "title", f("CharField", { maxLength: 100, unique: true }))),
      (e: unknown) => e instanceof TsMigrateError && e.code === "database"
        && /UNIQUE constraint failed/.test(e.message) && /INSERT INTO "new__lib_book"/.test(e.message),
    );
    assert.deepEqual(snapshotSchema(conn.db, { defaults: true, indexNames: true }), before);
    assert.equal(rows(conn, "SELECT * FROM lib_book").length, 3);
    assert.equal(conn.db.inTransaction, false);
    assert.equal(conn.db.pragma("foreign_keys", { simple: true }), 1, "foreign keys are back on");
  });

  test("foreign keys are checked after the rebuild: a dangling default rolls back with the row named", async () => {
    const { conn, state } = await library();
    await assert.rejects(
      migrate(conn, state.clone(), new AddField("book", "editor", f("ForeignKey", { to: "lib.author", onDelete: "CASCADE", default: 99 }))),
      (e: unknown) => e instanceof TsMigrateError && e.code === "database"
        && e.message.includes("The row in table 'lib_book' with primary key '1' has an invalid foreign key: lib_book.editor_id contains a value '99' that does not have a corresponding value in lib_author.id."),
    );
    assert.deepEqual(rows(conn, "SELECT name FROM pragma_table_info('lib_book') WHERE name = 'editor_id'"), []);
  });

  test("changing a primary key's type rebuilds the tables that reference it", async () => {
    const conn = openSqlite("default", ":memory:");
    const state = new ProjectState();
    await migrate(conn, state,
      new CreateModel("Item", [["code", f("CharField", { maxLength: 10, primaryKey: true })]]),
      new CreateModel("Ref", [autoId(), ["item", f("ForeignKey", { to: "lib.item", onDelete: "CASCADE" })]]));
    conn.db.exec("INSERT INTO lib_item VALUES ('a'); INSERT INTO lib_ref (item_id) VALUES ('a');");
    const sql = await migrate(conn, state, new AlterField("item", "code", f("CharField", { maxLength: 20, primaryKey: true })));
    assert.deepEqual(rebuilds(sql).map((s) => s.split(" (")[0]), ['CREATE TABLE "new__lib_item"', 'CREATE TABLE "new__lib_ref"']);
    const ref = snapshotSchema(conn.db).tables.find((t) => t.name === "lib_ref")!;
    assert.equal(ref.columns.find((c) => c.name === "item_id")!.type, "varchar(20)");
    assert.deepEqual(rows(conn, "SELECT item_id FROM lib_ref"), [{ item_id: "a" }]);
  });

  test("RunSQL sees the schema it expects: pending rebuilds run first", async () => {
    const { conn, state } = await library();
    const sql = await migrate(conn, state,
      new AlterField("book", "pages", f("IntegerField", { default: 0 })),
      new RunSQL("UPDATE lib_book SET pages = pages + 1"));
    assert.equal(sql[sql.length - 1], "UPDATE lib_book SET pages = pages + 1");
    assert.deepEqual(rows(conn, "SELECT pages FROM lib_book ORDER BY id"), [{ pages: 1 }, { pages: 21 }, { pages: 1 }]);
  });

  test("unapplying a migration restores the schema, column order included", async () => {
    const { conn, state } = await library();
    const before = state.clone();
    const snapBefore = snapshotSchema(conn.db, { defaults: true });
    const ops = () => [
      new AddField("book", "rank", f("IntegerField", { default: 5 }), false),
      new AlterField("book", "pages", f("IntegerField", { default: 0 })),
      new RenameField("book", "title", "name"),
    ];
    await migrate(conn, state, ...ops());
    await unmigrate(conn, before, ...ops());
    assert.deepEqual(diffSnapshots(snapshotSchema(conn.db, { defaults: true }), snapBefore, { columnOrder: true }), []);
  });

  test("unapplying RemoveField of a middle column puts it back in its place (a rebuild, not ADD COLUMN), rows kept", async () => {
    // Found by the property test (test/property-histories.test.ts): ADD COLUMN appended the column.
    const { conn, state } = await library();
    await migrate(conn, state, new AlterField("book", "pages", f("IntegerField", { null: true, default: 7 })));
    const before = state.clone();
    const snapBefore = snapshotSchema(conn.db, { defaults: true });
    await migrate(conn, state, new RemoveField("book", "pages"));
    const sql = await unmigrate(conn, before, new RemoveField("book", "pages"));
    assert.equal(rebuilds(sql).length, 1, sql.join("\n"));
    assert.deepEqual(diffSnapshots(snapshotSchema(conn.db, { defaults: true }), snapBefore, { columnOrder: true }), []);
    assert.deepEqual(rows(conn, "SELECT id, title, pages, author_id FROM lib_book ORDER BY id"), [
      { id: 1, title: "A", pages: 7, author_id: 1 }, { id: 2, title: "B", pages: 7, author_id: 2 }, { id: 3, title: "C", pages: 7, author_id: 2 },
    ]);
    // The last column still comes back with ADD COLUMN.
    const s = before.clone();
    await migrate(conn, s, new AddField("book", "note", f("TextField", { null: true })));
    const withNote = s.clone();
    await migrate(conn, s, new RemoveField("book", "note"));
    const last = await unmigrate(conn, withNote, new RemoveField("book", "note"));
    assert.deepEqual(last, ['ALTER TABLE "lib_book" ADD COLUMN "note" text NULL']);
  });
});

describe("many-to-many tables", () => {
  test("created with the field and dropped with it or with the model", async () => {
    const { conn, state } = await library();
    await migrate(conn, state, new AddField("book", "tags", f("ManyToManyField", { to: "lib.author", relatedName: "tagged" })));
    conn.db.exec("INSERT INTO lib_book_tags (book_id, author_id) VALUES (1, 2)");
    assert.deepEqual(snapshotSchema(conn.db).tables.find((t) => t.name === "lib_book_tags")!.foreignKeys, [
      { columns: ["author_id"], table: "lib_author", to: ["id"] },
      { columns: ["book_id"], table: "lib_book", to: ["id"] },
    ]);
    await migrate(conn, state, new RemoveField("book", "tags"));
    assert.deepEqual(rows(conn, "SELECT name FROM sqlite_master WHERE name = 'lib_book_tags'"), []);
    await migrate(conn, state, new AddField("book", "fans", f("ManyToManyField", { to: "lib.author" })));
    await migrate(conn, state, new DeleteModel("Book"));
    assert.deepEqual(rows(conn, "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'lib_book%'"), []);
  });

  test("RenameModel and AlterModelTable rename tables and join columns without rebuilding, rows kept", async () => {
    const { conn, state } = await library();
    await migrate(conn, state, new AddField("book", "tags", f("ManyToManyField", { to: "lib.author" })));
    conn.db.exec("INSERT INTO lib_book_tags (book_id, author_id) VALUES (1, 2), (3, 1)");
    const sql = await migrate(conn, state, new RenameModel("Author", "Writer"), new AlterModelTable("book", "books"));
    assert.equal(rebuilds(sql).length, 0, sql.join("\n"));
    assert.deepEqual(rows(conn, "SELECT book_id, writer_id FROM books_tags ORDER BY id"), [{ book_id: 1, writer_id: 2 }, { book_id: 3, writer_id: 1 }]);
    const snap = snapshotSchema(conn.db);
    assert.deepEqual(snap.tables.map((t) => t.name), ["books", "books_tags", "lib_writer"]);
    assert.deepEqual(snap.tables.find((t) => t.name === "books")!.foreignKeys, [{ columns: ["author_id"], table: "lib_writer", to: ["id"] }]);
    assert.deepEqual(rows(conn, "PRAGMA foreign_key_check"), []);
    // The migrated schema is the schema the final models create from scratch.
    const fresh = openSqlite("default", ":memory:");
    await migrate(fresh, new ProjectState(),
      ...[state.require("lib", "Writer"), state.require("lib", "Book")].map((m: ModelState) => new CreateModel(m.name, [...m.fields], m.options)));
    assert.deepEqual(diffSnapshots(snapshotSchema(conn.db, { onDelete: true }), snapshotSchema(fresh.db, { onDelete: true }), { columnOrder: true }), []);
  });
});

describe("the connection", () => {
  test("nested atomic blocks are savepoints: an inner failure rolls back only the inner work", async () => {
    const conn = openSqlite("default", ":memory:");
    await conn.execute("CREATE TABLE t (x integer)");
    await conn.atomic(async () => {
      await conn.execute("INSERT INTO t VALUES (1)");
      await assert.rejects(conn.atomic(async () => {
        await conn.execute("INSERT INTO t VALUES (2)");
        await conn.execute("INSERT INTO nowhere VALUES (3)");
      }), (e: unknown) => e instanceof TsMigrateError && e.code === "database" && /no such table: nowhere/.test(e.message)
        && e.message.includes("INSERT INTO nowhere VALUES (3)"));
    });
    assert.deepEqual(await conn.query("SELECT x FROM t"), [{ x: 1 }]);
    assert.deepEqual(await conn.tableNames(), ["t"]);
    assert.deepEqual(await conn.columnNames("t"), ["x"]);
    await conn.close();
  });

  test("an error thrown by the work inside atomic rolls back and passes through unchanged", async () => {
    const conn = openSqlite("default", ":memory:");
    await conn.execute("CREATE TABLE t (x integer)");
    const boom = new Error("boom");
    await assert.rejects(conn.atomic(async () => {
      await conn.execute("INSERT INTO t VALUES (?)", [1]);
      throw boom;
    }), (e: unknown) => e === boom);
    assert.deepEqual(await conn.query("SELECT x FROM t"), []);
  });
});
