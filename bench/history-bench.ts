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
 *   better-sqlite3 in one transaction, in-process) and against drizzle-kit's
 *   `migrate` on the same schema (drizzle-kit and drizzle-orm installed by
 *   `npm install --prefix <tmp>`, never a dependency of tsmigrate).
 *
 * Every tsmigrate, Django and drizzle-kit number is a whole process.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import Database from "better-sqlite3";
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

/**
 * The floor for the project in `dir`: CPU seconds of its statements in one
 * transaction, the least of `runs`, in this process, and in a new process each
 * (the SQL alone, as `migrate` meets it: see bench/floor.ts).
 */
function floorCpu(dir: string, runs: number): { warm: number; fresh: number } {
  const statements = emittedStatements(dir);
  let warm = Infinity;
  let fresh = Infinity;
  for (let i = 0; i < runs; i++) {
    warm = Math.min(warm, executeFloor(statements, path.join(dir, `floor-${i}.sqlite3`)).cpu);
    fresh = Math.min(fresh, executeFloorInNewProcess(statements, path.join(dir, `floor-new-${i}.sqlite3`)).cpu);
  }
  return { warm, fresh };
}

/** tsmigrate's `migrate` from empty on `n` realistic models, and the floor. */
async function tsRealistic(n: number, runs: number): Promise<{ migrate: CpuTimed; floor: { warm: number; fresh: number }; statements: number }> {
  const dir = tmp(`tsm-real-${n}-`);
  try {
    writeRealisticTs(dir, n);
    await ts(dir, "makemigrations", "--noinput");
    const db = path.join(dir, "db.sqlite3");
    const migrate = await bestCpu(runs, async () => {
      fs.rmSync(db, { force: true });
      return ts(dir, "migrate", "--noinput");
    });
    const tables = tableCount(db);
    if (tables !== realisticTableCount(n)) throw new Error(`tsmigrate made ${tables} tables for ${realisticTableCount(n)}`);
    const sql = await timeCommand(process.execPath, [CLI, "sqlmigrate", REALISTIC_APP, "0001", "--project", dir], dir);
    return { migrate, floor: floorCpu(dir, runs), statements: sql.stdout.split(";\n").length };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
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
  return {
    title: `Long histories and migrate at the floor (issue 12): whole processes, the run with the least CPU of ${runs}; goals on CPU time`,
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
      const r = await tsRealistic(real, runs);
      const dk = opts.drizzle === false ? "skipped in quick mode" : await drizzleRealistic(real, runs);
      const dkCpu = typeof dk === "string" ? undefined : dk.cpu;
      lines.push(row(`\`migrate\` from empty, ${real} realistic models (${r.statements} statements)`, r.migrate,
        `≤ 1.1× the floor: ${ratio(r.migrate.cpu, r.floor.warm)} ${r.migrate.cpu <= 1.1 * r.floor.warm ? "OK" : "MISSED"}; ≤ drizzle-kit: ` +
        (dkCpu === undefined ? "not measured" : `${ratio(r.migrate.cpu, dkCpu)} ${r.migrate.cpu <= dkCpu ? "OK" : "MISSED"}`),
        `floor ${fmtSeconds(r.floor.warm)} CPU (in a new process, start-up excluded: ${fmtSeconds(r.floor.fresh)}, ` +
        `${ratio(r.migrate.cpu, r.floor.fresh)}); drizzle-kit migrate ${typeof dk === "string" ? `not measured: ${dk}` : `${fmtSeconds(dk.seconds)} wall, ${fmtSeconds(dk.cpu)} CPU`}`));
      lines.push("", `machine after: ${machineLoad()}`);
      return lines;
    },
  };
}
