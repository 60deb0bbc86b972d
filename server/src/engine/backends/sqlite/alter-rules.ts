/**
 * When SQLite can change a table in place instead of rebuilding it: the
 * rules of ALTER TABLE ADD COLUMN and DROP COLUMN
 * (https://www.sqlite.org/lang_altertable.html), applied to fields.
 */
import { TsMigrateError } from "../../errors";
import { fieldColumn, fieldOption, isForeignKey, isManyToMany, type FieldState, type ModelState, type ProjectState } from "../../state";
import type { Value } from "../../values";
import { type ColumnContext, columnDefaultSql, hasAutoNow, isNull, isPrimaryKey, isUnique } from "../base/columns";
import type { DatabaseFlavor } from "../base/features";
import { quoteName } from "../base/literals";
import { compileCondition } from "../expressions";

/**
 * ADD COLUMN works when the column is not PRIMARY KEY or UNIQUE, its
 * DEFAULT is a constant, it is nullable or has a non-NULL default (and no
 * one-off default, which must not stay as DEFAULT), and it is not a
 * foreign key with a non-NULL default (SQLite's rules for ADD COLUMN).
 * And, as ADD COLUMN appends, when field `name` is the last column of
 * `ctx.model`: unapplying a RemoveField of a field in the middle rebuilds
 * the table, so that it is the table CREATE TABLE makes for the model
 * (found by the property test of random histories; Django appends there).
 */
export function canAddColumn(ctx: ColumnContext, name: string, field: FieldState, oneOffDefault: Value | undefined): boolean {
  if (isPrimaryKey(field) || isUnique(field) || hasAutoNow(field)) return false;
  const columns = [...ctx.model.fields].filter(([, f]) => !isManyToMany(f)).map(([n]) => n);
  if (columns[columns.length - 1] !== name) return false;
  const def = columnDefaultSql(ctx, field);
  const hasDefault = def !== undefined && def !== "NULL";
  if (!isNull(field) && (!hasDefault || oneOffDefault !== undefined)) return false;
  if (isForeignKey(field) && fieldOption(field, "dbConstraint") !== false && hasDefault) return false;
  return true;
}

/**
 * DROP COLUMN (SQLite >= 3.35) works when the column is no key, not
 * unique, not indexed, not a foreign key and not named by any index,
 * together option or constraint of the table; else the table is rebuilt.
 */
export function canDropColumn(model: ModelState, name: string, field: FieldState, state: ProjectState, flavor: DatabaseFlavor): boolean {
  if (isPrimaryKey(field) || isUnique(field) || isForeignKey(field) || fieldOption(field, "dbIndex") === true) return false;
  const names = (list: readonly string[]) => list.some((f) => f.replace(/^-/, "") === name);
  const o = model.options;
  if (o.uniqueTogether?.some(names) || o.indexTogether?.some(names) || o.indexes?.some((i) => names(i.fields))) return false;
  if (o.constraints?.some((c) => c.kind === "UniqueConstraint" && names(c.fields))) return false;
  const quoted = quoteName(fieldColumn(name, field)!);
  const ctx = { model, state, flavor };
  try {
    const conditions: Value[] = [
      ...(o.indexes ?? []).map((i) => i.condition),
      ...(o.constraints ?? []).map((c) => (c.kind === "CheckConstraint" ? c.check : c.condition)),
    ].filter((v): v is Value => v !== undefined && v !== null);
    if (conditions.some((v) => compileCondition(v, ctx).includes(quoted))) return false;
  } catch (e) {
    if (e instanceof TsMigrateError) return false; // a condition we cannot compile: rebuild, the safe answer
    throw e;
  }
  return true;
}
