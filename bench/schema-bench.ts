/**
 * `inspectdb` and `diffschema` on large databases: the FK chain of N models
 * (bench/generate.ts) migrated by tsmigrate, then each command timed as a
 * whole CLI process (best of runs), with Django 3.2's own `inspectdb` on the
 * same database beside tsmigrate's when Django is installed, and the growth
 * from the smaller size to the larger (time ~ N^k). diffschema replays every
 * applied migration on an in-memory database and introspects both, so it
 * also says what `migrate`'s drift warning costs at that size.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { writeDjangoProject, writeTsProject } from "./generate";
import type { BenchSection } from "./section";
import { best, fmtSeconds, timeCommand } from "./timing";

const CLI = path.resolve(__dirname, "..", "bin", "tsmigrate.js");
const PYTHON = "/usr/bin/python3";

/** Best-of-`runs` seconds of one command per size. */
interface SizeTimes {
  readonly inspectdb: number;
  readonly diffschema: number;
  readonly django?: number;
}

async function bestOf(runs: number, f: () => Promise<number>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await f());
  return best(times);
}

/** Measures one size: a migrated project of n models, then the commands. */
async function measure(n: number, runs: number, withDjango: boolean): Promise<SizeTimes> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `tsm-schema-bench-${n}-`));
  try {
    writeTsProject(dir, n);
    const cli = (...args: string[]) => timeCommand(process.execPath, [CLI, ...args, "--project", dir], dir);
    await cli("makemigrations", "--noinput");
    await cli("migrate", "--noinput");
    const inspected = await cli("inspectdb");
    if ((inspected.stdout.match(/^export class /gm) ?? []).length !== n) throw new Error(`inspectdb printed the wrong number of models for ${n} tables`);
    const inspectdb = await bestOf(runs, async () => (await cli("inspectdb")).seconds);
    const diffschema = await bestOf(runs, async () => (await cli("diffschema")).seconds);
    let django: number | undefined;
    if (withDjango) {
      writeDjangoProject(dir, n);
      django = await bestOf(runs, async () => (await timeCommand(PYTHON, ["manage.py", "inspectdb"], dir)).seconds);
    }
    return { inspectdb, diffschema, django };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
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

/** The section, at `sizes` (two sizes: the growth is measured between them). */
export function schemaBench(sizes: readonly [number, number] = [300, 1000], runs = 3): BenchSection {
  return {
    title: `inspectdb and diffschema on an FK chain of ${sizes[0]} and ${sizes[1]} tables (whole CLI processes, best of ${runs})`,
    async run() {
      const django = await haveDjango();
      const [a, b] = [await measure(sizes[0], runs, django), await measure(sizes[1], runs, django)];
      const row = (name: string, ta: number | undefined, tb: number | undefined) =>
        `${name.padEnd(26)} ${fmtSeconds(ta).padStart(10)} ${fmtSeconds(tb).padStart(10)}   ${ta && tb ? growth(ta, tb, sizes[0], sizes[1]) : "-"}`;
      const lines = [
        `${"command".padEnd(26)} ${`${sizes[0]} tables`.padStart(10)} ${`${sizes[1]} tables`.padStart(10)}   growth`,
        row("tsmigrate inspectdb", a.inspectdb, b.inspectdb),
        row("tsmigrate diffschema", a.diffschema, b.diffschema),
        row("Django 3.2 inspectdb", a.django, b.django),
      ];
      if (!django) lines.push("(Django 3.2 not installed: apt-get install python3-django; its row left empty)");
      return lines;
    },
  };
}
