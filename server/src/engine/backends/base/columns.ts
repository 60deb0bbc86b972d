/**
 * Column definitions, vendor-neutral: a field's database type, CHECK,
 * DEFAULT and the full column SQL of CREATE TABLE. Follows Django 3.2's
 * `Field.db_type`/`rel_db_type`/`db_check`/`db_parameters`
 * (`django/db/models/fields/__init__.py`, `related.py`) and
 * `BaseDatabaseSchemaEditor.column_sql`/`table_sql`
 * (`django/db/backends/base/schema.py`), plus the product's deliberate
 * differences: a literal `default` becomes a column DEFAULT, `autoNow` /
 * `autoNowAdd` a DEFAULT of the current time, `onDelete` the foreign key's
 * ON DELETE action.
 */
import { TsMigrateError } from "../../errors";
import { FIELD_SPECS, type FieldType } from "../../fields";
import {
  fieldColumn, fieldOption, isForeignKey, isManyToMany, type FieldState, type ModelState, type ProjectState,
} from "../../state";
import { wellKnownCallable } from "../../callables";
import { CallValue, RefValue, type Value } from "../../values";
import { type DatabaseFlavor, interpolate } from "./features";
import {
  decimalSaveText, pythonFloatRepr, pythonJsonDumps, quoteName, type SqlLiteral, uuidHex,
} from "./literals";
import { fkTarget } from "./related";

/** Django's `get_internal_type()` of a field. */
export function internalType(field: FieldState): string {
  return FIELD_SPECS[field.type].internalType;
}

const INTEGER_TYPES = new Set([
  "AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField", "SmallIntegerField",
  "PositiveIntegerField", "PositiveBigIntegerField", "PositiveSmallIntegerField",
]);

/** The integer class a field type's `rel_db_type` falls back to (AutoField -> IntegerField, ...). */
const REL_INTEGER: Readonly<Record<string, FieldType>> = {
  AutoField: "IntegerField", BigAutoField: "BigIntegerField", SmallAutoField: "SmallIntegerField",
  PositiveIntegerField: "IntegerField", PositiveBigIntegerField: "BigIntegerField", PositiveSmallIntegerField: "SmallIntegerField",
};

/** True for the field types whose values are integers (auto, plain and positive integer fields). */
export function isIntegerType(internal: string): boolean {
  return INTEGER_TYPES.has(internal);
}

/** `Field.unique`: `unique` or `primaryKey`. */
export function isUnique(field: FieldState): boolean {
  return fieldOption(field, "unique") === true || fieldOption(field, "primaryKey") === true;
}

/** `Field.null`. */
export function isNull(field: FieldState): boolean {
  return fieldOption(field, "null") === true;
}

/** `Field.primary_key`. */
export function isPrimaryKey(field: FieldState): boolean {
  return fieldOption(field, "primaryKey") === true;
}

/** A model, its state and the vendor: what column SQL is computed against. */
export interface ColumnContext {
  readonly model: ModelState;
  readonly state: ProjectState;
  readonly flavor: DatabaseFlavor;
}

/** The type of a plain (non-relation) field from the vendor's data-type table. */
function plainDbType(field: FieldState, flavor: DatabaseFlavor): string {
  const template = flavor.dataTypes[internalType(field)];
  if (template === undefined) throw new Error(`no ${flavor.vendor} data type for ${field.type}`);
  return interpolate(template, {
    max_length: numberOption(field, "maxLength"),
    max_digits: numberOption(field, "maxDigits"),
    decimal_places: numberOption(field, "decimalPlaces"),
  });
}

function numberOption(field: FieldState, option: string): number | undefined {
  const v = fieldOption(field, option);
  return typeof v === "number" ? v : undefined;
}

/**
 * `Field.db_type()`: the column type, e.g. `varchar(100)`; a foreign key
 * takes its target's `rel_db_type`. Undefined for many-to-many fields.
 */
