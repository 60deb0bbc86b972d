/**
 * Q objects as Django 3.2 builds them (`django/db/models/query_utils.py`
 * `Q`, `django/utils/tree.py` `Node.add`): read from static values
 * `models.Q({...}, ...qs)`, `models.Q.and/or/not(...)`, with Python's
 * sorted keyword order, `_combine` and `__invert__` squashing, so that the
 * compiled SQL has Django's exact parenthesisation.
 */
import { TsMigrateError } from "../errors";
import { CallValue, isObjectValue, type Value, valueKey } from "../values";

/** A Q object: Django's `tree.Node` with AND/OR connector, negation and children. */
export interface QNode {
  connector: "AND" | "OR";
  negated: boolean;
  children: QChild[];
}

/** A Q child: a nested Q or one `lookup=value` pair. */
export type QChild = QNode | QLookup;

/** One keyword lookup, e.g. `price__gte: 0`. */
export interface QLookup {
  readonly lookup: string;
  readonly value: Value;
}

function isNode(c: QChild): c is QNode {
  return (c as QNode).children !== undefined;
}

/** A TsMigrateError with code `bad-condition`. */
export function badCondition(message: string): TsMigrateError {
  return new TsMigrateError(message, { code: "bad-condition" });
}

const bad = badCondition;

/** A structural key of a Q child, for Django's `data in self.children` check. */
function childKey(c: QChild): string {
  if (isNode(c)) return `${c.connector}${c.negated ? "!" : ""}(${c.children.map(childKey).join(",")})`;
  return `${c.lookup}=${valueKey(c.value)}`;
}

/** Django's `tree.Node.add(data, conn_type)` with squashing, for Q nodes. */
function nodeAdd(self: QNode, data: QChild, conn: "AND" | "OR"): void {
  if (self.connector === conn && self.children.some((c) => childKey(c) === childKey(data))) return;
  if (self.connector === conn) {
    if (isNode(data) && !data.negated && (data.connector === conn || data.children.length === 1)) {
      self.children.push(...data.children);
    } else self.children.push(data);
  } else {
    const copy: QNode = { connector: self.connector, negated: self.negated, children: self.children };
    self.connector = conn;
    self.children = [copy, data];
  }
}

function cloneQ(q: QNode): QNode {
  return { connector: q.connector, negated: q.negated, children: q.children.map((c) => (isNode(c) ? cloneQ(c) : c)) };
}

/** `Q._combine(other, conn)`: `a & b`, `a | b`. */
function combine(a: QNode, b: QNode, conn: "AND" | "OR"): QNode {
  if (a.children.length === 0) return cloneQ(b);
  if (b.children.length === 0) return cloneQ(a);
  const obj: QNode = { connector: conn, negated: false, children: [] };
  nodeAdd(obj, cloneQ(a), conn);
  nodeAdd(obj, cloneQ(b), conn);
  return obj;
}

/** `Q.__invert__`: `~q`. */
function invert(q: QNode): QNode {
  const obj: QNode = { connector: "AND", negated: false, children: [] };
  nodeAdd(obj, cloneQ(q), "AND");
  obj.negated = !obj.negated;
  return obj;
}

/**
 * Reads a static condition value as a Q tree. Throws TsMigrateError
 * (`bad-condition`) for anything that is not a Q, `Q.and/or/not` or a plain
 * object of lookups.
 */
export function qFromValue(v: Value): QNode {
  if (isObjectValue(v)) return { connector: "AND", negated: false, children: kwargChildren(v) };
  if (!(v instanceof CallValue)) throw bad(`expected a models.Q(...) condition, got ${valueKey(v)}`);
  const callee = v.callee.replace(/^models\./, "");
  switch (callee) {
    case "Q": {
      const positional: QChild[] = [];
      const kwargs: Record<string, Value> = {};
      for (const a of v.args) {
        if (isObjectValue(a)) Object.assign(kwargs, a);
        else positional.push(qFromValue(a));
      }
      return { connector: "AND", negated: false, children: [...positional, ...kwargChildren(kwargs)] };
    }
    case "Q.and":
    case "Q.or": {
      if (v.args.length === 0) throw bad(`${v.callee}() needs at least one condition`);
      const conn = callee === "Q.and" ? "AND" : "OR";
      return v.args.map(qFromValue).reduce((acc, q) => combine(acc, q, conn));
    }
    case "Q.not": {
      if (v.args.length !== 1) throw bad(`${v.callee}() takes exactly one condition`);
      return invert(qFromValue(v.args[0]!));
    }
    default:
      throw bad(`expected a models.Q(...) condition, got a call to ${v.callee}`);
  }
}

/** Python's `sorted(kwargs.items())`. */
function kwargChildren(o: Readonly<Record<string, Value>>): QLookup[] {
  return Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((k) => ({ lookup: k, value: o[k]! }));
}


/**
 * `condition` with field `oldName` renamed to `newName` in every lookup key
 * (`old`, `old__gt`) and `models.F("old")`: what RenameField does to the
 * conditions of a model's indexes and constraints.
 */
export function renameFieldInCondition(condition: Value, oldName: string, newName: string): Value {
  const renameKey = (k: string) => (k === oldName ? newName : k.startsWith(`${oldName}__`) ? newName + k.slice(oldName.length) : k);
  const walk = (v: Value): Value => {
    if (v instanceof CallValue) {
      const callee = v.callee.replace(/^models\./, "");
      if (callee === "F") return v.args[0] === oldName ? new CallValue(v.callee, [newName]) : v;
      return new CallValue(v.callee, v.args.map(walk));
    }
    if (Array.isArray(v)) return (v as readonly Value[]).map(walk);
    if (isObjectValue(v)) {
      const out: Record<string, Value> = {};
      for (const [k, x] of Object.entries(v)) out[renameKey(k)] = walk(x);
      return out;
    }
    return v;
  };
  return walk(condition);
}

