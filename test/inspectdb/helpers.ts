/**
 * Helpers for the inspectdb and diffschema tests: the CLI run in process
 * (same commands, same exit codes, output captured), projects replayed from
 * the model histories of test-fixtures/histories, and schema snapshots.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { openSqlite } from "../../server/src/engine/backends/sqlite/base";
import { type SchemaSnapshot, snapshotSchema } from "../../server/src/engine/backends/sqlite/introspection";
import { main } from "../../server/src/cli/program";

export const REPO = path.resolve(__dirname, "..", "..");
export const HISTORIES = path.join(REPO, "test-fixtures", "histories");

/** A finished command. */
export interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `tsmigrate <args> --project <dir>` in this process. */
export async function run(dir: string, ...args: string[]): Promise<Ran> {
  let stdout = "";
  let stderr = "";
  const code = await main(["node", "tsmigrate", ...args, "--project", dir], {
    out: (t) => void (stdout += t), err: (t) => void (stderr += t), color: false,
  });
  return { code, stdout, stderr };
}

/** Runs a command and throws with its output unless it exits `expected` (default 0). */
export async function ok(dir: string, args: string[], expected = 0): Promise<Ran> {
  const r = await run(dir, ...args);
  if (r.code !== expected) throw new Error(`tsmigrate ${args.join(" ")} exited ${r.code} (expected ${expected}) in ${dir}\n${r.stdout}\n${r.stderr}`);
  return r;
}

const temps: string[] = [];

/** A new temporary folder, removed by {@link cleanTemps}. */
export function tempDir(prefix = "tsm-inspect-"): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(d);
  return d;
}

/** Removes the temporary folders made so far. */
export function cleanTemps(): void {
  for (const d of temps.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** The history folders, sorted. */
export function histories(): string[] {
  return fs.readdirSync(HISTORIES).filter((n) => fs.statSync(path.join(HISTORIES, n)).isDirectory()).sort();
}

/** A project that went through every step of `history` (makemigrations + migrate each step). */
export async function replayHistory(history: string): Promise<string> {
  const dir = tempDir();
  const steps = fs.readdirSync(path.join(HISTORIES, history)).filter((s) => s.startsWith("step-"))
    .sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)));
  for (const step of steps) {
    fs.cpSync(path.join(HISTORIES, history, step), dir, { recursive: true });
    // A step's answers.json (test-fixtures/histories/README.md) is answered as the history test answers it.
    const answers = path.join(HISTORIES, history, step, "answers.json");
    await ok(dir, ["makemigrations", "--noinput", ...(fs.existsSync(answers) ? ["--answers", answers] : [])]);
    await ok(dir, ["migrate", "--noinput"]);
  }
  return dir;
}

/** The schema of an SQLite file with DEFAULTs and ON DELETE actions (what diffschema compares). */
export function schemaOf(file: string): SchemaSnapshot {
  const c = openSqlite("default", file, { readonly: true });
  try {
    return snapshotSchema(c.db, { defaults: true, onDelete: true });
  } finally {
    c.db.close();
  }
}

/** Runs SQL on an SQLite file (a hand change to a database). */
export function execSql(file: string, sql: string): void {
  const c = openSqlite("default", file);
  try {
    c.db.exec(sql);
  } finally {
    c.db.close();
  }
}
