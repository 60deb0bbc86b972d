/**
 * The SQLite connection on better-sqlite3. Mirrors Django 3.2's SQLite
 * `DatabaseWrapper` (`django/db/backends/sqlite3/base.py`): foreign keys on
 * by default, switched off around a migration's transaction (SQLite cannot
 * change `PRAGMA foreign_keys` inside one) and checked with
 * `PRAGMA foreign_key_check` before commit, like `disable_constraint_checking`
 * / `check_constraints` / `enable_constraint_checking` around the schema editor.
 */
import * as fs from "node:fs";
import Database from "better-sqlite3";
import { TsMigrateError } from "../../errors";
import { nodeProblem } from "../../node-support";
import type { Connection } from "../base/base";
import type { SqlScript } from "../../sql-script";
import type { Emit, SchemaEditor } from "../base/schema";
import { quoteName } from "../base/literals";
import { NO_TABLES, type TouchedTables, describeViolation, foreignKeyViolations, touchedTables } from "./foreign-keys";
import { SqliteIntrospection } from "./introspection";
import { SqliteSchemaEditor, type SqliteSchemaEditorOptions } from "./schema";

/** A better-sqlite3 database handle. */
export type SqliteDatabase = Database.Database;

/** How long a statement waits for another connection's write lock (SQLite's busy_timeout), in ms. */
export const BUSY_TIMEOUT_MS = 5000;

/**
 * Wraps an SQLite error as a TsMigrateError (code `database`) naming the
 * failing statement; SQLITE_BUSY (another writer kept the lock past the
 * busy timeout) as code `locked` saying what it waited for.
 */
