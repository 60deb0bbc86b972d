// `tsmigrate inspectdb` on a database written by hand
// (test-fixtures/legacy/schema.sql): the whole models.ts against a reviewed
// copy, what cannot be expressed left as TODO comments and then reported by
// diffschema after adoption (never a silent guess), table filters, --app,
// the database left untouched; and the names (Django's normalize_col_name
// and table2model) against Django 3.2's own functions.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { conditionToQ } from "../../server/src/engine/inspectdb/conditions";
import { normalizeColName, table2model } from "../../server/src/engine/inspectdb/names";
import { PYTHON } from "../django/django-runner";
import { REPO, assertTableFilter, cleanTemps, execSql, ok, run, tempDir } from "./helpers";

after(cleanTemps);

const LEGACY = path.join(REPO, "test-fixtures", "legacy");
let project: string;

before(() => {
  project = tempDir("tsm-legacy-");
  execSql(path.join(project, "db.sqlite3"), fs.readFileSync(path.join(LEGACY, "schema.sql"), "utf8"));
});

const sha = (file: string) => createHash("sha256").update(fs.readFileSync(file)).digest("hex");

test("inspectdb prints the reviewed models.ts and leaves the database as it was", async () => {
  const db = path.join(project, "db.sqlite3");
  const before = sha(db);
  const r = await ok(project, ["inspectdb"]);
  assert.equal(r.stdout, fs.readFileSync(path.join(LEGACY, "inspectdb.expected.txt"), "utf8"));
  assert.equal(sha(db), before);
  assert.equal(fs.existsSync(path.join(project, "legacy")), false);
});

test("inspectdb TABLE prints only that table; an unknown table is exit 2", () => assertTableFilter(project));

test("adopting the hand-written database: what inspectdb could not write is what diffschema reports", async () => {
  const dir = tempDir("tsm-legacy-adopt-");
  fs.copyFileSync(path.join(project, "db.sqlite3"), path.join(dir, "db.sqlite3"));
  const wrote = await ok(dir, ["inspectdb", "--app", "legacy"]);
  assert.match(wrote.stdout, /Created app 'legacy'/);
  assert.match(wrote.stdout, /Wrote .*legacy[/\\]models\.ts \(3 tables of database 'default'\)\.\n$/);
  await ok(dir, ["makemigrations", "--noinput"]);
  await ok(dir, ["migrate", "--fake-initial", "--noinput"]);
  const drift = await run(dir, "diffschema");
  assert.equal(drift.code, 1);
  assert.deepEqual(drift.stdout.split("\n").filter((l) => l.startsWith("  - ")), [
    '  - table "message": index on (LOWER("label")) exists in the database but in no migration',
    '  - table "message": index on (sent) WHERE "score" > 0 exists in the database but in no migration',
    '  - table "person": column "salary" exists in the database but in no migration',
    '  - table "person": column "code" has type char(8) in the database but varchar(8) in the migrations',
    '  - table "person": check "code_not_empty" ("code" <> \'\' AND "a__b" >= 0) exists in the database but in no migration',
  ]);
  const again = await run(dir, "inspectdb", "--app", "legacy");
  assert.equal(again.code, 2, "a models.ts that declares models is never overwritten");
  assert.match(again.stderr, /already declares models/);
});

test("conditions read back as the Q that writes them", () => {
  const cols = new Map([["price", "price"], ["a__b", "a_b"], ["start", "start"], ["end", "end"], ["kind", "kind"]]);
  assert.equal(conditionToQ('"price" >= 0', cols), "models.Q({ price__gte: 0 })");
  assert.equal(conditionToQ('("price" >= 0 AND "a__b" IS NOT NULL)', cols), "models.Q.and(models.Q({ price__gte: 0 }), models.Q({ a_b__isnull: false }))");
  assert.equal(conditionToQ('NOT ("kind" IN (\'a\', \'b\') OR "price" BETWEEN 1 AND 5)', cols),
    'models.Q.not(models.Q.or(models.Q({ kind__in: ["a", "b"] }), models.Q({ price__range: [1, 5] })))');
  assert.equal(conditionToQ('"start" < "end"', cols), 'models.Q({ start__lt: models.F("end") })');
  assert.equal(conditionToQ('"price" > 0', cols, new Set(["price"])), undefined, "a float column's Q writes 0.0");
  assert.equal(conditionToQ('"price" > 0.5', cols, new Set(["price"])), "models.Q({ price__gt: 0.5 })");
  assert.equal(conditionToQ('"price" <> 0', cols), undefined);
  assert.equal(conditionToQ('lower("kind") = \'a\'', cols), undefined);
  assert.equal(conditionToQ('"nope" = 1', cols), undefined);
});

test("field and class names are Django 3.2's normalize_col_name and table2model", () => {
  const columns = ["Full Name", "a__b", "_x", "x_", "2fast", "ok", "ok", "author_id", "Owner", "x-y", "ünï"];
  const relations = new Set(["author_id", "Owner"]);
  const tables = ["shop_product", "order-item", "my table", "x__y2"];
  const script = `
import json, sys
from django.core.management.commands.inspectdb import Command
cols, rels, tables = json.loads(sys.argv[1])
used = []
out = []
for c in cols:
    name, params, notes = Command().normalize_col_name(c, used, c in rels)
    used.append(name)
    out.append([name, params.get("db_column")])
import re
out.append([re.sub(r'[^a-zA-Z0-9]', '', t.title()) for t in tables])
print(json.dumps(out))
`;
  const r = spawnSync(PYTHON, ["-c", script, JSON.stringify([columns, [...relations], tables])], { encoding: "utf8" });
  assert.equal(r.status, 0, `Django 3.2 is needed (apt-get install python3-django): ${r.stderr}`);
  const django = JSON.parse(r.stdout) as unknown[];
  const used = new Set<string>();
  const ours: unknown[] = columns.map((c) => {
    const n = normalizeColName(c, used, relations.has(c));
    used.add(n.name);
    return [n.name, n.dbColumn ?? null];
  });
  ours.push(tables.map((t) => table2model(t)));
  assert.deepEqual(ours, django);
});
