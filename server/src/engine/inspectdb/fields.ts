/**
 * One column read back as a field of the model language (the loop body of
 * Django 3.2's `inspectdb.handle_inspection`): its class, `primaryKey`,
 * `unique`, `dbIndex`, `null`/`blank`, `default`, relations with `onDelete`
 * and `toField`, `dbColumn`; or a TODO comment when its type maps to no field.
 */
import type { IntrospectedFieldType } from "../backends/base/introspection";
import type { ColumnSnapshot, ForeignKeySnapshot } from "../backends/base/snapshot";
import { tokenize } from "../backends/base/sqltokens";
import { type NormalizedName } from "./names";

/** What a field line needs to know about its table besides the column. */
export interface ColumnContext {
  readonly table: string;
  /** The single-column foreign key on this column, if any. */
  readonly fk?: ForeignKeySnapshot;
  /** The class name of the referenced table (when it is inspected too) or its quoted name. */
  readonly target?: string;
  /** A `relatedName` when another relation of the table points at the same model (their reverse accessors would clash). */
  readonly relatedName?: string;
  /** The referenced column's field name when it is not the target's primary key (`toField`). */
  readonly toField?: string;
  /** True when the column alone has a UNIQUE index (or constraint). */
  readonly unique: boolean;
  /** True when the column alone has a plain index (consumed as `dbIndex`). */
  readonly indexed: boolean;
  /** The column is the table's only primary key column. */
  readonly primaryKey: boolean;
  readonly type: IntrospectedFieldType;
  /** The project's `defaultAutoField`: an `id` primary key of that type is implicit. */
  readonly defaultAutoField: string;
  readonly name: NormalizedName;
}

/** The SQL ON DELETE action → the model language's `onDelete` (the inverse of `onDeleteSql`). */
const ON_DELETE: Readonly<Record<string, string>> = {
  CASCADE: "CASCADE", "SET NULL": "SET_NULL", "SET DEFAULT": "SET_DEFAULT", RESTRICT: "RESTRICT", "NO ACTION": "DO_NOTHING",
};

/** A key of an options object as written: bare when an identifier. */
export function objectKey(k: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k);
}

/** `{ a: 1, b: "x" }` from already written values, `""` when empty. */
export function optionsText(options: ReadonlyArray<readonly [string, string]>): string {
  return options.length ? `{ ${options.map(([k, v]) => `${objectKey(k)}: ${v}`).join(", ")} }` : "";
}

/**
 * A column DEFAULT read back as a `default` (or `autoNowAdd`) option: a
 * number, a string, true/false for a BooleanField, CURRENT_TIMESTAMP /
 * CURRENT_DATE / CURRENT_TIME as `autoNowAdd: true`, `DEFAULT NULL` as
 * `default: null`. Undefined for none; "expression" for an expression
 * (listed in the notes by the caller).
 */
export function defaultOption(sqlDefault: string | null | undefined, field: string): readonly [string, string] | "expression" | undefined {
  if (sqlDefault === null || sqlDefault === undefined) return undefined;
  const tokens = tokenize(sqlDefault.replace(/^\((.*)\)$/s, "$1"));
  const neg = tokens.length === 2 && tokens[0]!.text === "-" && tokens[1]!.kind === "number";
  if (tokens.length !== 1 && !neg) return "expression";
  const t = tokens[tokens.length - 1]!;
  if (t.kind === "number") {
    const n = (neg ? "-" : "") + t.text;
    if (field === "BooleanField" && (n === "0" || n === "1")) return ["default", n === "1" ? "true" : "false"];
    return ["default", n];
  }
  if (t.kind === "string") return ["default", JSON.stringify(t.value)];
  if (t.kind === "word" && ["CURRENT_TIMESTAMP", "CURRENT_DATE", "CURRENT_TIME"].includes(t.value)) return ["autoNowAdd", "true"];
  if (t.kind === "word" && t.value === "NULL") return ["default", "null"];
  if (t.kind === "word" && (t.value === "TRUE" || t.value === "FALSE")) return ["default", t.value.toLowerCase()];
  return "expression";
}

