/**
 * Seed rows for a migrated schema, and the table contents used to check
 * that rows survive later migrations.
 *
 * The plan is vendor-neutral: it reads the schema through a
 * {@link SeedSource} (SQLite's PRAGMAs here, {@link sqliteSeedSource};
 * PostgreSQL's catalogs in test/postgres/seed-pg.ts), independently of the
 * engine's introspection so a bug there cannot hide a bug here, and makes
 * three rows per table whose values honour NOT NULL, UNIQUE, foreign keys
 * (parents first; self references point at earlier rows), JSON columns and
 * the small numeric CHECKs of the test histories.
 */
import type Database from "better-sqlite3";

/** A row: column name -> SQLite value. */
export type Row = Record<string, unknown>;

/** The rows inserted into each table, in insertion order. */
export interface Seed {
  /** Tables in insertion order (referenced tables first). */
  readonly tables: readonly string[];
  readonly rows: ReadonlyMap<string, readonly Row[]>;
  /** Primary key column(s) of each seeded table. */
  readonly pks: ReadonlyMap<string, readonly string[]>;
}

/** A column as the seed sees it: declared type (lower-case or not), NOT NULL (1/0), position in the primary key (1-based; 0: not in it). */
export interface ColumnInfo {
  name: string;
  type: string;
  notnull: number;
  pk: number;
}

/** A foreign key column `from` referencing `table`.`to` (`to` null: the target's primary key). */
export interface FkInfo {
  table: string;
  from: string;
  to: string | null;
}

/** What planning a seed reads of a database's schema (one implementation per vendor). */
export interface SeedSource {
  /** The user's tables (not the vendor's, Django's or tsmigrate's own). */
  tables(): string[];
  /** Columns of `table` in table order. */
  columns(table: string): ColumnInfo[];
  foreignKeys(table: string): FkInfo[];
  /** Whether the column holds JSON (SQLite: a JSON_VALID check; PostgreSQL: jsonb). */
  isJson(table: string, column: string): boolean;
}

/** A {@link SeedSource} reading an open SQLite database with PRAGMAs. */
export function sqliteSeedSource(db: Database.Database): SeedSource {
  return {
    tables: () => userTables(db),
    columns: (t) => columns(db, t),
    foreignKeys: (t) => foreignKeys(db, t),
    isJson: (t, c) => {
      const sql = (db.prepare("SELECT sql FROM sqlite_master WHERE name = ?").get(t) as { sql: string }).sql;
      return new RegExp(`JSON_VALID\\(${escapeRe(quote(c))}\\)`, "i").test(sql);
    },
  };
}

/** Tables of the user's models: not SQLite's, Django's or tsmigrate's own. */
export function userTables(db: Database.Database): string[] {
  const rows = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    .all() as { name: string }[];
  return rows.map((r) => r.name).filter((n) => !/^(sqlite_|django_|tsmigrate_)/.test(n));
}

function columns(db: Database.Database, table: string): ColumnInfo[] {
  return db.prepare(`PRAGMA table_info(${quote(table)})`).all() as ColumnInfo[];
}

function foreignKeys(db: Database.Database, table: string): FkInfo[] {
  return db.prepare(`PRAGMA foreign_key_list(${quote(table)})`).all() as FkInfo[];
}

/** `"name"` with inner quotes doubled. */
export function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The primary key columns of a table (rowid tables without one: `rowid`). */
export function primaryKey(db: Database.Database, table: string): string[] {
  const pk = columns(db, table).filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
  return pk.length ? pk : ["rowid"];
}

/**
 * A value of the declared type for row `r` (1-based) of column number `ci`,
 * distinct per row. Knows SQLite's declared types and PostgreSQL's
 * `format_type` names (`character varying(n)`, `timestamp with time zone`,
 * `uuid`, `inet`, `interval`, `bytea`, ...).
 */
function valueFor(type: string, col: string, r: number, ci: number, json: boolean): unknown {
  const t = type.toLowerCase();
  if (json) return JSON.stringify({ row: r });
  if (t === "interval") return `${r} days`;
  if (t === "inet") return `10.0.0.${r}`;
  if (t === "uuid") return String(r).padStart(32, "0");
  if (/int/.test(t)) return r * 10 + ci;
  if (t === "bool") return r % 2;
  if (t === "boolean") return r % 2 === 1;
  if (t === "real" || t.startsWith("double") || t.startsWith("float")) return r + 0.5;
  if (t.startsWith("decimal") || t.startsWith("numeric")) return r + 0.25;
  if (t === "date") return `2024-01-0${r}`;
  if (t === "datetime" || t.startsWith("timestamp")) return `2024-01-0${r} 10:00:00`;
  if (t === "time" || t.startsWith("time ")) return `10:0${r}:00`;
  if (t === "blob" || t === "bytea") return Buffer.from([r, ci]);
  const m = /^(?:var)?char(?:acter)?(?: varying)?\((\d+)\)/.exec(t);
  if (m && t.startsWith("char(32)")) return String(r).padStart(32, "0");
  const text = `${r}${col}`;
  return m ? text.slice(0, Number(m[1])) : `${col} ${r}`;
}

