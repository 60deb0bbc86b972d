/**
 * A sequence of migrations on one database, each checked three ways: the
 * migrated schema equals the schema the resulting models create from
 * scratch (defaults, ON DELETE and column order included), unapplying
 * restores the previous schema, and the number of table rebuilds is the
 * minimum (at most one per table, none where SQLite can ALTER).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { openSqlite, type SqliteConnection, sqliteSchemaEditor } from "../../server/src/engine/backends/sqlite/base";
import { diffSnapshots, snapshotSchema } from "../../server/src/engine/backends/sqlite/introspection";
import { Migration } from "../../server/src/engine/migration";
import * as ops from "../../server/src/engine/operations";
import type { Operation } from "../../server/src/engine/operations/base";
import { ProjectState } from "../../server/src/engine/state";
import { autoId, f, Q } from "./fixtures";

const OPTS = { defaults: true, onDelete: true };

function freshSnapshot(state: ProjectState) {
  const conn = openSqlite("fresh", ":memory:");
  const editor = sqliteSchemaEditor((s) => conn.db.exec(s));
  for (const m of state.models.values()) editor.createModel(m, state);
  editor.flush();
  return snapshotSchema(conn.db, OPTS);
}

async function run(conn: SqliteConnection, sql: string[]) {
  await conn.atomic(async () => {
    for (const s of sql) await conn.execute(s);
  });
}

/** Applies `ops`, checks against a fresh schema, unapplies and checks, re-applies; returns the number of rebuilds. */
async function step(conn: SqliteConnection, state: ProjectState, ...operations: Operation[]): Promise<number> {
  const before = state.clone();
  const sql: string[] = [];
  new Migration("lib", "step", { operations }).apply(state, conn.schemaEditor((s) => sql.push(s)));
  await run(conn, sql);
  assert.deepEqual(diffSnapshots(snapshotSchema(conn.db, OPTS), freshSnapshot(state), { columnOrder: true, labels: ["migrated", "fresh"] }), [],
    sql.join(";\n"));
  const back: string[] = [];
  new Migration("lib", "step", { operations }).unapply(before, conn.schemaEditor((s) => back.push(s)));
  await run(conn, back);
  assert.deepEqual(diffSnapshots(snapshotSchema(conn.db, OPTS), freshSnapshot(before), { columnOrder: true, labels: ["unapplied", "fresh"] }), [],
    back.join(";\n"));
  const again: string[] = [];
  new Migration("lib", "step", { operations }).apply(before, conn.schemaEditor((s) => again.push(s)));
  await run(conn, again);
  return sql.filter((s) => s.startsWith('CREATE TABLE "new__')).length;
}

