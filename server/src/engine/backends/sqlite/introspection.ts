/**
 * SQLite's introspection (Django's `django/db/backends/sqlite3/introspection.py`):
 * {@link SqliteIntrospection} for inspectdb and diffschema, and
 * {@link snapshotSchema}, a schema snapshot of an SQLite database (also
 * used to compare the schema tsmigrate makes with the one Django makes for the same models): per table the
 * columns in order (name, declared type, NOT NULL, primary key), CHECK
 * constraints, indexes (including UNIQUE constraints' automatic indexes,
 * by columns) and foreign keys. Column DEFAULTs and ON DELETE actions,
 * which Django never writes, are left out unless asked for. The snapshot
 * is plain JSON data in a deterministic order; `diffSnapshots` says how
 * two differ.
 */
import type { SqliteDatabase } from "./base";
import { quoteName } from "../base/literals";
import { interpolate } from "../base/features";
import type { DatabaseIntrospection, IntrospectedFieldType, IntrospectOptions } from "../base/introspection";
import type { CheckSnapshot, ColumnSnapshot, ForeignKeySnapshot, IndexSnapshot, SchemaSnapshot } from "../base/snapshot";
import { SQLITE_FLAVOR } from "./features";
import { canonicalSql, matchParen, splitTopLevel, type SqlToken, tokenize } from "../base/sqltokens";

/** Options of {@link snapshotSchema}. */
export interface SnapshotOptions {
  /** Table name prefixes left out besides SQLite's own `sqlite_` tables. Default: `tsmigrate_`, `django_` (bookkeeping tables). */
  readonly excludePrefixes?: readonly string[];
  /** Include column DEFAULTs. Default false. */
  readonly defaults?: boolean;
  /** Include foreign keys' ON DELETE / ON UPDATE actions. Default false. */
  readonly onDelete?: boolean;
  /** Include the names of explicitly created indexes. Default false. */
  readonly indexNames?: boolean;
  /** Only these tables (default: all but the excluded prefixes). */
  readonly tables?: readonly string[];
}

function isExcluded(name: string, prefixes: readonly string[]): boolean {
  return ["sqlite_", ...prefixes].some((p) => name.toLowerCase().startsWith(p.toLowerCase()));
}

/** The default bookkeeping prefixes left out of snapshots. */
export const DEFAULT_EXCLUDED_PREFIXES: readonly string[] = ["tsmigrate_", "django_"];

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The CHECK constraints written in a CREATE TABLE statement, with the constraint names that precede them. */
export function extractChecks(createSql: string): CheckSnapshot[] {
  const tokens = tokenize(createSql);
  const out: CheckSnapshot[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== "word" || t.value !== "CHECK") continue;
    const open = tokens[i + 1];
    if (!open || open.kind !== "punct" || open.text !== "(") continue;
    const close = matchParen(tokens, i + 1);
    let name: string | null = null;
    const before = tokens[i - 2];
    if (before && before.kind === "word" && before.value === "CONSTRAINT") name = tokens[i - 1]!.value;
    out.push({ name, expression: canonicalSql(tokens.slice(i + 2, close)) });
    i = close;
  }
  return out;
}

/** The parsed parts of a CREATE INDEX statement: column elements and WHERE tokens. */
function parseCreateIndex(sql: string): { elements: SqlToken[][]; where: SqlToken[] | undefined } {
  const tokens = tokenize(sql);
  const on = tokens.findIndex((t) => t.kind === "word" && t.value === "ON");
  const open = tokens.findIndex((t, i) => i > on && t.kind === "punct" && t.text === "(");
  if (on < 0 || open < 0) return { elements: [], where: undefined };
  const close = matchParen(tokens, open);
  const rest = tokens.slice(close + 1);
  const w = rest.findIndex((t) => t.kind === "word" && t.value === "WHERE");
  return { elements: splitTopLevel(tokens.slice(open + 1, close)), where: w < 0 ? undefined : rest.slice(w + 1) };
}

