/**
 * The adoption path on every history of test-fixtures/histories, for one
 * backend: a database made by tsmigrate (every step migrated; on SQLite
 * rebuilds moved columns around) is adopted in a new project with
 * `inspectdb --app legacy`, `makemigrations`, `migrate --fake-initial` on a
 * copy of the database; then `diffschema` reports no difference and
 * `makemigrations --check` is clean; and the generated models migrated into
 * an empty database give the original's schema. Run by
 * test/inspectdb/roundtrip.test.ts (SQLite) and
 * test/postgres/inspectdb-roundtrip.test.ts (PostgreSQL).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { after, test } from "node:test";
import { diffSnapshots, type SchemaSnapshot } from "../../server/src/engine/backends/base/snapshot";
import { cleanTemps, type DbBackend, histories, ok, replayHistory, run, tempDir } from "./helpers";

/**
 * Adopts the database of project `original` in a new project (its own copy
 * of the database); returns the project folder and the generated models.
 */
export async function adopt(backend: DbBackend, original: string, app = "legacy"): Promise<{ dir: string; models: string }> {
  const dir = tempDir("tsm-adopt-");
  await backend.copyDatabase(original, dir);
  await ok(dir, ["inspectdb", "--app", app]);
  const models = fs.readFileSync(`${dir}/${app}/models.ts`, "utf8");
  await ok(dir, ["makemigrations", "--noinput"]);
  await ok(dir, ["migrate", "--fake-initial", "--noinput"]);
  return { dir, models };
}

/** The schema the adopted project's migrations build in an empty database. */
export async function freshSchema(backend: DbBackend, adopted: string): Promise<SchemaSnapshot> {
  const fresh = tempDir("tsm-fresh-");
  fs.cpSync(adopted, fresh, { recursive: true });
  await backend.emptyDatabase(fresh);
  await ok(fresh, ["migrate", "--noinput"]);
  return backend.schema(fresh);
}

/** Checks the end of the adoption path: diffschema and makemigrations --check clean, the same schema from scratch. */
export async function assertAdopted(backend: DbBackend, original: SchemaSnapshot, adopted: { dir: string; models: string }): Promise<void> {
  const { dir, models } = adopted;
  const drift = await run(dir, "diffschema");
  assert.equal(drift.code, 0, `diffschema after adoption:\n${drift.stdout}${drift.stderr}\n${models}`);
  assert.match(drift.stdout, /^No differences: database 'default' matches its \d+ applied migrations?\.\n$/);
  const check = await run(dir, "makemigrations", "--check");
  assert.equal(check.code, 0, `makemigrations --check after adoption:\n${check.stdout}${check.stderr}`);
  assert.deepEqual(diffSnapshots(original, await freshSchema(backend, dir), { labels: ["original", "adopted"] }), [], models);
}

/** Registers the round-trip tests for `backend`. */
export function roundTripTests(backend: DbBackend): void {
  after(cleanTemps);

  for (const history of histories()) {
    test(`adopting the ${backend.name} database of history ${history}`, async () => {
      const original = await replayHistory(history, backend);
      const adopted = await adopt(backend, original);
      assert.doesNotMatch(adopted.models, /\/\/ TODO:/, `inspectdb left TODOs:\n${adopted.models}`);
      await assertAdopted(backend, await backend.schema(original), adopted);
    });
  }

  test(`join tables of the exact auto-created shape come back as ManyToManyFields (${backend.name}, history 06, adopted as app 'library')`, async () => {
    const original = await replayHistory("06-many-to-many", backend);
    const adopted = await adopt(backend, original, "library");
    const { models } = adopted;
    const m2m = [...models.matchAll(/^ {2}(\w+) = models\.ManyToManyField\(([^)]*)\);/gm)].map((m) => `${m[1]} -> ${m[2]}`);
    assert.ok(m2m.length > 0, models);
    assert.doesNotMatch(models, /extends models\.Model \{\n {2}\w+ = models\.ForeignKey\([^\n]*\n {2}\w+ = models\.ForeignKey\([^\n]*\n\n {2}static Meta = \{\n {4}dbTable: "library_\w+_\w+",\n {4}uniqueTogether/,
      "no join table left as a model");
    await assertAdopted(backend, await backend.schema(original), adopted);
  });
}
