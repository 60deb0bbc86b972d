/**
 * How a migration's statements run, inside the transaction the executor
 * opens (executor.ts): RunCode steps in order with the SQL around them,
 * and, on a backend that runs scripts (`Connection.executeScriptSync`:
 * SQLite), the SQL between two RunCode steps as one script. Django 3.2
 * runs each statement as its schema editor makes it
 * (`BaseDatabaseSchemaEditor.execute` inside
 * `MigrationExecutor.apply_migration`); tsmigrate collects them first
 * (executor-sql.ts) and runs them here.
 */
import type { Connection } from "./backends/base/base";
import { abortFlag, checkAborted, executionError } from "./execution-errors";
import type { Statement } from "./executor-sql";
import type { Migration } from "./migration";
import { runCode } from "./run-code";
import { SqlScript } from "./sql-script";

/**
 * Runs `statements` (collected, or a script from the statement cache) of
 * `migration` on `c`, stopping between steps once `signal` aborts.
 * @throws TsMigrateError code `database` naming the statement that failed
 *   (executionError), `aborted` when cancelled.
 */
export async function runStatements(
  c: Connection, migration: Migration, statements: readonly Statement[] | SqlScript, backwards: boolean, signal?: AbortSignal,
): Promise<void> {
  const scripts = c.executeScriptSync !== undefined;
  const steps = statements instanceof SqlScript
    ? (scripts ? [statements] : statements.statements())
    : (scripts ? scriptsAndCode(statements) : statements);
  const stop = abortFlag(signal);
  try {
    for (const step of steps) {
      if (stop.aborted) checkAborted(signal, migration);
      if (step instanceof SqlScript) {
        const r = c.executeScriptSync!(step);
        if (r.error !== undefined) throw executionError(migration, step.statement(r.ran), backwards, r.error);
        continue;
      }
      try {
        if (step.code !== undefined) await runCode(step.code, c);
        else await c.execute(step.sql);
      } catch (err) {
        throw executionError(migration, step, backwards, err);
      }
    }
  } finally {
    stop.dispose();
  }
}

/** `statements` with each run of SQL between two RunCode steps (or the ends) made one script. */
function scriptsAndCode(statements: readonly Statement[]): (SqlScript | Statement)[] {
  const out: (SqlScript | Statement)[] = [];
  let run: Statement[] = [];
  const flush = () => {
    if (run.length) out.push(SqlScript.of(run));
    run = [];
  };
  for (const st of statements) {
    if (st.code === undefined) {
      run.push(st);
      continue;
    }
    flush();
    out.push(st);
  }
  flush();
  return out;
}
