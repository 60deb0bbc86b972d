/**
 * `inspectdb`: a database's tables as a `models.ts` of the model language
 * (Django 3.2, `django/core/management/commands/inspectdb.py`), from a
 * vendor-neutral {@link SchemaSnapshot} and the backend's
 * {@link DatabaseIntrospection.fieldType}. One class per table, sorted by
 * table name; fields as `fields.ts` writes them; `Meta` with `dbTable`,
 * `uniqueTogether`, indexes, unique and check constraints.
 *
 * Differences from Django, so that the adoption path (`inspectdb --app X`,
 * `makemigrations`, `migrate --fake-initial`) ends with migrations that
 * describe the database exactly: no `managed = false`; column DEFAULTs and
 * ON DELETE actions are kept; indexes, partial unique indexes and CHECKs
 * are written (Django writes only unique_together); an unknown column type
 * is a TODO comment, not a guessed TextField; with `--app`, the app's table
 * prefix is dropped from class names; a join table of exactly the shape an
 * auto-created one has is a ManyToManyField (`m2m.ts`).
 */
import type { DatabaseIntrospection, IntrospectedFieldType } from "../backends/base/introspection";
import type { ColumnSnapshot, IndexSnapshot, SchemaSnapshot, TableSnapshot } from "../backends/base/snapshot";
import { createIndexName } from "../names";
import { conditionToQ } from "./conditions";
import { findJoinTables, type JoinTable } from "./m2m";
import { type ColumnContext, fieldLine, optionsText } from "./fields";
import { normalizeColName, table2model } from "./names";

/** Options of {@link inspectModels}. */
export interface InspectOptions {
  /** The app the models will live in (`--app`): its table prefix is dropped from class names. */
  readonly app?: string;
  /** The project's `defaultAutoField` (default BigAutoField): an `id` primary key of that type is left out, as Django leaves out `id = AutoField`. */
  readonly defaultAutoField?: string;
}

const HEADER = [
  "// This is an auto-generated tsmigrate model module (tsmigrate inspectdb).",
  "// You'll have to do the following manually to clean this up:",
  "//   * Rearrange models' order",
  "//   * Make sure each ForeignKey and OneToOneField has `onDelete` set to the desired behavior",
  "//   * Replace every TODO comment by a field or constraint, or leave the column out on purpose",
  "// Feel free to rename the models, but don't rename dbTable values or field names.",
  'import { models } from "tsmigrate";',
];

/** Per table: class name and column → field name. */
interface Names {
  readonly model: ReadonlyMap<string, string>;
  readonly fields: ReadonlyMap<string, ReadonlyMap<string, string>>;
  readonly normalized: ReadonlyMap<string, ReadonlyMap<string, ReturnType<typeof normalizeColName>>>;
  /** The primary key column of each table with a one-column primary key. */
  readonly pk: ReadonlyMap<string, string>;
  /**
   * The auto field of each table whose integer primary key is referenced:
   * BigAutoField when a foreign key to it is bigint, else AutoField (on
   * SQLite both are `integer`; only the referencing columns tell them apart).
   */
  readonly autoPk: ReadonlyMap<string, string>;
  readonly defaultAutoField: string;
}

/** {@link Names.autoPk}: the auto field type the foreign keys to each table imply. */
function referencedAutoFields(schema: SchemaSnapshot): Map<string, string> {
  const out = new Map<string, string>();
  for (const t of schema.tables) {
    for (const fk of t.foreignKeys) {
      if (fk.columns.length !== 1) continue;
      const type = t.columns.find((c) => c.name === fk.columns[0])?.type;
      if (type === "bigint") out.set(fk.table, "BigAutoField");
      else if (type === "smallint") out.set(fk.table, "SmallAutoField");
      else if (type === "integer" && !out.has(fk.table)) out.set(fk.table, "AutoField");
    }
  }
  return out;
}

