/**
 * `npm run bench`: runs every benchmark section in order and prints each
 * one's report. Add a section by writing a file that exports a
 * {@link BenchSection} and listing it in BENCH_SECTIONS.
 *
 * `--quick` (or BENCH_QUICK=1) runs smaller sizes, for checking the bench itself.
 */
import { backupBench } from "./backup-bench";
import { historyBench } from "./history-bench";
import { lspSection } from "./lsp";
import { migrateBench } from "./migrate-bench";
import { schemaBench } from "./schema-bench";
import { postgresBench } from "./postgres-bench";
import type { BenchSection } from "./section";
import { startupSection } from "./startup";

const quick = process.argv.includes("--quick") || process.env.BENCH_QUICK === "1";

/** The sections `npm run bench` runs, in order. */
export const BENCH_SECTIONS: readonly BenchSection[] = [
  startupSection,
  quick ? historyBench({ migrations: 100, djangoCheck: 100, djangoMigrate: 30, realistic: 60, runs: 1, floorRuns: 1, drizzle: false }) : historyBench(),
  quick
    ? migrateBench({ sideBySide: [20, 60], aloneSizes: [200], tsRuns: () => 1, djangoRuns: () => 1 })
    : migrateBench(),
  lspSection(quick),
  quick ? postgresBench([20, 60], 20, 1) : postgresBench(),
  quick ? schemaBench([30, 100], 1) : schemaBench(),
  quick ? backupBench(10, 1) : backupBench(),
];

async function main(): Promise<void> {
  let failed = false;
  for (const section of BENCH_SECTIONS) {
    console.log(`\n== ${section.title}\n`);
    try {
      for (const line of await section.run()) console.log(line);
    } catch (e) {
      failed = true;
      console.log(`FAILED: ${(e as Error).message}`);
    }
  }
  if (failed) process.exitCode = 1;
}

void main();
