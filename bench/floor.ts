/**
 * The floor of `migrate` on SQLite: the very statements tsmigrate emits for
 * a project's migrations (collected in-process through the executor's own
 * statement collection), executed by better-sqlite3 in one transaction on
 * an empty file, foreign keys off as the executor runs migrations.
 *
 * {@link executeFloor} runs them in this (long-lived) process, where SQLite
 * has run the same DDL before; {@link executeFloorInNewProcess} runs them
 * once in a new Node process, as `migrate` does, and gives both the SQL
 * alone (start-up excluded) and the whole process (Node's start-up, loading
 * better-sqlite3, reading the statements from a file, executing them: what
 * a program doing nothing but that SQL costs, measured the way tsmigrate's
 * own processes are, bench/cpu-at-exit.cjs). At 1,000 realistic models the
 * first run in a process costs ~0.2 s more CPU than a repeated one (a third
 * of it page faults as SQLite's memory grows).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import Database from "better-sqlite3";
import { sqliteSchemaEditor } from "../server/src/engine/backends/sqlite/base";
import { loadConfig } from "../server/src/engine/config";
import { collectStatements } from "../server/src/engine/executor";
import { MigrationLoader } from "../server/src/engine/loader";
import { ProjectState } from "../server/src/engine/state";
import { timeWithCpu } from "./timing";

/** Every statement `migrate` runs from empty for the project in `dir`, in order (RunCode steps left out). */
export function emittedStatements(dir: string): string[] {
  const loader = new MigrationLoader(loadConfig({ project: dir })).load();
  loader.throwIfErrors();
  const state = new ProjectState();
  const statements: string[] = [];
  for (const key of loader.graph.forwardsPlanMany(loader.graph.leafNodes())) {
    for (const st of collectStatements(loader.graph.migration(key), state, (emit) => sqliteSchemaEditor(emit))) {
      if (st.code === undefined) statements.push(st.sql);
    }
  }
  return statements;
}

/** Executes `statements` in one transaction on a new database `file` (removed after); returns wall and CPU seconds. */
export function executeFloor(statements: readonly string[], file: string): { wall: number; cpu: number } {
  const db = new Database(file);
  try {
    db.pragma("foreign_keys = OFF");
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    db.exec("BEGIN");
    for (const sql of statements) db.exec(sql);
    db.exec("COMMIT");
    const c = process.cpuUsage(c0);
    return { wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
  } finally {
    db.close();
    fs.rmSync(file, { force: true });
    fs.rmSync(path.join(path.dirname(file), `${path.basename(file)}-journal`), { force: true });
  }
}

/** One run of the floor in a new process: the SQL alone, and the whole process. */
export interface FloorInNewProcess {
  /** Wall and CPU seconds from BEGIN to COMMIT (Node's start-up and the file's reading left out). */
  readonly sql: { readonly wall: number; readonly cpu: number };
  /** Wall seconds from spawn to exit and CPU seconds of the whole process (as tsmigrate's processes are timed). */
  readonly process: { readonly wall: number; readonly cpu: number };
}

/**
 * Executes `statements` as {@link executeFloor} does, but once in a new Node
 * process (bench/floor-child.cjs, started as bench/timing.ts starts
 * tsmigrate's) on a new database `file` (removed after): the SQL alone, and
 * the whole process (start-up, better-sqlite3 loaded, the statements read
 * from a JSON file, executed).
 */
export async function executeFloorInNewProcess(statements: readonly string[], file: string): Promise<FloorInNewProcess> {
  const list = `${file}.statements.json`;
  fs.writeFileSync(list, JSON.stringify(statements));
  try {
    const r = await timeWithCpu("node", path.join(__dirname, "floor-child.cjs"), [list, file], path.dirname(file));
    return { sql: JSON.parse(r.stdout) as { wall: number; cpu: number }, process: { wall: r.seconds, cpu: r.cpu } };
  } finally {
    for (const f of [list, file, `${file}-journal`]) fs.rmSync(f, { force: true });
  }
}
