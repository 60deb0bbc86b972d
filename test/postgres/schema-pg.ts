/**
 * A PostgreSQL database's schema as comparable text, read from the
 * catalogs: per table its columns (type, NOT NULL), primary key, unique
 * constraints (with deferrability), other indexes (`pg_get_indexdef`:
 * uniqueness, opclasses, partial predicates, expressions), foreign keys
 * (columns, target, deferrability) and CHECKs, each with its name.
 *
 * Left out on purpose: column defaults (tsmigrate keeps literal defaults in
 * the database, Django 3.2 drops them), identity vs `serial` (tsmigrate's
 * auto fields are identity columns, Django 3.2's are serial with an owned
 * sequence: the one difference the comparison allows), foreign key ON DELETE
 * actions (tsmigrate writes them, Django does not), sequences, and the
 * bookkeeping tables (`django_migrations`, `tsmigrate_*`).
 */
import { pgQuery } from "./server";

/** Table name -> sorted description lines. */
export type PgSchema = Map<string, string[]>;

/** Reads the schema of the database at `url` (see the module comment). */
export async function snapshotSchema(url: string): Promise<PgSchema> {
  const tables = await pgQuery<{ oid: number; name: string }>(url,
    `SELECT c.oid::int AS oid, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND n.nspname = 'public' AND c.relname NOT LIKE 'tsmigrate\\_%' AND c.relname <> 'django_migrations'`);
  const cols = await pgQuery<{ t: number; name: string; type: string; notnull: boolean; num: number }>(url,
    `SELECT attrelid::int AS t, attname AS name, format_type(atttypid, atttypmod) AS type, attnotnull AS notnull, attnum AS num
       FROM pg_attribute WHERE attnum > 0 AND NOT attisdropped ORDER BY attnum`);
  const cons = await pgQuery<{ t: number; name: string; type: string; def: string; deferrable: boolean; deferred: boolean }>(url,
    `SELECT conrelid::int AS t, conname AS name, contype AS type, pg_get_constraintdef(oid) AS def,
            condeferrable AS deferrable, condeferred AS deferred FROM pg_constraint WHERE conrelid <> 0`);
  const idx = await pgQuery<{ t: number; name: string; def: string }>(url,
    `SELECT i.indrelid::int AS t, c.relname AS name, pg_get_indexdef(i.indexrelid) AS def FROM pg_index i
       JOIN pg_class c ON c.oid = i.indexrelid
      WHERE NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x'))`);
  const out: PgSchema = new Map();
  for (const { oid, name } of tables) {
    const lines: string[] = [];
    for (const c of cols.filter((x) => x.t === oid)) lines.push(`column ${c.name} ${c.type}${c.notnull ? " NOT NULL" : " NULL"}`);
    for (const k of cons.filter((x) => x.t === oid)) {
      const def = k.def.replace(/ ON DELETE (?:CASCADE|RESTRICT|SET NULL|SET DEFAULT|NO ACTION)/, "");
      const kind = { p: "primary key", u: "unique", f: "foreign key", c: "check", x: "exclusion" }[k.type] ?? k.type;
      lines.push(`${kind} ${k.name}: ${def}${k.deferrable && !/DEFERRABLE/.test(def) ? " DEFERRABLE" : ""}${k.deferred && !/DEFERRED/.test(def) ? " INITIALLY DEFERRED" : ""}`);
    }
    for (const i of idx.filter((x) => x.t === oid)) lines.push(`index ${i.name}: ${i.def.replace(/ ON public\./, " ON ")}`);
    out.set(name, lines.sort());
  }
  return out;
}

/**
 * An index or constraint name Django derives from table and columns
 * (`<table>_<cols>_<8 hex><suffix>`) as `<derived><suffix>`: after a column
 * rename tsmigrate renames such objects to the names derived from the new
 * column, Django leaves the old names (it finds them by introspection).
 */
function derivedNamesOnly(line: string): string {
  return line.replace(/^(\w+(?: key)?) ([^:]*?)_[0-9a-f]{8}(_\w+)?:/, (_m, kind: string, _base: string, suffix: string | undefined) => `${kind} <derived>${suffix ?? ""}:`)
    .replace(/(INDEX )\S+?_[0-9a-f]{8}(_\w+)?( ON)/, "$1<derived>$2$3");
}

/** What differs between Django's and tsmigrate's schema, as readable lines (empty when equal); derived names compared as {@link derivedNamesOnly}. */
export function schemaDifferences(django: PgSchema, ts: PgSchema): string[] {
  const out: string[] = [];
  for (const t of [...new Set([...django.keys(), ...ts.keys()])].sort()) {
    const a = django.get(t)?.map(derivedNamesOnly);
    const b = ts.get(t)?.map(derivedNamesOnly);
    if (!a || !b) {
      out.push(`table ${t}: only ${a ? "Django" : "tsmigrate"} has it`);
      continue;
    }
    for (const l of a.filter((x) => !b.includes(x))) out.push(`${t}: Django has ${l}`);
    for (const l of b.filter((x) => !a.includes(x))) out.push(`${t}: tsmigrate has ${l}`);
  }
  return out;
}

/**
 * The schema with unique and foreign key constraints unnamed, for the
 * restore checks: a unique dropped by an AlterField and added back by its
 * rollback is Django's `<t>_<col>_<hash>_uniq` where CREATE TABLE had
 * PostgreSQL's `<t>_<col>_key`, and a foreign key re-created after its
 * target's type changed is `..._fk`, a primary key keeps the name of the
 * table it was made under (Django does all three the same way).
 */
export function withoutConstraintNames(schema: PgSchema): PgSchema {
  return new Map([...schema].map(([t, lines]) => [t, lines.map((l) => l.replace(/^(unique|foreign key|primary key) [^:]+:/, "$1:")).sort()]));
}
