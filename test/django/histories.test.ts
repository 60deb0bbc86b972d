/**
 * tsmigrate against Django 3.2 over the model histories of
 * test-fixtures/histories (see its README): at every step and after every
 * rollback command, tsmigrate's SQLite schema must equal Django's (columns
 * with type, NOT NULL, primary key; CHECKs; indexes by columns and
 * uniqueness; foreign keys), the tables must hold the same rows, the rows
 * seeded at step 1 must survive, and rolling back to 0001 / zero must
 * restore the step-1 / empty schema.
 *
 * Column order is compared with Django's where both create tables afresh
 * (step 1). After that it deliberately differs: Django's SQLite rebuilds
 * move altered columns to the end (see test/django/README.md), tsmigrate's
 * keep the model's field order; so there tsmigrate's tables must equal the
 * ones the same migrations make on an empty database, and a rollback must
 * restore the step-1 tables column for column.
 *
 * Django runs once per history (run_django.py); each checkpoint is a subtest
 * whose failure lists every problem found there.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { test } from "node:test";
import { SurvivalTracker, dataProblems, freshOrderProblems, restoreProblems, schemaProblems, snapshotFile, sqliteView, withDb } from "./checks";
import { listHistories, loadHistory } from "./history";
import { type Checkpoint, replay } from "./replay";
import { userTables } from "./seed";

/** Keep the work folders of passing histories too (failing ones are always kept). */
const KEEP = process.env.TSM_KEEP_HISTORY_DIRS === "1";
/** Comma-separated name prefixes to run only some histories, e.g. TSM_HISTORIES=03,11. */
const ONLY = process.env.TSM_HISTORIES?.split(",").filter(Boolean);

for (const name of listHistories().filter((n) => !ONLY || ONLY.some((p) => n.startsWith(p)))) {
  test(`history ${name}: tsmigrate's schema and data equal Django's at every step`, async (t) => {
    const history = loadHistory(name);
    const r = await replay(history);
    const tracker = new SurvivalTracker(r.seed, history.steps[0]!.state, sqliteView(r.checkpoints[0]!.djangoDb));
    const tsStep1 = r.checkpoints[0]!.tsDb ? snapshotFile(r.checkpoints[0]!.tsDb) : undefined;
    const lastRollbackTo = (target: string) => r.checkpoints.filter((c) => c.target === target).at(-1);

    let failed = false;
    for (const cp of r.checkpoints) {
      if (cp.kind === "step" && cp.step! > 1) tracker.advance(history.steps.find((s) => s.index === cp.step)!.state, sqliteView(cp.djangoDb));
      const all = cp.tsDb ? checkpointProblems(cp.djangoDb, cp.tsDb, cp) : [];
      const djangoOrder = all.filter((p) => p.startsWith("[column order]"));
      const problems = all.filter((p) => !djangoOrder.includes(p));
      // Django's order where both sides created the tables afresh; tsmigrate's own fresh tables after that.
      const order = cp.step === 1 ? djangoOrder
        : cp.kind === "step" && cp.tsDb && cp.tsFreshDb ? freshOrderProblems(snapshotFile(cp.tsFreshDb), snapshotFile(cp.tsDb))
        : undefined;
      failed ||= !cp.tsDb || problems.length > 0 || (order?.length ?? 0) > 0;
      const context = `--- tsmigrate:\n${cp.tsOutput ?? ""}--- django:\n${cp.djangoOutput}\n(work dir ${r.workDir})`;
      await t.test(`${cp.label}: schema, data and seeded rows`, () => {
        assert.ok(cp.tsDb, `tsmigrate did not reach ${cp.label}:\n${r.tsError}\n(work dir ${r.workDir})`);
        assert.deepEqual(problems, [], `${history.name}, ${cp.label}: ${problems.length} problem(s):\n${problems.join("\n")}\n${context}`);
      });
      if (order) {
        const against = cp.step === 1 ? "Django's" : "a fresh database's";
        await t.test(`${cp.label}: column order as ${against}`, () => {
          assert.ok(cp.tsDb, `tsmigrate did not reach ${cp.label}`);
          assert.deepEqual(order, [], `${history.name}, ${cp.label}:\n${order.join("\n")}\n${context}`);
        });
      }
    }
    if (!failed && !KEEP) fs.rmSync(r.workDir, { recursive: true, force: true });

    function checkpointProblems(djangoDb: string, tsDb: string, cp: Checkpoint): string[] {
      const problems = schemaProblems(snapshotFile(djangoDb), snapshotFile(tsDb));
      if (cp.step !== 1) problems.push(...dataProblems(djangoDb, tsDb));
      if (cp.kind === "step") problems.push(...tracker.problems(sqliteView(tsDb)));
      if (cp === lastRollbackTo("0001")) {
        if (tsStep1) problems.push(...restoreProblems(tsStep1, snapshotFile(tsDb), "step 1"));
        problems.push(...tracker.problems(sqliteView(tsDb), tracker.step1Tables));
      }
      if (cp === lastRollbackTo("zero")) {
        const left = withDb(tsDb, userTables);
        if (left.length) problems.push(`[restore] tables left after migrating every app to zero: ${left.join(", ")}`);
      }
      return problems;
    }
  });
}
