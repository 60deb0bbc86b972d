// `tsmigrate inspectdb` on a PostgreSQL database written by hand
// (test-fixtures/legacy-pg/schema.sql: serial and identity keys, char(N),
// money, json, arrays, timestamp without time zone, a bare numeric, a
// positive CHECK, a `_like` index, a partial DESC index, a GIN expression
// index, CHECKs with IN and with a function): the whole models.ts against a
// reviewed copy, the database left as it was, a table filter; and after
// adoption, diffschema reports exactly what inspectdb could not write or
// noted (never a silent guess), and the foreign key made without
// DEFERRABLE (tsmigrate's, like Django's, are DEFERRABLE INITIALLY DEFERRED).
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { assertTableFilter, cleanTemps, ok, POSTGRES, REPO, run, tempDir } from "../inspectdb/helpers";

after(cleanTemps);

const LEGACY = path.join(REPO, "test-fixtures", "legacy-pg");
let project: string;

before(async () => {
  project = tempDir("tsm-legacy-pg-");
  await POSTGRES.newDatabase(project);
  await POSTGRES.exec(project, fs.readFileSync(path.join(LEGACY, "schema.sql"), "utf8"));
});

test("inspectdb on PostgreSQL prints the reviewed models.ts and leaves the database as it was", async () => {
  const before = await POSTGRES.fingerprint(project);
  const r = await ok(project, ["inspectdb"]);
  assert.equal(r.stdout, fs.readFileSync(path.join(LEGACY, "inspectdb.expected.txt"), "utf8"));
  assert.equal(await POSTGRES.fingerprint(project), before);
});

test("inspectdb TABLE on PostgreSQL prints only that table; an unknown table is exit 2", () => assertTableFilter(project));

test("adopting the hand-written PostgreSQL database: what inspectdb could not write or noted is what diffschema reports", async () => {
  const dir = tempDir("tsm-legacy-pg-adopt-");
  await POSTGRES.copyDatabase(project, dir);
  await ok(dir, ["inspectdb", "--app", "legacy"]);
  await ok(dir, ["makemigrations", "--noinput"]);
  await ok(dir, ["migrate", "--fake-initial", "--noinput"]);
  const drift = await run(dir, "diffschema");
  assert.equal(drift.code, 1, drift.stdout + drift.stderr);
  assert.deepEqual(drift.stdout.split("\n").filter((l) => l.startsWith("  - ")), [
    '  - table "message": check "body_not_empty" (LENGTH("body") > 0) exists in the database but in no migration',
    "  - table \"message\": index on (USING gin, TO_TSVECTOR('english', \"body\")) exists in the database but in no migration",
    '  - table "message": foreign key (author_id) -> person (id) ON DELETE CASCADE exists in the database but in no migration',
    '  - table "message": foreign key (author_id) -> person (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED is in the migrations but not in the database',
    '  - table "person": column "code" has type char(10) in the database but varchar(10) in the migrations',
    '  - table "person": column "salary" exists in the database but in no migration',
    '  - table "person": column "born" has type timestamp in the database but timestamp with time zone in the migrations',
    '  - table "person": column "weight" has DEFAULT 0.5 in the database but 0.50 in the migrations',
    '  - table "person": column "score" has type numeric in the database but numeric(10, 5) in the migrations',
    '  - table "person": column "raw" exists in the database but in no migration',
    '  - table "person": column "ident" has DEFAULT GEN_RANDOM_UUID() in the database but none in the migrations',
    '  - table "person": column "tags" exists in the database but in no migration',
  ]);
});
