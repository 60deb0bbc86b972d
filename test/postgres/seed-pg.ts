/**
 * The seed of test/django/seed.ts on PostgreSQL: the schema read from the
 * catalogs as a {@link SeedSource} (so both vendors share one plan), the
 * rows inserted in one transaction with the sequences of auto fields reset
 * after them (identity on tsmigrate's side, `serial` on Django 3.2's: both
 * answer `pg_get_serial_sequence`), and a database read back as a
 * {@link DbView} for the data and survival checks of test/django/checks.ts.
 */
import { Client } from "pg";
import type { ColumnDefs, DbView } from "../django/checks";
import { type ColumnInfo, type FkInfo, type Row, type Seed, type SeedSource, quote } from "../django/seed";
import { pgQuery } from "./server";

const USER_TABLES = `SELECT c.oid::int AS oid, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind = 'r' AND n.nspname = 'public' AND c.relname !~ '^(django_|tsmigrate_)' ORDER BY c.relname`;

interface Catalog {
  tables: string[];
  columns: Map<string, ColumnInfo[]>;
  fks: Map<string, FkInfo[]>;
}

/** Tables, columns (with `format_type` types and primary key positions) and single-column foreign keys of the database at `url`. */
async function readCatalog(url: string): Promise<Catalog> {
  const tables = await pgQuery<{ oid: number; name: string }>(url, USER_TABLES);
  const cols = await pgQuery<{ t: number; name: string; type: string; notnull: boolean; pk: number | null }>(url,
    `SELECT a.attrelid::int AS t, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS notnull,
            array_position(k.conkey, a.attnum) AS pk
       FROM pg_attribute a LEFT JOIN pg_constraint k ON k.conrelid = a.attrelid AND k.contype = 'p'
      WHERE a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`);
  const fks = await pgQuery<{ t: number; target: string; from: string; to: string }>(url,
    `SELECT k.conrelid::int AS t, r.relname AS target, a.attname AS "from", b.attname AS "to"
       FROM pg_constraint k JOIN pg_class r ON r.oid = k.confrelid
       JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
       JOIN pg_attribute b ON b.attrelid = k.confrelid AND b.attnum = k.confkey[1]
      WHERE k.contype = 'f'`);
  const out: Catalog = { tables: tables.map((t) => t.name), columns: new Map(), fks: new Map() };
  for (const { oid, name } of tables) {
    out.columns.set(name, cols.filter((c) => c.t === oid).map((c) => ({ name: c.name, type: c.type, notnull: c.notnull ? 1 : 0, pk: c.pk ?? 0 })));
    out.fks.set(name, fks.filter((f) => f.t === oid).map((f) => ({ table: f.target, from: f.from, to: f.to })));
  }
  return out;
}

/** A {@link SeedSource} for the database at `url` (the catalogs read once, up front). */
export async function pgSeedSource(url: string): Promise<SeedSource> {
  const cat = await readCatalog(url);
  return {
    tables: () => cat.tables,
    columns: (t) => cat.columns.get(t) ?? [],
    foreignKeys: (t) => cat.fks.get(t) ?? [],
    isJson: (t, c) => /^jsonb?$/.test(cat.columns.get(t)?.find((x) => x.name === c)?.type ?? ""),
  };
}

/**
 * Inserts the seed into the database at `url` in one transaction (foreign
 * keys, DEFERRABLE on both sides, checked at commit), then moves every
 * column sequence past the inserted keys so later inserts do not collide.
 * @throws the server's error, prefixed with the table and row, when a row does not fit the schema.
 */
export async function insertSeedPg(url: string, seed: Seed): Promise<void> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    await c.query("BEGIN");
    await c.query("SET CONSTRAINTS ALL DEFERRED");
    for (const table of seed.tables) {
      for (const row of seed.rows.get(table) ?? []) {
        const names = Object.keys(row);
        const sql = `INSERT INTO ${quote(table)} (${names.map(quote).join(", ")}) VALUES (${names.map((_n, i) => `$${i + 1}`).join(", ")})`;
        try {
          await c.query(sql, names.map((n) => row[n]));
        } catch (e) {
          throw new Error(`seeding ${table} with ${JSON.stringify(row)}: ${(e as Error).message}`);
        }
      }
      for (const col of Object.keys(seed.rows.get(table)?.[0] ?? {})) {
        const [{ s }] = (await c.query<{ s: string | null }>("SELECT pg_get_serial_sequence($1, $2) AS s", [quote(table), col])).rows as [{ s: string | null }];
        if (s) await c.query(`SELECT setval($1::regclass, (SELECT max(${quote(col)}) FROM ${quote(table)}))`, [s]);
      }
    }
    await c.query("COMMIT");
  } finally {
    await c.end();
  }
}

/**
 * The database at `url` as a {@link DbView}: each user table's column
 * definitions (`format_type`, NOT NULL, primary key position) and rows
 * (`row_to_json`, so every value in one stable form) ordered by primary key.
 */
export async function pgView(url: string): Promise<DbView> {
  const cat = await readCatalog(url);
  const tables = new Map<string, { defs: ColumnDefs; rows: Row[] }>();
  for (const t of cat.tables) {
    const cols = cat.columns.get(t)!;
    const defs: ColumnDefs = new Map(cols.map((c) => [c.name, `${c.type}|${c.notnull}|${c.pk}`]));
    const pk = cols.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => `t.${quote(c.name)}`);
    const rows = await pgQuery<{ j: Row }>(url, `SELECT row_to_json(t) AS j FROM ${quote(t)} t ORDER BY ${pk.length ? pk.join(", ") : "t.ctid"}`);
    tables.set(t, { defs, rows: rows.map((r) => r.j) });
  }
  return { tables };
}

/** The seed with its rows as `view` (Django's step-1 database) reads them back, for {@link SurvivalTracker}. */
export function seedAsRead(seed: Seed, view: DbView): Seed {
  return { ...seed, rows: new Map(seed.tables.map((t) => [t, view.tables.get(t)?.rows ?? []])) };
}
