import { openSqlite } from "../../server/src/engine/backends/sqlite/base";
import { snapshotSchema } from "../../server/src/engine/backends/sqlite/introspection";
import { Migration } from "../../server/src/engine/migration";
import { AddField, AlterField, CreateModel, RemoveField, RenameField, RenameModel, AlterModelTable, AddIndex, AddConstraint, DeleteModel, AlterUniqueTogether } from "../../server/src/engine/operations";
import { ProjectState } from "../../server/src/engine/state";
import { autoId, f, Q } from "./fixtures";

async function run(conn: ReturnType<typeof openSqlite>, state: ProjectState, m: Migration) {
  const sql: string[] = [];
  m.apply(state, conn.schemaEditor((s) => sql.push(s)));
  console.log(`--- ${m.name}\n` + sql.join(";\n"));
  await conn.atomic(async () => { for (const s of sql) await conn.execute(s); });
}
async function main() {
const conn = openSqlite("default", ":memory:");
const state = new ProjectState();
await run(conn, state, new Migration("lib", "0001", { operations: [
  new CreateModel("Author", [autoId(), ["name", f("CharField", { maxLength: 50 })]]),
  new CreateModel("Book", [autoId(), ["title", f("CharField", { maxLength: 100 })], ["pages", f("IntegerField", { null: true })],
    ["author", f("ForeignKey", { to: "lib.author", onDelete: "CASCADE" })], ["tags", f("ManyToManyField", { to: "lib.author", relatedName: "tagged" })]]),
]}));
conn.db.exec(`INSERT INTO lib_author (name) VALUES ('a'), ('b'); INSERT INTO lib_book (title, pages, author_id) VALUES ('t1', NULL, 1), ('t2', 5, 2); INSERT INTO lib_book_tags (book_id, author_id) VALUES (1, 2)`);
await run(conn, state, new Migration("lib", "0002", { operations: [
  new AddField("book", "isbn", f("CharField", { maxLength: 13, default: "x" })),
  new AddField("book", "note", f("TextField", { null: true })),
  new AlterField("book", "pages", f("IntegerField", { default: 0 })),
  new RenameField("book", "title", "name"),
  new AddField("book", "code", f("IntegerField", { default: 7 }), false),
  new RemoveField("book", "note"),
  new AlterUniqueTogether("book", [["name", "isbn"]]),
]}));
await run(conn, state, new Migration("lib", "0003", { operations: [
  new RenameModel("Author", "Writer"),
  new AlterModelTable("book", "books"),
  new RenameField("book", "author", "writer"),
  new AddIndex("book", { name: "rating_idx", fields: ["-pages"] }),
  new AddConstraint("book", { kind: "CheckConstraint", name: "pages_pos", check: Q({ pages__gte: 0 }) }),
]}));
console.log(conn.db.prepare("select * from books").all(), conn.db.prepare("select * from books_tags").all());
console.log(JSON.stringify(snapshotSchema(conn.db), null, 1).slice(0, 3000));
await run(conn, state, new Migration("lib", "0004", { operations: [ new DeleteModel("Book") ]}));
console.log(conn.db.prepare("select name from sqlite_master").all());
}
main().catch((e) => { console.error(e); process.exit(1); });
