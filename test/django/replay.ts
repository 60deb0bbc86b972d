/**
 * Replays one model history with Django 3.2 and with tsmigrate, seeding the
 * same rows into both after step 1, and returns the database files to
 * compare at every checkpoint (each step, then each rollback command).
 *
 * Django runs in two calls of run_django.py (step 1; then the seed goes into
 * its database and the remaining steps and the rollbacks run), while
 * tsmigrate replays the history in parallel with the second call.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import Database from "better-sqlite3";
import { openSqlite } from "../../server/src/engine/backends/sqlite/base";
import { loadConfig } from "../../server/src/engine/config";
import { MigrationExecutor } from "../../server/src/engine/executor";
import { MigrationLoader } from "../../server/src/engine/loader";
import { runDjango } from "./django-runner";
import { type History, answerFlags, copyStep } from "./history";
import { type Seed, insertSeed, planSeed, sqliteSeedSource } from "./seed";
import { runCliOk } from "./tsmigrate-runner";

/** A point where both databases are compared. */
export interface Checkpoint {
  /** "step 2", "migrate blog 0001", ... */
  readonly label: string;
  /** "step" (after a history step) or "rollback" (after a `migrate <app> <target>`). */
  readonly kind: "step" | "rollback";
  /** The step's index (1-based) for kind "step". */
  readonly step?: number;
  /** For kind "rollback": the command's app and target ("0001" or "zero"). */
  readonly app?: string;
  readonly target?: string;
  /** Copy of Django's database at this point. */
  readonly djangoDb: string;
  /** Copy of tsmigrate's database at this point; undefined when tsmigrate failed before it. */
  readonly tsDb?: string;
  /** For kind "step": the same migrations applied by tsmigrate to an empty database in one go. */
  readonly tsFreshDb?: string;
  /** tsmigrate's output for this point (makemigrations + migrate, or the migrate command). */
  readonly tsOutput?: string;
  /** Django's output for this point. */
  readonly djangoOutput: string;
}

/** The result of replaying a history on both sides. */
export interface Replay {
  readonly history: History;
  /** The temporary folder holding both projects (django/, ts/). */
  readonly workDir: string;
  readonly seed: Seed;
  readonly checkpoints: readonly Checkpoint[];
  /** The first tsmigrate failure (command and output); later checkpoints have no tsDb. */
  readonly tsError?: string;
}

/** The rollback commands: every app to 0001, then every app to zero, dependent (later) apps first. */
export function rollbackPlan(apps: readonly string[]): [string, string][] {
  const rev = [...apps].reverse();
  return [...rev.map((a): [string, string] => [a, "0001"]), ...rev.map((a): [string, string] => [a, "zero"])];
}

/**
 * Replays `history` (see the module comment) in a new temporary folder.
 * @throws Error when Django itself fails (missing, or a step it cannot run),
 *   or when the seed does not fit Django's step-1 schema.
 */
export async function replay(history: History): Promise<Replay> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `tsm-hist-${history.name}-`));
  const djDir = path.join(workDir, "django");
  const tsDir = path.join(workDir, "ts");
  const [first, ...rest] = history.steps;
  const plan = rollbackPlan(history.apps);

  const a = await runDjango({ workDir: djDir, apps: history.apps, ...history.autoFields, steps: [{ index: first!.index, models: first!.python, answers: first!.answers }] });
  const djLive = new Database(path.join(djDir, "db.sqlite3"));
  let seed: Seed;
  try {
    seed = planSeed(sqliteSeedSource(djLive));
    insertSeed(djLive, seed);
  } finally {
    djLive.close();
  }

  const [b, ts] = await Promise.all([
    runDjango({ workDir: djDir, fresh: false, apps: history.apps, ...history.autoFields, steps: rest.map((s) => ({ index: s.index, models: s.python, answers: s.answers })), rollback: plan }),
    replayTs(history, tsDir, seed, plan),
  ]);

  const djSteps = [...a.steps, ...b.steps];
  const checkpoints: Checkpoint[] = [];
  history.steps.forEach((s, i) => {
    const dj = djSteps[i]!;
    checkpoints.push({
      label: `step ${s.index}`, kind: "step", step: s.index, djangoDb: dj.db, djangoOutput: dj.output,
      tsDb: ts.dbs[i], tsFreshDb: ts.freshDbs[i], tsOutput: ts.outputs[i],
    });
  });
  plan.forEach(([app, target], k) => {
    const dj = b.rollback[k]!;
    const i = history.steps.length + k;
    checkpoints.push({
      label: `migrate ${app} ${target}`, kind: "rollback", app, target, djangoDb: dj.db, djangoOutput: dj.output,
      tsDb: ts.dbs[i], tsOutput: ts.outputs[i],
    });
  });
  return { history, workDir, seed, checkpoints, tsError: ts.error };
}

