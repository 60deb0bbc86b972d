/**
 * Compiles `models.Q(...)` conditions (CheckConstraint `check`, partial
 * index and UniqueConstraint `condition`) to SQL, byte for byte as Django
 * 3.2 does: Q trees are built like `django.db.models.query_utils.Q`
 * (`_combine`, `__invert__`, `tree.Node.add` squashing), turned into a
 * where-tree like `Query._add_q`/`build_filter` (including the
 * `IS NOT NULL` Django adds under negation for nullable columns), and
 * printed like `WhereNode.as_sql` and the backend lookups, with parameters
 * inlined by `quote_value`.
 *
 * Accepted values: `models.Q({ field__lookup: value, ... }, ...otherQs)`
 * (keyword lookups sorted by name, as Python's `Q(**kwargs)` sorts them),
 * `models.Q.and(a, b, ...)`, `models.Q.or(a, b, ...)`, `models.Q.not(q)`,
 * and `models.F("field")` as a right-hand side. Lookups: exact, iexact, gt,
 * gte, lt, lte, in, isnull, range, contains, icontains, startswith,
 * istartswith, endswith, iendswith.
 */
import { fieldColumn, isForeignKey, isManyToMany, type FieldState, type ModelState, type ProjectState } from "../state";
import { CallValue, type Value, valueKey } from "../values";
import { internalType, isIntegerType, isNull, toPlain } from "./base/columns";
import type { DatabaseFlavor } from "./base/features";
import { decimalLookupText, pythonFloatRepr, quoteName, quoteString, uuidHex } from "./base/literals";
import { fkTarget } from "./base/related";
import { badCondition as bad, type QLookup, type QNode, qFromValue } from "./q";

export { qFromValue, renameFieldInCondition, type QChild, type QLookup, type QNode } from "./q";

function isQNode(c: QNode | QLookup): c is QNode {
  return (c as QNode).children !== undefined;
}

function isWhereNode(c: WhereChild): c is WhereNode {
  return (c as WhereNode).children !== undefined;
}

/** A compiled lookup: SQL with the parameters already inlined. Lookups compare by SQL (Django's `Lookup.identity`). */
interface WhereLeaf {
  readonly sql: string;
  /** Set when the lookup matches nothing (`in` with an empty list): Django's EmptyResultSet. */
  readonly empty?: boolean;
}

interface WhereNode {
  connector: "AND" | "OR";
  negated: boolean;
  children: WhereChild[];
}

type WhereChild = WhereNode | WhereLeaf;

function whereKey(c: WhereChild): string {
  if (isWhereNode(c)) {
    const n = c as WhereNode;
    return `${n.connector}${n.negated ? "!" : ""}(${n.children.map(whereKey).join(",")})`;
  }
  return `leaf:${(c as WhereLeaf).sql}${(c as WhereLeaf).empty ? "!" : ""}`;
}

function whereAdd(self: WhereNode, data: WhereChild, conn: "AND" | "OR"): void {
  if (self.connector === conn && self.children.some((c) => whereKey(c) === whereKey(data))) return;
  const node = isWhereNode(data) ? (data as WhereNode) : undefined;
  if (self.connector === conn) {
    if (node && !node.negated && (node.connector === conn || node.children.length === 1)) self.children.push(...node.children);
    else self.children.push(data);
  } else {
    const copy: WhereNode = { connector: self.connector, negated: self.negated, children: self.children };
    self.connector = conn;
    self.children = [copy, data];
  }
}

/** What a condition is compiled against. */
export interface ConditionContext {
  readonly model: ModelState;
  readonly state: ProjectState;
  readonly flavor: DatabaseFlavor;
}

/** A field reached by a lookup path: its state and column. */
interface ResolvedField {
  readonly name: string;
  readonly field: FieldState;
  readonly column: string;
  /** For a foreign key: the field its values are prepared as (the target field). */
  readonly valueField: FieldState;
  readonly valueModel: ModelState;
}

