/**
 * Join tables recognised as many-to-many fields. Only a table of exactly the
 * shape an auto-created join table has (Django 3.2's
 * `create_many_to_many_intermediary_model`, as tsmigrate makes it) is
 * recognised, so that the ManyToManyField written instead makes the same
 * table again: named `<source table>_<field>`; columns `id` (the default auto field primary
 * key), `<source>_id` and `<target>_id` (`from_<model>_id` / `to_<model>_id`
 * for a self reference), both NOT NULL foreign keys ON DELETE CASCADE with
 * an index each; a unique index on the pair; nothing else. Any other table
 * stays a model with two foreign keys (as Django's inspectdb leaves it).
 */
import type { ColumnSnapshot, SchemaSnapshot, TableSnapshot } from "../backends/base/snapshot";

/** Whether a column is an auto field primary key of the project's `defaultAutoField` (the join table's `id`). */
export type IsDefaultAutoId = (table: TableSnapshot, column: ColumnSnapshot) => boolean;

/** A join table read as the ManyToManyField `field` of the model of `source`. */
export interface JoinTable {
  readonly table: string;
  readonly source: string;
  readonly target: string;
  readonly field: string;
}

/** Whether `table` has a plain one-column index on each of `columns`, and a unique one on all of them, and nothing else. */
function hasJoinIndexes(table: TableSnapshot, a: string, b: string): boolean {
  const keys = table.indexes.map((ix) => JSON.stringify([ix.unique, ix.where, ix.columns])).sort();
  const expected = [[false, null, [a]], [false, null, [b]], [true, null, [a, b]]].map((k) => JSON.stringify(k)).sort();
  return table.checks.length === 0 && JSON.stringify(keys) === JSON.stringify(expected);
}

/** The join table `table` is, read with its first foreign key as the source, or undefined. */
function asJoinTable(table: TableSnapshot, model: (table: string) => string | undefined, autoId: IsDefaultAutoId): JoinTable | undefined {
  const cols = table.columns;
  const id = cols.find((c) => c.pk === 1);
  if (cols.length !== 3 || !id || id.name !== "id" || !autoId(table, id) || table.foreignKeys.length !== 2) return undefined;
  const [fa, fb] = table.foreignKeys;
  if ([fa!, fb!].some((fk) => fk.columns.length !== 1 || fk.onDelete !== "CASCADE" || !cols.find((c) => c.name === fk.columns[0])?.notNull)) return undefined;
  for (const [src, tgt] of [[fa!, fb!], [fb!, fa!]] as const) {
    const [sm, tm] = [model(src.table), model(tgt.table)];
    if (sm === undefined || tm === undefined || !table.name.startsWith(`${src.table}_`)) continue;
    const field = table.name.slice(src.table.length + 1);
    const [a, b] = src.table === tgt.table
      ? [`from_${sm.toLowerCase()}_id`, `to_${sm.toLowerCase()}_id`] : [`${sm.toLowerCase()}_id`, `${tm.toLowerCase()}_id`];
    if (!/^[a-z][a-z0-9_]*$/.test(field) || field.includes("__") || src.columns[0] !== a || tgt.columns[0] !== b) continue;
    if (hasJoinIndexes(table, a, b)) return { table: table.name, source: src.table, target: tgt.table, field };
  }
  return undefined;
}

/**
 * The join tables of `schema` by table name. `model` names the class of a
 * table (undefined for a table not inspected); `taken` says whether a
 * field name is already used in a model's class (then the table stays a model);
 * `autoId` whether the `id` is the auto field an auto-created table has.
 */
export function findJoinTables(
  schema: SchemaSnapshot, model: (table: string) => string | undefined, taken: (table: string, field: string) => boolean, autoId: IsDefaultAutoId,
): Map<string, JoinTable> {
  const out = new Map<string, JoinTable>();
  for (const t of schema.tables) {
    const join = asJoinTable(t, model, autoId);
    if (join && !taken(join.source, join.field)) out.set(t.name, join);
  }
  return out;
}
