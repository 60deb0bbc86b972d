/**
 * The SQL of one migration, collected from the schema editor (pure, no
 * database): tagged per operation for the executor, and in Django's
 * `sqlmigrate` shape for the CLI and hovers. Follows Django 3.2's
 * `Migration.apply` / `unapply` and `MigrationLoader.collect_sql`.
 */
import type { Emit, SchemaEditor } from "./backends/base/schema";
import { TsMigrateError } from "./errors";
import { operationError } from "./graph";
import type { MigrationLoader } from "./loader";
import { keyString, type Migration } from "./migration";
import type { Operation } from "./operations/base";
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
 * An editor whose RunCode hook records a code step in order with the SQL:
 * pending deferred work (SQLite rebuilds) is flushed first so the code sees
 * the schema the operations before it made.
 */
function withCodeSteps(editor: SchemaEditor, out: Statement[], current: () => number): SchemaEditor {
  return Object.assign(editor, {
    runCode(source: string) {
      editor.flush();
      out.push({ sql: "-- RunCode", op: current(), code: source });
    },
  });
}

function fileLoc(m: Migration) {
  return m.file ? { file: m.file, line: 1, column: 1 } : undefined;
}

/**
 * The forward SQL of `migration` from `state` (advanced in place to the state
 * after it), each statement tagged with the operation that emitted it.
 * Follows Migration.apply (and Django's) step for step.
 */
export function collectForwards(migration: Migration, state: ProjectState, makeEditor: (emit: Emit) => SchemaEditor): Statement[] {
  const out: Statement[] = [];
  let current = -1;
  const editor = withCodeSteps(makeEditor((sql) => out.push({ sql, op: current })), out, () => current);
  migration.operations.forEach((op, i) => {
    current = i;
    const after = state.fork();
    try {
      op.stateForwards(migration.app, after);
      op.databaseForwards(migration.app, editor, state, after);
    } catch (err) {
      throw operationError(migration, op, err);
    }
    state.absorb(after);
  });
  current = -1;
  editor.flush();
  return out;
}

/**
 * The backward SQL of `migration`, `state` being the state before it
 * (unchanged). Follows Migration.unapply: intermediate states first, then
 * operations in reverse. Irreversible operations are code `irreversible`.
 */
export function collectBackwards(migration: Migration, state: ProjectState, makeEditor: (emit: Emit) => SchemaEditor): Statement[] {
  const steps = unapplySteps(migration, state);
  const out: Statement[] = [];
  let current = -1;
  const editor = withCodeSteps(makeEditor((sql) => out.push({ sql, op: current })), out, () => current);
  for (const { index, op, before, after } of steps) {
    current = index;
    try {
      op.databaseBackwards(migration.app, editor, after, before);
    } catch (err) {
      throw operationError(migration, op, err);
    }
  }
  current = -1;
  editor.flush();
  return out;
}

interface UnapplyStep { index: number; op: Operation; before: ProjectState; after: ProjectState }

/** Django's `unapply` phase 1: the states around each operation, last operation first; irreversible ones raise. */
function unapplySteps(migration: Migration, state: ProjectState): UnapplyStep[] {
  const steps: UnapplyStep[] = [];
  let current = state;
  migration.operations.forEach((op, index) => {
    if (!op.reversible) {
      throw new TsMigrateError(`Operation ${op.describe()} in ${keyString(migration.key)} is not reversible`, {
        code: "irreversible", location: op.location ?? fileLoc(migration),
      });
    }
    const after = current.clone();
    try {
      op.stateForwards(migration.app, after);
    } catch (err) {
      throw operationError(migration, op, err);
    }
    steps.unshift({ index, op, before: current, after });
    current = after;
  });
  return steps;
}

/**
 * What Django's `sqlmigrate` prints for one migration (`loader.collect_sql`
 * plus `output_transaction`): for each operation a `--` / `-- <describe()>`
 * / `--` header then its SQL, each statement ending in `;`; an operation that
 * cannot be SQL (RunCode) is announced and skipped; `BEGIN;` / `COMMIT;`
 * around when the migration is atomic and the database has transactional
 * DDL. An empty migration gives no lines. State is the graph's state before
 * the migration.
 */
export function collectSql(
  loader: MigrationLoader, migration: Migration, backwards: boolean,
  makeEditor: (emit: Emit) => SchemaEditor, transactionalDdl = true,
): string[] {
  const lines: string[] = [];
  const emit: Emit = (sql) => lines.push(sql.endsWith(";") ? sql : `${sql};`);
  const editor = makeEditor(emit);
  const state = loader.projectState(migration.key, false);
  const header = (op: Operation): boolean => {
    lines.push("--");
    const sqlable = op.kind !== "RunCode";
    if (!sqlable) lines.push("-- MIGRATION NOW PERFORMS OPERATION THAT CANNOT BE WRITTEN AS SQL:");
    lines.push(`-- ${op.describe()}`);
    lines.push("--");
    return sqlable;
  };
  if (!backwards) {
    for (const op of migration.operations) {
      if (!header(op)) continue;
      const before = state.clone();
      try {
        op.stateForwards(migration.app, state);
        op.databaseForwards(migration.app, editor, before, state);
      } catch (err) {
        throw operationError(migration, op, err);
      }
    }
  } else {
    for (const { op, before, after } of unapplySteps(migration, state)) {
      if (!header(op)) continue;
      try {
        op.databaseBackwards(migration.app, editor, after, before);
      } catch (err) {
        throw operationError(migration, op, err);
      }
    }
  }
  editor.flush();
  if (!lines.length) return lines;
  return migration.atomic && transactionalDdl ? ["BEGIN;", ...lines, "COMMIT;"] : lines;
}
