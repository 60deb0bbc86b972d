/**
 * Vendor-neutral table and index DDL: CREATE TABLE with inline
 * constraints, and the indexes a model needs, in the order Django's
 * `create_model` queues them (`deferred_sql`): unique_together, conditional
 * UniqueConstraints, field indexes, index_together, Meta.indexes. Follows
 * `BaseDatabaseSchemaEditor.table_sql`, `_model_indexes_sql`,
 * `_create_index_sql`, `_create_unique_sql`, `_unique_sql`, `_check_sql`
 * and `Index.create_sql` (Django 3.2).
 */
import { TsMigrateError } from "../../errors";
import { createIndexName } from "../../names";
import { fieldColumn, fieldOption, type ConstraintState, type ModelState, type ProjectState } from "../../state";
import { compileCondition } from "../expressions";
import { type ColumnSqlOptions, columnSql, concreteFields, isUnique } from "./columns";
import { type DatabaseFlavor, indexNameLimit, interpolate } from "./features";
import { quoteName } from "./literals";

/** What DDL is computed against. */
export interface DdlContext {
  readonly state: ProjectState;
  readonly flavor: DatabaseFlavor;
}

/** One index to create: a plain or unique index, possibly partial. */
export interface IndexSpec {
  readonly name: string;
  readonly table: string;
  /** Column names, in order. */
  readonly columns: readonly string[];
  /** Per column, `"DESC"` or `""`. */
  readonly orders: readonly string[];
  readonly unique: boolean;
  /** The partial index condition SQL, without `WHERE`. */
  readonly where?: string;
  /** Set when the name was derived from table and columns: the suffix given to `createIndexName` (`""`, `"_uniq"`, `"_idx"`). */
  readonly derivedSuffix?: string;
}

/** The column of field `name` of `model`; throws TsMigrateError when the model has no such concrete field. */
export function columnOf(model: ModelState, name: string): string {
  const f = model.fields.get(name);
  const col = f ? fieldColumn(name, f) : undefined;
  if (col === undefined) {
    throw new TsMigrateError(`${model.key} has no field "${name}" with a column (named in an index or constraint)`, {
      code: "unknown-field",
    });
  }
  return col;
}

/** `CREATE [UNIQUE] INDEX "name" ON "table" ("a", "b" DESC)[ WHERE ...]`. */
export function createIndexSql(spec: IndexSpec): string {
  const cols = spec.columns.map((c, i) => (spec.orders[i] ? `${quoteName(c)} ${spec.orders[i]}` : quoteName(c)));
  return `CREATE ${spec.unique ? "UNIQUE " : ""}INDEX ${quoteName(spec.name)} ON ${quoteName(spec.table)} (${cols.join(", ")})${spec.where ? ` WHERE ${spec.where}` : ""}`;
}

/** `DROP INDEX "name"`. */
export function dropIndexSql(name: string): string {
  return `DROP INDEX ${quoteName(name)}`;
}

function derived(table: string, columns: readonly string[], suffix: string, unique: boolean, flavor: DatabaseFlavor): IndexSpec {
  return {
    name: createIndexName(table, columns, suffix, indexNameLimit(flavor)),
    table, columns, orders: columns.map(() => ""), unique, derivedSuffix: suffix,
  };
}

/** The same index on another table: a derived name is derived again (Django's `IndexName.rename_table_references`). */
export function indexOnTable(spec: IndexSpec, table: string, flavor: DatabaseFlavor): IndexSpec {
  if (spec.derivedSuffix === undefined) return { ...spec, table };
  return { ...derived(table, spec.columns, spec.derivedSuffix, spec.unique, flavor), orders: spec.orders, where: spec.where };
}

/** The same index after columns were renamed (`renames`: old -> new); derived names follow, WHERE identifiers too. */
export function indexWithColumns(spec: IndexSpec, renames: ReadonlyMap<string, string>, flavor: DatabaseFlavor): IndexSpec {
  const columns = spec.columns.map((c) => renames.get(c) ?? c);
  const where = spec.where?.replace(/"((?:[^"]|"")*)"/g, (m, id: string) => {
    const r = renames.get(id.replace(/""/g, '"'));
    return r === undefined ? m : quoteName(r);
  });
  if (spec.derivedSuffix === undefined) return { ...spec, columns, where };
  return { ...derived(spec.table, columns, spec.derivedSuffix, spec.unique, flavor), orders: spec.orders, where };
}

/** A canonical key of an index's definition (name included), to tell whether two specs make the same index. */
export function indexKey(spec: IndexSpec): string {
  return JSON.stringify([spec.name, spec.table, spec.columns, spec.orders, spec.unique, spec.where ?? null]);
}

/** True when the UniqueConstraint can exist on this vendor (SQLite has no deferrable unique constraints: Django emits nothing). */
function uniqueSupported(c: ConstraintState, flavor: DatabaseFlavor): boolean {
  return c.kind === "UniqueConstraint" && (c.deferrable === undefined || flavor.supportsDeferrableUnique);
}

/**
 * The constraint's inline SQL for CREATE TABLE, or undefined when it is not
 * inline (a conditional UniqueConstraint is a unique index) or not
 * supported: `CONSTRAINT "n" UNIQUE ("a", "b")`, `CONSTRAINT "n" CHECK (...)`.
 */
