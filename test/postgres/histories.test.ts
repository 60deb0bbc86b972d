/**
 * tsmigrate against Django 3.2 on PostgreSQL over the model histories of
 * test-fixtures/histories: both sides replay each history on their own
 * database of the test server (test/postgres/replay-pg.ts). For every
 * migration, tsmigrate's `sqlmigrate` text must equal Django's statement by
 * statement, names included, up to the differences listed in
 * sql-compare.ts (identity instead of serial, ON DELETE, column DEFAULTs,
 * unique/check drops under both possible names); at every step and after
 * every rollback command the two schemas must be equal (schema-pg.ts:
 * tables, column types, NOT NULL, primary keys, unique constraints and
 * indexes with predicates and opclasses, foreign keys with deferrability,
 * CHECKs), identity vs serial being the one difference allowed there;
 * the last rollback to 0001 must give back the step-1 schema and the last
 * rollback to zero must leave no table. Both databases are seeded with the
 * same rows after step 1 (test/django/seed.ts through seed-pg.ts); at every
 * step and rollback every row of every table must be equal on both sides
 * (test/django/checks.ts rowProblems), and at every step and after the last
 * rollback to 0001 the seeded rows must keep their keys and the values of
 * the columns no migration changed (SurvivalTracker, following Django's
 * column definitions). Where Django 3.2 itself cannot roll back
 * (KNOWN_DJANGO_FAILURES), its error is asserted and tsmigrate is held to
 * the restore and survival checks alone.
 *
 * TSM_HISTORIES=04,11 runs only some histories.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { test } from "node:test";
import { type DbView, SurvivalTracker, rowProblems } from "../django/checks";
import { listHistories, loadHistory } from "../django/history";
import type { Row } from "../django/seed";
import { type PgReplay, replayPg } from "./replay-pg";
import { schemaDifferences, snapshotSchema, withoutConstraintNames } from "./schema-pg";
import { pgView, seedAsRead } from "./seed-pg";
import { sqlDifferences } from "./sql-compare";
import { withDatabase } from "./server";

const ONLY = process.env.TSM_HISTORIES?.split(",").filter(Boolean);

/**
 * Rollbacks Django 3.2 itself cannot run on PostgreSQL. 07-one-to-one:
 * unapplying "O2O becomes the primary key" adds the old primary key back
 * before dropping the new one ("multiple primary keys for table").
 */
const KNOWN_DJANGO_FAILURES = [/multiple primary keys for table "people_visa" are not allowed/];

/**
 * `sqlmigrate` runs Django 3.2 cannot do (its `migrate` can): it introspects
 * the database as it is before the whole migration, so in 15-columns-and-
 * expressions step 5 (a `dbColumn` rename, then unique_together on the
 * renamed column removed) it finds no constraint on the new column name.
 * There tsmigrate's text is not compared; the schema after the step still is.
 * In 26-proxy-models step 3 Django deletes the proxy SaleItem before the
 * foreign key to it (tsmigrate orders it after), so rendering the states
 * within its migration fails ("lazy reference to 'catalog.saleitem'").
 */
const KNOWN_SQLMIGRATE_FAILURES = [
  /Found wrong number \(0\) of constraints for parts\(code, qty\)/,
  /catalog\.Tag\.sale was declared with a lazy reference to 'catalog\.saleitem'/,
];

const NAMES = listHistories().filter((n) => !ONLY || ONLY.some((p) => n.startsWith(p)));

/** Replays run three at a time (each side mostly waits on its processes and the server); tests report in order. */
const replays = new Map<string, Promise<PgReplay>>();
{
  const lanes: Promise<void>[] = [Promise.resolve(), Promise.resolve(), Promise.resolve()];
  NAMES.forEach((name, i) => {
    const lane = i % lanes.length;
    const p = lanes[lane]!.then(() => replayPg(loadHistory(name)));
    lanes[lane] = p.then(() => undefined, () => undefined);
    p.catch(() => undefined); // reported by the test awaiting it
    replays.set(name, p);
  });
}