export function dbType(ctx: ColumnContext, field: FieldState, depth = 0): string | undefined {
  if (isManyToMany(field)) return undefined;
  if (isForeignKey(field)) {
    if (depth > 20) throw new TsMigrateError(`foreign key chain too deep from ${ctx.model.key} (do two foreign keys point at each other as primary keys?)`, { code: "bad-migration" });
    const target = fkTarget(ctx.model, field, ctx.state);
    return relDbType({ ...ctx, model: target.model }, target.field, depth + 1);
  }
  return plainDbType(field, ctx.flavor);
}

/**
 * `Field.rel_db_type()`: the type of a column that references this field.
 * Auto fields give their integer type (`BigAutoField` -> `bigint`); positive
 * integers give the plain integer type unless the vendor matches types.
 */
export function relDbType(ctx: ColumnContext, field: FieldState, depth = 0): string {
  const internal = internalType(field);
  const fallback = REL_INTEGER[internal];
  if (fallback && !(internal.startsWith("Positive") && ctx.flavor.relatedFieldsMatchType)) {
    return plainDbType({ type: fallback, options: {} }, ctx.flavor);
  }
  const t = dbType(ctx, field, depth);
  if (t === undefined) throw new TsMigrateError(`a foreign key cannot point at a many-to-many field of ${ctx.model.key}`, { code: "bad-migration" });
  return t;
}

/** `Field.db_check()`: the vendor's CHECK for the type (`"qty" >= 0`), none for relations. */
export function dbCheck(field: FieldState, column: string, flavor: DatabaseFlavor): string | undefined {
  if (isForeignKey(field) || isManyToMany(field)) return undefined;
  const template = flavor.dataTypeCheckConstraints[internalType(field)];
  return template === undefined ? undefined : interpolate(template, { column });
}

/** True when `v` is a literal a column DEFAULT can hold (not a call or a reference). */
export function isLiteralDefault(v: Value | undefined): v is Exclude<Value, CallValue | RefValue> {
  return v !== undefined && !(v instanceof CallValue) && !(v instanceof RefValue);
}

/** Django's `empty_strings_allowed`: text-like fields, whose effective default for `blank` NOT NULL columns is `''`. */
function emptyStringsAllowed(internal: string): boolean {
  return ["CharField", "TextField", "SlugField", "FileField", "FilePathField", "BinaryField"].includes(internal);
}

/**
 * `get_db_prep_save(value)` as a literal: the value Django would write for
 * this field (decimals as `'1.50'`, floats as `1.0`, booleans as 1/0, UUIDs
 * as hex, JSON as `json.dumps` text). A foreign key uses its target field.
 */
export function prepareSaveValue(ctx: ColumnContext, field: FieldState, value: Value): SqlLiteral {
  if (value === null) return { kind: "null" };
  if (isForeignKey(field)) {
    const target = fkTarget(ctx.model, field, ctx.state);
    return prepareSaveValue({ ...ctx, model: target.model }, target.field, value);
  }
  const internal = internalType(field);
  if (internal === "JSONField") return { kind: "string", value: pythonJsonDumps(toPlain(value)) };
  if (typeof value === "boolean") {
    return internal === "CharField" || internal === "TextField" ? { kind: "string", value: value ? "True" : "False" } : { kind: "bool", value };
  }
  if (internal === "BooleanField") return { kind: "bool", value: Boolean(value) };
  if (isIntegerType(internal) || internal === "DurationField") {
    const n = typeof value === "number" ? value : Number(value);
    if (typeof value === "number" || typeof value === "string") {
      if (Number.isFinite(n)) return { kind: "number", text: String(Math.trunc(n)) };
    }
  }
  if (internal === "FloatField" && (typeof value === "number" || typeof value === "string") && Number.isFinite(Number(value))) {
    return { kind: "number", text: pythonFloatRepr(Number(value)) };
  }
  if (internal === "DecimalField" && (typeof value === "number" || typeof value === "string")) {
    const text = decimalSaveText(value, numberOption(field, "maxDigits") ?? 28, numberOption(field, "decimalPlaces") ?? 0);
    if (text !== undefined) return { kind: "string", value: text };
  }
  if (internal === "UUIDField" && typeof value === "string") return { kind: "string", value: uuidHex(value) };
  if (internal === "BinaryField" && typeof value === "string") {
    return { kind: "raw", sql: `X'${Buffer.from(value, "utf8").toString("hex")}'` };
  }
  if (typeof value === "string") return { kind: "string", value };
  if (typeof value === "number") return { kind: "string", value: String(value) };
  return { kind: "string", value: pythonJsonDumps(toPlain(value)) };
}

