/**
 * The shape of one benchmark section. `bench/run.ts` runs every section in
 * {@link BENCH_SECTIONS} order and prints what each returns; new benchmarks
 * (the language server's, ...) are new files exporting a BenchSection,
 * added to that list in run.ts.
 */

/** One benchmark: a title and a run that measures and returns the lines to print. */
export interface BenchSection {
  /** Heading printed above the section's lines. */
  readonly title: string;
  /**
   * Measures and returns the report lines (a table, verdict lines...).
   * May log progress to stderr; must clean up its temporary folders.
   * @throws when a measured command fails (run.ts reports it and goes on).
   */
  run(): Promise<string[]>;
}