const LOOKUPS = new Set([
  "exact", "iexact", "gt", "gte", "lt", "lte", "in", "isnull", "range",
  "contains", "icontains", "startswith", "istartswith", "endswith", "iendswith",
]);

/** Resolves `name`, `pk` or an FK's attname (`author_id`) to a column of the model; joins are refused as in Django. */
function resolveField(ctx: ConditionContext, parts: readonly string[], lookupText: string): ResolvedField {
  const model = ctx.model;
  let name = parts[0]!;
  if (name === "pk") name = model.pk[0];
  let field = model.fields.get(name);
  if (!field) {
    for (const [n, f] of model.fields) {
      if (isForeignKey(f) && fieldColumn(n, f) === name) {
        name = n;
        field = f;
        break;
      }
    }
  }
  if (!field) throw bad(`condition "${lookupText}": ${model.key} has no field "${parts[0]}"`);
  if (isManyToMany(field)) throw bad(`condition "${lookupText}": many-to-many field "${name}" cannot be used in a constraint`);
  if (parts.length > 1) {
    throw bad(`condition "${lookupText}": joined field references are not permitted in constraints (Django's FieldError)`);
  }
  if (isForeignKey(field)) {
    const target = fkTarget(model, field, ctx.state);
    return { name, field, column: fieldColumn(name, field)!, valueField: target.field, valueModel: target.model };
  }
  return { name, field, column: fieldColumn(name, field)!, valueField: field, valueModel: model };
}

/** Splits `a__b__gte` into field path and lookup name (`exact` when none is given). */
function splitLookup(text: string): { path: string[]; lookup: string } {
  const parts = text.split("__");
  if (parts.length > 1 && LOOKUPS.has(parts[parts.length - 1]!)) {
    return { path: parts.slice(0, -1), lookup: parts[parts.length - 1]! };
  }
  return { path: parts, lookup: "exact" };
}

/** `models.F("x")`: the name referenced, or undefined for other values. */
function fReference(v: Value): string | undefined {
  if (v instanceof CallValue && v.callee.replace(/^models\./, "") === "F") {
    const a = v.args[0];
    if (typeof a !== "string" || v.args.length !== 1) throw bad(`models.F() takes one field name`);
    return a;
  }
  return undefined;
}

/**
 * `field.get_db_prep_value(value)` then `quote_value`: the SQL literal a
 * lookup value becomes, by the field's type.
 */
function lookupLiteral(rf: ResolvedField, value: Value, lookupText: string, flavor: DatabaseFlavor): string {
  const field = rf.valueField;
  const internal = internalType(field);
  const fail = (): never => {
    throw bad(`condition "${lookupText}": ${valueKey(value)} is not a valid value for ${field.type} "${rf.name}"`);
  };
  if (value === null) return "NULL";
  if (value instanceof CallValue || typeof value === "object") fail();
  if (internal === "BooleanField") {
    if (typeof value === "boolean") return value ? "1" : "0";
    if (value === 0 || value === 1) return String(value);
    return fail();
  }
  if (isIntegerType(internal) || internal === "DurationField") {
    const n = typeof value === "boolean" ? Number(value) : typeof value === "string" && /^\s*[+-]?\d+\s*$/.test(value) ? Number(value) : value;
    if (typeof n !== "number" || !Number.isFinite(n)) return fail();
    return String(Math.trunc(n as number));
  }
  if (internal === "FloatField") {
    const n = typeof value === "boolean" ? Number(value) : Number(value);
    if (!Number.isFinite(n) || (typeof value === "string" && value.trim() === "")) return fail();
    return pythonFloatRepr(n);
  }
  if (internal === "DecimalField") {
    if (typeof value !== "number" && typeof value !== "string") return fail();
    const maxDigits = field.options.maxDigits;
    const text = decimalLookupText(value as number | string, typeof maxDigits === "number" ? maxDigits : 28);
    return text === undefined ? fail() : flavor.quoteDecimal(text);
  }
  if (internal === "UUIDField") {
    if (typeof value !== "string") return fail();
    const hex = uuidHex(value as string);
    return hex === value && !/^[0-9a-f]{32}$/.test(hex) ? fail() : flavor.quoteUuid(hex);
  }
  if (internal === "JSONField" || internal === "BinaryField") {
    throw bad(`condition "${lookupText}": ${field.type} values are not supported in conditions`);
  }
  if (typeof value === "boolean") return quoteString(value ? "True" : "False");
  return quoteString(String(value));
}

