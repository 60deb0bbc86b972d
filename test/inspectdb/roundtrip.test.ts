// The adoption path on every history of test-fixtures/histories: a database
// made by tsmigrate (every step migrated, so SQLite rebuilds moved columns
// around) is adopted in a new project with `inspectdb --app legacy`,
// `makemigrations`, `migrate --fake-initial`; then `diffschema` reports no
// difference and `makemigrations --check` is clean; and the generated
// models migrated into an empty database give the original's schema.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, test } from "node:test";
import { diffSnapshots } from "../../server/src/engine/backends/base/snapshot";
import { cleanTemps, histories, ok, replayHistory, run, schemaOf, tempDir } from "./helpers";

after(cleanTemps);

/** Adopts the database file `db` in a new project; returns the project folder and the generated models. */
export async function adopt(db: string, app = "legacy"): Promise<{ dir: string; models: string }> {
  const dir = tempDir("tsm-adopt-");
  fs.copyFileSync(db, path.join(dir, "db.sqlite3"));
  await ok(dir, ["inspectdb", "--app", app]);
  const models = fs.readFileSync(path.join(dir, app, "models.ts"), "utf8");
  await ok(dir, ["makemigrations", "--noinput"]);
  await ok(dir, ["migrate", "--fake-initial", "--noinput"]);
  return { dir, models };
}

/** The schema the adopted project's migrations build in an empty database. */
export async function freshSchema(adopted: string): Promise<ReturnType<typeof schemaOf>> {
  const fresh = tempDir("tsm-fresh-");
  fs.cpSync(adopted, fresh, { recursive: true });
  fs.rmSync(path.join(fresh, "db.sqlite3"));
  await ok(fresh, ["migrate", "--noinput"]);
  return schemaOf(path.join(fresh, "db.sqlite3"));
}

for (const history of histories()) {
  test(`adopting the database of history ${history}`, async () => {
    const original = await replayHistory(history);
    const db = path.join(original, "db.sqlite3");
    const { dir, models } = await adopt(db);
    assert.doesNotMatch(models, /\/\/ TODO:/, `inspectdb left TODOs:\n${models}`);
    const drift = await run(dir, "diffschema");
    assert.equal(drift.code, 0, `diffschema after adoption:\n${drift.stdout}${drift.stderr}\n${models}`);
    assert.match(drift.stdout, /^No differences: database 'default' matches its \d+ applied migrations?\.\n$/);
    const check = await run(dir, "makemigrations", "--check");
    assert.equal(check.code, 0, `makemigrations --check after adoption:\n${check.stdout}${check.stderr}`);
    assert.deepEqual(diffSnapshots(schemaOf(db), await freshSchema(dir), { labels: ["original", "adopted"] }), [], models);
  });
}

test("join tables of the exact auto-created shape come back as ManyToManyFields (history 06, adopted as app 'library')", async () => {
  const original = await replayHistory("06-many-to-many");
  const db = path.join(original, "db.sqlite3");
  const { dir, models } = await adopt(db, "library");
  const m2m = [...models.matchAll(/^ {2}(\w+) = models\.ManyToManyField\(([^)]*)\);/gm)].map((m) => `${m[1]} -> ${m[2]}`);
  assert.ok(m2m.length > 0, models);
  assert.doesNotMatch(models, /extends models\.Model \{\n {2}\w+ = models\.ForeignKey\([^\n]*\n {2}\w+ = models\.ForeignKey\([^\n]*\n\n {2}static Meta = \{\n {4}dbTable: "library_\w+_\w+",\n {4}uniqueTogether/,
    "no join table left as a model");
  assert.equal((await run(dir, "diffschema")).code, 0, models);
  assert.equal((await run(dir, "makemigrations", "--check")).code, 0);
  assert.deepEqual(diffSnapshots(schemaOf(db), await freshSchema(dir), { labels: ["original", "adopted"] }), [], models);
});
