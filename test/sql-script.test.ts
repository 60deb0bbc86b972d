// A run of SQL statements as one script (engine/sql-script.ts): its
// statements come back as they went in, and a statement that could run
// differently joined to the next one (its text not ending where it ends)
// makes the script run statement by statement.
import assert from "node:assert/strict";
import { test } from "node:test";
import Database from "better-sqlite3";
import { openSqlite } from "../server/src/engine/backends/sqlite/base";
import { SqlScript, selfContained } from "../server/src/engine/sql-script";

test("a script gives back each statement, its operation and its length", () => {
  const statements = [
    { sql: 'CREATE TABLE "a" ("x" text DEFAULT \'--;\')', op: 0 },
    { sql: "SELECT 1 -- a line comment, then nothing", op: 1 },
    { sql: "INSERT INTO a VALUES ('x\n;\ny')", op: -1 },
  ];
  const script = SqlScript.of(statements);
  assert.equal(script.length, 3);
  assert.deepEqual(script.statements(), statements);
  assert.deepEqual(script.layout(), statements.flatMap((s) => [s.op, s.sql.length]));
  assert.equal(script.joinable, true);
  const db = new Database(":memory:");
  db.exec(script.text);
  assert.deepEqual(db.prepare("SELECT x FROM a").all(), [{ x: "x\n;\ny" }], "run as one string, each statement ran once");
  db.close();
});

test("statements that do not end where their text ends are not joinable", () => {
  for (const sql of ["UPDATE a SET x = 1 /* open", "UPDATE a SET x = 'open", 'UPDATE "a SET x = 1', "UPDATE [a SET x = 1",
    "CREATE TRIGGER t AFTER INSERT ON a BEGIN UPDATE a SET x = 1; END"]) {
    assert.equal(selfContained(sql), false, sql);
    assert.equal(SqlScript.of([{ sql: "SELECT 1", op: 0 }, { sql, op: 1 }]).joinable, false, sql);
  }
  for (const sql of ["UPDATE a SET x = 'it''s'", 'CREATE INDEX "i" ON "a" ("x")', "SELECT 1 -- comment", "SELECT '[1, 2]'"]) {
    assert.equal(selfContained(sql), true, sql);
  }
});

test("a script with RunCode in it is a bug of ours", () => {
  assert.throws(() => SqlScript.of([{ sql: "-- RunCode", op: 0, code: "async () => {}" }]), /RunCode has no place in a SQL script/);
});

test("SQLite: a script that fails is run again statement by statement, unless its failure ended the transaction", async () => {
  const conn = openSqlite("default", ":memory:");
  try {
    conn.db.exec('CREATE TABLE "b" ("x" integer)');
    const script = SqlScript.of([{ sql: 'CREATE TABLE "a" ("x" integer)', op: 0 }, { sql: 'CREATE TABLE "b" ("x" integer)', op: 1 }]);
    const failed = await conn.atomic(async () => conn.executeScriptSync(script));
    assert.equal(failed.ran, 1, "the second statement is the one that failed");
    assert.match(String((failed.error as Error).message), /table "b" already exists/);
    // An error after which SQLite holds no transaction any more (as after SQLITE_FULL): no second run, the error as is.
    const db = conn.db;
    const exec = db.exec.bind(db);
    (db as { exec: (sql: string) => unknown }).exec = (sql: string) => {
      if (sql === script.text) {
        exec("ROLLBACK");
        throw Object.assign(new Error("database or disk is full"), { code: "SQLITE_FULL" });
      }
      return exec(sql);
    };
    await assert.rejects(conn.atomic(async () => conn.executeScriptSync(script)),
      /SQLite error: database or disk is full\n {2}while executing: the 2 statements of a migration, run as one script/);
  } finally {
    await conn.close();
  }
});
