/**
 * The SQLite connection on better-sqlite3. Mirrors Django 3.2's SQLite
 * `DatabaseWrapper` (`django/db/backends/sqlite3/base.py`): foreign keys on
 * by default, switched off around a migration's transaction (SQLite cannot
 * change `PRAGMA foreign_keys` inside one) and checked with
 * `PRAGMA foreign_key_check` before commit, like `disable_constraint_checking`
 * / `check_constraints` / `enable_constraint_checking` around the schema editor.
 */
import Database from "better-sqlite3";
import { TsMigrateError } from "../../errors";
import type { Connection } from "../base/base";
import type { Emit, SchemaEditor } from "../base/schema";
import { quoteName } from "../base/literals";
import { SqliteSchemaEditor, type SqliteSchemaEditorOptions } from "./schema";

/** A better-sqlite3 database handle. */
export type SqliteDatabase = Database.Database;

/** Wraps an SQLite error as a TsMigrateError (code `database`) naming the failing statement. */
export function databaseError(err: unknown, sql: string): TsMigrateError {
  if (err instanceof TsMigrateError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  return new TsMigrateError(`SQLite error: ${msg}\n  while executing: ${sql}`, { code: "database", cause: err });
}

/** A foreign key violation found by `PRAGMA foreign_key_check`. */
export interface ForeignKeyViolation {
  readonly table: string;
  readonly rowid: number | bigint | null;
  readonly parent: string;
  readonly column?: string;
  readonly parentColumn?: string | null;
  readonly value?: unknown;
}

/**
 * The rows of `PRAGMA foreign_key_check` with the offending column and
 * value looked up (Django's `check_constraints` does the same).
 */
export function foreignKeyViolations(db: SqliteDatabase): ForeignKeyViolation[] {
  const rows = db.prepare("PRAGMA foreign_key_check").all() as { table: string; rowid: number | null; parent: string; fkid: number }[];
  return rows.map((r) => {
    const fks = db.prepare(`PRAGMA foreign_key_list(${quoteName(r.table)})`).all() as { id: number; from: string; to: string | null }[];
    const fk = fks.find((f) => f.id === r.fkid);
    let value: unknown;
    if (fk && r.rowid !== null) {
      const row = db.prepare(`SELECT ${quoteName(fk.from)} AS v FROM ${quoteName(r.table)} WHERE rowid = ?`).get(r.rowid) as { v: unknown } | undefined;
      value = row?.v;
    }
    return { table: r.table, rowid: r.rowid, parent: r.parent, column: fk?.from, parentColumn: fk?.to, value };
  });
}

/** Django's IntegrityError text for a violation: which row, which column, which parent. */
function describeViolation(v: ForeignKeyViolation): string {
  return `The row in table '${v.table}' with primary key '${String(v.rowid)}' has an invalid foreign key: `
    + `${v.table}.${v.column ?? "?"} contains a value '${String(v.value)}' that does not have a corresponding value in `
    + `${v.parent}.${v.parentColumn ?? "?"}.`;
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

  constructor(readonly alias: string, readonly db: SqliteDatabase, private readonly options: SqliteSchemaEditorOptions = {}) {}

  /** Runs one or more statements (no parameters) or one statement with parameters. */
  executeSync(sql: string, params?: readonly unknown[]): void {
    try {
      if (params && params.length > 0) this.db.prepare(sql).run(...(params as unknown[]));
      else this.db.exec(sql);
    } catch (e) {
      throw databaseError(e, sql);
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

  async query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]> {
    return this.querySync<T>(sql, params);
  }

  /**
   * One transaction around `fn`: foreign keys off outside it, BEGIN, `fn`,
   * `PRAGMA foreign_key_check` (a violation rolls back and throws a
   * TsMigrateError `database` naming table, row and parent), COMMIT, foreign
   * keys back on. Nested calls use savepoints; only the outermost checks.
   */
  async atomic<T>(fn: () => Promise<T>): Promise<T> {
    if (this.depth > 0) return this.savepoint(fn);
    this.db.pragma("foreign_keys = OFF");
    this.depth++;
    try {
      this.executeSync("BEGIN");
      let result: T;
      try {
        result = await fn();
        const violations = foreignKeyViolations(this.db);
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

  async tableNames(): Promise<string[]> {
    return this.querySync<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
    ).map((r) => r.name);
  }

  async columnNames(table: string): Promise<string[]> {
    return this.querySync<{ name: string }>(`PRAGMA table_info(${quoteName(table)})`).map((r) => r.name);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

/**
 * Opens (creating if needed) the SQLite database at `path` (`":memory:"`
 * for a private in-memory one) with foreign keys on and
 * `legacy_alter_table` off, so ALTER TABLE RENAME rewrites references.
 * Throws a TsMigrateError `database` when the file cannot be opened.
 */
export function openSqlite(alias: string, path: string, options: SqliteOptions = {}): SqliteConnection {
  let db: SqliteDatabase;
  try {
    db = new Database(path, options.readonly ? { readonly: true, fileMustExist: true } : {});
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