interface TsRun {
  /** Database copies, one per checkpoint reached (steps, then rollbacks). */
  dbs: string[];
  /** Per step: the step's migrations applied to an empty database. */
  freshDbs: string[];
  outputs: string[];
  error?: string;
}

/** Replays the history with the tsmigrate CLI in `dir`, stopping at the first failure. */
async function replayTs(history: History, dir: string, seed: Seed, plan: readonly [string, string][]): Promise<TsRun> {
  const snaps = path.join(dir, ".snapshots");
  fs.mkdirSync(snaps, { recursive: true });
  const db = path.join(dir, "db.sqlite3");
  const run: TsRun = { dbs: [], freshDbs: [], outputs: [] };
  try {
    for (const step of history.steps) {
      copyStep(step, dir);
      const flags = answerFlags(step);
      let out = `$ tsmigrate makemigrations --noinput${flags.map((f) => ` ${f}`).join("")}\n${await runCliOk(dir, ["makemigrations", "--noinput", ...flags])}`;
      out += `$ tsmigrate migrate\n${await runCliOk(dir, ["migrate", "--noinput", "--allow-destructive"])}`;
      if (step === history.steps[0]) {
        const live = new Database(db);
        try {
          insertSeed(live, seed);
        } catch (e) {
          throw new Error(`seeding tsmigrate's step-1 database: ${(e as Error).message}`);
        } finally {
          live.close();
        }
      }
      const copy = path.join(snaps, `step-${step.index}.sqlite3`);
      copyDb(db, copy);
      run.dbs.push(copy);
      run.freshDbs.push(await migrateFresh(dir, path.join(snaps, `fresh-${step.index}.sqlite3`)));
      run.outputs.push(out);
    }
    for (const [k, [app, target]] of plan.entries()) {
      const out = `$ tsmigrate migrate ${app} ${target}\n${await runCliOk(dir, ["migrate", app, target, "--noinput", "--allow-destructive"])}`;
      const copy = path.join(snaps, `rollback-${k + 1}.sqlite3`);
      copyDb(db, copy);
      run.dbs.push(copy);
      run.outputs.push(out);
    }
  } catch (e) {
    run.error = (e as Error).message;
  }
  return run;
}

/**
 * Applies the project's migrations in `dir` to a new, empty database file
 * `file` in-process (loader + executor), and returns `file`.
 */
async function migrateFresh(dir: string, file: string): Promise<string> {
  const loader = new MigrationLoader(loadConfig({ project: dir }));
  loader.load();
  loader.throwIfErrors();
  const conn = openSqlite("default", file);
  try {
    const ex = await MigrationExecutor.open(conn, loader);
    await ex.migrate(loader.graph.leafNodes().map((k): [string, string] => [k[0], k[1]]));
  } finally {
    await conn.close();
  }
  return file;
}

/** Copies a database with `VACUUM INTO` (a plain file copy could miss pages still in a WAL file). */
function copyDb(from: string, to: string): void {
  const d = new Database(from, { readonly: true });
  try {
    d.prepare("VACUUM INTO ?").run(to);
  } finally {
    d.close();
  }
}