function snapshotIndexes(db: SqliteDatabase, table: string, options: SnapshotOptions): IndexSnapshot[] {
  const list = db.prepare(`PRAGMA index_list(${quoteName(table)})`).all() as { name: string; unique: number; origin: string; partial: number }[];
  const out: IndexSnapshot[] = [];
  for (const ix of list) {
    if (ix.origin === "pk") continue;
    const sqlRow = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?").get(ix.name) as { sql: string | null } | undefined;
    const parsed = sqlRow?.sql ? parseCreateIndex(sqlRow.sql) : { elements: [], where: undefined };
    const keys = (db.prepare(`PRAGMA index_xinfo(${quoteName(ix.name)})`).all() as { seqno: number; cid: number; name: string | null; desc: number; key: number }[])
      .filter((r) => r.key === 1)
      .sort((a, b) => a.seqno - b.seqno);
    const columns = keys.map((k, i) => {
      let base: string;
      if (k.name !== null) base = k.name;
      else {
        const el = (parsed.elements[i] ?? []).filter((t, j, all) => !(j === all.length - 1 && t.kind === "word" && (t.value === "ASC" || t.value === "DESC")));
        base = canonicalSql(el);
      }
      return k.desc ? `${base} DESC` : base;
    });
    const entry: IndexSnapshot = {
      columns, unique: ix.unique === 1, where: parsed.where ? canonicalSql(parsed.where) : null,
      ...(options.indexNames && ix.origin === "c" ? { name: ix.name } : {}),
    };
    out.push(entry);
  }
  return out.sort((a, b) => byText(JSON.stringify(a), JSON.stringify(b)));
}

function snapshotForeignKeys(db: SqliteDatabase, table: string, options: SnapshotOptions): ForeignKeySnapshot[] {
  const rows = db.prepare(`PRAGMA foreign_key_list(${quoteName(table)})`).all() as {
    id: number; seq: number; table: string; from: string; to: string | null; on_update: string; on_delete: string;
  }[];
  const groups = new Map<number, typeof rows>();
  for (const r of rows) groups.set(r.id, [...(groups.get(r.id) ?? []), r]);
  const out: ForeignKeySnapshot[] = [];
  for (const g of groups.values()) {
    g.sort((a, b) => a.seq - b.seq);
    out.push({
      columns: g.map((r) => r.from), table: g[0]!.table, to: g.map((r) => r.to),
      ...(options.onDelete ? { onDelete: g[0]!.on_delete, onUpdate: g[0]!.on_update } : {}),
    });
  }
  return out.sort((a, b) => byText(JSON.stringify(a), JSON.stringify(b)));
}

/**
 * Reads the schema of `db`: every table whose name does not start with an
 * excluded prefix (SQLite's internal `sqlite_` tables are always left out), sorted by name, each with columns in table order and
 * checks, indexes and foreign keys in a sorted order.
 */
export function snapshotSchema(db: SqliteDatabase, options: SnapshotOptions = {}): SchemaSnapshot {
  const prefixes = options.excludePrefixes ?? DEFAULT_EXCLUDED_PREFIXES;
  const only = options.tables ? new Set(options.tables) : undefined;
  const tables = (db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string; sql: string | null }[])
    .filter((t) => (only ? only.has(t.name) : !isExcluded(t.name, prefixes)));
  return {
    tables: tables.map((t) => {
      const cols = db.prepare(`PRAGMA table_info(${quoteName(t.name)})`).all() as {
        cid: number; name: string; type: string; notnull: number; dflt_value: string | null; pk: number;
      }[];
      return {
        name: t.name,
        columns: cols.sort((a, b) => a.cid - b.cid).map((c) => ({
          name: c.name, type: c.type.toLowerCase().replace(/\s+/g, " ").trim(), notNull: c.notnull === 1, pk: c.pk,
          ...(options.defaults ? { default: c.dflt_value } : {}),
        })),
        checks: extractChecks(t.sql ?? "").sort((a, b) => byText(JSON.stringify(a), JSON.stringify(b))),
        indexes: snapshotIndexes(db, t.name, options),
        foreignKeys: snapshotForeignKeys(db, t.name, options),
      };
    }),
  };
}

/** Django's `FlexibleFieldLookupDict.base_data_types_reverse` (sqlite3/introspection.py). */
const DATA_TYPES_REVERSE: Readonly<Record<string, string>> = {
  bool: "BooleanField", boolean: "BooleanField", smallint: "SmallIntegerField",
  "smallint unsigned": "PositiveSmallIntegerField", smallinteger: "SmallIntegerField", int: "IntegerField",
  integer: "IntegerField", bigint: "BigIntegerField", "integer unsigned": "PositiveIntegerField",
  "bigint unsigned": "PositiveBigIntegerField", decimal: "DecimalField", real: "FloatField", text: "TextField",
  char: "CharField", varchar: "CharField", blob: "BinaryField", date: "DateField", datetime: "DateTimeField",
  time: "TimeField",
};

