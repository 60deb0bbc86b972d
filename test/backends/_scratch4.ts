import { openSqlite, type SqliteConnection } from "../../server/src/engine/backends/sqlite/base";
import { diffSnapshots, snapshotSchema } from "../../server/src/engine/backends/sqlite/introspection";
import { sqliteSchemaEditor } from "../../server/src/engine/backends/sqlite/base";
import { Migration } from "../../server/src/engine/migration";
import * as ops from "../../server/src/engine/operations";
import type { Operation } from "../../server/src/engine/operations/base";
import { ProjectState } from "../../server/src/engine/state";
import { autoId, f, Q } from "./fixtures";

function fresh(state: ProjectState) {
  const db = openSqlite("f", ":memory:");
  const sql: string[] = [];
  const ed = sqliteSchemaEditor((s) => sql.push(s));
  for (const m of state.models.values()) ed.createModel(m, state);
  ed.flush();
  for (const s of sql) db.db.exec(s);
  return db;
}
let n = 0;
async function step(conn: SqliteConnection, state: ProjectState, label: string, ...o: Operation[]) {
  const sql: string[] = [];
  const before = state.clone();
  try {
    new Migration("lib", `m${n++}`, { operations: o }).apply(state, conn.schemaEditor((s) => sql.push(s)));
    await conn.atomic(async () => { for (const s of sql) await conn.execute(s); });
  } catch (e) { console.log(`### ${label}: ERROR`, (e as Error).stack, "\n  " + sql.join(";\n  ")); return; }
  const opts = { defaults: true, onDelete: true };
  const d = diffSnapshots(snapshotSchema(conn.db, opts), snapshotSchema(fresh(state).db, opts), { columnOrder: true, labels: ["migrated", "fresh"] });
  const nrebuild = sql.filter((s) => s.startsWith('CREATE TABLE "new__')).length;
  console.log(`### ${label}: ${d.length ? "DIFF" : "ok"} (${sql.length} stmts, ${nrebuild} rebuilds)`);
  if (d.length || process.env.V) console.log("  " + sql.join(";\n  ") + "\n  " + d.join("\n  "));
  // backwards then forwards again
  const bsql: string[] = [];
  try {
    new Migration("lib", `m${n}`, { operations: o }).unapply(before, conn.schemaEditor((s) => bsql.push(s)));
    await conn.atomic(async () => { for (const s of bsql) await conn.execute(s); });
    const d2 = diffSnapshots(snapshotSchema(conn.db, opts), snapshotSchema(fresh(before).db, opts), { columnOrder: true, labels: ["unapplied", "fresh"] });
    if (d2.length) console.log(`  BACKWARDS DIFF\n  ` + bsql.join(";\n  ") + "\n  " + d2.join("\n  "));
    const fsql: string[] = [];
    new Migration("lib", `m${n}`, { operations: o }).apply(before.clone(), conn.schemaEditor((s) => fsql.push(s)));
    await conn.atomic(async () => { for (const s of fsql) await conn.execute(s); });
  } catch (e) { console.log(`  BACKWARDS ERROR`, (e as Error).message, "\n  " + bsql.join(";\n  ")); }
}
async function main() {
  const conn = openSqlite("d", ":memory:");
  const state = new ProjectState();
  await step(conn, state, "initial",
    new ops.CreateModel("Author", [autoId(), ["name", f("CharField", { maxLength: 50, dbIndex: true })]]),
    new ops.CreateModel("Node", [autoId(), ["parent", f("ForeignKey", { to: "lib.node", onDelete: "CASCADE", null: true })], ["friends", f("ManyToManyField", { to: "lib.node" })]]),
    new ops.CreateModel("Book", [autoId(), ["title", f("CharField", { maxLength: 100 })], ["pages", f("IntegerField", { null: true })],
      ["author", f("ForeignKey", { to: "lib.author", onDelete: "CASCADE" })], ["tags", f("ManyToManyField", { to: "lib.author", relatedName: "t" })]],
      { uniqueTogether: [["title", "pages"]], indexes: [{ name: "bk_idx", fields: ["-pages"], condition: Q({ pages__gt: 1 }) }],
        constraints: [{ kind: "CheckConstraint", name: "pg", check: Q({ pages__gte: 0 }) }] }),
    new ops.AddField("author", "age", f("PositiveIntegerField", { default: 1 })),
    new ops.AlterField("author", "name", f("CharField", { maxLength: 60, dbIndex: true })));
  conn.db.exec(`INSERT INTO lib_author (name, age) VALUES ('a', 1), ('b', 2); INSERT INTO lib_node (parent_id) VALUES (NULL), (1);
    INSERT INTO lib_node_friends (from_node_id, to_node_id) VALUES (1, 2); INSERT INTO lib_book (title, pages, author_id) VALUES ('x', 3, 1);
    INSERT INTO lib_book_tags (book_id, author_id) VALUES (1, 2);`);
  await step(conn, state, "rename self-ref model", new ops.RenameModel("Node", "Vertex"));
  await step(conn, state, "rename m2m field", new ops.RenameField("book", "tags", "labels"));
  conn.db.exec("DELETE FROM lib_book_labels");
  await step(conn, state, "m2m target change", new ops.AlterField("book", "labels", f("ManyToManyField", { to: "lib.vertex", relatedName: "t" })));
  await step(conn, state, "rename col in unique_together + partial index + check", new ops.RenameField("book", "title", "heading"));
  await step(conn, state, "dbIndex off, unique on", new ops.AlterField("author", "name", f("CharField", { maxLength: 60, unique: true })));
  await step(conn, state, "add NOT NULL + table rename + alter", new ops.AddField("book", "code", f("IntegerField", { default: 3 }), false),
    new ops.AlterModelTable("book", "books"), new ops.AlterField("book", "heading", f("CharField", { maxLength: 120 })), new ops.AddIndex("book", { name: "t_idx", fields: ["heading"] }));
  await step(conn, state, "rename pk", new ops.RenameField("author", "id", "ident"));
  await step(conn, state, "rename referenced model", new ops.RenameModel("Author", "Writer"));
  await step(conn, state, "create then alter in same migration", new ops.CreateModel("Tag", [autoId(), ["name", f("CharField", { maxLength: 5, dbIndex: true })]]),
    new ops.RenameField("tag", "name", "label"), new ops.AlterField("tag", "label", f("CharField", { maxLength: 9, dbIndex: true, null: true })));
  await step(conn, state, "check + unique constraint + remove field", new ops.AddConstraint("tag", { kind: "UniqueConstraint", name: "u_label", fields: ["label"] }),
    new ops.AddField("tag", "n", f("IntegerField", { null: true })), new ops.RemoveField("tag", "n"));
  await step(conn, state, "delete pending", new ops.AlterField("tag", "label", f("CharField", { maxLength: 10, null: true })), new ops.DeleteModel("Tag"));
  console.log(conn.db.prepare("select * from books").all(), conn.db.prepare("select * from lib_vertex_friends").all());
}
main().catch((e) => { console.error(e); process.exit(1); });
