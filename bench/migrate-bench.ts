/**
 * The makemigrations/migrate benchmark: tsmigrate and Django 3.2 side by side
 * on generated FK chains of 100 and 300 models, then tsmigrate alone at
 * 1,000 and 3,000 models, with the growth in time per model.
 *
 * Every number is the wall-clock time of a whole CLI process (start-up
 * included) in a fresh temporary project, best of a few runs.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import Database from "better-sqlite3";
import { executeFloor, emittedStatements } from "./floor";
import { BENCH_APP, writeDjangoProject, writeTsProject } from "./generate";
import type { BenchSection } from "./section";
import { best, fmtSeconds, timeCommand } from "./timing";

const ROOT = path.resolve(__dirname, "..");
const CLI = path.join(ROOT, "bin", "tsmigrate.js");
const PYTHON = "/usr/bin/python3";

/** Times of one tool at one size: seconds per command (best of the runs). */
export interface ToolTimes {
  readonly makemigrations: number;
  readonly migrate: number;
}

/** Options of {@link migrateBench}: sizes and runs (defaults are the issue's). */
export interface MigrateBenchOptions {
  /** Sizes measured on both tools (default 100 and 300). */
  readonly sideBySide?: readonly number[];
  /** Sizes measured on tsmigrate alone (default 1,000 and 3,000). */
  readonly aloneSizes?: readonly number[];
  /** Runs per size for tsmigrate (default 3; 2 past 1,000 models). */
  readonly tsRuns?: (n: number) => number;
  /** Runs per size for Django (default 2 at 100 models, 1 above: Django takes ~30 s at 300). */
  readonly djangoRuns?: (n: number) => number;
}

