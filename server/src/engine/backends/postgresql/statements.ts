/**
 * The PostgreSQL editor's statements that name tables and columns: indexes
 * (with operator classes), unique constraints, foreign keys. Kept as data
 * until rendered so that the statements deferred to the end of a migration
 * follow table and column renames and drop out with dropped tables and
 * columns, as Django's `ddl_references.Statement`s do
 * (`django/db/backends/ddl_references.py`, Django 3.2). Names derived from
 * table and columns are derived again after a rename (`IndexName`,
 * `ForeignKeyName`).
 */
import { createIndexName } from "../../names";
import { quoteName } from "../base/literals";

/** Names longer than this are shortened (PostgreSQL's NAMEDATALEN - 1). */
export const PG_MAX_NAME = 63;

/** An index or unique constraint on one table. */
export interface PgIndex {
  readonly kind: "index" | "unique-index" | "unique-constraint";
  table: string;
  columns: string[];
  /** Per column: `""`, `" DESC"`, or an operator class such as `" varchar_pattern_ops"`. */
  readonly suffixes: readonly string[];
  /** A fixed name (Meta.indexes, constraints); else derived from table and columns with `derivedSuffix`. */
  readonly name?: string;
  readonly derivedSuffix?: string;
  readonly where?: string;
  /** `DEFERRED` / `IMMEDIATE` for a deferrable unique constraint. */
  readonly deferrable?: string;
}

/** A foreign key constraint. */
export interface PgForeignKey {
  readonly kind: "fk";
  table: string;
  column: string;
  refTable: string;
  refColumn: string;
  /** ` ON DELETE CASCADE` or "" (tsmigrate writes the action; Django 3.2 does not). */
  readonly onDelete: string;
  /** Django's name suffix template, `_fk_%(to_table)s_%(to_column)s` unless given. */
  readonly suffix?: string;
}

/** A statement the editor keeps as data. */
export type PgStatement = PgIndex | PgForeignKey;

/** The name of an index or unique constraint. */
export function indexName(ix: PgIndex): string {
  return ix.name ?? createIndexName(ix.table, ix.columns, ix.derivedSuffix ?? "", PG_MAX_NAME);
}

/** Django's `_fk_constraint_name`: `<table>_<column>_<hash>_fk_<to_table>_<to_column>`. */
export function foreignKeyName(fk: PgForeignKey): string {
  const suffix = fk.suffix ?? `_fk_${fk.refTable}_${fk.refColumn}`;
  return createIndexName(fk.table, [fk.column], suffix, PG_MAX_NAME);
}

/** The SQL of a statement: CREATE [UNIQUE] INDEX, or ALTER TABLE ADD CONSTRAINT (UNIQUE / FOREIGN KEY). */
export function renderStatement(st: PgStatement): string {
  if (st.kind === "fk") {
    return `ALTER TABLE ${quoteName(st.table)} ADD CONSTRAINT ${quoteName(foreignKeyName(st))} FOREIGN KEY (${quoteName(st.column)}) `
      + `REFERENCES ${quoteName(st.refTable)} (${quoteName(st.refColumn)})${st.onDelete} DEFERRABLE INITIALLY DEFERRED`;
  }
  const cols = st.columns.map((c, i) => `${quoteName(c)}${st.suffixes[i] ?? ""}`).join(", ");
  if (st.kind === "unique-constraint") {
    const deferrable = st.deferrable ? ` DEFERRABLE INITIALLY ${st.deferrable}` : "";
    return `ALTER TABLE ${quoteName(st.table)} ADD CONSTRAINT ${quoteName(indexName(st))} UNIQUE (${cols})${deferrable}`;
  }
  const unique = st.kind === "unique-index" ? "UNIQUE " : "";
  return `CREATE ${unique}INDEX ${quoteName(indexName(st))} ON ${quoteName(st.table)} (${cols})${st.where ? ` WHERE ${st.where}` : ""}`;
}

/** True when the statement names `table` (as its own or the referenced table). */
export function referencesTable(st: PgStatement, table: string): boolean {
  return st.table === table || (st.kind === "fk" && st.refTable === table);
}

/** True when the statement names `column` of `table`. */
export function referencesColumn(st: PgStatement, table: string, column: string): boolean {
  if (st.kind === "fk") return (st.table === table && st.column === column) || (st.refTable === table && st.refColumn === column);
  return st.table === table && (st.columns.includes(column) || (st.where?.includes(quoteName(column)) ?? false));
}

/** Django's `rename_table_references`. */
export function renameTableReferences(st: PgStatement, oldTable: string, newTable: string): void {
  if (st.table === oldTable) st.table = newTable;
  if (st.kind === "fk" && st.refTable === oldTable) st.refTable = newTable;
}

/** Django's `rename_column_references`. */
export function renameColumnReferences(st: PgStatement, table: string, oldColumn: string, newColumn: string): void {
  if (st.kind === "fk") {
    if (st.table === table && st.column === oldColumn) st.column = newColumn;
    if (st.refTable === table && st.refColumn === oldColumn) st.refColumn = newColumn;
  } else if (st.table === table) {
    st.columns = st.columns.map((c) => (c === oldColumn ? newColumn : c));
  }
}

/**
 * PostgreSQL's own name for a constraint it names itself (`ChooseConstraintName`
 * / `makeObjectName`): `<table>_<column>_<label>`, the longer of table and
 * column cut until the name fits in 63 bytes. `pkey` has no column.
 */
export function postgresObjectName(table: string, column: string | undefined, label: string): string {
  let t = table;
  let c = column ?? "";
  const overhead = label.length + 1 + (column === undefined ? 0 : 1);
  while (t.length + c.length + overhead > PG_MAX_NAME) {
    if (t.length > c.length) t = t.slice(0, -1);
    else c = c.slice(0, -1);
  }
  return column === undefined ? `${t}_${label}` : `${t}_${c}_${label}`;
}