test("renames, relation changes and constraint changes keep schema and rows, with the fewest rebuilds", async () => {
  const conn = openSqlite("default", ":memory:");
  const state = new ProjectState();
  assert.equal(await step(conn, state,
    new ops.CreateModel("Author", [autoId(), ["name", f("CharField", { maxLength: 50, dbIndex: true })]]),
    new ops.CreateModel("Node", [
      autoId(),
      ["parent", f("ForeignKey", { to: "lib.node", onDelete: "CASCADE", null: true })],
      ["friends", f("ManyToManyField", { to: "lib.node" })],
    ]),
    new ops.CreateModel("Book", [
      autoId(),
      ["title", f("CharField", { maxLength: 100 })],
      ["pages", f("IntegerField", { null: true })],
      ["author", f("ForeignKey", { to: "lib.author", onDelete: "CASCADE" })],
      ["tags", f("ManyToManyField", { to: "lib.author", relatedName: "t" })],
    ], {
      uniqueTogether: [["title", "pages"]],
      indexes: [{ name: "bk_idx", fields: ["-pages"], condition: Q({ pages__gt: 1 }) }],
      constraints: [{ kind: "CheckConstraint", name: "pg", check: Q({ pages__gte: 0 }) }],
    }),
    new ops.AddField("author", "age", f("PositiveIntegerField", { default: 1 })),
    new ops.AlterField("author", "name", f("CharField", { maxLength: 60, dbIndex: true }))), 1);
  conn.db.exec(`INSERT INTO lib_author (name, age) VALUES ('a', 1), ('b', 2);
    INSERT INTO lib_node (parent_id) VALUES (NULL), (1); INSERT INTO lib_node_friends (from_node_id, to_node_id) VALUES (1, 2);
    INSERT INTO lib_book (title, pages, author_id) VALUES ('x', 3, 1); INSERT INTO lib_book_tags (book_id, author_id) VALUES (1, 2);`);

  assert.equal(await step(conn, state, new ops.RenameModel("Node", "Vertex")), 0, "self-referencing model and its M2M");
  assert.equal(await step(conn, state, new ops.RenameField("book", "tags", "labels")), 0, "M2M field rename renames the join table");
  conn.db.exec("DELETE FROM lib_book_labels");
  assert.equal(await step(conn, state, new ops.AlterField("book", "labels", f("ManyToManyField", { to: "lib.vertex", relatedName: "t" }))), 1,
    "M2M target change rebuilds the join table");
  assert.equal(await step(conn, state, new ops.RenameField("book", "title", "heading")), 0, "column in unique_together");
  assert.equal(await step(conn, state, new ops.AlterField("author", "name", f("CharField", { maxLength: 60, unique: true }))), 1);
  assert.equal(await step(conn, state,
    new ops.AddField("book", "code", f("IntegerField", { default: 3 }), false),
    new ops.AlterModelTable("book", "books"),
    new ops.AlterField("book", "heading", f("CharField", { maxLength: 120 })),
    new ops.AddIndex("book", { name: "t_idx", fields: ["heading"] })), 1, "one rebuild across a table rename");
  assert.equal(await step(conn, state, new ops.RenameField("author", "id", "ident")), 0, "primary key rename: references follow");
  assert.equal(await step(conn, state, new ops.RenameModel("Author", "Writer")), 0, "referenced model rename: references follow");
  assert.equal(await step(conn, state,
    new ops.CreateModel("Tag", [autoId(), ["name", f("CharField", { maxLength: 5, dbIndex: true })]]),
    new ops.RenameField("tag", "name", "label"),
    new ops.AlterField("tag", "label", f("CharField", { maxLength: 9, dbIndex: true, null: true }))), 1);
  assert.equal(await step(conn, state,
    new ops.AddConstraint("tag", { kind: "UniqueConstraint", name: "u_label", fields: ["label"] }),
    new ops.AddField("tag", "n", f("IntegerField", { null: true })),
    new ops.RemoveField("tag", "n")), 1);
  assert.equal(await step(conn, state,
    new ops.AlterField("tag", "label", f("CharField", { maxLength: 10, null: true })),
    new ops.DeleteModel("Tag")), 0, "a rebuild pending for a deleted table is dropped");

  assert.deepEqual(conn.db.prepare("SELECT * FROM books").all(), [{ id: 1, heading: "x", pages: 3, author_id: 1, code: 3 }]);
  assert.deepEqual(conn.db.prepare("SELECT * FROM lib_vertex_friends").all(), [{ id: 1, from_vertex_id: 1, to_vertex_id: 2 }]);
  assert.deepEqual(conn.db.prepare("SELECT ident, name, age FROM lib_writer ORDER BY ident").all(), [
    { ident: 1, name: "a", age: 1 }, { ident: 2, name: "b", age: 2 },
  ]);
});

test("state-only changes emit nothing", () => {
  const state = new ProjectState();
  const sql: string[] = [];
  new Migration("lib", "m", {
    operations: [
      new ops.CreateModel("Author", [autoId(), ["name", f("CharField", { maxLength: 50 })]]),
      new ops.CreateModel("Book", [autoId(), ["author", f("ForeignKey", { to: "lib.author", onDelete: "CASCADE" })]]),
    ],
  }).apply(state, sqliteSchemaEditor(() => undefined));
  new Migration("lib", "n", {
    operations: [
      new ops.AlterField("author", "name", f("CharField", {
        maxLength: 50, verboseName: "Name", blank: true, helpText: "h", choices: [["a", "A"]], editable: false,
      })),
      new ops.AlterField("book", "author", f("ForeignKey", { to: "lib.author", onDelete: "CASCADE", relatedName: "books", limitChoicesTo: { name: "a" } })),
      new ops.AlterModelOptions("author", { ordering: ["name"], verboseName: "writer" }),
    ],
  }).apply(state, sqliteSchemaEditor((s) => sql.push(s)));
  assert.deepEqual(sql, []);
});
