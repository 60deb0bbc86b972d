/**
 * A schema snapshot of an SQLite database, to compare the schema tsmigrate
 * makes with the one Django makes for the same models: per table the
 * columns in order (name, declared type, NOT NULL, primary key), CHECK
 * constraints, indexes (including UNIQUE constraints' automatic indexes,
 * by columns) and foreign keys. Column DEFAULTs and ON DELETE actions,
 * which Django never writes, are left out unless asked for. The snapshot
 * is plain JSON data in a deterministic order; `diffSnapshots` says how
 * two differ.
 */
import type { SqliteDatabase } from "../../server/src/engine/backends/sqlite/base";
import { quoteName } from "../../server/src/engine/backends/base/literals";
import type { CheckSnapshot, ForeignKeySnapshot, IndexSnapshot, SchemaSnapshot } from "./snapshot";
import { canonicalSql, matchParen, splitTopLevel, type SqlToken, tokenize } from "./sqltokens";

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
  const prefixes = ["sqlite_", ...(options.excludePrefixes ?? DEFAULT_EXCLUDED_PREFIXES)];
  const tables = (db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string; sql: string | null }[])
    .filter((t) => !prefixes.some((p) => t.name.toLowerCase().startsWith(p.toLowerCase())));
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

export { diffSnapshots, type DiffOptions } from "./snapshot";
export type { CheckSnapshot, ColumnSnapshot, ForeignKeySnapshot, IndexSnapshot, SchemaSnapshot, TableSnapshot } from "./snapshot";