/**
 * A DecimalField's guessed `decimalPlaces` taken from its DEFAULT instead
 * (`'0.00'` has 2): tsmigrate writes a decimal default with the field's
 * places, so only that many make the same DEFAULT again.
 */
function decimalPlacesFromDefault(options: (readonly [string, string])[], dflt: readonly [string, string] | undefined): void {
  const places = dflt && dflt[0] === "default" ? /^"-?\d+(?:\.(\d+))?"$/.exec(dflt[1]) : null;
  const at = options.findIndex(([k]) => k === "decimalPlaces");
  if (places && at >= 0) options[at] = ["decimalPlaces", String(places[1]?.length ?? 0)];
}

/** The class and first options of a relation field. */
function relation(ctx: ColumnContext, fk: ForeignKeySnapshot): { call: string; options: [string, string][] } {
  const kind = ctx.unique || ctx.primaryKey ? "OneToOneField" : "ForeignKey";
  const options: [string, string][] = [["onDelete", `models.${ON_DELETE[fk.onDelete ?? "NO ACTION"] ?? "DO_NOTHING"}`]];
  if (ctx.toField !== undefined) options.push(["toField", JSON.stringify(ctx.toField)]);
  if (ctx.relatedName !== undefined) options.push(["relatedName", JSON.stringify(ctx.relatedName)]);
  if (!ctx.indexed && !ctx.unique && !ctx.primaryKey) options.push(["dbIndex", "false"]);
  return { call: `models.${kind}(${ctx.target}, `, options };
}

/**
 * The source line of one column (without indentation), or undefined for
 * the implicit `id` AutoField (Django leaves it out too). A column whose
 * type maps to no field is a `// TODO: unknown type "money"` comment.
 */
export function fieldLine(column: ColumnSnapshot, ctx: ColumnContext): string | undefined {
  const notes = [...ctx.name.notes];
  if ("unknown" in ctx.type) {
    return `// TODO: unknown type "${ctx.type.unknown}": column "${column.name}" has no field; write one by hand (${ctx.name.name})`;
  }
  const fk = ctx.fk;
  const columnDefault = ctx.type.ownsDefault ? null : column.default;
  let call: string;
  const options: (readonly [string, string])[] = [];
  if (fk) {
    const rel = relation(ctx, fk);
    call = rel.call;
    options.push(...rel.options);
  } else {
    if (ctx.name.name === "id" && ctx.primaryKey && ctx.type.field === ctx.defaultAutoField && columnDefault == null) return undefined;
    call = `models.${ctx.type.field}(`;
    for (const [k, v] of Object.entries(ctx.type.options)) options.push([k, String(v)]);
    notes.push(...(ctx.type.notes ?? []));
  }
  if (ctx.primaryKey) options.push(["primaryKey", "true"]);
  else if (ctx.unique && !fk) options.push(["unique", "true"]);
  if (ctx.indexed && !fk && !ctx.unique && !ctx.primaryKey) options.push(["dbIndex", "true"]);
  if (ctx.name.dbColumn !== undefined) options.push(["dbColumn", JSON.stringify(ctx.name.dbColumn)]);
  if (!column.notNull && !ctx.primaryKey) options.push(["blank", "true"], ["null", "true"]);
  const dflt = defaultOption(columnDefault, fk ? "" : ctx.type.field);
  if (dflt === "expression") notes.push(`DEFAULT ${columnDefault} is not a literal; not kept.`);
  else if (dflt !== undefined) options.push(dflt);
  if (!fk && ctx.type.guessedDigits && dflt !== "expression") decimalPlacesFromDefault(options, dflt);
  const text = optionsText(options);
  const line = `${ctx.name.name} = ${call.endsWith(", ") && !text ? call.slice(0, -2) : call}${text})`;
  return `${line};${notes.length ? ` // ${notes.join(" ")}` : ""}`;
}