/** Django's `prep_for_like_query`: escapes `\`, `%`, `_`. */
function likeEscape(s: string): string {
  return s.replace(/\\/g, "\\\\").replace(/%/g, "\\%").replace(/_/g, "\\_");
}

const PATTERNS: Readonly<Record<string, (s: string) => string>> = {
  contains: (s) => `%${s}%`, icontains: (s) => `%${s}%`,
  startswith: (s) => `${s}%`, istartswith: (s) => `${s}%`,
  endswith: (s) => `%${s}`, iendswith: (s) => `%${s}`,
  iexact: (s) => s,
};

/** `build_filter` for one `lookup=value` child: a where-node with the lookup and, under negation, `IS NOT NULL`s. */
function buildFilter(ctx: ConditionContext, child: QLookup, currentNegated: boolean): WhereNode {
  const { path, lookup: lookupName } = splitLookup(child.lookup);
  const rf = resolveField(ctx, path, child.lookup);
  const lhs = quoteName(rf.column);
  let lookup = lookupName;
  let value = child.value;
  const fName = fReference(value);
  let fField: ResolvedField | undefined;
  if (fName !== undefined) fField = resolveField(ctx, fName.split("__"), `F("${fName}")`);
  if (value === null && fField === undefined) {
    if (lookup !== "exact" && lookup !== "iexact") throw bad(`condition "${child.lookup}": cannot use null as a query value`);
    lookup = "isnull";
    value = true;
  }
  const op = (name: string, rhs: string): string => {
    const template = ctx.flavor.operators[name];
    if (!template) throw bad(`condition "${child.lookup}": lookup "${name}" is not supported on ${ctx.flavor.vendor}`);
    return `${lhs} ${template.replace("%s", rhs)}`;
  };
  let leaf: WhereLeaf;
  if (fField !== undefined) {
    if (!["exact", "gt", "gte", "lt", "lte"].includes(lookup)) {
      throw bad(`condition "${child.lookup}": models.F() is only supported with exact, gt, gte, lt and lte`);
    }
    leaf = { sql: op(lookup, quoteName(fField.column)) };
  } else if (lookup === "isnull") {
    if (typeof value !== "boolean") throw bad(`condition "${child.lookup}": isnull takes true or false`);
    leaf = { sql: `${lhs} IS ${value ? "" : "NOT "}NULL` };
  } else if (lookup === "exact" && typeof value === "boolean" && internalType(rf.field) === "BooleanField") {
    leaf = { sql: value ? lhs : `NOT ${lhs}` };
  } else if (lookup === "in") {
    if (!Array.isArray(value)) throw bad(`condition "${child.lookup}": "in" takes an array`);
    const seen = new Set<string>();
    const items: string[] = [];
    for (const v of value as readonly Value[]) {
      if (v === null || seen.has(valueKey(v))) continue;
      seen.add(valueKey(v));
      items.push(lookupLiteral(rf, v, child.lookup, ctx.flavor));
    }
    leaf = items.length === 0 ? { sql: "", empty: true } : { sql: op("in", `(${items.join(", ")})`) };
  } else if (lookup === "range") {
    if (!Array.isArray(value) || value.length !== 2) throw bad(`condition "${child.lookup}": "range" takes [low, high]`);
    const [lo, hi] = value as readonly Value[];
    leaf = { sql: `${lhs} BETWEEN ${lookupLiteral(rf, lo!, child.lookup, ctx.flavor)} AND ${lookupLiteral(rf, hi!, child.lookup, ctx.flavor)}` };
  } else if (PATTERNS[lookup]) {
    if (value instanceof CallValue || (typeof value === "object" && value !== null)) {
      throw bad(`condition "${child.lookup}": ${lookup} takes a string`);
    }
    const text = typeof value === "boolean" ? (value ? "True" : "False") : String(toPlain(value));
    leaf = { sql: op(lookup, quoteString(PATTERNS[lookup]!(likeEscape(text)))) };
  } else {
    leaf = { sql: op(lookup, lookupLiteral(rf, value, child.lookup, ctx.flavor)) };
  }
  const clause: WhereNode = { connector: "AND", negated: false, children: [leaf] };
  const isnullTrue = lookup === "isnull" && value === true;
  if (currentNegated && !isnullTrue && lookup !== "isnull") {
    if (isNull(rf.field)) whereAdd(clause, { sql: `${lhs} IS NOT NULL` }, "AND");
    if (fField && isNull(fField.field)) whereAdd(clause, { sql: `${quoteName(fField.column)} IS NOT NULL` }, "AND");
  }
  return clause;
}

