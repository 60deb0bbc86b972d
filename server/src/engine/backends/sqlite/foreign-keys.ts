/**
 * SQLite's foreign key check before a migration commits (Django's
 * `check_constraints` in its SQLite schema editor): the violations
 * `PRAGMA foreign_key_check` finds, and what each statement of the
 * transaction touched, so that only tables that may hold a broken
 * reference are checked (see `SqliteConnection.atomic`).
 */
import { quoteName } from "../base/literals";
import type { SqliteDatabase } from "./base";

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
 * value looked up (Django's `check_constraints` does the same): of every
 * table, or of `tables` (those that do not exist skipped). The per-table
 * check is one prepared statement (`pragma_foreign_key_check(?)`) run per
 * table: preparing a statement per table costs a schema lookup each, which
 * at a thousand tables weighed as much as a fifth of the DDL itself.
 */
export function foreignKeyViolations(db: SqliteDatabase, tables?: Iterable<string>): ForeignKeyViolation[] {
  type Row = { table: string; rowid: number | null; parent: string; fkid: number };
  const rows: Row[] = [];
  if (tables === undefined) rows.push(...(db.prepare("PRAGMA foreign_key_check").all() as Row[]));
  else {
    let wanted = [...tables];
    if (!wanted.length) return [];
    const existing = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]);
    wanted = wanted.filter((t) => existing.has(t));
    if (!wanted.length) return [];
    const check = db.prepare('SELECT "table", rowid, parent, fkid FROM pragma_foreign_key_check(?)');
    for (const t of wanted) rows.push(...(check.all(t) as Row[]));
  }
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

/**
 * The tables a statement can leave with broken foreign keys, or `"all"` when
 * it cannot be told from the statement (RunSQL's own SQL, DELETE): tables
 * created, altered, filled or updated by tsmigrate's own DDL. A dropped
 * table is reported apart: dropped for good (DeleteModel) it may leave
 * dangling references anywhere; dropped and re-created (a rebuild) it is
 * checked like the others. What a statement does to rows, so that a table
 * known to hold none need not be checked: `created` names the table a plain
 * `CREATE TABLE t (...)` makes (not `IF NOT EXISTS`, not `AS SELECT`),
 * which holds no rows; `renamed` the table an `ALTER TABLE ... RENAME TO`
 * moves; `rowsKept` says that the statement changes no table's rows (an
 * `ALTER TABLE` of a column).
 */
export function touchedTables(sql: string): TouchedTables | "all" {
  // Several statements in one string (RunSQL): cannot be told.
  const semicolon = sql.indexOf(";");
  if (semicolon >= 0 && sql.slice(semicolon + 1).trim() !== "") return "all";
  // The schema editor's own index statements (most of a migrate from empty), told without a regular expression.
  if (sql.startsWith("CREATE INDEX ") || sql.startsWith("CREATE UNIQUE INDEX ")) return NO_TABLES;
  const m = TABLE_STATEMENT.exec(sql);
  if (m) {
    const verb = m[1]!.toUpperCase().replace(/\s+/g, " ");
    const table = unquote(m[3]!);
    // The bookkeeping tables hold no foreign keys.
    if (table.startsWith("tsmigrate_")) return NO_TABLES;
    if (verb === "DELETE FROM") return "all";
    if (verb === "DROP TABLE") return { tables: [], dropped: table };
    if (verb === "CREATE TABLE" && m[2] === undefined && m[4] !== undefined) return { tables: [table], created: table };
    const renamed = RENAME_TO.exec(sql);
    if (renamed) return { tables: [table, unquote(renamed[1]!)], renamed: [table, unquote(renamed[1]!)] };
    return verb === "ALTER TABLE" ? { tables: [table], rowsKept: true } : { tables: [table] };
  }
  if (NO_TABLE_STATEMENT.test(sql)) return NO_TABLES;
  return "all";
}

/** What a statement touching no table's rows touches (one frozen object: no allocation per statement). */
export const NO_TABLES: TouchedTables = Object.freeze({ tables: Object.freeze([]) });

/** A table name in SQL, quoted or not. */
const IDENT = String.raw`("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)`;
/** A statement on one table: verb, `IF [NOT] EXISTS`, the table, and the parenthesis of a column list. */
const TABLE_STATEMENT = new RegExp(
  String.raw`^\s*(CREATE\s+TABLE|ALTER\s+TABLE|INSERT\s+INTO|UPDATE|DELETE\s+FROM|DROP\s+TABLE)\s+(IF\s+(?:NOT\s+)?EXISTS\s+)?` + IDENT + String.raw`\s*(\()?`, "i");
const RENAME_TO = new RegExp(String.raw`\bRENAME\s+TO\s+` + IDENT + String.raw`\s*;?\s*$`, "i");
/** Statements that touch no table's rows. */
const NO_TABLE_STATEMENT = /^\s*(?:CREATE\s+(?:UNIQUE\s+)?INDEX|DROP\s+INDEX|SAVEPOINT|RELEASE|PRAGMA|BEGIN|COMMIT)\b/i;

function unquote(t: string): string {
  return t.startsWith('"') ? t.slice(1, -1).replace(/""/g, '"') : t;
}

/** What {@link touchedTables} tells of one statement. */
export interface TouchedTables {
  /** Tables whose foreign keys the statement may break. */
  readonly tables: readonly string[];
  /** A table dropped. */
  readonly dropped?: string;
  /** A table created empty. */
  readonly created?: string;
  /** `[from, to]` of a table renamed: `to` holds what `from` held. */
  readonly renamed?: readonly [string, string];
  /** True when no table's rows change (ALTER TABLE of a column). */
  readonly rowsKept?: true;
}

/** Django's IntegrityError text for a violation: which row, which column, which parent. */
export function describeViolation(v: ForeignKeyViolation): string {
  return `The row in table '${v.table}' with primary key '${String(v.rowid)}' has an invalid foreign key: `
    + `${v.table}.${v.column ?? "?"} contains a value '${String(v.value)}' that does not have a corresponding value in `
    + `${v.parent}.${v.parentColumn ?? "?"}.`;
}