function nameEverything(schema: SchemaSnapshot, app: string | undefined, defaultAutoField: string): Names {
  const model = new Map<string, string>();
  const taken = new Set<string>();
  for (const t of schema.tables) {
    let name = table2model(t.name, app);
    for (let n = 2; taken.has(name); n++) name = `${table2model(t.name, app)}${n}`;
    taken.add(name);
    model.set(t.name, name);
  }
  const fields = new Map<string, Map<string, string>>();
  const normalized = new Map<string, Map<string, ReturnType<typeof normalizeColName>>>();
  for (const t of schema.tables) {
    const relations = new Set(t.foreignKeys.filter((f) => f.columns.length === 1).map((f) => f.columns[0]!));
    const used = new Set<string>();
    const map = new Map<string, string>();
    const norm = new Map<string, ReturnType<typeof normalizeColName>>();
    for (const c of t.columns) {
      const n = normalizeColName(c.name, used, relations.has(c.name));
      used.add(n.name);
      map.set(c.name, n.name);
      norm.set(c.name, n);
    }
    fields.set(t.name, map);
    normalized.set(t.name, norm);
  }
  const pk = new Map<string, string>();
  for (const t of schema.tables) {
    const pks = t.columns.filter((c) => c.pk > 0);
    if (pks.length === 1) pk.set(t.name, pks[0]!.name);
  }
  return { model, fields, normalized, pk, autoPk: referencedAutoFields(schema), defaultAutoField };
}

/** An index on plain columns only (no expression), each maybe DESC. */
function plainColumns(ix: IndexSnapshot, table: TableSnapshot): { column: string; desc: boolean }[] | undefined {
  const names = new Set(table.columns.map((c) => c.name));
  const out = ix.columns.map((c) => {
    const desc = c.endsWith(" DESC") && names.has(c.slice(0, -5));
    const column = desc ? c.slice(0, -5) : c;
    return names.has(column) ? { column, desc } : undefined;
  });
  return out.every((c) => c !== undefined) ? out as { column: string; desc: boolean }[] : undefined;
}

/**
 * Which one-column indexes the fields take (`unique`, `dbIndex`); the rest
 * go to Meta, but for those a field makes on its own (`impliedIndex`).
 */
function splitIndexes(table: TableSnapshot, introspection: Pick<DatabaseIntrospection, "impliedIndex">): { unique: Set<string>; indexed: Set<string>; rest: IndexSnapshot[] } {
  const unique = new Set<string>();
  const indexed = new Set<string>();
  const rest: IndexSnapshot[] = [];
  for (const ix of table.indexes) {
    const cols = plainColumns(ix, table);
    const single = cols?.length === 1 && !cols[0]!.desc && ix.where === null && ix.deferrable === undefined ? cols[0]!.column : undefined;
    if (single !== undefined && ix.unique && !unique.has(single)) unique.add(single);
    else if (single !== undefined && !ix.unique && !indexed.has(single)) indexed.add(single);
    else rest.push(ix);
  }
  const implied = (ix: IndexSnapshot) => introspection.impliedIndex?.(ix, table, { unique, indexed }) === true;
  return { unique, indexed, rest: rest.filter((ix) => !implied(ix)) };
}

