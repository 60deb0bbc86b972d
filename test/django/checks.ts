/**
 * The comparisons made at each checkpoint of a replayed history: schema
 * (tsmigrate's against Django's), table contents, survival of the seeded
 * rows, and restoration of earlier schemas on rollback. Each returns a list
 * of problems, one readable line each, tagged `[schema]`, `[column order]`,
 * `[data]`, `[survival]` or `[restore]`; empty means all is well.
 */
import { isDeepStrictEqual } from "node:util";
import Database from "better-sqlite3";
import { type SchemaSnapshot, diffSnapshots, snapshotSchema } from "../../server/src/engine/backends/sqlite/introspection";
import type { ProjectState } from "../../server/src/engine/state";
import { tablesOf } from "./history";
import { type Row, type Seed, allRows, userTables } from "./seed";

/** Opens a database file read-only and runs `f` on it. */
export function withDb<T>(file: string, f: (db: Database.Database) => T): T {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return f(db);
  } finally {
    db.close();
  }
}

/** The schema snapshot of a database file (bookkeeping tables left out). */
export function snapshotFile(file: string): SchemaSnapshot {
  return withDb(file, (db) => snapshotSchema(db));
}

/**
 * tsmigrate's schema against Django's: every difference diffSnapshots
 * reports, column order separately, and a catch-all when the snapshots
 * differ in a way diffSnapshots does not describe.
 */
export function schemaProblems(django: SchemaSnapshot, ts: SchemaSnapshot): string[] {
  const labels: [string, string] = ["django", "tsmigrate"];
  const content = diffSnapshots(django, ts, { labels });
  const withOrder = diffSnapshots(django, ts, { labels, columnOrder: true });
  const order = withOrder.filter((l) => !content.includes(l));
  const out = [...content.map((l) => `[schema] ${l}`), ...order.map((l) => `[column order] ${l}`)];
  if (out.length === 0 && !isDeepStrictEqual(django, ts)) {
    out.push(`[schema] snapshots differ:\n  django:    ${JSON.stringify(django)}\n  tsmigrate: ${JSON.stringify(ts)}`);
  }
  return out;
}

export function show(row: Row | undefined): string {
  return JSON.stringify(row, (_k, v: unknown) => (v && typeof v === "object" && (v as { type?: string }).type === "Buffer" ? `<blob ${JSON.stringify((v as { data: number[] }).data)}>` : v));
}

/** Every table's rows in tsmigrate's database file against Django's (tables missing on one side are schema problems, skipped here). */
export function dataProblems(djangoFile: string, tsFile: string): string[] {
  return rowProblems(withDb(djangoFile, allRows), withDb(tsFile, allRows));
}

/** {@link dataProblems} on table contents already read (table -> rows in primary key order), from any vendor. */
export function rowProblems(dj: Readonly<Record<string, readonly Row[]>>, ts: Readonly<Record<string, readonly Row[]>>): string[] {
  const out: string[] = [];
  for (const [table, djRows] of Object.entries(dj)) {
    const tsRows = ts[table];
    if (!tsRows) continue;
    if (tsRows.length !== djRows.length) out.push(`[data] table "${table}": ${tsRows.length} rows in tsmigrate, ${djRows.length} in django`);
    const n = Math.min(tsRows.length, djRows.length);
    let shown = 0;
    for (let i = 0; i < n && shown < 3; i++) {
      if (!isDeepStrictEqual(tsRows[i], djRows[i])) {
        out.push(`[data] table "${table}" row ${i + 1}: tsmigrate ${show(tsRows[i])} but django ${show(djRows[i])}`);
        shown++;
      }
    }
  }
  return out;
}

/** Column name -> its definition as one comparable string (type, NOT NULL, primary key). */
export type ColumnDefs = Map<string, string>;

/**
 * A database at one checkpoint as the survival checks read it: its user
 * tables, each with its column definitions and rows (any vendor; SQLite's
 * from {@link sqliteView}, PostgreSQL's from test/postgres/seed-pg.ts).
 */
export interface DbView {
  readonly tables: ReadonlyMap<string, { readonly defs: ColumnDefs; readonly rows: readonly Row[] }>;
}

/** The {@link DbView} of an SQLite database file (definitions from PRAGMA table_info). */
export function sqliteView(file: string): DbView {
  return withDb(file, (db) => ({ tables: new Map(userTables(db).map((t) => {
    const cols = db.prepare(`PRAGMA table_info("${t.replace(/"/g, '""')}")`).all() as { name: string; type: string; notnull: number; pk: number }[];
    const defs: ColumnDefs = new Map(cols.map((c) => [c.name, `${c.type.toLowerCase()}|${c.notnull}|${c.pk}`]));
    return [t, { defs, rows: db.prepare(`SELECT * FROM "${t.replace(/"/g, '""')}"`).all() as Row[] }];
  })) }));
}