function tmp(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Counts the tables of the generated app in a database file (the run must have made all N). */
function checkTables(dbFile: string, n: number, who: string): void {
  const db = new Database(dbFile, { readonly: true });
  try {
    const row = db.prepare("SELECT count(*) AS c FROM sqlite_master WHERE type = 'table' AND name LIKE ?").get(`${BENCH_APP}_%`) as { c: number };
    if (row.c !== n) throw new Error(`${who} made ${row.c} tables for ${n} models`);
  } finally {
    db.close();
  }
}

/** One tsmigrate run at size n in a fresh project. */
async function tsOnce(n: number): Promise<ToolTimes> {
  const dir = tmp(`tsm-bench-${n}-`);
  try {
    writeTsProject(dir, n);
    const mm = await timeCommand(process.execPath, [CLI, "makemigrations", "--noinput", "--project", dir], dir);
    const mg = await timeCommand(process.execPath, [CLI, "migrate", "--noinput", "--project", dir], dir);
    checkTables(path.join(dir, "db.sqlite3"), n, "tsmigrate");
    return { makemigrations: mm.seconds, migrate: mg.seconds };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * SQLite's own share of `migrate` at size n: the same statements tsmigrate
 * would run (collected in-process from the project's migrations), executed
 * by better-sqlite3 in one transaction on an empty file, in seconds.
 * Shows how much of migrate's growth is SQLite itself (each CREATE scans
 * sqlite_master to re-parse the schema).
 */
async function sqliteOnly(n: number): Promise<number> {
  const dir = tmp(`tsm-bench-sql-${n}-`);
  try {
    writeTsProject(dir, n);
    await timeCommand(process.execPath, [CLI, "makemigrations", "--noinput", "--project", dir], dir);
    return executeFloor(emittedStatements(dir), path.join(dir, "only.sqlite3")).wall;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** One Django run at size n in a fresh project. */
async function djangoOnce(n: number): Promise<ToolTimes> {
  const dir = tmp(`dj-bench-${n}-`);
  try {
    writeDjangoProject(dir, n);
    const mm = await timeCommand(PYTHON, ["manage.py", "makemigrations", "--noinput"], dir);
    const mg = await timeCommand(PYTHON, ["manage.py", "migrate", "--noinput"], dir);
    checkTables(path.join(dir, "db.sqlite3"), n, "Django");
    return { makemigrations: mm.seconds, migrate: mg.seconds };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Best of `runs` runs of `once(n)`, command by command. */
async function measure(once: (n: number) => Promise<ToolTimes>, n: number, runs: number, label: string): Promise<ToolTimes> {
  const all: ToolTimes[] = [];
  for (let i = 0; i < runs; i++) {
    process.stderr.write(`  ${label} ${n} models, run ${i + 1}/${runs}...\n`);
    all.push(await once(n));
  }
  return { makemigrations: best(all.map((t) => t.makemigrations)), migrate: best(all.map((t) => t.migrate)) };
}

/** True when `python3 -m django` is Django 3.2. */
async function djangoAvailable(): Promise<boolean> {
  try {
    const r = await timeCommand(PYTHON, ["-m", "django", "--version"], ROOT);
    return r.stdout.startsWith("3.2");
  } catch {
    return false;
  }
}

function pad(s: string, w: number): string {
  return s.length >= w ? s : s + " ".repeat(w - s.length);
}

function lpad(s: string, w: number): string {
  return s.length >= w ? s : " ".repeat(w - s.length) + s;
}

/**
 * Growth exponent k in time ~ N^k between two sizes, after taking off the
 * start-up time (measured at one model): 1 is linear, 2 quadratic. When the
 * start-up is not below both times (noise on a loaded machine), the raw
 * times are used, which understates k.
 */
export function growthExponent(n1: number, t1: number, n2: number, t2: number, startup: number): number {
  const a = t1 - startup;
  const b = t2 - startup;
  if (a <= 0 || b <= 0) return Math.log(t2 / t1) / Math.log(n2 / n1);
  return Math.log(b / a) / Math.log(n2 / n1);
}

/** The benchmark section (see the module comment). */
export function migrateBench(opts: MigrateBenchOptions = {}): BenchSection {
  const sideBySide = opts.sideBySide ?? [100, 300];
  const alone = opts.aloneSizes ?? [1000, 3000];
  const tsRuns = opts.tsRuns ?? ((n: number) => (n > 1000 ? 2 : 3));
  const djRuns = opts.djangoRuns ?? ((n: number) => (n <= 100 ? 2 : 1));
  return {
    title: "makemigrations / migrate: tsmigrate vs Django 3.2 (FK chain of N models; wall clock of whole CLI processes, best of runs)",
    async run() {
      if (!fs.existsSync(path.join(ROOT, "dist", "cli.js"))) throw new Error("dist/cli.js is missing: run `npm run build` first");
      const lines: string[] = [];
      const ts = new Map<number, ToolTimes>();
      ts.set(1, await measure(tsOnce, 1, 3, "tsmigrate"));
      const haveDjango = await djangoAvailable();
      const w = [7, 16, 12, 12, 18];
      lines.push(
        [pad("models", w[0]!), pad("command", w[1]!), lpad("tsmigrate", w[2]!), lpad("Django", w[3]!), lpad("Django/tsmigrate", w[4]!)].join(" "),
      );
      for (const n of sideBySide) {
        const t = await measure(tsOnce, n, tsRuns(n), "tsmigrate");
        ts.set(n, t);
        const d = haveDjango ? await measure(djangoOnce, n, djRuns(n), "Django") : undefined;
        for (const cmd of ["makemigrations", "migrate"] as const) {
          const ratio = d ? `${(d[cmd] / t[cmd]).toFixed(1)}x` : "-";
          lines.push([pad(String(n), w[0]!), pad(cmd, w[1]!), lpad(fmtSeconds(t[cmd]), w[2]!), lpad(fmtSeconds(d?.[cmd]), w[3]!), lpad(ratio, w[4]!)].join(" "));
        }
      }
      if (!haveDjango) lines.push("(Django 3.2 not installed: apt-get install python3-django; Django columns left empty)");
      for (const n of alone) ts.set(n, await measure(tsOnce, n, tsRuns(n), "tsmigrate"));

      // Start-up again at the end: the machine's load changes, take the better of the two.
      const again = await measure(tsOnce, 1, 2, "tsmigrate");
      const first = ts.get(1)!;
      const start: ToolTimes = {
        makemigrations: Math.min(first.makemigrations, again.makemigrations),
        migrate: Math.min(first.migrate, again.migrate),
      };
      ts.set(1, start);
      lines.push("", "tsmigrate alone (per model: the time added per extra model since the previous size)");
      lines.push([pad("models", 7), lpad("makemigrations", 15), lpad("migrate", 10), lpad("per model (mm)", 16), lpad("per model (migrate)", 21)].join(" "));
      const sizes = [...ts.keys()].sort((a, b) => a - b);
      sizes.forEach((n, i) => {
        const t = ts.get(n)!;
        const prev = i > 0 ? sizes[i - 1]! : undefined;
        const per = (cmd: keyof ToolTimes) =>
          prev === undefined ? "(start-up)" : `${(((t[cmd] - ts.get(prev)![cmd]) / (n - prev)) * 1000).toFixed(3)} ms`;
        lines.push([pad(String(n), 7), lpad(fmtSeconds(t.makemigrations), 15), lpad(fmtSeconds(t.migrate), 10),
          lpad(per("makemigrations"), 16), lpad(per("migrate"), 21)].join(" "));
      });
      const big = sizes.filter((n) => n >= 100);
      if (big.length >= 2) {
        const lo = big[big.length - 2]!;
        const hi = big[big.length - 1]!;
        const verdicts = (["makemigrations", "migrate"] as const).map((cmd) => {
          const k = growthExponent(lo, ts.get(lo)![cmd], hi, ts.get(hi)![cmd], start[cmd]);
          return `${cmd} ~ N^${k.toFixed(2)} (${k <= 1.2 ? "linear" : "FASTER THAN LINEAR"})`;
        });
        lines.push(`Growth from ${lo} to ${hi} models, start-up (${fmtSeconds(start.makemigrations)} / ${fmtSeconds(start.migrate)}) taken off: ${verdicts.join("; ")}`);
        const [sqlLo, sqlHi] = [await sqliteOnly(lo), await sqliteOnly(hi)];
        const engineLo = ts.get(lo)!.migrate - sqlLo - start.migrate;
        const engineHi = ts.get(hi)!.migrate - sqlHi - start.migrate;
        const kSql = Math.log(sqlHi / sqlLo) / Math.log(hi / lo);
        const kEngine = Math.log(engineHi / engineLo) / Math.log(hi / lo);
        lines.push(`  of migrate, SQLite itself executing the same SQL in one transaction: ${fmtSeconds(sqlLo)} at ${lo}, ` +
          `${fmtSeconds(sqlHi)} at ${hi} (~ N^${kSql.toFixed(2)}); the rest (tsmigrate's own work): ~ N^${kEngine.toFixed(2)} ` +
          `(${kEngine <= 1.2 ? "linear" : "FASTER THAN LINEAR"})`);
      }
      const t300 = ts.get(300);
      if (t300) {
        const ok = (s: number) => (s < 1 ? "OK" : "MISSED");
        lines.push(`Target 300 models under 1 s: makemigrations ${fmtSeconds(t300.makemigrations)} ${ok(t300.makemigrations)}, migrate ${fmtSeconds(t300.migrate)} ${ok(t300.migrate)}`);
      }
      return lines;
    },
  };
}
