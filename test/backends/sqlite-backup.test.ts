// SqliteConnection.backup: a consistent copy in rollback-journal mode (the
// file copied under SQLite's SHARED lock) and in WAL mode (the backup API,
// committed pages still in the -wal file included).
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import Database from "better-sqlite3";
import { openSqlite } from "../../server/src/engine/backends/sqlite/base";

for (const mode of ["delete", "wal"]) {
  test(`backup in ${mode} mode holds every committed row`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tsm-bak-"));
    try {
      const file = path.join(dir, "db.sqlite3");
      const conn = openSqlite("default", file);
      conn.db.pragma(`journal_mode = ${mode}`);
      conn.db.pragma("wal_autocheckpoint = 0");
      await conn.execute("CREATE TABLE t (x integer)");
      await conn.execute("INSERT INTO t VALUES (1), (2), (3)");
      await conn.backup(path.join(dir, "copy"));
      await conn.execute("INSERT INTO t VALUES (4)");
      await conn.close();
      const copy = new Database(path.join(dir, "copy"), { readonly: true });
      assert.deepEqual(copy.prepare("SELECT x FROM t ORDER BY x").all(), [{ x: 1 }, { x: 2 }, { x: 3 }]);
      copy.close();
      const again = openSqlite("default", file);
      await assert.rejects(again.backup(path.join(dir, "copy")), /already exists/, "never overwrites a file");
      await again.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}