/**
 * Tracks, step after step, which step-1 models (and auto join tables) still
 * exist without interruption, their current table, and which of their
 * step-1 columns kept exactly their definition (type, NOT NULL, primary key)
 * in Django's databases all along: the rows seeded at step 1 must still be
 * there with those columns' values unchanged. The seed's rows are compared
 * as a {@link DbView} reads them (a vendor whose driver reads values back in
 * another form passes the seeded rows as read from Django's step-1 database).
 */
export class SurvivalTracker {
  /** Key ("app.model" / "app.model.field") -> step-1 table. */
  private readonly firstTables: Map<string, string>;
  /** Key -> step-1 column definitions. */
  private readonly firstDefs = new Map<string, ColumnDefs>();
  /** Key -> columns unchanged so far. */
  private readonly pristine = new Map<string, Set<string>>();
  /** Key -> current table (keys that vanished once are dropped for good). */
  current = new Map<string, string>();

  constructor(
    private readonly seed: Seed,
    step1: ProjectState,
    djangoStep1: DbView,
  ) {
    this.firstTables = tablesOf(step1);
    for (const [key, table] of this.firstTables) {
      if (!seed.rows.has(table)) continue;
      const defs = djangoStep1.tables.get(table)?.defs ?? new Map<string, string>();
      this.firstDefs.set(key, defs);
      this.pristine.set(key, new Set(defs.keys()));
      this.current.set(key, table);
    }
  }

  /** Moves to a later step: its models and Django's database after it. */
  advance(state: ProjectState, django: DbView): void {
    const tables = tablesOf(state);
    for (const key of [...this.current.keys()]) {
      const table = tables.get(key);
      if (table === undefined || !django.tables.has(table)) {
        this.current.delete(key);
        continue;
      }
      this.current.set(key, table);
      const defs = django.tables.get(table)!.defs;
      const first = this.firstDefs.get(key)!;
      const keep = this.pristine.get(key)!;
      for (const c of [...keep]) if (defs.get(c) !== first.get(c)) keep.delete(c);
    }
  }

  /**
   * The seeded rows of every tracked model, looked up in tsmigrate's
   * database `ts` under `tables` (key -> table; default: the current
   * tables): same count, same primary keys, unchanged columns with the
   * seeded values.
   */
  problems(ts: DbView, tables: ReadonlyMap<string, string> = this.current): string[] {
    const out: string[] = [];
    for (const [key, table] of tables) {
      if (!this.current.has(key)) continue;
      const seeded = this.seed.rows.get(this.firstTables.get(key)!) ?? [];
      const pk = this.seed.pks.get(this.firstTables.get(key)!) ?? [];
      const rows = ts.tables.get(table)?.rows;
      if (!rows) {
        out.push(`[survival] table "${table}" of ${key} is missing`);
        continue;
      }
      if (rows.length !== seeded.length) out.push(`[survival] table "${table}" has ${rows.length} rows, ${seeded.length} were seeded`);
      const cols = [...this.pristine.get(key)!];
      for (const s of seeded) {
        const match = rows.find((r) => pk.every((c) => isDeepStrictEqual(r[c], s[c])));
        if (!match) {
          out.push(`[survival] table "${table}": seeded row ${show(s)} is gone`);
          continue;
        }
        const changed = cols.filter((c) => !isDeepStrictEqual(match[c], s[c]));
        if (changed.length) out.push(`[survival] table "${table}": seeded row ${show(s)} now ${show(match)} (changed: ${changed.join(", ")})`);
      }
    }
    return out;
  }

  /** The step-1 tables of the tracked keys (for the checkpoint after rolling every app back to 0001). */
  get step1Tables(): ReadonlyMap<string, string> {
    return this.firstTables;
  }
}

/**
 * A rolled-back schema against the schema it should restore, column order
 * included: tsmigrate's rebuilds keep the state's field order, so rolling
 * back restores the very table an earlier step had.
 */
export function restoreProblems(expected: SchemaSnapshot, actual: SchemaSnapshot, what: string): string[] {
  return diffSnapshots(expected, actual, { labels: [what, "the rolled-back database"], columnOrder: true }).map((l) => `[restore] ${l}`);
}

/**
 * Column order of a database migrated step by step against the same
 * migrations applied to an empty database in one go: a table rebuilt by
 * tsmigrate must be the table CREATE TABLE would make.
 */
export function freshOrderProblems(fresh: SchemaSnapshot, stepwise: SchemaSnapshot): string[] {
  return diffSnapshots(fresh, stepwise, { labels: ["migrated in one go", "migrated step by step"], columnOrder: true })
    .map((l) => `[column order] ${l}`);
}
