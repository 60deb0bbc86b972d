/**
 * SQLite table rebuilds ("remake table"), at most one per table per
 * migration. Django's `DatabaseSchemaEditor._remake_table`
 * (`django/db/backends/sqlite3/schema.py`, Django 3.2) copies the whole
 * table once per operation; here every alter operation on a table folds
 * into one {@link PendingRebuild} whose column mapping is composed across
 * AddField / RemoveField / AlterField / RenameField, and the copy runs once
 * when the editor flushes.
 */
import { makeField, type FieldState, ModelState, type ProjectState } from "../../state";
import { concreteFields } from "../base/columns";
import { createIndexSql, createTableSql, dropTableSql, modelIndexSpecs, renameTableSql } from "../base/ddl";
import type { DatabaseFlavor } from "../base/features";
import { quoteName } from "../base/literals";

/**
 * A rebuild waiting for the end of the migration.
 *
 * `columns` maps each column of the target table to an SQL expression over
 * the columns of the table as it is in the database now (`source`): a
 * quoted column (`"title"`), a literal fill value for a new column (`'x'`,
 * `0`, `NULL`) or `coalesce("pages", 0)` for a column made NOT NULL.
 */
export interface PendingRebuild {
  /** The table's name in the database now: it holds the rows to copy. */
  source: string;
  /** The model as it was when this migration first touched the table. */
  readonly original: ModelState;
  /** The model the table must match after the rebuild (its `dbTable` is the final table name). */
  target: ModelState;
  /** Target column -> SQL expression over the source table's columns. */
  readonly columns: Map<string, string>;
}

/** A pending rebuild of `model`'s table that, as yet, copies every column unchanged. */
export function newPendingRebuild(model: ModelState): PendingRebuild {
  const columns = new Map<string, string>();
  for (const { column } of concreteFields(model)) columns.set(column, quoteName(column));
  return { source: model.dbTable, original: model, target: model, columns };
}

/**
 * Records that column `oldColumn` became `newColumn`; when `fill` is given
 * (the column turned NOT NULL), NULLs are replaced by it.
 */
export function mapAlteredColumn(p: PendingRebuild, oldColumn: string, newColumn: string, fill?: string): void {
  let expr = p.columns.get(oldColumn) ?? "NULL";
  p.columns.delete(oldColumn);
  if (fill !== undefined && fill !== "NULL") expr = expr === "NULL" ? fill : `coalesce(${expr}, ${fill})`;
  p.columns.set(newColumn, expr);
}

/** Django's `_remake_table` drops Meta.indexes naming a removed field; unique/index_together entries likewise. */
function withoutDanglingIndexes(model: ModelState): ModelState {
  const has = (f: string) => model.fields.has(f.replace(/^-/, ""));
  const o = model.options;
  const indexes = o.indexes?.filter((i) => i.fields.every(has));
  const uniqueTogether = o.uniqueTogether?.filter((u) => u.every(has));
  const indexTogether = o.indexTogether?.filter((u) => u.every(has));
  if (indexes?.length === o.indexes?.length && uniqueTogether?.length === o.uniqueTogether?.length
    && indexTogether?.length === o.indexTogether?.length) return model;
  return model.withOptions({ ...o, indexes, uniqueTogether, indexTogether });
}

/**
 * The statements of one rebuild, as Django writes them: CREATE TABLE
 * "new__t", INSERT INTO "new__t" (...) SELECT ... FROM "source", DROP TABLE
 * "source", ALTER TABLE "new__t" RENAME TO "t", then the table's indexes.
 * `state` resolves relations (the state after the last operation).
 */
export function rebuildStatements(p: PendingRebuild, state: ProjectState, flavor: DatabaseFlavor): string[] {
  const target = withoutDanglingIndexes(p.target);
  const table = target.dbTable;
  const temp = `new__${table}`;
  const ctx = { state, flavor };
  const out: string[] = [createTableSql(target, ctx, temp)];
  const cols = concreteFields(target).map((c) => c.column);
  const exprs = cols.map((c) => p.columns.get(c) ?? "NULL");
  if (cols.length > 0) {
    out.push(`INSERT INTO ${quoteName(temp)} (${cols.map(quoteName).join(", ")}) SELECT ${exprs.join(", ")} FROM ${quoteName(p.source)}`);
  }
  out.push(dropTableSql(p.source, flavor));
  out.push(renameTableSql(temp, table));
  for (const spec of modelIndexSpecs(target, ctx)) out.push(createIndexSql(spec));
  return out;
}

/**
 * `model` with relation labels `oldKey` replaced by `newKey` (after a
 * RenameModel, the state's relations name the new model).
 */
export function relabelRelations(model: ModelState, oldKey: string, newKey: string): ModelState {
  let changed = false;
  const fields: [string, FieldState][] = [];
  for (const [name, f] of model.fields) {
    const to = f.options.to;
    if (typeof to === "string" && to.toLowerCase() === oldKey) {
      fields.push([name, makeField(f.type, { ...f.options, to: newKey })]);
      changed = true;
    } else fields.push([name, f]);
  }
  return changed ? new ModelState(model.app, model.name, fields, model.options, model.bases) : model;
}