/** The field lines of a table and the unnamed CHECKs its fields account for. */
function fieldLines(
  table: TableSnapshot, names: Names, introspection: Pick<DatabaseIntrospection, "fieldType">,
  split: { unique: Set<string>; indexed: Set<string> }, defined: ReadonlySet<string>,
): { lines: string[]; consumed: Set<string>; floats: Set<string> } {
  const pks = table.columns.filter((c) => c.pk > 0);
  const lines: string[] = [];
  const consumed = new Set<string>();
  const floats = new Set<string>();
  const targets = new Set<string>();
  if (pks.length > 1) lines.push(`// TODO: composite primary key (${pks.map((c) => c.name).join(", ")}) is not supported; tsmigrate adds an id`);
  for (const column of table.columns) {
    const fk = table.foreignKeys.find((f) => f.columns.length === 1 && f.columns[0] === column.name);
    const type = autoField(introspection.fieldType(column, table.checks), names.autoPk.get(table.name) ?? names.defaultAutoField);
    if ("field" in type && type.check !== undefined) consumed.add(type.check);
    if ("field" in type && type.field === "FloatField") floats.add(column.name);
    const ctx: ColumnContext = {
      table: table.name, fk, unique: split.unique.has(column.name), indexed: split.indexed.has(column.name),
      primaryKey: pks.length === 1 && column.pk === 1, type, defaultAutoField: names.defaultAutoField, name: names.normalized.get(table.name)!.get(column.name)!,
      ...(fk ? relationTarget(fk, table, names, defined) : {}),
      ...(fk && targets.has(fk.table) ? { relatedName: `${names.model.get(table.name)!.toLowerCase()}_${names.fields.get(table.name)!.get(column.name)!}_set` } : {}),
    };
    if (fk) targets.add(fk.table);
    const line = fieldLine(column, ctx);
    if (line !== undefined) lines.push(line);
  }
  return { lines, consumed, floats };
}

/** An AutoField read back as the auto field type the table's references imply. */
function autoField(type: IntrospectedFieldType, auto: string): IntrospectedFieldType {
  return "field" in type && type.sizeFromReferences ? { ...type, field: auto } : type;
}

function relationTarget(
  fk: { table: string; to: readonly (string | null)[] }, table: TableSnapshot, names: Names, defined: ReadonlySet<string>,
): { target: string; toField?: string } {
  const model = names.model.get(fk.table);
  const target = fk.table === table.name ? '"self"' : model === undefined
    ? JSON.stringify(table2model(fk.table)) : defined.has(model) ? model : JSON.stringify(model);
  const to = fk.to[0];
  const toField = to === null || to === undefined || names.pk.get(fk.table) === to ? undefined : names.fields.get(fk.table)?.get(to);
  return toField === undefined ? { target } : { target, toField };
}

/** The entries of `Meta` besides `dbTable`, and TODO comments for what cannot be written. */
function metaEntries(
  table: TableSnapshot, names: Names, rest: IndexSnapshot[], fieldInfo: { consumed: Set<string>; floats: Set<string> },
): { entries: string[]; todos: string[] } {
  const { consumed, floats } = fieldInfo;
  const fields = names.fields.get(table.name)!;
  const todos: string[] = [];
  const together: string[] = [];
  const indexTogether: string[] = [];
  const indexes: string[] = [];
  const constraints: string[] = [];
  for (const ix of rest) {
    const cols = plainColumns(ix, table);
    const where = ix.where === null ? undefined : conditionToQ(ix.where, fields, floats);
    if (!cols || (ix.where !== null && where === undefined) || (ix.unique && cols.some((c) => c.desc))) {
      todos.push(`// TODO: ${ix.unique ? "unique index" : "index"}${ix.name ? ` "${ix.name}"` : ""} on (${ix.columns.join(", ")})${ix.where ? ` WHERE ${ix.where}` : ""} has no equivalent here`);
      continue;
    }
    const fieldList = `[${cols.map((c) => JSON.stringify(`${c.desc ? "-" : ""}${fields.get(c.column)!}`)).join(", ")}]`;
    const name = JSON.stringify(ix.name ?? `${table.name}_${cols.map((c) => c.column).join("_")}_uniq`);
    const deferrable = ix.deferrable ? [["deferrable", `models.Deferrable.${ix.deferrable}`] as [string, string]] : [];
    if (ix.unique && where === undefined && !deferrable.length) together.push(fieldList);
    else if (!ix.unique && where === undefined && ix.name === createIndexName(table.name, cols.map((c) => c.column), "_idx")) indexTogether.push(fieldList);
    else if (ix.unique) {
      constraints.push(`models.UniqueConstraint(${optionsText([["fields", fieldList], ...(where ? [["condition", where] as [string, string]] : []), ["name", name], ...deferrable])})`);
    }
    else indexes.push(`models.Index(${optionsText([["fields", fieldList], ...(where ? [["condition", where] as [string, string]] : []), ["name", name]])})`);
  }
  for (const check of table.checks) {
    if (check.name === null && consumed.has(check.expression)) continue;
    const q = conditionToQ(check.expression, fields, floats);
    if (check.name === null || q === undefined) {
      todos.push(`// TODO: check${check.name ? ` "${check.name}"` : ""} (${check.expression}) has no equivalent here`);
      continue;
    }
    constraints.push(`models.CheckConstraint(${optionsText([["check", q], ["name", JSON.stringify(check.name)]])})`);
  }
  const entries: string[] = [];
  if (together.length) entries.push(`uniqueTogether: [${together.join(", ")}]`);
  if (indexTogether.length) entries.push(`indexTogether: [${indexTogether.join(", ")}]`);
  if (indexes.length) entries.push(list("indexes", indexes));
  if (constraints.length) entries.push(list("constraints", constraints));
  return { entries, todos };
}