/**
 * Fixed-width types only one field makes (`data_types`): read back as that
 * field so that the adopted models make the same column (Django's
 * inspectdb reads every char(N) as a CharField, which makes varchar(N)).
 */
const CHAR_FIELDS: Readonly<Record<string, string>> = { "char(32)": "UUIDField", "char(39)": "GenericIPAddressField" };

/** The canonical form of a data-type CHECK template of the SQLite flavor for `column`. */
function implicitCheck(field: string, column: string): string | undefined {
  const template = SQLITE_FLAVOR.dataTypeCheckConstraints[field];
  return template === undefined ? undefined : canonicalSql(tokenize(interpolate(template, { column })));
}

/**
 * SQLite's introspection (Django's `sqlite3/introspection.py`) on a
 * better-sqlite3 handle: reads `sqlite_master` and the `PRAGMA`s, never
 * writes.
 */
export class SqliteIntrospection implements DatabaseIntrospection {
  constructor(private readonly db: SqliteDatabase) {}

  async tableNames(): Promise<string[]> {
    const rows = this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[];
    return rows.map((r) => r.name).filter((n) => !isExcluded(n, DEFAULT_EXCLUDED_PREFIXES));
  }

  async snapshot(options: IntrospectOptions = {}): Promise<SchemaSnapshot> {
    return snapshotSchema(this.db, { defaults: true, onDelete: true, indexNames: options.indexNames, tables: options.tables });
  }

  /**
   * Django's `get_field_type`: the type's first word(s) before `(` looked
   * up in `data_types_reverse`; `varchar(N)`/`char(N)` give `maxLength`;
   * a one-column integer primary key is an AutoField; a `text` column with
   * Django's JSON_VALID check is a JSONField. A decimal has no digits on
   * SQLite: Django guesses 10 and 5 (with a note), and so do we. Unlike
   * Django, `char(32)` is a UUIDField and `char(39)` a GenericIPAddressField
   * (the fields that make those types); another `char(N)` is a CharField
   * with a note that it will make varchar(N).
   */
  fieldType(column: ColumnSnapshot, checks: readonly CheckSnapshot[]): IntrospectedFieldType {
    const key = column.type.toLowerCase().split("(", 1)[0]!.trim();
    let field = DATA_TYPES_REVERSE[key];
    if (field === undefined) return { unknown: column.type };
    if (column.pk > 0 && ["BigIntegerField", "IntegerField", "SmallIntegerField"].includes(field)) field = "AutoField";
    const json = implicitCheck("JSONField", column.name);
    if (field === "TextField" && checks.some((c) => c.name === null && c.expression === json)) field = "JSONField";
    const options: Record<string, number | boolean> = {};
    const notes: string[] = [];
    const size = /^\s*(?:var)?char\s*\(\s*(\d+)\s*\)\s*$/i.exec(column.type);
    if (field === "CharField") {
      if (!size) return { unknown: column.type };
      const fixed = CHAR_FIELDS[column.type.toLowerCase().replace(/\s+/g, "")];
      if (fixed !== undefined) return { field: fixed, options };
      options.maxLength = Number(size[1]);
      if (key === "char") notes.push(`The column is ${column.type}; a CharField makes varchar(${size[1]}).`);
    }
    if (field === "DecimalField") {
      Object.assign(options, { maxDigits: 10, decimalPlaces: 5 });
      notes.push("maxDigits and decimalPlaces have been guessed, as this database handles decimal fields as float.");
    }
    const check = implicitCheck(field, column.name);
    return {
      field, options, ...(notes.length ? { notes } : {}), ...(check !== undefined && checks.some((c) => c.name === null && c.expression === check) ? { check } : {}),
      ...(field === "DecimalField" ? { guessedDigits: true } : {}), ...(field === "AutoField" ? { sizeFromReferences: true } : {}),
    };
  }
}

export { diffSnapshots, type DiffOptions } from "../base/snapshot";
export type { CheckSnapshot, ColumnSnapshot, ForeignKeySnapshot, IndexSnapshot, SchemaSnapshot, TableSnapshot } from "../base/snapshot";
