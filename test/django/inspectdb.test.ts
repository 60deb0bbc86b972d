/**
 * inspectdb and the adoption path on databases made by Django 3.2: for the
 * last step of every history of test-fixtures/histories, Django makes the
 * database (makemigrations + migrate of the same models in models.py) and
 * runs its own `inspectdb` on it. Then:
 *
 * - tsmigrate's `inspectdb` on that database names the same classes, the
 *   same fields with the same field classes, and the same `max_length`,
 *   `null`, `blank`, `unique`, `primary_key`, `db_column`, `max_digits`,
 *   `decimal_places` and relation targets as Django's. Deliberate
 *   differences, normalised here and documented in the README: `char(32)`
 *   reads as a UUIDField and `char(39)` as a GenericIPAddressField (Django:
 *   CharField), since those are the fields that make those types.
 * - the adoption path (`inspectdb --app legacy`, `makemigrations`,
 *   `migrate --fake-initial`) on a copy ends with `diffschema` clean,
 *   `makemigrations --check` clean, and the generated models migrated into
 *   an empty database give Django's schema.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, test } from "node:test";
import { diffSnapshots } from "../../server/src/engine/backends/base/snapshot";
import { cleanTemps, ok, run, schemaOf, tempDir } from "../inspectdb/helpers";
import { compareWithDjango } from "../inspectdb/django-models";
import { runDjango } from "./django-runner";
import { listHistories, loadHistory } from "./history";

after(cleanTemps);

for (const name of listHistories()) {
  test(`inspectdb and adoption of Django's database for history ${name}`, async () => {
    const history = loadHistory(name);
    const last = history.steps[history.steps.length - 1]!;
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "tsm-dj-inspect-"));
    try {
      const r = await runDjango({ workDir: path.join(work, "django"), apps: history.apps, steps: [{ index: 1, models: last.python }], after: [["inspectdb"]] });
      const djangoDb = r.steps[0]!.db;
      const project = tempDir("tsm-adopt-dj-");
      fs.copyFileSync(djangoDb, path.join(project, "db.sqlite3"));
      const printed = await ok(project, ["inspectdb"]);
      compareWithDjango(printed.stdout, r.after![0]!, "sqlite");

      await ok(project, ["inspectdb", "--app", "legacy"]);
      await ok(project, ["makemigrations", "--noinput"]);
      await ok(project, ["migrate", "--fake-initial", "--noinput"]);
      const drift = await run(project, "diffschema");
      assert.equal(drift.code, 0, drift.stdout + drift.stderr);
      assert.equal((await run(project, "makemigrations", "--check")).code, 0);
      const fresh = tempDir("tsm-fresh-dj-");
      fs.cpSync(project, fresh, { recursive: true });
      fs.rmSync(path.join(fresh, "db.sqlite3"));
      await ok(fresh, ["migrate", "--noinput"]);
      assert.deepEqual(diffSnapshots(schemaOf(djangoDb), schemaOf(path.join(fresh, "db.sqlite3")), { labels: ["django", "adopted"] }), []);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
}
