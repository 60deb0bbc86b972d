/**
 * Database schema snapshots, vendor-neutral: the shape each backend's
 * introspection produces (`backends/<vendor>/introspection.ts`) and
 * {@link diffSnapshots}, which lists how two snapshots differ in words a
 * person can act on. Used by `diffschema` (the live database against its
 * migrations), `inspectdb`, and the tests comparing tsmigrate with Django.
 */

/** One column. `pk` is 0 outside the primary key, else the 1-based position in it. */
export interface ColumnSnapshot {
  readonly name: string;
  /** The declared type, lowercased (`varchar(100)`, `integer unsigned`). */
  readonly type: string;
  readonly notNull: boolean;
  readonly pk: number;
  /** The DEFAULT as written (only with `defaults: true`; null when none). */
  readonly default?: string | null;
}

/** A CHECK constraint: its name (null when unnamed) and canonical expression. */
export interface CheckSnapshot {
  readonly name: string | null;
  readonly expression: string;
}

/** An index, identified by what it does rather than its name. */
export interface IndexSnapshot {
  /** Column names, `"col DESC"` for descending, or canonical expression text. */
  readonly columns: readonly string[];
  readonly unique: boolean;
  /** Canonical WHERE text of a partial index, or null. */
  readonly where: string | null;
  /** The index name (only with `indexNames: true`, and never for automatic indexes). */
  readonly name?: string;
  /** The unique constraint it backs is DEFERRABLE: INITIALLY `DEFERRED` or `IMMEDIATE` (absent: not deferrable). */
  readonly deferrable?: "DEFERRED" | "IMMEDIATE";
}

/** A foreign key: local columns -> table and columns (null column: the primary key). */
export interface ForeignKeySnapshot {
  readonly columns: readonly string[];
  readonly table: string;
  readonly to: readonly (string | null)[];
  /** ON DELETE / ON UPDATE actions (only with `onDelete: true`). */
  readonly onDelete?: string;
  readonly onUpdate?: string;
  /** DEFERRABLE: INITIALLY `DEFERRED` or `IMMEDIATE` (absent: not deferrable, or not read). */
  readonly deferrable?: "DEFERRED" | "IMMEDIATE";
}

/** One table. */
export interface TableSnapshot {
  readonly name: string;
  readonly columns: readonly ColumnSnapshot[];
  readonly checks: readonly CheckSnapshot[];
  readonly indexes: readonly IndexSnapshot[];
  readonly foreignKeys: readonly ForeignKeySnapshot[];
}

/** A database's schema: tables sorted by name. */
export interface SchemaSnapshot {
  readonly tables: readonly TableSnapshot[];
}

/** Options of {@link diffSnapshots}. */
export interface DiffOptions {
  /** Names of the two sides in messages. Default `["first", "second"]`. */
  readonly labels?: readonly [string, string];
  /**
   * Compare column order too. Default false: Django's SQLite rebuilds move
   * altered and added columns around, so column order differs from a
   * freshly created table without any schema difference that matters.
   */
  readonly columnOrder?: boolean;
  /**
   * How "present on one side only" is said, per side (0: first, 1:
   * second). Default `only in <label>`; diffschema says "exists in the
   * database but in no migration".
   */
  readonly only?: readonly [string, string];
}

/** ` DEFERRABLE INITIALLY DEFERRED`, or "" when not deferrable. */
function deferrableText(d: string | undefined): string {
  return d ? ` DEFERRABLE INITIALLY ${d}` : "";
}

function describeIndex(ix: IndexSnapshot): string {
  return `${ix.unique ? "unique index" : "index"}${ix.name ? ` "${ix.name}"` : ""} on (${ix.columns.join(", ")})${ix.where ? ` WHERE ${ix.where}` : ""}${deferrableText(ix.deferrable)}`;
}

function describeFk(fk: ForeignKeySnapshot): string {
  const to = fk.to.map((c) => c ?? "<primary key>").join(", ");
  const actions = fk.onDelete !== undefined ? ` ON DELETE ${fk.onDelete}` : "";
  return `foreign key (${fk.columns.join(", ")}) -> ${fk.table} (${to})${actions}${deferrableText(fk.deferrable)}`;
}

function describeCheck(c: CheckSnapshot): string {
  return `check${c.name ? ` "${c.name}"` : ""} (${c.expression})`;
}

/** Items of `a` that `b` lacks, as multisets by `key`. */
function missingFrom<T>(a: readonly T[], b: readonly T[], key: (x: T) => string): T[] {
  const counts = new Map<string, number>();
  for (const x of b) counts.set(key(x), (counts.get(key(x)) ?? 0) + 1);
  return a.filter((x) => {
    const n = counts.get(key(x)) ?? 0;
    if (n > 0) counts.set(key(x), n - 1);
    return n === 0;
  });
}

