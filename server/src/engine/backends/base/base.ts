/**
 * A database connection as the engine uses it: statements, queries,
 * transactions and a schema editor. Mirrors Django's `DatabaseWrapper`
 * (`django/db/backends/base/base.py`). Asynchronous so that servers
 * (PostgreSQL) and embedded engines (SQLite) share one interface.
 */
import type { DatabaseIntrospection } from "./introspection";
import type { Emit, SchemaEditor } from "./schema";
import type { SqlScript } from "../../sql-script";

export interface Connection {
  readonly vendor: "sqlite" | "postgresql";
  /** The alias in the config's `databases` ("default"). */
  readonly alias: string;
  /** Executes statements that return no rows. `params` are positional (`?` on SQLite, `$1` on PostgreSQL). */
  execute(sql: string, params?: readonly unknown[]): Promise<void>;
  /**
   * Runs a script's statements in order, at once, on a backend whose driver
   * runs statements synchronously (SQLite): the executor's run of a
   * migration makes no promise per statement, and (in a transaction, the
   * script {@link SqlScript.joinable}) no JavaScript runs between two
   * statements. Absent on PostgreSQL.
   * @returns `ran`: how many ran; `error`: the failure of statement `ran`
   *   (as {@link execute} would have thrown it), when one failed; what ran
   *   before it stays run, as when run one by one.
   */
  executeScriptSync?(script: SqlScript): { ran: number; error?: unknown };
  /** Runs a query and returns its rows as objects keyed by column name. */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /**
   * Runs `fn` in one transaction: commits when it resolves, rolls back and
   * rethrows when it rejects. On SQLite foreign keys are switched off around
   * the transaction and checked (`PRAGMA foreign_key_check`) before commit,
   * as Django's SQLite schema editor does.
   */
  atomic<T>(fn: () => Promise<T>): Promise<T>;
  /** A schema editor for this vendor whose statements go to `emit`. */
  schemaEditor(emit: Emit): SchemaEditor;
  /** True when DDL runs inside transactions (both SQLite and PostgreSQL). */
  readonly transactionalDdl: boolean;
  /**
   * What this backend's schema editor output depends on besides the
   * operations and the state (vendor, version, editor options), for the
   * persistent statement cache (engine/statement-cache.ts). Given only by a
   * backend whose editor is a pure function of those (never reads the
   * database while generating SQL): SQLite. Absent, statements are never cached.
   */
  statementCacheSeed?(): string;
  /** Table names in the database (for `--fake-initial`). */
  tableNames(): Promise<string[]>;
  /**
   * True when the table `name` exists (exact name): the recorder's question
   * about its own tables, answered without listing a thousand others.
   */
  hasTable(name: string): Promise<boolean>;
  /** Column names of a table (for `--fake-initial`). */
  columnNames(table: string): Promise<string[]>;
  /**
   * This backend's introspection (Django's `connection.introspection`), for
   * inspectdb and diffschema; a backend without one leaves it out (the
   * commands then say so, as Django's "Database inspection isn't supported").
   */
  introspection?(): DatabaseIntrospection;
  /**
   * The backend's own migrate lock, when it has one (PostgreSQL: a session
   * advisory lock, waited for up to `timeoutSeconds`). Backends without one
   * (SQLite) use the recorder's lock row. Returns the release function.
   * @throws TsMigrateError code `locked` when the wait times out.
   */
  acquireMigrateLock?(options?: MigrateLockOptions): Promise<() => Promise<void>>;
  /**
   * A database held in one file (SQLite): its path, for backups made next to
   * it. Absent for servers (PostgreSQL) and for in-memory databases.
   */
  readonly file?: string;
  /**
   * A consistent copy of the whole database into the new file `destination`
   * (SQLite's online backup API), when the backend can make one.
   */
  backup?(destination: string): Promise<void>;
  /**
   * The statements that re-create this database's schema (no rows) on an
   * empty database of the same vendor, when the backend can tell (SQLite:
   * `sqlite_master`'s SQL, tables first). The drift check caches the
   * schema its replay builds with it.
   */
  schemaDump?(): Promise<string[]>;
  close(): Promise<void>;
}

/** Options of {@link Connection.acquireMigrateLock}. */
export interface MigrateLockOptions {
  /** How long to wait for another migrate to finish, in seconds (default 60). */
  readonly timeoutSeconds?: number;
  /** Told once, with who holds the lock, when the lock has to be waited for. */
  readonly onWait?: (message: string) => void;
}
