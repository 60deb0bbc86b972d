/**
 * PostgreSQL's introspection (Django 3.2's
 * `django/db/backends/postgresql/introspection.py`): the tables of one
 * schema (the connection's `current_schema()`, or the session's temporary
 * schema for the scratch database of diffschema) read from `pg_catalog` in
 * one query per kind, as the vendor-neutral {@link SchemaSnapshot} that
 * SQLite's introspection makes too; and `data_types_reverse`.
 *
 * How PostgreSQL's facts fit the snapshot:
 * - types as `format_type` prints them, in the spelling tsmigrate writes
 *   (`varchar(100)`, `numeric(8, 2)`, `time`, `timestamp with time zone`);
 * - an identity column and a `serial` one (a DEFAULT `nextval(...)`) both
 *   have the DEFAULT {@link AUTO_INCREMENT} (Django 3.2 makes serial,
 *   tsmigrate identity: the same schema for an adopted database); other
 *   DEFAULTs, CHECKs and partial-index WHEREs in the canonical form of
 *   `expressions.ts`;
 * - indexes with every column as `name`, `name varchar_pattern_ops` (a
 *   non-default operator class), `... DESC`, `... NULLS FIRST`, or an
 *   expression; a method other than btree as a first element `USING gin`;
 *   the primary key's index left out, unique constraints' indexes in (with
 *   their deferrability; so are foreign keys');
 * - a CHECK PostgreSQL named itself for a positive integer field
 *   (`<table>_<column>_check`, `"column" >= 0`) is unnamed, as on SQLite,
 *   so that the field type accounts for it.
 * Not compared: sequences' own settings, comments, views, partitions' children.
 */
import type { Connection } from "../base/base";
import { interpolate } from "../base/features";
import type { DatabaseIntrospection, IntrospectedFieldType, IntrospectOptions } from "../base/introspection";
import type { CheckSnapshot, ColumnSnapshot, ForeignKeySnapshot, IndexSnapshot, SchemaSnapshot, TableSnapshot } from "../base/snapshot";
import { canonicalSql, tokenize } from "../base/sqltokens";
import { DEFAULT_EXCLUDED_PREFIXES } from "../sqlite/introspection";
import { POSTGRES_FLAVOR } from "./features";
import { canonicalPgSql } from "./expressions";

/** The DEFAULT of an identity or serial column in a snapshot. */
export const AUTO_INCREMENT = "AUTO_INCREMENT (identity or serial)";

/** Which schema a {@link PostgresIntrospection} reads: the connection's `current_schema()`, or the session's temporary schema. */
export type NamespaceSql = "current" | "temporary";

const NAMESPACE: Readonly<Record<NamespaceSql, string>> = {
  current: "(SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = current_schema())",
  temporary: "pg_catalog.pg_my_temp_schema()",
};

/** `format_type` spellings → the ones tsmigrate's editor writes. */
const SPELLINGS: readonly [RegExp, string][] = [
  [/^character varying/, "varchar"], [/^character\b/, "char"], [/^bit varying/, "varbit"],
  [/^(timestamp|time)(\(\d+\))? without time zone$/, "$1$2"], [/^numeric\((\d+),(\d+)\)$/, "numeric($1, $2)"],
];

/** A `format_type` result in tsmigrate's spelling (`character varying(20)` → `varchar(20)`). */
export function pgTypeName(formatted: string): string {
  return SPELLINGS.reduce((t, [re, to]) => t.replace(re, to), formatted.toLowerCase());
}

/**
 * Django 3.2's `data_types_reverse` (by type name instead of oid), with
 * `timestamp`/`time with time zone`/`real`/`char` added: their fields make
 * another type, which {@link PostgresIntrospection.fieldType} notes.
 */
const DATA_TYPES_REVERSE: Readonly<Record<string, string>> = {
  boolean: "BooleanField", bytea: "BinaryField", bigint: "BigIntegerField", smallint: "SmallIntegerField",
  integer: "IntegerField", text: "TextField", real: "FloatField", "double precision": "FloatField",
  inet: "GenericIPAddressField", char: "CharField", varchar: "CharField", date: "DateField", time: "TimeField",
  "time with time zone": "TimeField", timestamp: "DateTimeField", "timestamp with time zone": "DateTimeField",
  interval: "DurationField", numeric: "DecimalField", uuid: "UUIDField", jsonb: "JSONField",
};

