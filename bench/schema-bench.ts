/**
 * `inspectdb` and `diffschema` on large databases: the FK chain of N models
 * (bench/generate.ts) migrated by tsmigrate on SQLite and on PostgreSQL (a
 * private server, test/postgres/server.ts, started for the section and
 * stopped after), then each command timed as a whole CLI process (best of
 * runs, wall time with the process's own CPU time beside it), with Django
 * 3.2's own `inspectdb` on the SQLite database beside tsmigrate's when
 * Django is installed, and the growth from the smaller size to the larger
 * (wall time ~ N^k). diffschema replays every applied migration on a scratch
 * database (SQLite: in memory; PostgreSQL: the session's temporary schema)
 * and introspects both, so it also says what `migrate`'s drift warning
 * costs at that size. On PostgreSQL the server's own work is in the wall
 * time, not in the CPU time.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { freshDatabase, startPostgres } from "../test/postgres/server";
import { BENCH_APP, writeDjangoProject, writeTsProject } from "./generate";
import type { BenchSection } from "./section";
import { bestWall, fmtSeconds, timeCommand, timeWithCpu } from "./timing";

const CLI = path.resolve(__dirname, "..", "bin", "tsmigrate.js");
const PYTHON = "/usr/bin/python3";

/** Wall and CPU seconds of the best run (undefined CPU: not measured). */
interface Time {
  readonly wall: number;
  readonly cpu?: number;
}

/** Best-of-`runs` times of the commands at one size. */
interface SizeTimes {
  readonly inspectdb: Time;
  readonly diffschema: Time;
  readonly pgInspectdb: Time;
  readonly pgDiffschema: Time;
  readonly django?: Time;
}

/** A migrated project of n models on `url` (PostgreSQL) or its own db.sqlite3; runs `f` with its CLI, then removes it. */
async function withProject<T>(n: number, url: string | undefined, f: (cli: (...args: string[]) => Promise<Time & { stdout: string }>, dir: string) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `tsm-schema-bench-${n}-`));
  try {
    writeTsProject(dir, n);
    if (url) fs.writeFileSync(path.join(dir, "tsmigrate.config.json"), JSON.stringify({ apps: [BENCH_APP], databases: { default: { engine: "postgresql", url } } }));
    const cli = async (...args: string[]) => {
      const t = await timeWithCpu("node", CLI, [...args, "--project", dir], dir);
      return { wall: t.seconds, cpu: t.cpu, stdout: t.stdout };
    };
    await cli("makemigrations", "--noinput");
    await cli("migrate", "--noinput");
    const inspected = await cli("inspectdb");
    if ((inspected.stdout.match(/^export class /gm) ?? []).length !== n) throw new Error(`inspectdb printed the wrong number of models for ${n} tables`);
    return await f(cli, dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Measures one size on both backends. */
async function measure(n: number, runs: number, withDjango: boolean, pgUrl: () => Promise<string>): Promise<SizeTimes> {
  const sqlite = await withProject(n, undefined, async (cli, dir) => {
    const inspectdb = await bestWall(runs, () => cli("inspectdb"));
    const diffschema = await bestWall(runs, () => cli("diffschema"));
    let django: Time | undefined;
    if (withDjango) {
      writeDjangoProject(dir, n);
      django = await bestWall(runs, async () => ({ wall: (await timeCommand(PYTHON, ["manage.py", "inspectdb"], dir)).seconds }));
    }
    return { inspectdb, diffschema, django };
  });
  const pg = await withProject(n, await pgUrl(), async (cli) => ({
    pgInspectdb: await bestWall(runs, () => cli("inspectdb")),
    pgDiffschema: await bestWall(runs, () => cli("diffschema")),
  }));
  return { ...sqlite, ...pg };
}

async function haveDjango(): Promise<boolean> {
  try {
    const r = await timeCommand(PYTHON, ["-c", "import django; assert django.VERSION[:2] == (3, 2)"], os.tmpdir());
    return r.seconds >= 0;
  } catch {
    return false;
  }
}

/** The growth exponent k of t ~ N^k between two sizes. */
function growth(t1: number, t2: number, n1: number, n2: number): string {
  return `N^${(Math.log(t2 / t1) / Math.log(n2 / n1)).toFixed(2)}`;
}

/** `0.812 s (cpu 0.950 s)`. */
function cell(t: Time | undefined): string {
  if (!t) return "-";
  return t.cpu === undefined ? fmtSeconds(t.wall) : `${fmtSeconds(t.wall)} (cpu ${fmtSeconds(t.cpu)})`;
}

/** The section, at `sizes` (two sizes: the growth is measured between them). */
export function schemaBench(sizes: readonly [number, number] = [300, 1000], runs = 3): BenchSection {
  return {
    title: `inspectdb and diffschema on an FK chain of ${sizes[0]} and ${sizes[1]} tables (whole CLI processes, best of ${runs}; wall time, the process's CPU time)`,
    async run() {
      const django = await haveDjango();
      const server = await startPostgres();
      process.env.TSM_PG_URL = server.url; // freshDatabase's server
      let sized: [SizeTimes, SizeTimes];
      try {
        const url = async () => (await freshDatabase("bench_schema")).url;
        sized = [await measure(sizes[0], runs, django, url), await measure(sizes[1], runs, django, url)];
      } finally {
        delete process.env.TSM_PG_URL;
        server.stop();
      }
      const [a, b] = sized;
      const row = (name: string, ta: Time | undefined, tb: Time | undefined) =>
        `${name.padEnd(34)} ${cell(ta).padStart(24)} ${cell(tb).padStart(24)}   ${ta && tb ? growth(ta.wall, tb.wall, sizes[0], sizes[1]) : "-"}`;
      const lines = [
        `${"command".padEnd(34)} ${`${sizes[0]} tables`.padStart(24)} ${`${sizes[1]} tables`.padStart(24)}   growth`,
        row("tsmigrate inspectdb (SQLite)", a.inspectdb, b.inspectdb),
        row("tsmigrate diffschema (SQLite)", a.diffschema, b.diffschema),
        row("tsmigrate inspectdb (PostgreSQL)", a.pgInspectdb, b.pgInspectdb),
        row("tsmigrate diffschema (PostgreSQL)", a.pgDiffschema, b.pgDiffschema),
        row("Django 3.2 inspectdb (SQLite)", a.django, b.django),
      ];
      if (!django) lines.push("(Django 3.2 not installed: apt-get install python3-django; its row left empty)");
      return lines;
    },
  };
}