export function databaseError(err: unknown, sql: string): TsMigrateError {
  if (err instanceof TsMigrateError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  if ((err as { code?: unknown } | undefined)?.code === "SQLITE_BUSY") {
    return new TsMigrateError(
      `the SQLite database is busy: another connection (a program using it, or another migrate) holds its write lock, ` +
      `and it was still held after waiting ${BUSY_TIMEOUT_MS / 1000} s. Let that writer finish, then run again.\n  while executing: ${sql}`,
      { code: "locked", cause: err },
    );
  }
  return new TsMigrateError(`SQLite error: ${msg}\n  while executing: ${sql}`, { code: "database", cause: err });
}

/** Options of {@link openSqlite}. */
export interface SqliteOptions extends SqliteSchemaEditorOptions {
  /** Open read-only (no migrations can run). */
  readonly readonly?: boolean;
}

/** {@link Connection} on SQLite. Statements run synchronously; the async methods resolve at once. */
export class SqliteConnection implements Connection {
  readonly vendor = "sqlite" as const;
  readonly transactionalDdl = true;
  private depth = 0;
  /** Tables to check for foreign key violations before the open transaction commits. */
  private touched: Set<string> | "all" = new Set();
  /** Tables dropped in the open transaction. */
  private dropped = new Set<string>();
  /** Tables created in the open transaction and not written to since: no rows, nothing to check. */
  private empty = new Set<string>();

  constructor(readonly alias: string, readonly db: SqliteDatabase, private readonly options: SqliteSchemaEditorOptions = {}) {}

  /** Runs one or more statements (no parameters) or one statement with parameters. */
  executeSync(sql: string, params?: readonly unknown[]): void {
    this.note(sql);
    try {
      if (params && params.length > 0) this.db.prepare(sql).run(...(params as unknown[]));
      else this.db.exec(sql);
    } catch (e) {
      throw databaseError(e, sql);
    }
  }

  /**
   * See {@link Connection.executeScriptSync}. In a transaction, what the
   * statements touch is noted for all of them first, then a joinable script
   * runs as one string inside a savepoint: JavaScript run between two
   * statements runs with caches SQLite's work has emptied (~10 µs a
   * statement, 0.05 s of a migrate from empty of 1,000 models, against
   * ~0.5 µs in a loop of its own). When the string fails, the savepoint is
   * rolled back and the statements run one by one, so that the one that
   * fails is named and what ran before it stays run. Noting a statement
   * that then does not run changes nothing: its failure rolls the
   * transaction back (a savepoint's: everything is checked). Outside a
   * transaction (a non-atomic migration) the statements run one by one.
   */
  executeScriptSync(script: SqlScript): { ran: number; error?: unknown } {
    if (this.depth === 0 || !script.joinable) return this.runEach(script);
    for (let i = 0; i < script.length && this.touched !== "all"; i++) this.note(script.sql(i));
    this.db.exec("SAVEPOINT tsmigrate_script");
    try {
      this.db.exec(script.text);
    } catch (e) {
      // An error that ended the transaction (a full disk, an I/O error): what ran cannot be run again to name the statement.
      if (!this.db.inTransaction) throw databaseError(e, `the ${script.length} statements of a migration, run as one script`);
      this.db.exec("ROLLBACK TO tsmigrate_script");
      this.db.exec("RELEASE tsmigrate_script");
      return this.runEach(script);
    }
    this.db.exec("RELEASE tsmigrate_script");
    return { ran: script.length };
  }

  /** A script's statements one by one, each noted just before it runs (see {@link executeScriptSync}). */
  private runEach(script: SqlScript): { ran: number; error?: unknown } {
    let i = 0;
    try {
      for (; i < script.length; i++) this.executeSync(script.sql(i));
    } catch (e) {
      return { ran: i, error: e };
    }
    return { ran: i };
  }

  /** Notes what `sql`, run in the open transaction, touches (nothing outside one). */
  private note(sql: string): void {
    if (this.depth === 0 || this.touched === "all") return;
    const t = touchedTables(sql);
    if (t === "all") this.touched = "all";
    // (Most statements of a migrate from empty are indexes: nothing to track, and no lookups of what they lack.)
    else if (t !== NO_TABLES) this.track(t);
  }

  /** Notes what a statement of the open transaction touched: the tables to check before commit, and those still empty. */
  private track(t: TouchedTables): void {
    if (this.touched === "all") return;
    for (const name of t.tables) this.touched.add(name);
    if (t.renamed) {
      // The rows (if any) moved to `to`, now checked; `from` is no more.
      const [from, to] = t.renamed;
      this.touched.delete(from);
      if (this.empty.delete(from)) this.empty.add(to);
      else this.empty.delete(to);
    } else if (!t.rowsKept) {
      for (const name of t.tables) if (name !== t.created) this.empty.delete(name);
    }
    // A table dropped then made again (created, or a rebuild's copy renamed to it) exists: checked as the others are.
    const remade = t.created ?? t.renamed?.[1];
    if (remade !== undefined) this.dropped.delete(remade);
    if (t.created !== undefined) this.empty.add(t.created);
    if (t.dropped !== undefined) {
      this.dropped.add(t.dropped);
      this.touched.delete(t.dropped);
      this.empty.delete(t.dropped);
    }
  }

  /** Runs a query and returns its rows. */
  querySync<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): T[] {
    try {
      return this.db.prepare(sql).all(...((params ?? []) as unknown[])) as T[];
    } catch (e) {
      throw databaseError(e, sql);
    }
  }

  async execute(sql: string, params?: readonly unknown[]): Promise<void> {
    this.executeSync(sql, params);
  }

  /** The database file; undefined for `:memory:` and temporary databases. */
  get file(): string | undefined {
    return this.db.memory || this.db.name === "" ? undefined : this.db.name;
  }

  /**
   * A consistent copy of the database file at `destination` (a new file,
   * synced to disk by the time {@link close} returns; an existing one is a
   * TsMigrate error `backup`). In rollback-journal mode (tsmigrate's), the file is
   * copied while a read transaction holds SQLite's SHARED lock, which no
   * writer can commit past: the copy is the committed database, at the
   * speed of copying a file. In WAL mode, where committed pages may still
   * be in the -wal file, better-sqlite3's `backup()` (SQLite's online
   * backup API), all pages in one step (its default of 100 pages a turn of
   * the event loop is ~50 times slower than a file copy).
   */
  async backup(destination: string): Promise<void> {
    if (fs.existsSync(destination)) throw new TsMigrateError(`backup file ${destination} already exists`, { code: "backup" });
    if (String(this.db.pragma("journal_mode", { simple: true })).toLowerCase() === "wal" || this.db.inTransaction) {
      await this.db.backup(destination, { progress: () => 0x7fffffff });
      return;
    }
    this.db.exec("BEGIN");
    try {
      this.db.prepare("SELECT count(*) FROM sqlite_master").get();
      fs.copyFileSync(this.db.name, destination, fs.constants.COPYFILE_EXCL);
    } finally {
      this.db.exec("COMMIT");
    }
    // Synced to disk while the migration runs (awaited by close()): a synchronous fsync here made the
    // backup cost 2.4 times the file's copy (the bound is 2: bench/backup-bench.ts).
    const synced = syncToDisk(destination);
    synced.catch(() => undefined); // (reported by close())
    this.backupsSyncing.push({ file: destination, synced });
  }

  /** Backups whose copy is still being synced to disk. */
  private readonly backupsSyncing: { file: string; synced: Promise<void> }[] = [];

  async query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]> {
    return this.querySync<T>(sql, params);
  }

  async schemaDump(): Promise<string[]> {
    const rows = this.querySync<{ sql: string }>(
      "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' " +
      "ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 ELSE 2 END, rowid",
    );
    return rows.map((r) => r.sql);
  }

  /**
   * One transaction around `fn`: foreign keys off outside it, BEGIN, `fn`,
   * `PRAGMA foreign_key_check` (a violation rolls back and throws a
   * TsMigrateError `database` naming table, row and parent), COMMIT, foreign
   * keys back on. Nested calls use savepoints; only the outermost checks.
   * Unlike Django, which checks every table, only the tables the
   * transaction's statements touched are checked when they can be told
   * (see {@link touchedTables}): a migration on a large database does not
   * rescan data it never moved.
   */
  async atomic<T>(fn: () => Promise<T>): Promise<T> {
    if (this.depth > 0) return this.savepoint(fn);
    this.db.pragma("foreign_keys = OFF");
    this.depth++;
    this.touched = new Set();
    this.dropped = new Set();
    this.empty = new Set();
    try {
      this.executeSync("BEGIN");
      let result: T;
      try {
        result = await fn();
        const violations = foreignKeyViolations(this.db, this.tablesToCheck());
        if (violations.length > 0) {
          throw new TsMigrateError(violations.map(describeViolation).join("\n"), { code: "database" });
        }
        this.executeSync("COMMIT");
      } catch (e) {
        if (this.db.inTransaction) this.db.exec("ROLLBACK");
        throw e;
      }
      return result;
    } finally {
      this.depth--;
      this.db.pragma("foreign_keys = ON");
    }
  }

  /**
   * The tables to check before commit, or undefined for all of them. Tables
   * created in the transaction and never written to since hold no rows, so
   * no violation: a migrate from empty checks nothing.
   */
  private tablesToCheck(): Set<string> | undefined {
    if (this.touched === "all") return undefined;
    if (this.dropped.size) {
      const exists = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
      for (const t of this.dropped) {
        if (!exists.get(t)) return undefined;
        this.touched.add(t);
      }
    }
    const out = new Set<string>();
    for (const t of this.touched) if (!this.empty.has(t)) out.add(t);
    return out;
  }

  private async savepoint<T>(fn: () => Promise<T>): Promise<T> {
    const name = `tsmigrate_sp_${this.depth}`;
    this.depth++;
    this.executeSync(`SAVEPOINT ${quoteName(name)}`);
    try {
      const result = await fn();
      this.executeSync(`RELEASE SAVEPOINT ${quoteName(name)}`);
      return result;
    } catch (e) {
      if (this.db.inTransaction) {
        // What was tracked since the savepoint (drops, renames) is undone: check the whole database at commit.
        this.touched = "all";
        this.db.exec(`ROLLBACK TO SAVEPOINT ${quoteName(name)}`);
        this.db.exec(`RELEASE SAVEPOINT ${quoteName(name)}`);
      }
      throw e;
    } finally {
      this.depth--;
    }
  }

  schemaEditor(emit: Emit): SchemaEditor {
    return new SqliteSchemaEditor(emit, this.options);
  }

  /**
   * SQLite's editor is pure (statements go to a callback; it holds no
   * connection): its output depends on its options only (all of them are
   * in the seed). SQLite's version is in it as well, so that an upgraded
   * library never meets statements generated for another.
   */
  statementCacheSeed(): string {
    const version = this.db.prepare("SELECT sqlite_version()").pluck().get() as string;
    return `sqlite ${version} ${JSON.stringify(this.options)}`;
  }

  async tableNames(): Promise<string[]> {
    return this.querySync<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
    ).map((r) => r.name);
  }

  async hasTable(name: string): Promise<boolean> {
    return this.querySync("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [name]).length > 0;
  }

  async columnNames(table: string): Promise<string[]> {
    return this.querySync<{ name: string }>(`PRAGMA table_info(${quoteName(table)})`).map((r) => r.name);
  }

  introspection(): SqliteIntrospection {
    return new SqliteIntrospection(this.db);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
    for (const { file, synced } of this.backupsSyncing.splice(0)) {
      try {
        await synced;
      } catch (e) {
        throw new TsMigrateError(`the backup ${file} could not be written to disk: ${(e as Error).message}`, { code: "backup", cause: e });
      }
    }
  }
}