/** `Query._add_q`: the where-tree of a Q. */
function addQ(ctx: ConditionContext, q: QNode, currentNegated: boolean): WhereNode {
  const negated = currentNegated !== q.negated;
  const target: WhereNode = { connector: q.connector, negated: q.negated, children: [] };
  for (const child of q.children) {
    const clause = isQNode(child) ? addQ(ctx, child, negated) : buildFilter(ctx, child, negated);
    if (clause.children.length > 0) whereAdd(target, clause, q.connector);
  }
  return target;
}

/** Django's EmptyResultSet while compiling. */
class EmptyResult extends Error {}

/** `WhereNode.as_sql`: `''` matches everything; throws EmptyResult when nothing can match. */
function whereSql(node: WhereNode): string {
  const result: string[] = [];
  let full = node.connector === "AND" ? node.children.length : 1;
  let empty = node.connector === "AND" ? 1 : node.children.length;
  for (const child of node.children) {
    let sql: string | undefined;
    try {
      if (isWhereNode(child)) sql = whereSql(child as WhereNode);
      else if ((child as WhereLeaf).empty) throw new EmptyResult();
      else sql = (child as WhereLeaf).sql;
    } catch (e) {
      if (!(e instanceof EmptyResult)) throw e;
      empty--;
      sql = undefined;
    }
    if (sql !== undefined) {
      if (sql) result.push(sql);
      else full--;
    }
    if (empty === 0) {
      if (node.negated) return "";
      throw new EmptyResult();
    }
    if (full === 0) {
      if (node.negated) throw new EmptyResult();
      return "";
    }
  }
  let s = result.join(` ${node.connector} `);
  if (s) {
    if (node.negated) s = `NOT (${s})`;
    else if (result.length > 1) s = `(${s})`;
  }
  return s;
}

/**
 * The SQL of a condition, as Django's `CheckConstraint._get_check_sql` and
 * `Index._get_condition_sql` produce it: `"price" >= '0'`,
 * `("a" = 1 AND "b" > 2)`, `NOT ("x" = 1)`. Throws TsMigrateError
 * (`bad-condition`) for unknown fields or lookups, values of the wrong type,
 * and conditions that match everything or nothing.
 */
export function compileCondition(condition: Value, ctx: ConditionContext): string {
  const q = qFromValue(condition);
  const where = addQ(ctx, q, false);
  let sql: string;
  try {
    sql = whereSql(where);
  } catch (e) {
    if (e instanceof EmptyResult) throw bad(`condition on ${ctx.model.key} can never be true (an empty "in" list)`);
    throw e;
  }
  if (!sql) throw bad(`condition on ${ctx.model.key} is empty: models.Q() with no lookups`);
  return sql;
}

