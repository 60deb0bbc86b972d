/**
 * What the status bar and the Migrations view are told about the project,
 * truthfully: whether the database was read (and why not), and how many
 * tsmigrate errors the project's files have. A database that was not read
 * makes statuses "unknown", never "pending"; files with errors never show
 * as "all clear".
 */
import { DiagnosticSeverity, type Diagnostic } from "vscode-languageserver";
import { TsMigrateError } from "../engine/errors";
import type { AppliedRecord } from "../engine/recorder";
import type { DatabaseState, DidChangeStatusParams } from "../protocol";
import type { DriftData } from "./diagnostics";
import type { Workspace } from "./workspace";

/** The sentence given for an untrusted workspace. */
export const UNTRUSTED_REASON = "The workspace is not trusted: the database is not read.";

/** The applied migrations of a database, or why they are not known. */
export interface DatabaseRead {
  /** "app.name" → record; empty unless state is "read". */
  readonly applied: Map<string, AppliedRecord>;
  readonly state: DatabaseState;
  /** Why the database was not read (states "untrusted" and "error"). */
  readonly error?: string;
}

/**
 * Reads the applied migrations of `database` when the workspace is trusted;
 * never throws: a failure becomes state "error" with the error's text
 * (`file:line:col: ...` for a TsMigrateError).
 */
export async function readDatabase(ws: Workspace, database: string, trusted: boolean): Promise<DatabaseRead> {
  if (!trusted) return { applied: new Map(), state: "untrusted", error: UNTRUSTED_REASON };
  if (ws.project.databaseMissing(database)) return { applied: new Map(), state: "missing" };
  try {
    return { applied: await ws.project.appliedMigrations(database), state: "read" };
  } catch (e) {
    return { applied: new Map(), state: "error", error: e instanceof TsMigrateError ? e.format() : (e as Error).message };
  }
}

/**
 * The number of tsmigrate errors among `diagnostics` (severity Error, drift
 * excluded even when `tsmigrate.drift.severity` is "error"): models that the
 * engine rejects, bad migration files, a bad config; and each file that does
 * not parse (its one `syntax` summary, a warning: TypeScript shows the
 * errors themselves, see syntax.ts).
 */
export function errorCount(diagnostics: ReadonlyMap<string, readonly Diagnostic[]>): number {
  let count = 0;
  for (const list of diagnostics.values()) {
    for (const d of list) {
      if (d.code === "syntax" || (d.severity === DiagnosticSeverity.Error && (d.data as DriftData | undefined)?.kind !== "drift")) count++;
    }
  }
  return count;
}

/**
 * The `tsmigrate/didChangeStatus` parameters: pending migrations when the
 * database was read (0 otherwise, with the state and reason), drift and
 * error counts of the latest analysis. Never throws.
 */
export async function statusParams(ws: Workspace | undefined, trusted: boolean, driftCount: number, errors: number): Promise<DidChangeStatusParams> {
  const base = { driftCount, errorCount: errors };
  if (!ws || !trusted) return { ...base, pendingCount: 0, databaseState: "untrusted", databaseError: UNTRUSTED_REASON };
  try {
    const pendingCount = await ws.pendingCount();
    return { ...base, pendingCount, databaseState: ws.project.databaseMissing(ws.database) ? "missing" : "read" };
  } catch (e) {
    return { ...base, pendingCount: 0, databaseState: "error", databaseError: e instanceof TsMigrateError ? e.format() : (e as Error).message };
  }
}