const AUTO: Readonly<Record<string, string>> = { IntegerField: "AutoField", BigIntegerField: "BigAutoField", SmallIntegerField: "SmallAutoField" };
const POSITIVE: Readonly<Record<string, string>> = {
  IntegerField: "PositiveIntegerField", BigIntegerField: "PositiveBigIntegerField", SmallIntegerField: "PositiveSmallIntegerField",
};

/** The canonical text of the CHECK PostgreSQL's positive fields add (`"col" >= 0`). */
function positiveCheck(column: string): string {
  return canonicalSql(tokenize(interpolate(POSTGRES_FLAVOR.dataTypeCheckConstraints.PositiveIntegerField!, { column })));
}

const ON_DELETE: Readonly<Record<string, string>> = { a: "NO ACTION", r: "RESTRICT", c: "CASCADE", n: "SET NULL", d: "SET DEFAULT" };
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const sortedByJson = <T>(xs: T[]): T[] => xs.sort((a, b) => byText(JSON.stringify(a), JSON.stringify(b)));

/** Catalog rows; `t` is the table's oid as text (oids are unsigned 32-bit: past int4). */
interface ColumnRow { t: string; name: string; type: string; notnull: boolean; identity: string; dflt: string | null }
interface ConstraintRow {
  t: string; name: string; type: string; cols: string[]; expr: string | null; reftable: string | null; refcols: string[] | null;
  ondelete: string; onupdate: string; deferrable: "DEFERRED" | "IMMEDIATE" | null;
}
interface IndexRow {
  t: string; name: string; uniq: boolean; pred: string | null; nkeys: number; cols: string[]; options: number[]; opclasses: string[];
  method: string; deferrable: "DEFERRED" | "IMMEDIATE" | null;
}

/** SQL of a constraint's deferrability, `DEFERRED` / `IMMEDIATE` / NULL, from `pg_constraint` row `k`. */
const DEFERRABLE_SQL = "CASE WHEN k.condeferrable THEN CASE WHEN k.condeferred THEN 'DEFERRED' ELSE 'IMMEDIATE' END END";

/**
 * PostgreSQL's {@link DatabaseIntrospection} on a connection; reads only
 * (`pg_catalog` queries, in one transaction: READ ONLY and REPEATABLE READ
 * on the read-only connections inspectdb and diffschema open).
 */
export class PostgresIntrospection implements DatabaseIntrospection {
  constructor(private readonly connection: Connection, private readonly namespace: NamespaceSql = "current") {}

  private get ns(): string {
    return NAMESPACE[this.namespace];
  }

