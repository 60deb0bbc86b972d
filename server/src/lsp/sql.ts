/**
 * SQL for hovers, computed without a database: the schema editors are pure
 * (they emit statements and never query), so an untrusted workspace gets
 * SQL previews too. Statements are formatted as `tsmigrate sqlmigrate`
 * prints them (sql-formatter, the database's dialect).
 */
import type { Emit, SchemaEditor } from "../engine/backends/base/schema";
import { schemaEditorFor } from "../engine/backends/editors";
import { TsMigrateError } from "../engine/errors";
import { collectSql } from "../engine/executor";
import type { MigrationLoader } from "../engine/loader";
import { Migration } from "../engine/migration";
import type { Operation } from "../engine/operations/base";
import type { FieldType } from "../engine/fields";
import type { ModelState, ProjectState } from "../engine/state";
import { formatStatement } from "../engine/sql-format";

/** A database vendor the editors know. */
export type Vendor = "sqlite" | "postgresql";

/** The database SQL is generated for: its vendor and the config's implicit primary key type. */
export interface SqlTarget {
  readonly vendor: Vendor;
  readonly defaultAutoField?: FieldType;
}

/** A schema editor for the target's vendor sending statements to `emit`. */
export function makeEditor(target: SqlTarget, emit: Emit): SchemaEditor {
  return schemaEditorFor(target.vendor, emit, { defaultAutoField: target.defaultAutoField });
}

/** Formats collected lines (`--` comments kept as they are) as `sqlmigrate` prints them. */
export function formatLines(lines: readonly string[], target: SqlTarget): string {
  return lines.map((l) => formatStatement(l, target.vendor)).join("\n");
}

function withSemicolon(sql: string): string {
  return sql.endsWith(";") ? sql : `${sql};`;
}

/**
 * The forward SQL of operation `index` of `migration`, `state` being the
 * state before the migration (not changed). Operations before it advance a
 * copy of the state without emitting; the editor is flushed after the
 * operation so its deferred work (table rebuilds, deferred indexes) shows.
 */
export function operationSql(migration: Migration, index: number, state: ProjectState, target: SqlTarget): string[] {
  const s = new Migration(migration.app, migration.name, { operations: migration.operations.slice(0, index) }).mutateState(state.clone());
  return opsSql([migration.operations[index]!], migration.app, s, target);
}

/** The forward SQL of `ops` of `app` applied in order from `state` (a copy is advanced). */
function opsSql(ops: readonly Operation[], app: string, state: ProjectState, target: SqlTarget): string[] {
  const lines: string[] = [];
  new Migration(app, "pending", { operations: [...ops] }).apply(state.clone(), makeEditor(target, (sql) => lines.push(withSemicolon(sql))));
  return lines;
}

/** CREATE TABLE (and its indexes, M2M tables) for `model` as it is in `state`. */
export function createModelSql(model: ModelState, state: ProjectState, target: SqlTarget): string[] {
  const lines: string[] = [];
  const editor = makeEditor(target, (sql) => lines.push(withSemicolon(sql)));
  editor.createModel(model, state);
  editor.flush();
  return lines;
}

/**
 * Field `name` of `model` (as in `state`) as CREATE TABLE writes its column
 * for the target database (`"price" decimal NOT NULL`); undefined for a
 * many-to-many field.
 */
export function fieldColumnSql(model: ModelState, name: string, state: ProjectState, target: SqlTarget): string | undefined {
  return makeEditor(target, () => undefined).columnSql(model, name, state);
}

/**
 * What `sqlmigrate` prints for `migration` (forwards, or backwards), from
 * `loader`'s graph; an irreversible migration gives the error's message as a
 * SQL comment rather than throwing.
 */
export function migrationSql(loader: MigrationLoader, migration: Migration, backwards: boolean, target: SqlTarget): string[] {
  try {
    return collectSql(loader, migration, backwards, (emit) => makeEditor(target, emit), true);
  } catch (e) {
    if (e instanceof TsMigrateError && e.code === "irreversible") return [`-- ${e.message}`];
    throw e;
  }
}

/** Formats one small statement so that sql-formatter's first real use (a hover) does not pay its set-up. */
export function warmUpFormatter(target: SqlTarget): void {
  formatLines(['CREATE TABLE "t" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "name" varchar(10) NOT NULL);'], target);
}

/** A markdown `sql` code block. */
export function sqlBlock(sql: string): string {
  return "```sql\n" + sql.replace(/```/g, "` ` `") + "\n```";
}
