// A SQLite database busy with another writer: the statement waits for the
// busy timeout, then fails saying what it waited for (code `locked`), not
// a bare "database is locked".
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import Database from "better-sqlite3";
import { BUSY_TIMEOUT_MS, openSqlite } from "../../server/src/engine/backends/sqlite/base";
import type { TsMigrateError } from "../../server/src/engine/errors";

test("a write kept out by another writer names what it waited for", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tsm-busy-"));
  const file = path.join(dir, "db.sqlite3");
  const other = new Database(file);
  try {
    other.exec("CREATE TABLE t (x integer); BEGIN IMMEDIATE; INSERT INTO t VALUES (1)");
    const conn = openSqlite("default", file);
    try {
      await assert.rejects(conn.execute("INSERT INTO t VALUES (2)"), (e: TsMigrateError) => {
        assert.equal(e.code, "locked");
        assert.match(e.message, new RegExp(`^the SQLite database is busy: another connection .* holds its write lock, and it was still held after waiting ${BUSY_TIMEOUT_MS / 1000} s`));
        return true;
      });
    } finally {
      await conn.close();
    }
  } finally {
    other.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
