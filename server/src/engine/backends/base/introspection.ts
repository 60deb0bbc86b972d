/**
 * Database introspection, one implementation per backend, as Django's
 * `BaseDatabaseIntrospection` (`django/db/backends/base/introspection.py`):
 * what tables a database holds and, per table, its columns, indexes,
 * constraints and foreign keys, as a vendor-neutral {@link SchemaSnapshot};
 * and Django's `get_field_type` (`data_types_reverse`): which field a
 * column's declared type reads back as. `inspectdb` and `diffschema` are
 * written against this interface only.
 */
import { TsMigrateError } from "../../errors";
import type { CheckSnapshot, ColumnSnapshot, IndexSnapshot, SchemaSnapshot, TableSnapshot } from "./snapshot";

/** Options of {@link DatabaseIntrospection.snapshot}. */
export interface IntrospectOptions {
  /** Only these tables (default: every table but the bookkeeping ones: `tsmigrate_`, `django_`, and the vendor's own). */
  readonly tables?: readonly string[];
  /** Include the names of explicitly created indexes (inspectdb keeps them). Default false. */
  readonly indexNames?: boolean;
}

/** The field a column reads back as (Django's `get_field_type`), or an unknown type. */
export type IntrospectedFieldType =
  | {
    readonly field: string;
    readonly options: Readonly<Record<string, number | boolean>>;
    /** Remarks written as a comment after the field. */
    readonly notes?: readonly string[];
    /** The CHECK (canonical expression) the field type adds on its own, when the table has it. */
    readonly check?: string;
    /** The column's DEFAULT is the field's own (an identity or serial auto field's): not written as `default`. */
    readonly ownsDefault?: boolean;
    /** `maxDigits`/`decimalPlaces` are guesses (SQLite keeps no precision): a note says so, and a DEFAULT's places win. */
    readonly guessedDigits?: boolean;
    /**
     * An AutoField whose size the column type does not tell (SQLite's
     * `integer` for all three): inspectdb takes it from the foreign keys
     * to the table, else the project's `defaultAutoField`.
     */
    readonly sizeFromReferences?: boolean;
  }
  | { readonly unknown: string };

/** One backend's introspection (Django's `DatabaseIntrospection`). */
export interface DatabaseIntrospection {
  /** The table names (Django's `get_table_list`, tables only), sorted, the vendor's own tables left out. */
  tableNames(): Promise<string[]>;
  /**
   * The schema of the database (or of `options.tables`): columns with
   * declared type, NOT NULL, primary key position and DEFAULT; CHECKs;
   * indexes; foreign keys with their ON DELETE action.
   */
  snapshot(options?: IntrospectOptions): Promise<SchemaSnapshot>;
  /**
   * The field a column reads back as (Django's `get_field_type` with
   * `data_types_reverse`: `varchar(100)` → CharField `{ maxLength: 100 }`,
   * `integer unsigned` → PositiveIntegerField), or `{ unknown }` naming a
   * type no field maps to (inspectdb writes a TODO comment where Django
   * guesses a TextField). `checks` are the table's CHECKs: a field whose
   * type adds its own (Django's `data_type_check_constraints`, JSON_VALID
   * for JSONField) names the one it accounts for in `check`, so that
   * inspectdb does not write it again as a constraint.
   */
  fieldType(column: ColumnSnapshot, checks: readonly CheckSnapshot[]): IntrospectedFieldType;
  /**
   * Whether `index` is one a field of the table makes on its own besides
   * its `unique`/`dbIndex` index (PostgreSQL's `_like` index of a varchar
   * column), so inspectdb writes nothing for it. `fields` are the columns
   * read as `unique` and as `dbIndex`. Absent: no such indexes.
   */
  impliedIndex?(index: IndexSnapshot, table: TableSnapshot, fields: { readonly unique: ReadonlySet<string>; readonly indexed: ReadonlySet<string> }): boolean;
}

/**
 * The introspection of `connection`.
 * @throws TsMigrateError code `unsupported` when its backend has none (Django's
 *   "Database inspection isn't supported for the currently selected database backend.").
 */
export function introspectionOf(connection: { readonly vendor: string; introspection?(): DatabaseIntrospection }): DatabaseIntrospection {
  if (connection.introspection === undefined) {
    throw new TsMigrateError(`Database inspection isn't supported for the ${connection.vendor} backend yet.`, { code: "unsupported" });
  }
  return connection.introspection();
}