/** Tables ordered so that every referenced table comes before the tables referencing it (self references ignored). */
function insertionOrder(db: SeedSource, tables: string[]): string[] {
  const done = new Set<string>();
  const order: string[] = [];
  const visit = (t: string, path: Set<string>) => {
    if (done.has(t) || path.has(t)) return;
    path.add(t);
    for (const fk of db.foreignKeys(t)) if (fk.table !== t && tables.includes(fk.table)) visit(fk.table, path);
    done.add(t);
    order.push(t);
  };
  for (const t of tables) visit(t, new Set());
  return order;
}

/**
 * Plans three rows per user table of the database `db` reads (see the module comment).
 * Nullable columns are NULL in row 1 (so NULL -> NOT NULL alterations meet
 * NULLs) and set in rows 2-3; foreign keys point at the parent's row of the
 * same number (a self reference at the previous row, or itself when NOT NULL).
 */
export function planSeed(db: SeedSource): Seed {
  const tables = insertionOrder(db, db.tables());
  const rows = new Map<string, Row[]>();
  const pks = new Map<string, string[]>();
  for (const table of tables) {
    const cols = db.columns(table);
    const fks = db.foreignKeys(table);
    const pk = cols.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
    pks.set(table, pk);
    const out: Row[] = [];
    for (let r = 1; r <= 3; r++) {
      const row: Row = {};
      // Plain columns first, so that a self reference can point at this row's own key.
      cols.forEach((c, ci) => {
        if (fks.some((f) => f.from === c.name)) return;
        if (c.notnull === 0 && c.pk === 0 && r === 1) row[c.name] = null;
        else if (c.pk > 0 && pk.length === 1 && /int/i.test(c.type)) row[c.name] = r;
        else row[c.name] = valueFor(c.type, c.name, r, ci, db.isJson(table, c.name));
      });
      for (const c of cols) {
        const fk = fks.find((f) => f.from === c.name);
        if (!fk) continue;
        const nullable = c.notnull === 0 && c.pk === 0;
        const self = fk.table === table;
        const toCol = fk.to ?? (self ? pk[0]! : db.columns(fk.table).find((x) => x.pk === 1)?.name ?? "rowid");
        if (self) {
          // The previous row; row 1 points at nothing, or at itself when NOT NULL.
          row[c.name] = r > 1 ? out[r - 2]![toCol] : nullable ? null : (row[toCol] ?? null);
        } else {
          row[c.name] = nullable && r === 1 ? null : (rows.get(fk.table)?.[r - 1]?.[toCol] ?? null);
        }
      }
      // Keep the table's column order in the row object.
      const ordered: Row = {};
      for (const c of cols) ordered[c.name] = row[c.name];
      out.push(ordered);
    }
    rows.set(table, out);
  }
  return { tables, rows, pks };
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Inserts the seed into `db` in one transaction (foreign keys checked at commit).
 * @throws the SQLite error, prefixed with the table, when a row does not fit the schema.
 */
export function insertSeed(db: Database.Database, seed: Seed): void {
  db.pragma("foreign_keys = ON");
  const run = db.transaction(() => {
    db.pragma("defer_foreign_keys = ON");
    for (const table of seed.tables) {
      for (const row of seed.rows.get(table) ?? []) {
        const names = Object.keys(row);
        const sql = `INSERT INTO ${quote(table)} (${names.map(quote).join(", ")}) VALUES (${names.map(() => "?").join(", ")})`;
        try {
          db.prepare(sql).run(...names.map((n) => row[n]));
        } catch (e) {
          throw new Error(`seeding ${table} with ${JSON.stringify(row)}: ${(e as Error).message}`);
        }
      }
    }
  });
  run();
}

/** Every row of a table as objects, ordered by primary key. */
export function tableRows(db: Database.Database, table: string): Row[] {
  const order = primaryKey(db, table).map(quote).join(", ");
  return db.prepare(`SELECT * FROM ${quote(table)} ORDER BY ${order}`).all() as Row[];
}

/** The contents of every user table: table -> rows ordered by primary key. */
export function allRows(db: Database.Database): Record<string, Row[]> {
  const out: Record<string, Row[]> = {};
  for (const t of userTables(db)) out[t] = tableRows(db, t);
  return out;
}
