/**
 * Replays one model history of test-fixtures/histories on PostgreSQL with
 * Django 3.2 (test/postgres/django_pg.py) and with tsmigrate (its CLI's
 * makemigrations, then migrate in-process with the executor the CLI uses), each
 * side on its own database of the test server. For every migration either
 * side writes, keeps its `sqlmigrate` text (tsmigrate's computed in-process,
 * unformatted, with the database at the previous step as Django's is), and
 * after every step and rollback command a copy of each database
 * (`CREATE DATABASE ... TEMPLATE`).
 *
 * After step 1 both databases get the same seed rows (test/django/seed.ts,
 * planned on Django's step-1 schema, inserted by seed-pg.ts): Django runs in
 * two calls of django_pg.py (step 1; then the other steps and the
 * rollbacks), and tsmigrate waits for the seed after its own step 1.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadConfig } from "../../server/src/engine/config";
import { collectSql } from "../../server/src/engine/executor-sql";
import { Project } from "../../server/src/engine/project";
import { type History, answerFlags, copyStep } from "../django/history";
import { rollbackPlan } from "../django/replay";
import { type Seed, planSeed } from "../django/seed";
import { runCliOk } from "../django/tsmigrate-runner";
import { ensureBuilt } from "../cli/helpers";
import { insertSeedPg, pgSeedSource } from "./seed-pg";
import { freshDatabase, pgQuery, serverUrl, withDatabase } from "./server";

/** One side's record of a history. */
export interface SideRun {
  /** `app.0002` (app and migration number) -> sqlmigrate text. */
  readonly sql: Map<string, string>;
  /** Database names: one per step, then one per rollback command (none past a failed command). */
  readonly snapshots: string[];
  readonly outputs: string[];
  /** Django only: `app.0002` -> the error of a `sqlmigrate` Django itself failed. */
  readonly sqlErrors?: Map<string, string>;
  /** Django only: a rollback command Django itself failed (later ones were not run). */
  readonly error?: { readonly index: number; readonly text: string };
}

/** Both sides of a replayed history. */
export interface PgReplay {
  readonly django: SideRun;
  readonly ts: SideRun;
  readonly plan: [string, string][];
  /** The rows seeded into both databases after step 1. */
  readonly seed: Seed;
  readonly workDir: string;
  /** The server's URL (any database). */
  readonly url: string;
}

const PY = "/usr/bin/python3";

/** Runs a Python script with a spec file; resolves with its stdout, rejects with its stderr when it fails. */
export function runPython(script: string, spec: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(PY, [script, spec], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`django_pg.py exited with ${code}:\n${err}`))));
  });
}

/** `app.0002_name` -> `app.0002`. */
function byNumber(key: string): string {
  return key.replace(/^([^.]+)\.(\d{4}).*$/, "$1.$2");
}

async function snapshot(url: string, from: string, to: string): Promise<string> {
  await pgQuery(url, `CREATE DATABASE "${to}" TEMPLATE "${from}"`);
  return to;
}

type DjangoOut = {
  steps: { sql: Record<string, string>; sqlErrors: Record<string, string>; snapshot: string; output: string }[];
  rollback: { snapshot?: string; output: string; error?: string }[];
};

/**
 * Django's side: step 1, then the seed (planned here, handed to `seeded`),
 * the step-1 copy, then the other steps and the rollbacks.
 */
async function djangoSide(history: History, workDir: string, plan: [string, string][], seeded: (seed: Seed) => void): Promise<SideRun> {
  const db = await freshDatabase(`dj_${history.name.slice(0, 2)}`);
  const u = new URL(db.url);
  const [first, ...others] = history.steps;
  const call = async (n: number, extra: object, steps: History["steps"]): Promise<DjangoOut> => {
    const spec = path.join(workDir, `django.spec${n}.json`);
    fs.writeFileSync(spec, JSON.stringify({
      workDir: path.join(workDir, "django"), apps: history.apps, ...history.autoFields,
      database: { NAME: db.name, HOST: u.hostname, PORT: u.port, USER: u.username },
      steps: steps.map((s) => ({ index: s.index, models: s.python, answers: s.answers })), ...extra,
    }));
    return JSON.parse(await runPython(path.join(__dirname, "django_pg.py"), spec)) as DjangoOut;
  };
  const a = await call(1, { snapshots: false }, [first!]);
  const seed = planSeed(await pgSeedSource(db.url));
  await insertSeedPg(db.url, seed).catch((e: Error) => {
    throw new Error(`seeding Django's step-1 database: ${e.message}`);
  });
  seeded(seed);
  a.steps[0]!.snapshot = await snapshot(db.url, db.name, `${db.name}_step${first!.index}`);
  const b = await call(2, { snapshots: true, fresh: false, rollback: plan }, others);
  const steps = [...a.steps, ...b.steps];
  const sql = new Map<string, string>();
  const sqlErrors = new Map<string, string>();
  for (const s of steps) {
    for (const [k, v] of Object.entries(s.sql)) sql.set(byNumber(k), v);
    for (const [k, v] of Object.entries(s.sqlErrors)) sqlErrors.set(byNumber(k), v);
  }
  const failed = b.rollback.findIndex((x) => x.error !== undefined);
  const done = failed < 0 ? b.rollback : b.rollback.slice(0, failed);
  return {
    sql,
    sqlErrors,
    snapshots: [...steps.map((s) => s.snapshot), ...done.map((x) => x.snapshot!)],
    outputs: [...steps.map((s) => s.output), ...done.map((x) => x.output)],
    error: failed < 0 ? undefined : { index: steps.length + failed, text: b.rollback[failed]!.error! },
  };
}

