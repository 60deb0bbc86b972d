/**
 * How a migration run stops and fails: cancellation through an
 * `AbortSignal` (checked between migrations and, through a flag, between
 * statements) and the Django-worded error of a failed statement.
 */
import { TsMigrateError } from "./errors";
import type { Statement } from "./executor-sql";
import { keyString, type Migration } from "./migration";

/** Stops a run when `signal` is aborted: before the next migration, or inside `migration` (its transaction rolls back). */
export function checkAborted(signal?: AbortSignal, migration?: Migration): void {
  if (!signal?.aborted) return;
  throw new TsMigrateError(migration
    ? `Migration run cancelled in ${keyString(migration.key)}; ${migration.atomic ? "it was rolled back" : "it is not atomic: statements before this point stay applied"}`
    : "Migration run cancelled before the next migration", { code: "aborted" });
}

/**
 * `aborted` turns true once `signal` aborts: read per statement, where the
 * `AbortSignal.aborted` getter cost more than a field. `dispose` removes the
 * listener (a long run must not pile one up per migration on the signal).
 */
export function abortFlag(signal: AbortSignal | undefined): { aborted: boolean; dispose: () => void } {
  const flag = { aborted: signal?.aborted ?? false, dispose: () => signal?.removeEventListener("abort", onAbort) };
  const onAbort = () => (flag.aborted = true);
  signal?.addEventListener("abort", onAbort, { once: true });
  return flag;
}

/** The Django-wording failure of one statement: migration, operation, SQL, database message. */
export function executionError(migration: Migration, st: Statement, backwards: boolean, err: unknown): TsMigrateError {
  const ops = migration.operations;
  const op = st.op >= 0 ? ops[st.op] : undefined;
  const what = op ? `operation "${op.describe()}"` : "SQL deferred to the end of the migration";
  const failed = st.code !== undefined ? `\n  Code: ${st.code.split("\n")[0]}...` : `\n  SQL: ${st.sql}`;
  const verb = backwards ? "Unapplying" : "Applying";
  // The driver's message may repeat the statement; it is shown once below.
  const reason = (err instanceof Error ? err.message : String(err)).replace(/\n\s*while executing: [\s\S]*$/, "");
  return new TsMigrateError(
    `${verb} ${keyString(migration.key)} failed in ${what}: ${reason}${failed}` +
    (migration.atomic ? "\n  The migration was rolled back; nothing was changed." : "\n  The migration is not atomic: statements before this one stay applied."),
    { code: "database", location: op?.location ?? migration.location, cause: err },
  );
}
