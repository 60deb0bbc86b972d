/**
 * `migrate` on PostgreSQL: tsmigrate vs Django 3.2 (psycopg2) vs the floor,
 * psql executing the same SQL in one transaction, on generated FK chains of
 * 300 and 1,000 models, each on a fresh database of a private server
 * (test/postgres/server.ts) started for the section and stopped after.
 * Django's side needs its own `makemigrations` first, which at 1,000 models
 * takes many minutes (its optimizer): Django is measured at 300 only.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { postgresSchemaEditor } from "../server/src/engine/backends/postgresql/base";
import { loadConfig } from "../server/src/engine/config";
import { collectStatements } from "../server/src/engine/executor";
import { MigrationLoader } from "../server/src/engine/loader";
import { keyString } from "../server/src/engine/migration";
import { ProjectState } from "../server/src/engine/state";
import { freshDatabase, pgQuery, postgresBinDir, startPostgres } from "../test/postgres/server";
import { BENCH_APP, writeDjangoProject, writeTsProject } from "./generate";
import type { BenchSection } from "./section";
import { best, fmtSeconds, timeCommand } from "./timing";

const ROOT = path.resolve(__dirname, "..");
const CLI = path.join(ROOT, "bin", "tsmigrate.js");

/** Checks that the run made the N tables of the generated app. */
async function checkTables(url: string, n: number, who: string): Promise<void> {
  const [row] = await pgQuery<{ c: string }>(url, "SELECT count(*) AS c FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE $1", [`${BENCH_APP}_%`]);
  if (Number(row?.c) !== n) throw new Error(`${who} made ${row?.c} tables for ${n} models`);
}

/** A generated tsmigrate project on a fresh database, its migrations made: [dir, url]. */
async function tsProject(n: number): Promise<[string, string]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `tsm-pgbench-${n}-`));
  writeTsProject(dir, n);
  const db = await freshDatabase(`bench_ts_${n}`);
  fs.writeFileSync(path.join(dir, "tsmigrate.config.json"), JSON.stringify({ apps: [BENCH_APP], databases: { default: { engine: "postgresql", url: db.url } } }));
  await timeCommand(process.execPath, [CLI, "makemigrations", "--noinput"], dir);
  return [dir, db.url];
}

async function tsMigrate(n: number): Promise<number> {
  const [dir, url] = await tsProject(n);
  try {
    const t = await timeCommand(process.execPath, [CLI, "migrate", "--noinput"], dir);
    await checkTables(url, n, "tsmigrate");
    return t.seconds;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** psql running tsmigrate's statements for the same migrations in one transaction (the floor). */
async function psqlFloor(n: number): Promise<number> {
  const [dir, url] = await tsProject(n);
  try {
    const loader = new MigrationLoader(loadConfig({ project: dir }));
    loader.load();
    loader.throwIfErrors();
    const state = new ProjectState();
    const sql: string[] = ["BEGIN;"];
    for (const key of loader.graph.forwardsPlanMany(loader.graph.leafNodes())) {
      const m = loader.graph.nodes.get(keyString(key))!;
      for (const st of collectStatements(m, state, (emit) => postgresSchemaEditor(emit))) sql.push(`${st.sql};`);
    }
    sql.push("COMMIT;");
    fs.writeFileSync(path.join(dir, "all.sql"), sql.join("\n"));
    const t = await timeCommand(path.join(postgresBinDir(), "psql"), ["-q", "-v", "ON_ERROR_STOP=1", "-f", "all.sql", url], dir);
    await checkTables(url, n, "psql");
    return t.seconds;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function djangoMigrate(n: number): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `dj-pgbench-${n}-`));
  try {
    writeDjangoProject(dir, n);
    const db = await freshDatabase(`bench_dj_${n}`);
    const u = new URL(db.url);
    const settings = path.join(dir, "bench_settings.py");
    fs.writeFileSync(settings, fs.readFileSync(settings, "utf8").replace(/DATABASES = .*\n/,
      `DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "${db.name}", "HOST": "${u.hostname}", "PORT": "${u.port}", "USER": "postgres"}}\n`));
    await timeCommand("/usr/bin/python3", ["manage.py", "makemigrations", "--noinput"], dir);
    const t = await timeCommand("/usr/bin/python3", ["manage.py", "migrate", "--noinput"], dir);
    await checkTables(db.url, n, "Django");
    return t.seconds;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The section; `sizes` default 300 and 1,000, Django at sizes up to `djangoMax` (300). */
export function postgresBench(sizes: readonly number[] = [300, 1000], djangoMax = 300, runs = 2): BenchSection {
  return {
    title: "migrate on PostgreSQL: tsmigrate vs Django 3.2 vs psql running the same SQL (FK chain of N models; wall clock, best of runs)",
    async run() {
      const server = await startPostgres();
      process.env.TSM_PG_URL = server.url;
      try {
        const lines = [["models", "tsmigrate", "Django 3.2", "psql (floor)", "Django/tsmigrate", "tsmigrate - psql"].map((h, i) => (i ? h.padStart(16) : h.padEnd(7))).join(" ")];
        for (const n of sizes) {
          const times = async (f: (n: number) => Promise<number>, who: string) => {
            const all: number[] = [];
            for (let i = 0; i < runs; i++) {
              process.stderr.write(`  ${who} on PostgreSQL, ${n} models, run ${i + 1}/${runs}...\n`);
              all.push(await f(n));
            }
            return best(all);
          };
          const ts = await times(tsMigrate, "tsmigrate");
          const floor = await times(psqlFloor, "psql");
          const dj = n <= djangoMax ? await times(djangoMigrate, "Django") : undefined;
          lines.push([String(n).padEnd(7), fmtSeconds(ts).padStart(16), fmtSeconds(dj).padStart(16), fmtSeconds(floor).padStart(16),
            (dj ? `${(dj / ts).toFixed(1)}x` : "-").padStart(16), fmtSeconds(ts - floor).padStart(16)].join(" "));
        }
        lines.push(`(Django at ${djangoMax} models at most: its makemigrations at 1,000 models runs for many minutes)`);
        return lines;
      } finally {
        delete process.env.TSM_PG_URL;
        server.stop();
      }
    },
  };
}
