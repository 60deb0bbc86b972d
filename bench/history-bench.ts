/**
 * Issue 12's rows that are not the language server's, each next to its
 * goal, measured in one run (CPU time beside wall time; the goals are on
 * CPU time, which a loaded machine inflates far less than wall time; the
 * machine's load is printed before and after):
 *
 * - the history commands on 1,000 migrations (bench/history.ts): `makemigrations
 *   --check` with no change (parse cache warm, and cold once), `showmigrations`,
 *   `migrate` of 1 new migration; beside Django 3.2 on the same history at
 *   a size it finishes in reasonable time (printed);
 * - `migrate` from empty on 1,000 realistic models (bench/realistic.ts)
 *   against the floor (the very SQL tsmigrate emits, executed by
 *   better-sqlite3 in one transaction: bench/floor.ts) and against
 *   drizzle-kit's `migrate` on the same schema (drizzle-kit and drizzle-orm
 *   installed by `npm install --prefix <tmp>`, never a dependency of
 *   tsmigrate). tsmigrate's figure is a whole process, so the goal (≤ 1.1×)
 *   is judged against the floor as a whole process too (Node's start-up,
 *   better-sqlite3 loaded, the statements read from a file and executed);
 *   the ratios to the SQL alone (start-up excluded) and to the SQL in the
 *   bench's own process are printed beside it. The two are run in turns (a
 *   run of each per round, 5 rounds, the least of each kept), so that a
 *   slower phase of the machine weighs on both alike. The judged run is `migrate`
 *   with its statement cache warm (engine/statement-cache.ts: a repeated
 *   migrate from empty, as CI and test set-ups run it); the same with the
 *   statement cache emptied, and the very first run after `makemigrations`
 *   (its migration not yet in the parse cache either), are printed below it.
 *
 * Every tsmigrate, Django and drizzle-kit number is a whole process.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import Database from "better-sqlite3";
import { CACHE_DIR } from "../server/src/engine/loader-cache";
import { DERIVED_CACHE_KINDS } from "../server/src/engine/statement-cache";
import { emittedStatements, executeFloor, executeFloorInNewProcess } from "./floor";
import { HISTORY_APP, writeDjangoHistory, writeHistory } from "./history";
import { REALISTIC_APP, realisticDrizzleSchema, realisticTableCount, writeRealisticTs } from "./realistic";
import type { BenchSection } from "./section";
import { bestCpu, type CpuTimed, fmtSeconds, machineLoad, timeCommand, timeWithCpu } from "./timing";

const ROOT = path.resolve(__dirname, "..");
const CLI = path.join(ROOT, "bin", "tsmigrate.js");

/** Sizes and runs of {@link historyBench} (defaults: the issue's). */
export interface HistoryBenchOptions {
  /** Migrations in the long history (default 1,000). */
  readonly migrations?: number;
  /** Django's history size for `makemigrations --check` (default 1,000). */
  readonly djangoCheck?: number;
  /** Django's history size for `migrate` of 1 new migration (default 300: Django migrates a history first). */
  readonly djangoMigrate?: number;
  /** Realistic models migrated from empty (default 1,000). */
  readonly realistic?: number;
  /** Runs per measurement; the run with the least CPU time counts (default 3). */
  readonly runs?: number;
  /**
   * Rounds of `migrate` from empty and its floor, in turns (default 5, or
   * `runs` when that is more): the row nearest its goal, on a machine whose
   * speed comes and goes in phases of seconds, gets more chances at a quiet
   * moment for both sides.
   */
  readonly floorRuns?: number;
  /** Measure drizzle-kit (an npm install of a minute or so; default true). */
  readonly drizzle?: boolean;
}