for (const name of NAMES) {
  test(`PostgreSQL history ${name}: sqlmigrate, schema and data equal Django 3.2's`, async (t) => {
    const history = loadHistory(name);
    const r = await replays.get(name)!;
    let failed = false;
    const keys = [...new Set([...r.django.sql.keys(), ...r.ts.sql.keys()])].sort();
    for (const key of keys) {
      const ts = r.ts.sql.get(key);
      const dj = r.django.sql.get(key);
      const djError = r.django.sqlErrors?.get(key);
      const problems = djError !== undefined
        ? (KNOWN_SQLMIGRATE_FAILURES.some((re) => re.test(djError)) ? [] : [`Django's sqlmigrate failed unexpectedly:\n${djError}`])
        : ts === undefined || dj === undefined
          ? [`${key}: written by ${ts === undefined ? "Django" : "tsmigrate"} only`]
          : sqlDifferences(ts, dj);
      failed ||= problems.length > 0;
      await t.test(`sqlmigrate ${key} as Django's`, () => {
        assert.deepEqual(problems, [], `${name} ${key}:\n${problems.join("\n")}\n--- tsmigrate:\n${ts}\n--- django:\n${dj}\n(work dir ${r.workDir})`);
      });
    }
    const labels = [...history.steps.map((s) => `step ${s.index}`), ...r.plan.map(([app, target]) => `migrate ${app} ${target}`)];
    const schema = (db: string) => snapshotSchema(withDatabase(r.url, db));
    const step1 = await schema(r.django.snapshots[0]!);
    const view = (db: string) => pgView(withDatabase(r.url, db));
    const djStep1 = await view(r.django.snapshots[0]!);
    // The seeded rows as PostgreSQL reads them back (row_to_json), the form every later view has.
    const tracker = new SurvivalTracker(seedAsRead(r.seed, djStep1), history.steps[0]!.state, djStep1);
    const last = (target: string) => labels.map((l) => l.endsWith(` ${target}`)).lastIndexOf(true);
    for (const [i, label] of labels.entries()) {
      const ts = await schema(r.ts.snapshots[i]!);
      const tsView = await view(r.ts.snapshots[i]!);
      const problems: string[] = [];
      const step = history.steps[i];
      if (r.django.error && i >= r.django.error.index) {
        // Django 3.2 itself cannot run this rollback: the known bugs below, asserted, never skipped;
        // tsmigrate's database is then checked against what the rollbacks must restore.
        if (i === r.django.error.index && !KNOWN_DJANGO_FAILURES.some((re) => re.test(r.django.error!.text))) {
          problems.push(`Django failed in an unexpected way:\n${r.django.error.text}`);
        }
      } else {
        const djView = await view(r.django.snapshots[i]!);
        if (step && i > 0) tracker.advance(step.state, djView);
        problems.push(...schemaDifferences(await schema(r.django.snapshots[i]!), ts), ...rowProblems(rowsOf(djView), rowsOf(tsView)));
      }
      if (step) problems.push(...tracker.problems(tsView));
      if (i === last("0001")) problems.push(...tracker.problems(tsView, tracker.step1Tables));
      if (i === last("0001") && r.plan.every(([, t]) => t === "0001" || t === "zero") && history.apps.length === 1) {
        problems.push(...schemaDifferences(withoutConstraintNames(step1), withoutConstraintNames(ts)).map((p) => `[restore to step 1] ${p}`));
      }
      if (i === last("zero") && ts.size) problems.push(`[restore] tables left after every app went to zero: ${[...ts.keys()].join(", ")}`);
      failed ||= problems.length > 0;
      await t.test(`${label}: schema, data and seeded rows as Django's`, () => {
        assert.deepEqual(problems, [], `${name}, ${label}:\n${problems.join("\n")}\n--- tsmigrate:\n${r.ts.outputs[i]}\n--- django:\n${r.django.outputs[i] ?? r.django.error?.text}`);
      });
    }
    if (!failed) fs.rmSync(r.workDir, { recursive: true, force: true });
  });
}

/** Table -> rows of a view, for rowProblems. */
function rowsOf(v: DbView): Record<string, readonly Row[]> {
  return Object.fromEntries([...v.tables].map(([t, x]) => [t, x.rows]));
}
