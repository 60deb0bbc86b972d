// `tsmigrate diffschema` on SQLite: the drift tests of diffschema-cases.ts
// (test/postgres/diffschema.test.ts runs them on PostgreSQL), and a missing
// database file.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { driftTests } from "./diffschema-cases";
import { run, SQLITE, tempDir } from "./helpers";

const migrated = driftTests(SQLITE);

test("a missing database file is an error (exit 2), not created", async () => {
  const dir = tempDir("tsm-drift-missing-");
  fs.cpSync(migrated(), dir, { recursive: true });
  fs.rmSync(path.join(dir, "db.sqlite3"));
  const r = await run(dir, "diffschema");
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /cannot open SQLite database/);
  assert.equal(fs.existsSync(path.join(dir, "db.sqlite3")), false);
});
