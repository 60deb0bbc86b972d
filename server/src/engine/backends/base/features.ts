/**
 * What a schema editor needs to know about one database vendor: Django's
 * `DatabaseWrapper.data_types`, `data_type_check_constraints`,
 * `data_types_suffix`, `operators` and a few `DatabaseFeatures` flags
 * (`django/db/backends/<vendor>/base.py`, `features.py`, Django 3.2). The
 * vendor-neutral DDL code in this folder is written against this shape, so
 * a PostgreSQL flavor can reuse it.
 */
import type { SqlLiteral } from "./literals";
import type { WellKnownCallable } from "../../callables";

/** One vendor's facts. Templates use Django's Python placeholders: `%(max_length)s`, `%(column)s`. */
export interface DatabaseFlavor {
  readonly vendor: "sqlite" | "postgresql";
  /** Django's `data_types`: internal type -> column type template. */
  readonly dataTypes: Readonly<Record<string, string>>;
  /** Django's `data_type_check_constraints`: internal type -> CHECK expression template. */
  readonly dataTypeCheckConstraints: Readonly<Record<string, string>>;
  /** Django's `data_types_suffix` (SQLite: `AUTOINCREMENT` after auto fields). */
  readonly dataTypesSuffix: Readonly<Record<string, string>>;
  /** Django's `operators` for lookups: lookup name -> SQL template with one `%s`. */
  readonly operators: Readonly<Record<string, string>>;
  /** `ops.max_name_length()`: undefined when names are not truncated (SQLite). */
  readonly maxNameLength?: number;
  /** `features.related_fields_match_type`: false on SQLite (an FK to a PositiveIntegerField is `integer`). */
  readonly relatedFieldsMatchType: boolean;
  /** True when foreign keys are written inside the column definition (`sql_create_inline_fk`, SQLite); PostgreSQL adds them with ALTER TABLE. */
  readonly inlineForeignKeys: boolean;
  /** Django's `_collate_sql`: `COLLATE x` (SQLite) or `COLLATE "x"` (PostgreSQL), with a leading space. */
  collateSql(collation: string): string;
  /** Django's `features.supports_deferrable_unique_constraints`: false on SQLite (a deferrable UniqueConstraint makes nothing). */
  readonly supportsDeferrableUnique: boolean;
  /** Django's `sql_delete_table`: `DROP TABLE %(table)s` (SQLite), with ` CASCADE` (PostgreSQL). */
  readonly sqlDeleteTable: string;
  /** Django's schema editor `quote_value`: a prepared value as an SQL literal (booleans `1`/`0` on SQLite, `true`/`false` on PostgreSQL). */
  quoteValue(lit: SqlLiteral): string;
  /** A decimal lookup parameter as the driver writes it: `'1.5'` (SQLite), `1.5` (psycopg2). */
  quoteDecimal(text: string): string;
  /** A UUID lookup parameter (32 hex digits) as the backend stores it: `'hex'` (SQLite), `'8-4-4-4-12'::uuid` (PostgreSQL). */
  quoteUuid(hex: string): string;
  /**
   * The SQL expression that computes a well-known callable default afresh
   * for each row (no Django counterpart: Django calls the function once and
   * gives every existing row that value). Used to fill existing rows when
   * AddField adds a column whose `default` is such a callable (see
   * `engine/callables.ts`), in `UPDATE ... SET col = <expr>` or a rebuild's
   * `INSERT ... SELECT <expr>`; it must give a different value per row where
   * the callable would (a random UUID), and be evaluated by the database.
   *
   * - `kind` `"uuid4"`: a random version 4 UUID as the column stores one.
   *   `internalType` `"UUIDField"`: in the field's storage form (Django's:
   *   32 lowercase hex digits on a database without a uuid type, a native
   *   uuid elsewhere, e.g. PostgreSQL's `gen_random_uuid()`); a text field
   *   (`"CharField"`, `"TextField"`): the canonical 8-4-4-4-12 lowercase form.
   * - `kind` `"now"`: the current time for `"DateTimeField"`, date for
   *   `"DateField"`, time of day for `"TimeField"` (as `autoNow` fills them:
   *   `CURRENT_TIMESTAMP`, `CURRENT_DATE`, `CURRENT_TIME`).
   *
   * Returns undefined when the database cannot compute it; the caller then
   * fills nothing per row (makemigrations asks for a one-off default first).
   */
  perRowDefaultSql(kind: WellKnownCallable, internalType: string): string | undefined;
}

/** Fills a Django data-type template: `varchar(%(max_length)s)` with `{ max_length: 50 }` is `varchar(50)`. */
export function interpolate(template: string, params: Readonly<Record<string, string | number | undefined>>): string {
  if (!template.includes("%(")) return template;
  return template.replace(/%\((\w+)\)s/g, (_m, key: string) => String(params[key] ?? "None"));
}

/** Django's `_create_index_name` length limit: `max_name_length() or 200`. */
export function indexNameLimit(flavor: DatabaseFlavor): number {
  return flavor.maxNameLength ?? 200;
}