  async tableNames(): Promise<string[]> {
    const rows = await this.connection.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_catalog.pg_class c WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relnamespace = ${this.ns} ORDER BY 1`);
    return rows.map((r) => r.name).filter((n) => !DEFAULT_EXCLUDED_PREFIXES.some((p) => n.toLowerCase().startsWith(p)));
  }

  snapshot(options: IntrospectOptions = {}): Promise<SchemaSnapshot> {
    return this.connection.atomic(() => this.read(options));
  }

  private async read(options: IntrospectOptions): Promise<SchemaSnapshot> {
    const only = options.tables ? new Set(options.tables) : new Set(await this.tableNames());
    const tables = (await this.connection.query<{ oid: string; name: string }>(
      `SELECT c.oid::text AS oid, c.relname AS name FROM pg_catalog.pg_class c WHERE c.relkind IN ('r', 'p') AND c.relnamespace = ${this.ns} ORDER BY c.relname`,
    )).filter((t) => only.has(t.name));
    const [columns, constraints, indexes] = [await this.columnRows(), await this.constraintRows(), await this.indexRows()];
    const group = <T extends { t: string }>(rows: T[]) => {
      const m = new Map<string, T[]>();
      for (const r of rows) m.set(r.t, [...(m.get(r.t) ?? []), r]);
      return m;
    };
    const [cols, cons, idx] = [group(columns), group(constraints), group(indexes)];
    return {
      tables: tables.map((t) => tableSnapshot(t.name, cols.get(t.oid) ?? [], cons.get(t.oid) ?? [], idx.get(t.oid) ?? [], options.indexNames === true)),
    };
  }

  private columnRows(): Promise<ColumnRow[]> {
    return this.connection.query<ColumnRow>(
      `SELECT a.attrelid::text AS t, a.attname AS name, pg_catalog.format_type(a.atttypid, a.atttypmod) AS type,
              a.attnotnull AS notnull, a.attidentity::text AS identity, pg_catalog.pg_get_expr(d.adbin, d.adrelid) AS dflt
         FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
         LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE c.relnamespace = ${this.ns} AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attrelid, a.attnum`);
  }

  private constraintRows(): Promise<ConstraintRow[]> {
    const names = (rel: string, keys: string) =>
      `ARRAY(SELECT a.attname::text FROM unnest(${keys}) WITH ORDINALITY u(n, i) JOIN pg_catalog.pg_attribute a ON a.attrelid = ${rel} AND a.attnum = u.n ORDER BY u.i)`;
    return this.connection.query<ConstraintRow>(
      `SELECT k.conrelid::text AS t, k.conname AS name, k.contype::text AS type, ${names("k.conrelid", "k.conkey")} AS cols,
              CASE WHEN k.contype = 'c' THEN pg_catalog.pg_get_expr(k.conbin, k.conrelid) END AS expr,
              r.relname AS reftable, CASE WHEN k.contype = 'f' THEN ${names("k.confrelid", "k.confkey")} END AS refcols,
              k.confdeltype::text AS ondelete, k.confupdtype::text AS onupdate, ${DEFERRABLE_SQL} AS deferrable
         FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
         LEFT JOIN pg_catalog.pg_class r ON r.oid = k.confrelid
        WHERE c.relnamespace = ${this.ns} AND k.contype IN ('p', 'f', 'c')`);
  }

  private indexRows(): Promise<IndexRow[]> {
    return this.connection.query<IndexRow>(
      `SELECT i.indrelid::text AS t, ic.relname AS name, i.indisunique AS uniq, pg_catalog.pg_get_expr(i.indpred, i.indrelid) AS pred,
              i.indnkeyatts::int AS nkeys, ARRAY(SELECT pg_catalog.pg_get_indexdef(i.indexrelid, k, false) FROM generate_series(1, i.indnatts) k ORDER BY k) AS cols,
              i.indoption::int2[]::int[] AS options, am.amname AS method,
              ARRAY(SELECT CASE WHEN o.opcdefault THEN '' ELSE o.opcname::text END FROM unnest(i.indclass::oid[]) WITH ORDINALITY u(oid, n)
                      JOIN pg_catalog.pg_opclass o ON o.oid = u.oid ORDER BY u.n) AS opclasses,
              (SELECT ${DEFERRABLE_SQL} FROM pg_catalog.pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype IN ('u', 'x') LIMIT 1) AS deferrable
         FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indrelid JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
         JOIN pg_catalog.pg_am am ON am.oid = ic.relam
        WHERE c.relnamespace = ${this.ns} AND NOT i.indisprimary`);
  }

  /**
   * Django's `get_field_type` on `data_types_reverse`: `varchar(N)` →
   * CharField `maxLength` N, `numeric(p, s)` → DecimalField `maxDigits`
   * p, `decimalPlaces` s; an integer primary key with an identity or
   * serial DEFAULT → AutoField / BigAutoField / SmallAutoField (by its
   * type); an integer with the `"col" >= 0` CHECK → the positive field.
   * When the field makes another type than the column's (`char(N)`,
   * `timestamp` without time zone, `real`, a bare `numeric`), a note says
   * which. Unknown types (`money`, `json`, arrays) are `{ unknown }`.
   */
  fieldType(column: ColumnSnapshot, checks: readonly CheckSnapshot[]): IntrospectedFieldType {
    const key = column.type.replace(/\(\d+(, \d+)?\)/g, "");
    let field = DATA_TYPES_REVERSE[key];
    if (field === undefined) return { unknown: column.type };
    const options: Record<string, number | boolean> = {};
    const auto = column.default === AUTO_INCREMENT && column.pk > 0 && AUTO[field] !== undefined;
    const check = positiveCheck(column.name);
    const positive = !auto && POSITIVE[field] !== undefined && checks.some((c) => c.name === null && c.expression === check);
    if (auto) field = AUTO[field]!;
    if (positive) field = POSITIVE[field]!;
    const size = /\((\d+)(?:, (\d+))?\)/.exec(column.type);
    if (field === "CharField" && size) options.maxLength = Number(size[1]);
    if (field === "CharField" && !size) field = "TextField";
    if (field === "DecimalField" && size) Object.assign(options, { maxDigits: Number(size[1]), decimalPlaces: Number(size[2] ?? 0) });
    const guessed = field === "DecimalField" && !size;
    if (guessed) Object.assign(options, { maxDigits: 10, decimalPlaces: 5 });
    const made = interpolate(POSTGRES_FLAVOR.dataTypes[field]!, { max_length: options.maxLength as number, max_digits: options.maxDigits as number, decimal_places: options.decimalPlaces as number });
    const notes = guessed ? ["The column is numeric without precision; maxDigits and decimalPlaces have been guessed."]
      : made === column.type ? [] : [`The column is ${column.type}; a ${field} makes ${made}.`];
    return {
      field, options, ...(notes.length ? { notes } : {}), ...(positive ? { check } : {}),
      ...(auto ? { ownsDefault: true } : {}), ...(guessed ? { guessedDigits: true } : {}),
    };
  }

  /**
   * The `_like` index Django's PostgreSQL editor adds to an indexed,
   * unique or primary key varchar/text column (`_create_like_index_sql`):
   * implied by the field, so inspectdb writes nothing for it.
   */
  impliedIndex(index: IndexSnapshot, table: TableSnapshot, fields: { readonly unique: ReadonlySet<string>; readonly indexed: ReadonlySet<string> }): boolean {
    const m = /^(\S+) (varchar_pattern_ops|text_pattern_ops)$/.exec(index.columns.length === 1 ? index.columns[0]! : "");
    if (!m || index.unique || index.where !== null) return false;
    const column = table.columns.find((c) => c.name === m[1]);
    if (!column || (m[2] === "text_pattern_ops") !== (column.type === "text")) return false;
    return column.pk > 0 || fields.unique.has(column.name) || fields.indexed.has(column.name) || table.foreignKeys.some((f) => f.columns.length === 1 && f.columns[0] === column.name);
  }
}

/** One table's snapshot from its catalog rows. */
function tableSnapshot(name: string, cols: ColumnRow[], cons: ConstraintRow[], idx: IndexRow[], indexNames: boolean): TableSnapshot {
  const pk = cons.find((k) => k.type === "p")?.cols ?? [];
  const columns: ColumnSnapshot[] = cols.map((c) => ({
    name: c.name, type: pgTypeName(c.type), notNull: c.notnull, pk: pk.indexOf(c.name) + 1,
    default: c.identity !== "" || /^nextval\(/.test(c.dflt ?? "") ? AUTO_INCREMENT : c.dflt === null ? null : canonicalPgSql(c.dflt),
  }));
  const integers = new Set(columns.filter((c) => ["integer", "bigint", "smallint"].includes(c.type)).map((c) => c.name));
  const checks: CheckSnapshot[] = cons.filter((k) => k.type === "c").map((k) => {
    const expression = canonicalPgSql(k.expr ?? "");
    const implicit = k.cols.length === 1 && integers.has(k.cols[0]!) && /_check\d*$/.test(k.name) && expression === positiveCheck(k.cols[0]!);
    return { name: implicit ? null : k.name, expression };
  });
  const foreignKeys: ForeignKeySnapshot[] = cons.filter((k) => k.type === "f").map((k) => ({
    columns: k.cols, table: k.reftable ?? "", to: k.refcols ?? [], onDelete: ON_DELETE[k.ondelete] ?? k.ondelete, onUpdate: ON_DELETE[k.onupdate] ?? k.onupdate,
    ...(k.deferrable ? { deferrable: k.deferrable } : {}),
  }));
  return { name, columns, checks: sortedByJson(checks), indexes: sortedByJson(idx.map((i) => indexSnapshot(i, indexNames))), foreignKeys: sortedByJson(foreignKeys) };
}

/** One index's snapshot (see the module comment for the column texts). */
function indexSnapshot(i: IndexRow, indexNames: boolean): IndexSnapshot {
  const columns = i.cols.map((c, k) => {
    const plain = /^"?([^"]*)"?$/.exec(c) && !/[()\s]/.test(c) ? c.replace(/^"(.*)"$/, "$1").replace(/""/g, '"') : canonicalPgSql(c);
    if (k >= i.nkeys) return `INCLUDE ${plain}`;
    const option = i.options[k] ?? 0;
    const desc = (option & 1) !== 0;
    const nullsFirst = (option & 2) !== 0;
    const order = `${desc ? " DESC" : ""}${nullsFirst !== desc ? ` NULLS ${nullsFirst ? "FIRST" : "LAST"}` : ""}`;
    return `${plain}${i.opclasses[k] ? ` ${i.opclasses[k]}` : ""}${order}`;
  });
  return {
    columns: i.method === "btree" ? columns : [`USING ${i.method}`, ...columns],
    unique: i.uniq, where: i.pred === null ? null : canonicalPgSql(i.pred),
    ...(indexNames ? { name: i.name } : {}), ...(i.deferrable ? { deferrable: i.deferrable } : {}),
  };
}