/** Flushes `file`'s data to disk (fsync), in the thread pool. */
async function syncToDisk(file: string): Promise<void> {
  const handle = await fs.promises.open(file, "r+");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Opens (creating if needed) the SQLite database at `path` (`":memory:"`
 * for a private in-memory one) with foreign keys on and
 * `legacy_alter_table` off, so ALTER TABLE RENAME rewrites references.
 * Throws a TsMigrateError `database` when the file cannot be opened, `node`
 * (before loading the addon) when this Node lacks Node-API 10.
 */
export function openSqlite(alias: string, path: string, options: SqliteOptions = {}): SqliteConnection {
  // On a Node without Node-API 10 the addon crashes the process (SIGSEGV): refuse first.
  const problem = nodeProblem();
  if (problem !== undefined) throw new TsMigrateError(problem, { code: "node" });
  let db: SqliteDatabase;
  try {
    db = new Database(path, options.readonly ? { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS } : { timeout: BUSY_TIMEOUT_MS });
    db.pragma("foreign_keys = ON");
    if (!options.readonly) db.pragma("legacy_alter_table = OFF");
  } catch (e) {
    throw new TsMigrateError(`cannot open SQLite database "${path}" (database "${alias}"): ${e instanceof Error ? e.message : String(e)}`, {
      code: "database", cause: e,
    });
  }
  return new SqliteConnection(alias, db, options);
}

/** A SQLite schema editor whose statements go to `emit` (for `sqlmigrate` and hovers: no database needed). */
export function sqliteSchemaEditor(emit: Emit, options: SqliteSchemaEditorOptions = {}): SqliteSchemaEditor {
  return new SqliteSchemaEditor(emit, options);
}