export function inlineConstraintSql(model: ModelState, c: ConstraintState, ctx: DdlContext): string | undefined {
  if (c.kind === "CheckConstraint") {
    const check = compileCondition(c.check, { model, state: ctx.state, flavor: ctx.flavor });
    return `CONSTRAINT ${quoteName(c.name)} CHECK (${check})`;
  }
  if (!uniqueSupported(c, ctx.flavor) || (c.condition !== undefined && c.condition !== null)) return undefined;
  const deferrable = c.deferrable ? ` DEFERRABLE INITIALLY ${c.deferrable}` : "";
  return `CONSTRAINT ${quoteName(c.name)} UNIQUE (${c.fields.map((f) => quoteName(columnOf(model, f))).join(", ")})${deferrable}`;
}

/** A conditional UniqueConstraint as a unique partial index, or undefined for other constraints. */
export function constraintIndexSpec(model: ModelState, c: ConstraintState, ctx: DdlContext, table = model.dbTable): IndexSpec | undefined {
  if (c.kind !== "UniqueConstraint" || !uniqueSupported(c, ctx.flavor) || c.condition === undefined || c.condition === null) {
    return undefined;
  }
  const columns = c.fields.map((f) => columnOf(model, f));
  return {
    name: c.name, table, columns, orders: columns.map(() => ""), unique: true,
    where: compileCondition(c.condition, { model, state: ctx.state, flavor: ctx.flavor }),
  };
}

/** The spec of a `Meta.indexes` entry (`-name` descending, optional condition). */
export function metaIndexSpec(model: ModelState, index: { name: string; fields: readonly string[]; condition?: unknown }, ctx: DdlContext, table = model.dbTable): IndexSpec {
  const columns = index.fields.map((f) => columnOf(model, f.replace(/^-/, "")));
  const condition = index.condition as Parameters<typeof compileCondition>[0] | undefined;
  return {
    name: index.name, table, columns,
    orders: index.fields.map((f) => (f.startsWith("-") ? "DESC" : "")),
    unique: false,
    where: condition === undefined || condition === null ? undefined : compileCondition(condition, { model, state: ctx.state, flavor: ctx.flavor }),
  };
}

/** The index of a field with `dbIndex` (FKs by default) that is not unique, or undefined. */
export function fieldIndexSpec(model: ModelState, name: string, ctx: DdlContext, table = model.dbTable): IndexSpec | undefined {
  const f = model.fields.get(name);
  if (!f) return undefined;
  const col = fieldColumn(name, f);
  if (col === undefined || fieldOption(f, "dbIndex") !== true || isUnique(f)) return undefined;
  return derived(table, [col], "", false, ctx.flavor);
}

/** The unique index of one `unique_together` entry. */
export function uniqueTogetherSpec(model: ModelState, fields: readonly string[], ctx: DdlContext, table = model.dbTable): IndexSpec {
  return derived(table, fields.map((f) => columnOf(model, f)), "_uniq", true, ctx.flavor);
}

/** The index of one `index_together` entry. */
export function indexTogetherSpec(model: ModelState, fields: readonly string[], ctx: DdlContext, table = model.dbTable): IndexSpec {
  return derived(table, fields.map((f) => columnOf(model, f)), "_idx", false, ctx.flavor);
}

/**
 * Every index `model` needs besides its inline constraints, in Django's
 * `create_model` order: unique_together, conditional UniqueConstraints,
 * field indexes, index_together, Meta.indexes.
 */
export function modelIndexSpecs(model: ModelState, ctx: DdlContext, table = model.dbTable): IndexSpec[] {
  const out: IndexSpec[] = [];
  for (const fields of model.options.uniqueTogether ?? []) out.push(uniqueTogetherSpec(model, fields, ctx, table));
  for (const c of model.options.constraints ?? []) {
    const spec = constraintIndexSpec(model, c, ctx, table);
    if (spec) out.push(spec);
  }
  for (const name of model.fields.keys()) {
    const spec = fieldIndexSpec(model, name, ctx, table);
    if (spec) out.push(spec);
  }
  for (const fields of model.options.indexTogether ?? []) out.push(indexTogetherSpec(model, fields, ctx, table));
  for (const index of model.options.indexes ?? []) out.push(metaIndexSpec(model, index, ctx, table));
  return out;
}

/**
 * `CREATE TABLE "t" (<columns>, <inline constraints>)` for `model` under
 * `table` (default: its own table), as Django's `table_sql` writes it.
 */
export function createTableSql(model: ModelState, ctx: DdlContext, table = model.dbTable, opts: ColumnSqlOptions = {}): string {
  const parts: string[] = [];
  const colCtx = { model, state: ctx.state, flavor: ctx.flavor };
  for (const { name, field } of concreteFields(model)) {
    const sql = columnSql(colCtx, name, field, opts);
    if (sql !== undefined) parts.push(sql);
  }
  for (const c of model.options.constraints ?? []) {
    const sql = inlineConstraintSql(model, c, ctx);
    if (sql) parts.push(sql);
  }
  return `CREATE TABLE ${quoteName(table)} (${parts.join(", ")})`;
}

/** The flavor's `sql_delete_table`: `DROP TABLE "t"` (SQLite), `DROP TABLE "t" CASCADE` (PostgreSQL). */
export function dropTableSql(table: string, flavor: DatabaseFlavor): string {
  return interpolate(flavor.sqlDeleteTable, { table: quoteName(table) });
}

/** `ALTER TABLE "old" RENAME TO "new"`. */
export function renameTableSql(oldTable: string, newTable: string): string {
  return `ALTER TABLE ${quoteName(oldTable)} RENAME TO ${quoteName(newTable)}`;
}