/** Writes a config naming the step's apps (labels and auto fields kept) and the PostgreSQL database. */
function writePgConfig(dir: string, url: string): void {
  const cfgFile = path.join(dir, "tsmigrate.config.json");
  const config = loadConfig({ project: dir });
  const apps = config.apps.map((a) => {
    const p = path.relative(dir, a.dir);
    return p === a.label && !a.defaultAutoField ? p : { path: p, label: a.label, defaultAutoField: a.defaultAutoField };
  });
  const databases = { default: { engine: "postgresql", url } };
  fs.writeFileSync(cfgFile, JSON.stringify({ apps, databases, defaultAutoField: config.defaultAutoField }, null, 1));
}

function migrationKeys(dir: string): Set<string> {
  const p = new Project(loadConfig({ project: dir })).reload();
  return new Set([...p.graph.nodes.keys()]);
}

/**
 * `migrate` (every leaf, or `[app, "0001" | "zero"]`) in-process with the
 * project's executor: what the CLI runs, without a process per command
 * (cli.test.ts runs the CLI itself on PostgreSQL). Returns a log of the steps.
 */
async function migrateInProcess(dir: string, target: [string, string] | undefined): Promise<string> {
  const project = new Project(loadConfig({ project: dir })).reload();
  project.loader.throwIfErrors();
  const log: string[] = [];
  try {
    const ex = await project.executor();
    const targets: [string, string | null][] = target === undefined
      ? project.graph.leafNodes().map((k): [string, string] => [k[0], k[1]])
      : [[target[0], target[1] === "zero" ? null : [...project.graph.nodes.keys()].find((k) => k.startsWith(`${target[0]}.${target[1]}`))!.split(".")[1]!]];
    await ex.migrate(targets, { onProgress: (e) => log.push(`${e.action} ${e.migration.app}.${e.migration.name}`) });
  } catch (e) {
    throw new Error(`tsmigrate migrate ${target?.join(" ") ?? ""} failed in ${dir}:\n${log.join("\n")}\n${(e as Error).message}`);
  } finally {
    await project.close();
  }
  return `${log.join("\n")}\n`;
}

/** tsmigrate's side; after step 1 it waits for Django's side to plan the seed and inserts it too. */
async function tsSide(history: History, workDir: string, plan: [string, string][], seed: Promise<Seed>): Promise<SideRun> {
  const db = await freshDatabase(`ts_${history.name.slice(0, 2)}`);
  const dir = path.join(workDir, "ts");
  fs.mkdirSync(dir, { recursive: true });
  const run: SideRun = { sql: new Map(), snapshots: [], outputs: [] };
  for (const step of history.steps) {
    copyStep(step, dir);
    writePgConfig(dir, db.url);
    const before = migrationKeys(dir);
    let out = await runCliOk(dir, ["makemigrations", "--noinput", ...answerFlags(step)]);
    const project = new Project(loadConfig({ project: dir })).reload();
    project.loader.throwIfErrors();
    const dialect = project.dialect();
    for (const key of project.graph.nodes.keys()) {
      if (before.has(key)) continue;
      const m = project.graph.nodes.get(key)!;
      run.sql.set(byNumber(key), collectSql(project.loader, m, false, dialect.schemaEditor, dialect.transactionalDdl).join("\n"));
    }
    out += await migrateInProcess(dir, undefined);
    if (step === history.steps[0]) {
      await insertSeedPg(db.url, await seed).catch((e: Error) => {
        throw new Error(`seeding tsmigrate's step-1 database: ${e.message}`);
      });
    }
    run.outputs.push(out);
    run.snapshots.push(await snapshot(db.url, db.name, `${db.name}_step${step.index}`));
  }
  for (const [k, [app, target]] of plan.entries()) {
    run.outputs.push(await migrateInProcess(dir, [app, target]));
    run.snapshots.push(await snapshot(db.url, db.name, `${db.name}_rb${k + 1}`));
  }
  return run;
}

/** Replays `history` on both sides (in parallel). */
export async function replayPg(history: History): Promise<PgReplay> {
  ensureBuilt();
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `tsm-pg-hist-${history.name}-`));
  const plan = rollbackPlan(history.apps);
  let seeded!: (seed: Seed) => void;
  let failed!: (e: Error) => void;
  const seed = new Promise<Seed>((resolve, reject) => ((seeded = resolve), (failed = reject)));
  const django = djangoSide(history, workDir, plan, seeded);
  django.catch((e: Error) => failed(new Error(`Django's side failed before the seed: ${e.message}`)));
  const [dj, ts] = await Promise.all([django, tsSide(history, workDir, plan, seed)]);
  return { django: dj, ts, plan, seed: await seed, workDir, url: await serverUrl() };
}

export { withDatabase };
