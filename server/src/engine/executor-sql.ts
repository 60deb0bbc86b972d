/**
 * The SQL of one migration, collected from the schema editor (pure, no
 * database) through the one apply/unapply loop ({@link Migration.apply},
 * {@link Migration.unapply}): tagged per operation for the executor, and in
 * Django's `sqlmigrate` shape for the CLI and hovers. Follows Django 3.2's
 * `MigrationExecutor.apply_migration` and `MigrationLoader.collect_sql`.
 */
import type { Emit, SchemaEditor } from "./backends/base/schema";
import type { MigrationLoader } from "./loader";
import type { Migration, StepHook } from "./migration";
import type { ProjectState } from "./state";

/**
 * One step collected for a migration and the operation that emitted it (-1:
 * deferred work at the end): a SQL statement, or, for RunCode, the source of
 * the function to run at that point (`sql` is then a comment for listings).
 */
export interface Statement {
  readonly sql: string;
  readonly op: number;
  readonly code?: string;
}

/**
 * The statements of `migration` run forwards from `state` (advanced in place
 * to the state after it) or, with `backwards`, unapplied from `state` (the
 * state before it, unchanged), each tagged with the operation that emitted
 * it. RunCode becomes a code step in order with the SQL around it: pending
 * deferred work (SQLite rebuilds) is flushed first so the code sees the
 * schema the operations before it made.
 * @throws TsMigrateError from the operations (code `irreversible` backwards).
 */
export function collectStatements(
  migration: Migration, state: ProjectState, makeEditor: (emit: Emit) => SchemaEditor, backwards = false,
): Statement[] {
  const out: Statement[] = [];
  let current = -1;
  const editor = makeEditor((sql) => out.push({ sql, op: current }));
  Object.assign(editor, {
    runCode(source: string) {
      editor.flush();
      out.push({ sql: "-- RunCode", op: current, code: source });
    },
  });
  const onStep: StepHook = (index) => {
    current = index;
  };
  if (backwards) migration.unapply(state, editor, onStep);
  else migration.apply(state, editor, onStep);
  return out;
}

/**
 * What Django's `sqlmigrate` prints for one migration (`loader.collect_sql`
 * plus `output_transaction`): for each operation a `--` / `-- <describe()>`
 * / `--` header then its SQL, each statement ending in `;`; an operation that
 * does not reduce to SQL (RunCode) is announced and skipped; `BEGIN;` /
 * `COMMIT;` around when the migration is atomic and the database has
 * transactional DDL. An empty migration gives no lines. The state is the
 * graph's state before the migration.
 */
export function collectSql(
  loader: MigrationLoader, migration: Migration, backwards: boolean,
  makeEditor: (emit: Emit) => SchemaEditor, transactionalDdl = true,
): string[] {
  const lines: string[] = [];
  const editor = makeEditor((sql) => lines.push(sql.endsWith(";") ? sql : `${sql};`));
  const header: StepHook = (_index, op) => {
    if (!op) return;
    lines.push("--");
    if (!op.reducesToSql) lines.push("-- MIGRATION NOW PERFORMS OPERATION THAT CANNOT BE WRITTEN AS SQL:");
    lines.push(`-- ${op.describe()}`, "--");
    return op.reducesToSql;
  };
  const state = loader.projectState(migration.key, false);
  if (backwards) migration.unapply(state, editor, header);
  else migration.apply(state, editor, header);
  if (!lines.length) return lines;
  return migration.atomic && transactionalDdl ? ["BEGIN;", ...lines, "COMMIT;"] : lines;
}