/** `key: [a, b]` on one line when it fits in 120 columns with its indentation, else one entry per line. */
function list(key: string, items: string[]): string {
  const one = `${key}: [${items.join(", ")}]`;
  if (one.length + 6 <= 120) return one;
  return `${key}: [\n${items.map((i) => `      ${i},`).join("\n")}\n    ]`;
}

/**
 * The models.ts text for `schema` (sorted tables, as Django's inspectdb
 * orders them), formatted like the migration writer's files: 2 spaces,
 * double quotes, trailing commas, one field per line.
 */
export function inspectModels(schema: SchemaSnapshot, introspection: Pick<DatabaseIntrospection, "fieldType" | "impliedIndex">, options: InspectOptions = {}): string {
  const names = nameEverything(schema, options.app, options.defaultAutoField ?? "BigAutoField");
  const autoId = (t: TableSnapshot, c: ColumnSnapshot) => {
    const type = autoField(introspection.fieldType(c, t.checks), names.autoPk.get(t.name) ?? names.defaultAutoField);
    return "field" in type && type.field === names.defaultAutoField;
  };
  const joins = findJoinTables(schema, (t) => names.model.get(t), (t, f) => [...names.fields.get(t)!.values()].includes(f), autoId);
  const out = [...HEADER];
  const defined = new Set<string>();
  for (const table of schema.tables) {
    if (joins.has(table.name)) continue;
    const model = names.model.get(table.name)!;
    const split = splitIndexes(table, introspection);
    const fieldInfo = fieldLines(table, names, introspection, split, defined);
    fieldInfo.lines.push(...manyToManyLines(table.name, joins, names, defined));
    const meta = metaEntries(table, names, split.rest, fieldInfo);
    out.push("", `export class ${model} extends models.Model {`);
    for (const l of fieldInfo.lines) out.push(`  ${l}`);
    for (const t of meta.todos) out.push(`  ${t}`);
    if (fieldInfo.lines.length || meta.todos.length) out.push("");
    out.push("  static Meta = {", `    dbTable: ${JSON.stringify(table.name)},`, ...meta.entries.map((e) => `    ${e},`), "  };", "}");
    defined.add(model);
  }
  return `${out.join("\n")}\n`;
}

/** The ManyToManyField lines of the model of `table`, one per join table it is the source of. */
function manyToManyLines(table: string, joins: ReadonlyMap<string, JoinTable>, names: Names, defined: ReadonlySet<string>): string[] {
  const lines: string[] = [];
  for (const j of joins.values()) {
    if (j.source !== table) continue;
    const model = names.model.get(j.target)!;
    const target = j.target === table ? '"self"' : defined.has(model) ? model : JSON.stringify(model);
    lines.push(`${j.field} = models.ManyToManyField(${target}); // The join table "${j.table}".`);
  }
  return lines;
}
