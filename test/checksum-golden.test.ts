// Pinned formats: the checksums of fixed migration files
// (test-fixtures/golden/, written once and never regenerated) as literal
// hex. A change to the canonical form a checksum is taken of would mark
// every migration users have applied "modified since applied"; this test
// fails first. The writer is pinned too: each file reads back and writes
// out byte for byte.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { readMigrationFile } from "../server/src/engine/loader-file";
import { writeMigration } from "../server/src/engine/writer";

const DIR = path.join(__dirname, "..", "test-fixtures", "golden", "shop", "migrations");

/** SHA-256 of each file's canonical content, as recorded in `tsmigrate_migrations.checksum`. */
const GOLDEN: Record<string, string> = {
  "0001_initial.ts": "d114eaab9b3c943e7fe15b82920215c31b4b5e1727b17877deb6baa6d3466e18",
  "0002_everything.ts": "eaade4fbd21b2068132cf7567f5a32b86eefe1a6b04e4eff7efe29c9e26cc8a4",
  "0003_not_atomic.ts": "4537310b11668d3d5a6fad643c6a7f6f8936c2d50de035012100d78994d19f12",
};

for (const [file, checksum] of Object.entries(GOLDEN)) {
  const text = fs.readFileSync(path.join(DIR, file), "utf8");

  test(`${file}: checksum is pinned`, () => {
    assert.equal(readMigrationFile("shop", path.join(DIR, file), text).checksum(), checksum);
  });

  test(`${file}: comments and formatting do not change the checksum`, () => {
    const edited = `// edited by hand\n${text.replace(/\n {4}/g, "\n        ")}`;
    assert.notEqual(edited, text);
    assert.equal(readMigrationFile("shop", path.join(DIR, file), edited).checksum(), checksum);
  });

  test(`${file}: reads back and writes out byte for byte`, () => {
    assert.equal(writeMigration(readMigrationFile("shop", path.join(DIR, file), text)), text);
  });
}

test("every golden file is pinned", () => {
  assert.deepEqual(fs.readdirSync(DIR).sort(), Object.keys(GOLDEN).sort());
});
