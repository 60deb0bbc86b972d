/**
 * The generator's own picture of a project's models (test/property/): apps,
 * models and fields with stable ids that survive renames, so that a row
 * inserted at one step can be followed through later steps whatever the
 * models and fields are called by then. Rendered as `models.ts` files for
 * makemigrations; the table and column names are computed here, not by the
 * engine, so that an engine naming bug shows up as a failed insert or a
 * missing row.
 */

/** The field kinds generated (Django's field classes in {@link FIELD_CLASS}). */
export type Kind = "char" | "text" | "int" | "bigint" | "small" | "bool" | "decimal" | "date" | "fk" | "m2m";

/** Kinds whose values can be told apart row by row (distinct or NULL), so that they may be unique. */
export const UNIQUE_KINDS: readonly Kind[] = ["char", "text", "int", "bigint", "small"];

/** Kinds one may change into another with AlterField (values are small integers or digit strings, which every one of them holds). */
export const TYPE_GROUP: readonly Kind[] = ["char", "text", "int", "bigint", "small"];

/** Django's field class of each kind. */
export const FIELD_CLASS: Readonly<Record<Kind, string>> = {
  char: "CharField", text: "TextField", int: "IntegerField", bigint: "BigIntegerField", small: "SmallIntegerField",
  bool: "BooleanField", decimal: "DecimalField", date: "DateField", fk: "ForeignKey", m2m: "ManyToManyField",
};

/** A literal default (a model default or a one-off default). */
export type Literal = number | string | boolean;

/** One field. `uid` never changes; everything else may from step to step. */
export interface GField {
  readonly uid: number;
  name: string;
  kind: Kind;
  null: boolean;
  default?: Literal;
  unique: boolean;
  /** For a foreign key: Django's default is true. */
  dbIndex: boolean;
  maxLength?: number;
  maxDigits?: number;
  /** Target model uid (fk, m2m). */
  to?: number;
  onDelete?: "CASCADE" | "SET_NULL";
  /** `relatedName` of a relation (kept by a copy, so that makemigrations sees the same definition and asks about a rename). */
  related?: string;
  /**
   * Bookkeeping, not rendered. Every value the rows hold in this column is
   * distinct or NULL, for the whole life of the field (never a model
   * default, never filled by a one-off default), so it may be unique, alone
   * or in a unique set, at any step a rollback passes through.
   */
  uniqueCapable: boolean;
  /** Bookkeeping: NOT NULL at some step of its life so far (a NULL inserted now would stop a rollback through that step). */
  everNotNull: boolean;
}

/** A `Meta.indexes` entry, a unique constraint or a `uniqueTogether` set: fields by uid. */
export interface GSet {
  name: string;
  fields: number[];
}

/** One model. */
export interface GModel {
  readonly uid: number;
  readonly app: string;
  name: string;
  fields: GField[];
  indexes: GSet[];
  uniques: GSet[];
  together: GSet[];
}

/** All models of the project at one step. */
export interface GState {
  models: GModel[];
}

/** The project's apps (labels). */
export const APPS: readonly string[] = ["a", "b"];

/** Model `uid` in `state`, or undefined. */
export function modelOf(state: GState, uid: number): GModel | undefined {
  return state.models.find((m) => m.uid === uid);
}

/** Django's default table: `<app>_<lowercased class name>`. */
export function tableOf(m: GModel): string {
  return `${m.app}_${m.name.toLowerCase()}`;
}

/** The column of a concrete field (`<name>_id` for a foreign key); undefined for a many-to-many field. */
export function columnOf(f: GField): string | undefined {
  if (f.kind === "m2m") return undefined;
  return f.kind === "fk" ? `${f.name}_id` : f.name;
}

/** The join table of a many-to-many field and its two columns (Django's auto-created `through`). */
export function joinTableOf(state: GState, m: GModel, f: GField): { table: string; from: string; to: string } {
  const target = modelOf(state, f.to!)!;
  const self = target.uid === m.uid;
  const from = m.name.toLowerCase();
  const to = target.name.toLowerCase();
  return { table: `${tableOf(m)}_${f.name}`, from: self ? `from_${from}_id` : `${from}_id`, to: self ? `to_${to}_id` : `${to}_id` };
}

/** The field's key in makemigrations' answers: `app.model.field`. */
export function fieldKey(m: GModel, f: GField): string {
  return `${m.app}.${m.name.toLowerCase()}.${f.name}`;
}

/** A literal as TypeScript source. */
export function literalSource(v: Literal): string {
  return typeof v === "string" ? JSON.stringify(v) : String(v);
}

function fieldSource(state: GState, m: GModel, f: GField): string {
  const opts: string[] = [];
  if (f.kind === "fk" || f.kind === "m2m") {
    const target = modelOf(state, f.to!)!;
    const ref = JSON.stringify(`${target.app}.${target.name}`);
    if (f.kind === "fk") opts.push(`onDelete: models.${f.onDelete ?? "CASCADE"}`);
    if (f.null) opts.push("null: true");
    if (f.kind === "fk" && !f.dbIndex) opts.push("dbIndex: false");
    // A symmetrical many-to-many field to its own model has no reverse accessor (Django warns on a related name there).
    if (target.uid !== m.uid || f.kind === "fk") opts.push(`relatedName: "${f.related}"`);
    return `models.${FIELD_CLASS[f.kind]}(${ref}${opts.length ? `, { ${opts.join(", ")} }` : ""})`;
  }
  if (f.maxLength !== undefined) opts.push(`maxLength: ${f.maxLength}`);
  if (f.maxDigits !== undefined) opts.push(`maxDigits: ${f.maxDigits}`, "decimalPlaces: 2");
  if (f.null) opts.push("null: true");
  if (f.default !== undefined) opts.push(`default: ${literalSource(f.default)}`);
  if (f.unique) opts.push("unique: true");
  if (f.dbIndex) opts.push("dbIndex: true");
  return `models.${FIELD_CLASS[f.kind]}(${opts.length ? `{ ${opts.join(", ")} }` : ""})`;
}

function setNames(m: GModel, s: GSet): string {
  return s.fields.map((uid) => JSON.stringify(m.fields.find((f) => f.uid === uid)!.name)).join(", ");
}

function metaSource(m: GModel): string[] {
  const meta: string[] = [];
  if (m.indexes.length) meta.push(`    indexes: [${m.indexes.map((s) => `models.Index({ fields: [${setNames(m, s)}], name: "${s.name}" })`).join(", ")}],`);
  if (m.uniques.length) {
    meta.push(`    constraints: [${m.uniques.map((s) => `models.UniqueConstraint({ fields: [${setNames(m, s)}], name: "${s.name}" })`).join(", ")}],`);
  }
  if (m.together.length) meta.push(`    uniqueTogether: [${m.together.map((s) => `[${setNames(m, s)}]`).join(", ")}],`);
  return meta.length ? ["  static Meta = {", ...meta, "  };"] : [];
}

/** The `models.ts` of one app at one step. */
export function modelsSource(state: GState, app: string): string {
  const out = [`import { models } from "tsmigrate";`];
  for (const m of state.models.filter((x) => x.app === app)) {
    out.push("", `export class ${m.name} extends models.Model {`);
    for (const f of m.fields) out.push(`  ${f.name} = ${fieldSource(state, m, f)};`);
    out.push(...metaSource(m), "}");
  }
  return `${out.join("\n")}\n`;
}