/** A static value as plain JSON data (calls and references as their text). */
export function toPlain(v: Value): unknown {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map(toPlain);
  if (v instanceof CallValue) return `${v.callee}(...)`;
  if (v instanceof RefValue) return v.name;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, Value>)) out[k] = toPlain(x);
  return out;
}

/** The SQL expression of the current time for an `autoNow`/`autoNowAdd` field of this type (SQL standard: SQLite, PostgreSQL). */
export function currentTimeSql(internal: string): string {
  if (internal === "DateField") return "CURRENT_DATE";
  if (internal === "TimeField") return "CURRENT_TIME";
  return "CURRENT_TIMESTAMP";
}

/** True for a date/time field with `autoNow` or `autoNowAdd`. */
export function hasAutoNow(field: FieldState): boolean {
  return fieldOption(field, "autoNow") === true || fieldOption(field, "autoNowAdd") === true;
}

/**
 * The column's DEFAULT expression (the product's difference from Django):
 * the literal `default`, or the current time for `autoNow`/`autoNowAdd`;
 * undefined when the field has neither (or a non-literal default).
 */
export function columnDefaultSql(ctx: ColumnContext, field: FieldState): string | undefined {
  if (isManyToMany(field)) return undefined;
  if (hasAutoNow(field)) return currentTimeSql(internalType(field));
  const d = field.options.default;
  if (!isLiteralDefault(d)) return undefined;
  return ctx.flavor.quoteValue(prepareSaveValue(ctx, field, d));
}

/**
 * Django's `effective_default` as SQL: the value existing rows get when the
 * column is added or made NOT NULL by a table rebuild. `oneOffDefault`
 * (AddField/AlterField with `preserveDefault: false`) wins, then the
 * default, then the current time for auto-now fields, then a per-row
 * expression for a well-known callable default ({@link perRowFillSql}; a
 * deliberate difference from Django), then `''` for blank
 * text fields that are NOT NULL, else NULL.
 */
export function fillValueSql(ctx: ColumnContext, field: FieldState, oneOffDefault?: Value): string {
  if (oneOffDefault !== undefined && isLiteralDefault(oneOffDefault)) {
    return ctx.flavor.quoteValue(prepareSaveValue(ctx, field, oneOffDefault));
  }
  const own = columnDefaultSql(ctx, field) ?? perRowFillSql(ctx, field);
  if (own !== undefined) return own;
  const internal = internalType(field);
  if (!isNull(field) && fieldOption(field, "blank") === true && emptyStringsAllowed(internal)) {
    return internal === "BinaryField" ? "X''" : "''";
  }
  return "NULL";
}

/**
 * The per-row SQL filling existing rows for a field whose `default` is a
 * well-known callable (a random UUID, the current time), from the vendor's
 * `perRowDefaultSql`; undefined for any other default. Our difference from
 * Django, which calls the callable once and copies its value into every row.
 */
export function perRowFillSql(ctx: ColumnContext, field: FieldState): string | undefined {
  const internal = internalType(field);
  const kind = wellKnownCallable(field.options.default, internal);
  return kind === undefined ? undefined : ctx.flavor.perRowDefaultSql(kind, internal);
}

/** SQL of a foreign key's ON DELETE action, or "" for DO_NOTHING / none (SQLite's NO ACTION). */
export function onDeleteSql(field: FieldState): string {
  const v = field.options.onDelete;
  const name = typeof v === "string" ? v : v instanceof RefValue ? v.name.replace(/^models\./, "") : undefined;
  switch (name) {
    case "CASCADE": return " ON DELETE CASCADE";
    case "SET_NULL": return " ON DELETE SET NULL";
    case "SET_DEFAULT": return " ON DELETE SET DEFAULT";
    case "RESTRICT":
    case "PROTECT": return " ON DELETE RESTRICT";
    default: return "";
  }
}