function tmp(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

const ts = (dir: string, ...args: string[]) => timeWithCpu("node", CLI, [...args, "--project", dir], dir);
const dj = (dir: string, ...args: string[]) => timeWithCpu("python", path.join(dir, "manage.py"), args, dir);

/** One row: what, wall, CPU, goal and verdict, comparison. */
function row(what: string, t: CpuTimed | undefined, goal: string, versus: string): string {
  return `| ${what} | ${fmtSeconds(t?.seconds)} | ${fmtSeconds(t?.cpu)} | ${goal} | ${versus} |`;
}

function verdict(cpu: number, goal: number): string {
  return `≤ ${fmtSeconds(goal)}: ${cpu <= goal ? "OK" : "MISSED"}`;
}

function ratio(a: number, b: number | undefined): string {
  return b ? `${(a / b).toFixed(2)}×` : "-";
}

/** tsmigrate's history commands at `n` migrations: check (cold once, then warm), showmigrations, migrate of 1 new. */
async function tsHistory(n: number, runs: number): Promise<{ cold: CpuTimed; check: CpuTimed; show: CpuTimed; migrate: CpuTimed }> {
  const dir = tmp(`tsm-hist-${n}-`);
  try {
    writeHistory(dir, n);
    await ts(dir, "migrate", "--noinput");
    fs.rmSync(path.join(dir, ".tsmigrate-cache"), { recursive: true, force: true });
    const cold = await ts(dir, "makemigrations", "--check");
    const check = await bestCpu(runs, () => ts(dir, "makemigrations", "--check"));
    const show = await bestCpu(runs, () => ts(dir, "showmigrations"));
    writeHistory(dir, n + 1);
    await ts(dir, "showmigrations"); // the new file's parse cache entry, as after any command that read it
    const base = path.join(dir, "base.sqlite3");
    fs.copyFileSync(path.join(dir, "db.sqlite3"), base);
    const migrate = await bestCpu(runs, async () => {
      fs.copyFileSync(base, path.join(dir, "db.sqlite3"));
      const r = await ts(dir, "migrate", "--noinput");
      if (!r.stdout.includes(`Applying ${HISTORY_APP}.`)) throw new Error(`tsmigrate migrate applied nothing:\n${r.stdout}`);
      return r;
    });
    return { cold, check, show, migrate };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Django 3.2's `makemigrations --check` at `n` migrations and `migrate` of 1 new at `m`. */
async function djangoHistory(n: number, m: number, runs: number): Promise<{ check: CpuTimed; migrate: CpuTimed }> {
  const dir = tmp(`dj-hist-${n}-`);
  try {
    writeDjangoHistory(dir, n);
    const check = await bestCpu(runs, () => dj(dir, "makemigrations", "--check"));
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir);
    writeDjangoHistory(dir, m);
    await dj(dir, "migrate", "--noinput");
    writeDjangoHistory(dir, m + 1);
    const base = path.join(dir, "base.sqlite3");
    fs.copyFileSync(path.join(dir, "db.sqlite3"), base);
    const migrate = await bestCpu(Math.min(runs, 2), async () => {
      fs.copyFileSync(base, path.join(dir, "db.sqlite3"));
      return dj(dir, "migrate", "--noinput");
    });
    return { check, migrate };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** tsmigrate's `migrate` of 1 new migration at `m` migrations (for the ratio to Django at Django's size). */
async function tsMigrateOne(m: number, runs: number): Promise<CpuTimed> {
  const dir = tmp(`tsm-hist-${m}-`);
  try {
    writeHistory(dir, m);
    await ts(dir, "migrate", "--noinput");
    writeHistory(dir, m + 1);
    await ts(dir, "showmigrations");
    const base = path.join(dir, "base.sqlite3");
    fs.copyFileSync(path.join(dir, "db.sqlite3"), base);
    return await bestCpu(runs, async () => {
      fs.copyFileSync(base, path.join(dir, "db.sqlite3"));
      return ts(dir, "migrate", "--noinput");
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Tables of the realistic app in a SQLite file (the tools' bookkeeping aside). */
function tableCount(file: string): number {
  const db = new Database(file, { readonly: true });
  try {
    const r = db.prepare("SELECT count(*) AS c FROM sqlite_master WHERE type = 'table' AND name LIKE ?").get(`${REALISTIC_APP}_%`) as { c: number };
    return r.c;
  } finally {
    db.close();
  }
}

/** The floor of a project (see bench/floor.ts), CPU seconds, each the least of its runs. */
interface Floor {
  /** The statements run in the bench's own (long-lived) process. */
  readonly inProcess: number;
  /** The SQL alone, once in a new process (Node's start-up and reading the statements left out). */
  readonly sqlAlone: number;
  /** The whole new process: Node's start-up, better-sqlite3, the statements read from a file and executed. */
  readonly process: number;
}

/**
 * `measured()` and the floor for the project in `dir`, the least CPU of
 * `runs` runs of each, taken in turns (one run of each per round), so that
 * a phase of the machine slower than the rest weighs on both sides alike.
 */
async function withFloor(dir: string, runs: number, measured: () => Promise<CpuTimed>): Promise<{ best: CpuTimed; floor: Floor }> {
  const statements = emittedStatements(dir);
  let best: CpuTimed | undefined;
  let inProcess = Infinity;
  let sqlAlone = Infinity;
  let whole = Infinity;
  for (let i = 0; i < runs; i++) {
    const r = await measured();
    if (!best || r.cpu < best.cpu) best = r;
    inProcess = Math.min(inProcess, executeFloor(statements, path.join(dir, `floor-${i}.sqlite3`)).cpu);
    const child = await executeFloorInNewProcess(statements, path.join(dir, `floor-new-${i}.sqlite3`));
    sqlAlone = Math.min(sqlAlone, child.sql.cpu);
    whole = Math.min(whole, child.process.cpu);
  }
  return { best: best!, floor: { inProcess, sqlAlone, process: whole } };
}

/** What {@link tsRealistic} measures. */
interface RealisticRun {
  /** `migrate` from empty, the statement cache warm (the best of the runs after the first). */
  readonly migrate: CpuTimed;
  /** `migrate` from empty with the statement cache emptied (the parse cache warm, as after any command had read the migration). */
  readonly cold: CpuTimed;
  /** The first `migrate` after `makemigrations`: the new migration not yet in the parse cache either. */
  readonly first: CpuTimed;
  readonly floor: Floor;
  readonly statements: number;
}

/** tsmigrate's `migrate` from empty on `n` realistic models (every cache cold once, the statement cache cold once, then warm, in turns with the floor), and the floor. */
async function tsRealistic(n: number, runs: number): Promise<RealisticRun> {
  const dir = tmp(`tsm-real-${n}-`);
  try {
    writeRealisticTs(dir, n);
    await ts(dir, "makemigrations", "--noinput");
    const db = path.join(dir, "db.sqlite3");
    const first = await ts(dir, "migrate", "--noinput");
    fs.rmSync(db, { force: true });
    for (const kind of DERIVED_CACHE_KINDS) fs.rmSync(path.join(dir, CACHE_DIR, kind), { recursive: true, force: true });
    const cold = await ts(dir, "migrate", "--noinput");
    const { best: migrate, floor } = await withFloor(dir, runs, async () => {
      fs.rmSync(db, { force: true });
      return ts(dir, "migrate", "--noinput");
    });
    const tables = tableCount(db);
    if (tables !== realisticTableCount(n)) throw new Error(`tsmigrate made ${tables} tables for ${realisticTableCount(n)}`);
    const sql = await timeCommand(process.execPath, [CLI, "sqlmigrate", REALISTIC_APP, "0001", "--project", dir], dir);
    return { migrate, cold, first, floor, statements: sql.stdout.split(";\n").length };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The row of `migrate` from empty: judged on the warm run against the floor as a whole process (see the module comment). */
function realisticRows(real: number, r: RealisticRun, dk: CpuTimed | string): string[] {
  const dkCpu = typeof dk === "string" ? undefined : dk.cpu;
  const f = r.floor;
  return [
    row(`\`migrate\` from empty, ${real} realistic models (${r.statements} statements), statement cache warm`, r.migrate,
      `≤ 1.1× the floor (a whole process): ${ratio(r.migrate.cpu, f.process)} ${r.migrate.cpu <= 1.1 * f.process ? "OK" : "MISSED"}; ` +
      `≤ drizzle-kit: ${dkCpu === undefined ? "not measured" : `${ratio(r.migrate.cpu, dkCpu)} ${r.migrate.cpu <= dkCpu ? "OK" : "MISSED"}`}`,
      `floor as a whole process ${fmtSeconds(f.process)} CPU; its SQL alone ${fmtSeconds(f.sqlAlone)} (${ratio(r.migrate.cpu, f.sqlAlone)}), ` +
      `in the bench's process ${fmtSeconds(f.inProcess)} (${ratio(r.migrate.cpu, f.inProcess)}); drizzle-kit migrate ` +
      (typeof dk === "string" ? `not measured: ${dk}` : `${fmtSeconds(dk.seconds)} wall, ${fmtSeconds(dk.cpu)} CPU`)),
    ...([["  the same, statement cache cold (parse cache warm)", r.cold], ["  the first `migrate` after `makemigrations` (every cache cold)", r.first]] as const)
      .map(([what, t]) => row(what, t, `(not judged) ${ratio(t.cpu, f.process)} the whole-process floor`,
        `${ratio(t.cpu, f.sqlAlone)} its SQL alone; drizzle-kit: ${dkCpu === undefined ? "not measured" : ratio(t.cpu, dkCpu)}`)),
  ];
}

/**
 * drizzle-kit's `migrate` of the same schema from empty (its `generate`
 * first, untimed), drizzle-kit installed into a scratch folder. Returns the
 * reason instead when it cannot be measured.
 */
async function drizzleRealistic(n: number, runs: number): Promise<CpuTimed | string> {
  const prefix = tmp("tsm-drizzle-");
  try {
    try {
      await timeCommand("npm", ["install", "--prefix", prefix, "--no-audit", "--no-fund", "--no-save", "drizzle-kit", "drizzle-orm"], prefix);
    } catch (e) {
      return `npm could not install drizzle-kit: ${(e as Error).message.split("\n").slice(-3).join(" ").slice(0, 160)}`;
    }
    // drizzle-kit's SQLite driver: this repository's better-sqlite3 (built for this Node).
    fs.symlinkSync(path.join(ROOT, "node_modules", "better-sqlite3"), path.join(prefix, "node_modules", "better-sqlite3"), "dir");
    const dir = path.join(prefix, "project");
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, "schema.ts"), realisticDrizzleSchema(n));
    fs.writeFileSync(path.join(dir, "drizzle.config.js"),
      'module.exports = { dialect: "sqlite", schema: "./schema.ts", out: "./drizzle", dbCredentials: { url: "db.sqlite3" } };\n');
    const bin = path.join(prefix, "node_modules", "drizzle-kit", "bin.cjs");
    await timeCommand(process.execPath, [bin, "generate", "--config", "drizzle.config.js"], dir);
    const db = path.join(dir, "db.sqlite3");
    const best = await bestCpu(runs, async () => {
      fs.rmSync(db, { force: true });
      return timeWithCpu("node", bin, ["migrate", "--config", "drizzle.config.js"], dir);
    });
    const tables = tableCount(db);
    if (tables !== realisticTableCount(n)) return `drizzle-kit made ${tables} tables for ${realisticTableCount(n)}`;
    return best;
  } finally {
    fs.rmSync(prefix, { recursive: true, force: true });
  }
}

/** The section (see the module comment). */
export function historyBench(opts: HistoryBenchOptions = {}): BenchSection {
  const n = opts.migrations ?? 1000;
  const djCheck = opts.djangoCheck ?? 1000;
  const djMigrate = opts.djangoMigrate ?? 300;
  const real = opts.realistic ?? 1000;
  const runs = opts.runs ?? 3;
  const floorRuns = opts.floorRuns ?? Math.max(runs, 5);
  return {
    title: `Long histories and migrate at the floor (issue 12): whole processes, the run with the least CPU of ${runs} ` +
      `(of ${floorRuns} for migrate from empty and its floor, in turns); goals on CPU time`,
    async run() {
      if (!fs.existsSync(path.join(ROOT, "dist", "cli.js"))) throw new Error("dist/cli.js is missing: run `npm run build` first");
      const lines = [`machine before: ${machineLoad()}`, "", "| measured | wall | CPU | goal (CPU) | compared |", "|---|---|---|---|---|"];
      process.stderr.write(`  history: tsmigrate at ${n} migrations...\n`);
      const h = await tsHistory(n, runs);
      process.stderr.write(`  history: Django 3.2 at ${djCheck} / ${djMigrate} migrations...\n`);
      const d = await djangoHistory(djCheck, djMigrate, runs);
      const tsAtDj = djMigrate === n ? h.migrate : await tsMigrateOne(djMigrate, runs);
      const tsCheckAtDj = djCheck === n ? h.check : undefined;
      lines.push(row(`\`makemigrations --check\`, ${n} migrations, no change`, h.check, verdict(h.check.cpu, 0.4),
        `Django 3.2 at ${djCheck}: ${fmtSeconds(d.check.cpu)} CPU${tsCheckAtDj ? ` (${ratio(d.check.cpu, tsCheckAtDj.cpu)} tsmigrate's)` : ""}`));
      lines.push(row("  the same, parse cache cold (first run)", h.cold, "-", "-"));
      lines.push(row(`\`showmigrations\`, ${n} migrations`, h.show, "-", "-"));
      lines.push(row(`\`migrate\` of 1 new migration on ${n}`, h.migrate, verdict(h.migrate.cpu, 0.4),
        `at ${djMigrate}: tsmigrate ${fmtSeconds(tsAtDj.cpu)}, Django 3.2 ${fmtSeconds(d.migrate.cpu)} CPU (${ratio(d.migrate.cpu, tsAtDj.cpu)})`));
      process.stderr.write(`  migrate from empty: ${real} realistic models...\n`);
      const r = await tsRealistic(real, floorRuns);
      const dk = opts.drizzle === false ? "skipped in quick mode" : await drizzleRealistic(real, runs);
      lines.push(...realisticRows(real, r, dk));
      lines.push("", `machine after: ${machineLoad()}`);
      return lines;
    },
  };
}
