/**
 * inspectdb and the adoption path on PostgreSQL databases made by Django 3.2
 * (python3-psycopg2, test/postgres/django_pg.py): for the last step of every
 * history of test-fixtures/histories, Django makes the database
 * (makemigrations + migrate of the same models) and runs its own
 * `inspectdb` on it. Then, as on SQLite (test/django/inspectdb.test.ts):
 *
 * - tsmigrate's `inspectdb` names the same classes and fields with the same
 *   field classes and options as Django's (test/inspectdb/django-models.ts;
 *   the deliberate differences normalised there: Django's
 *   `id = BigAutoField(primary_key=True)` for a bigserial `id`, which
 *   tsmigrate leaves implicit, and positive fields read from their CHECK);
 * - the adoption path on a copy (`inspectdb --app legacy`, `makemigrations`,
 *   `migrate --fake-initial`) ends with `diffschema` clean, `makemigrations
 *   --check` clean, and the generated models migrated into an empty
 *   database give Django's schema (serial and identity columns both read
 *   as auto-increment).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, test } from "node:test";
import { listHistories, loadHistory } from "../django/history";
import { compareWithDjango } from "../inspectdb/django-models";
import { cleanTemps, ok, pgSchemaOf, POSTGRES, tempDir } from "../inspectdb/helpers";
import { adopt, assertAdopted } from "../inspectdb/roundtrip-cases";
import { runPython } from "./replay-pg";
import { freshDatabase } from "./server";

after(cleanTemps);

/** Django 3.2 makes the models of `history`'s last step on a new database; returns its URL and Django's inspectdb output. */
async function djangoDatabase(name: string): Promise<{ url: string; inspectdb: string }> {
  const history = loadHistory(name);
  const last = history.steps[history.steps.length - 1]!;
  const db = await freshDatabase(`djinsp_${name.slice(0, 2)}`);
  const u = new URL(db.url);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "tsm-pg-dj-inspect-"));
  try {
    const spec = path.join(work, "spec.json");
    fs.writeFileSync(spec, JSON.stringify({
      workDir: path.join(work, "django"), apps: history.apps,
      database: { NAME: db.name, HOST: u.hostname, PORT: u.port, USER: u.username },
      steps: [{ index: 1, models: last.python }], after: [["inspectdb"]],
    }));
    const out = JSON.parse(await runPython(path.join(__dirname, "django_pg.py"), spec)) as { after: string[] };
    return { url: db.url, inspectdb: out.after[0]! };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

for (const name of listHistories()) {
  test(`inspectdb and adoption of Django's PostgreSQL database for history ${name}`, async () => {
    const django = await djangoDatabase(name);
    const project = tempDir("tsm-pg-adopt-dj-");
    fs.writeFileSync(path.join(project, "tsmigrate.config.json"), JSON.stringify({ databases: { default: { engine: "postgresql", url: django.url } } }));
    const printed = await ok(project, ["inspectdb"]);
    compareWithDjango(printed.stdout, django.inspectdb, "postgresql");
    await assertAdopted(POSTGRES, await pgSchemaOf(django.url), await adopt(POSTGRES, project));
  });
}