/** Options of {@link columnSql}. */
export interface ColumnSqlOptions {
  /** Leave out the DEFAULT clause (Django never writes one). Default false. */
  readonly withoutDefault?: boolean;
  /** Leave out the ON DELETE action (Django never writes one). Default false. */
  readonly withoutOnDelete?: boolean;
  /**
   * Maps a referenced table and column to the names to write instead (to
   * compare a definition from an older state after tables or columns were
   * renamed in the database, which SQLite's ALTER TABLE RENAME follows).
   */
  readonly mapReference?: (table: string, column: string) => readonly [string, string];
}

/**
 * A column's definition as CREATE TABLE writes it, without the quoted
 * column name: `varchar(100) NOT NULL UNIQUE`,
 * `integer NOT NULL PRIMARY KEY AUTOINCREMENT`,
 * `bigint NULL REFERENCES "t" ("id") ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED`.
 * Order as Django's `table_sql`: type, COLLATE, DEFAULT, NULL/NOT NULL,
 * PRIMARY KEY/UNIQUE, CHECK, suffix, REFERENCES. Undefined for many-to-many fields.
 */
export function columnDefinition(ctx: ColumnContext, name: string, field: FieldState, opts: ColumnSqlOptions = {}): string | undefined {
  const type = dbType(ctx, field);
  if (type === undefined) return undefined;
  const column = fieldColumn(name, field)!;
  let sql = type;
  const collation = field.options.dbCollation;
  if (typeof collation === "string" && collation) sql += ctx.flavor.collateSql(collation);
  if (!opts.withoutDefault) {
    const d = columnDefaultSql(ctx, field);
    if (d !== undefined) sql += ` DEFAULT ${d}`;
  }
  sql += isNull(field) ? " NULL" : " NOT NULL";
  if (isPrimaryKey(field)) sql += " PRIMARY KEY";
  else if (isUnique(field)) sql += " UNIQUE";
  const check = dbCheck(field, column, ctx.flavor);
  if (check) sql += ` CHECK (${check})`;
  const suffix = ctx.flavor.dataTypesSuffix[internalType(field)];
  if (suffix) sql += ` ${suffix}`;
  if (isForeignKey(field) && fieldOption(field, "dbConstraint") !== false && ctx.flavor.inlineForeignKeys) {
    const target = fkTarget(ctx.model, field, ctx.state);
    const [refTable, refColumn] = opts.mapReference
      ? opts.mapReference(target.model.dbTable, target.column)
      : [target.model.dbTable, target.column];
    sql += ` REFERENCES ${quoteName(refTable)} (${quoteName(refColumn)})`;
    if (!opts.withoutOnDelete) sql += onDeleteSql(field);
    sql += " DEFERRABLE INITIALLY DEFERRED";
  }
  return sql;
}

/** `"column" <definition>`, or undefined for many-to-many fields. */
export function columnSql(ctx: ColumnContext, name: string, field: FieldState, opts: ColumnSqlOptions = {}): string | undefined {
  const def = columnDefinition(ctx, name, field, opts);
  return def === undefined ? undefined : `${quoteName(fieldColumn(name, field)!)} ${def}`;
}

/**
 * The model's concrete fields (those with a column), in order, with their
 * columns; last, the `_order` integer column of a model with
 * `orderWithRespectTo` (Django's `OrderWrt` field, added when the model is
 * prepared: after the declared fields).
 */
export function concreteFields(model: ModelState): { name: string; field: FieldState; column: string }[] {
  const out: { name: string; field: FieldState; column: string }[] = [];
  for (const [name, field] of model.fields) {
    const column = fieldColumn(name, field);
    if (column !== undefined) out.push({ name, field, column });
  }
  if (model.options.orderWithRespectTo !== undefined && !model.fields.has(ORDER_COLUMN)) {
    out.push({ name: ORDER_COLUMN, field: ORDER_FIELD_STATE, column: ORDER_COLUMN });
  }
  return out;
}

/** The `_order` column of a model with `orderWithRespectTo`, and its field (Django's `OrderWrt`: an IntegerField). */
const ORDER_COLUMN = "_order";
const ORDER_FIELD_STATE: FieldState = Object.freeze({ type: "IntegerField", options: Object.freeze({}) });
