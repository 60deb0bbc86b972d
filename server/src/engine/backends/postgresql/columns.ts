/**
 * What the PostgreSQL editor reads from one field: its column, type, CHECK,
 * index flags, foreign key target, and the statements Django's PostgreSQL
 * editor derives from them (field index, `_like` index, foreign key).
 * Follows `django/db/backends/postgresql/schema.py` (`_field_indexes_sql`,
 * `_create_like_index_sql`, `_field_data_type`) and
 * `base/schema.py` (`_field_should_be_indexed`, `_create_fk_sql`), Django 3.2.
 */
import { FIELD_SPECS } from "../../fields";
import { fieldColumn, fieldOption, isForeignKey, type FieldState, type ModelState, type ProjectState } from "../../state";
import {
  type ColumnContext, dbCheck, dbType, internalType, isNull, isPrimaryKey, isUnique, onDeleteSql,
} from "../base/columns";
import type { DatabaseFlavor } from "../base/features";
import { fkTarget } from "../base/related";
import type { PgForeignKey, PgIndex } from "./statements";

/** One concrete field as the PostgreSQL editor sees it. */
export interface PgField {
  readonly name: string;
  readonly field: FieldState;
  readonly column: string;
  /** `db_type`: `varchar(100)`, `bigint`, ... */
  readonly type: string;
  /** Django's `_field_data_type`: the type template (`varchar(%(max_length)s)`), so a length change needs no USING. */
  readonly baseType: string;
  readonly check: string | undefined;
  readonly null: boolean;
  readonly unique: boolean;
  readonly primaryKey: boolean;
  readonly dbIndex: boolean;
  /** True for AutoField, BigAutoField, SmallAutoField (identity columns). */
  readonly auto: boolean;
  /** The foreign key constraint to create, when the field is a foreign key with `dbConstraint`. */
  readonly fk: PgForeignKey | undefined;
}

const AUTO = new Set(["AutoField", "BigAutoField", "SmallAutoField"]);

/** Field `name` of `ctx.model`, or undefined when it has no column (many-to-many). */
export function pgField(ctx: ColumnContext, name: string): PgField | undefined {
  const field = ctx.model.fields.get(name);
  if (!field) return undefined;
  const column = fieldColumn(name, field);
  const type = dbType(ctx, field);
  if (column === undefined || type === undefined) return undefined;
  let fk: PgForeignKey | undefined;
  let baseType: string;
  if (isForeignKey(field)) {
    const target = fkTarget(ctx.model, field, ctx.state);
    baseType = type;
    if (fieldOption(field, "dbConstraint") !== false) {
      fk = { kind: "fk", table: ctx.model.dbTable, column, refTable: target.model.dbTable, refColumn: target.column, onDelete: onDeleteSql(field) };
    }
  } else {
    baseType = ctx.flavor.dataTypes[internalType(field)] ?? type;
  }
  return {
    name, field, column, type, baseType, fk,
    check: dbCheck(field, column, ctx.flavor),
    null: isNull(field),
    unique: isUnique(field),
    primaryKey: isPrimaryKey(field),
    dbIndex: fieldOption(field, "dbIndex") === true,
    auto: AUTO.has(FIELD_SPECS[field.type].internalType),
  };
}

/** The operator class of the `_like` index for a column type, if it needs one (`varchar` / `text`). */
export function likeOpclass(type: string): string | undefined {
  if (type.includes("[")) return undefined;
  if (type.startsWith("varchar")) return "varchar_pattern_ops";
  if (type.startsWith("text")) return "text_pattern_ops";
  return undefined;
}

/** Django's `_create_index_sql(model, [field])`: the plain index of a `dbIndex` field. */
export function fieldIndex(table: string, f: PgField): PgIndex {
  return { kind: "index", table, columns: [f.column], suffixes: [""], derivedSuffix: "" };
}

/** Django's `_create_like_index_sql`: the `_like` pattern-ops index of an indexed or unique varchar/text field, or undefined. */
export function likeIndex(table: string, f: PgField): PgIndex | undefined {
  const opclass = likeOpclass(f.type);
  if (!opclass || !(f.dbIndex || f.unique)) return undefined;
  return { kind: "index", table, columns: [f.column], suffixes: [` ${opclass}`], derivedSuffix: "_like" };
}

/** PostgreSQL's `_field_indexes_sql`: the plain index (indexed, not unique) then the `_like` index. */
export function fieldIndexes(table: string, f: PgField): PgIndex[] {
  const out: PgIndex[] = [];
  if (f.dbIndex && !f.unique) out.push(fieldIndex(table, f));
  const like = likeIndex(table, f);
  if (like) out.push(like);
  return out;
}

/** The column context of `model` in `state` on `flavor`. */
export function pgContext(model: ModelState, state: ProjectState, flavor: DatabaseFlavor): ColumnContext {
  return { model, state, flavor };
}