/** Items of `a` and `b` that the other lacks, as multisets by `key`. */
function multisetDiff<T>(a: readonly T[], b: readonly T[], key: (x: T) => string): { onlyA: T[]; onlyB: T[] } {
  return { onlyA: missingFrom(a, b, key), onlyB: missingFrom(b, a, key) };
}

/** The phrases for "only on the first side" and "only on the second". */
function onlyPhrases(opts: DiffOptions): [string, string] {
  const [la, lb] = opts.labels ?? ["first", "second"];
  return [opts.only?.[0] ?? `only in ${la}`, opts.only?.[1] ?? `only in ${lb}`];
}

function diffTable(a: TableSnapshot, b: TableSnapshot, opts: DiffOptions, out: string[]): void {
  const [la, lb] = opts.labels ?? ["first", "second"];
  const [onlyA, onlyB] = onlyPhrases(opts);
  const t = `table "${a.name}"`;
  const colsB = new Map(b.columns.map((c) => [c.name, c]));
  const colsA = new Map(a.columns.map((c) => [c.name, c]));
  for (const ca of a.columns) {
    const cb = colsB.get(ca.name);
    if (!cb) {
      out.push(`${t}: column "${ca.name}" ${onlyA}`);
      continue;
    }
    if (ca.type !== cb.type) out.push(`${t}: column "${ca.name}" has type ${ca.type} in ${la} but ${cb.type} in ${lb}`);
    if (ca.notNull !== cb.notNull) {
      out.push(`${t}: column "${ca.name}" is ${ca.notNull ? "NOT NULL" : "nullable"} in ${la} but ${cb.notNull ? "NOT NULL" : "nullable"} in ${lb}`);
    }
    if (ca.pk !== cb.pk) out.push(`${t}: column "${ca.name}" primary key position ${ca.pk} in ${la} but ${cb.pk} in ${lb}`);
    if ((ca.default !== undefined || cb.default !== undefined) && (ca.default ?? null) !== (cb.default ?? null)) {
      out.push(`${t}: column "${ca.name}" has DEFAULT ${ca.default ?? "none"} in ${la} but ${cb.default ?? "none"} in ${lb}`);
    }
  }
  for (const cb of b.columns) if (!colsA.has(cb.name)) out.push(`${t}: column "${cb.name}" ${onlyB}`);
  if (opts.columnOrder) {
    const orderA = a.columns.map((c) => c.name).filter((n) => colsB.has(n));
    const orderB = b.columns.map((c) => c.name).filter((n) => colsA.has(n));
    if (orderA.join("\u0000") !== orderB.join("\u0000")) {
      out.push(`${t}: column order (${orderA.join(", ")}) in ${la} but (${orderB.join(", ")}) in ${lb}`);
    }
  }
  const checks = multisetDiff(a.checks, b.checks, (c) => JSON.stringify([c.name, c.expression]));
  for (const c of checks.onlyA) out.push(`${t}: ${describeCheck(c)} ${onlyA}`);
  for (const c of checks.onlyB) out.push(`${t}: ${describeCheck(c)} ${onlyB}`);
  const indexes = multisetDiff(a.indexes, b.indexes, (i) => JSON.stringify([i.columns, i.unique, i.where, i.name ?? null, i.deferrable ?? null]));
  for (const i of indexes.onlyA) out.push(`${t}: ${describeIndex(i)} ${onlyA}`);
  for (const i of indexes.onlyB) out.push(`${t}: ${describeIndex(i)} ${onlyB}`);
  const fks = multisetDiff(a.foreignKeys, b.foreignKeys, (f) => JSON.stringify(f));
  for (const f of fks.onlyA) out.push(`${t}: ${describeFk(f)} ${onlyA}`);
  for (const f of fks.onlyB) out.push(`${t}: ${describeFk(f)} ${onlyB}`);
}

/**
 * The differences between two snapshots, one readable line each
 * (`table "shop_product": column "stock" has type integer in tsmigrate but
 * bigint in django`); empty when the schemas match.
 */
export function diffSnapshots(a: SchemaSnapshot, b: SchemaSnapshot, options: DiffOptions = {}): string[] {
  const [onlyA, onlyB] = onlyPhrases(options);
  const out: string[] = [];
  const tablesB = new Map(b.tables.map((t) => [t.name, t]));
  const namesA = new Set(a.tables.map((t) => t.name));
  for (const ta of a.tables) {
    const tb = tablesB.get(ta.name);
    if (!tb) out.push(`table "${ta.name}" ${onlyA}`);
    else diffTable(ta, tb, options, out);
  }
  for (const tb of b.tables) if (!namesA.has(tb.name)) out.push(`table "${tb.name}" ${onlyB}`);
  return out;
}
