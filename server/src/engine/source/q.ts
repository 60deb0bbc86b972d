/**
 * Shape checks for Q objects (conditions of partial indexes and unique
 * constraints, CheckConstraint checks) and small helpers shared by the
 * source readers. Compiling Q to SQL is the backends' job; here only the
 * written shape is validated.
 *
 * Q syntax (TypeScript has no `|`, `&`, `~` overloading for objects):
 * - `models.Q({ price__gte: 0, name: "x" })`: the AND of the lookups,
 *   like Django's `Q(price__gte=0, name="x")`; a lookup value is a literal
 *   or `models.F("field")`.
 * - `models.Q.and(q1, q2, ...)`, `models.Q.or(q1, q2, ...)`: `q1 & q2`, `q1 | q2`.
 * - `models.Q.not(q)`: `~q`.
 */
import type { ErrorCollector, SourceLocation } from "../errors";
import { CallValue, RefValue, type Value, isObjectValue } from "../values";
import { locationOf, valueLocation } from "./read";

/** True for values made only of strings, numbers, booleans, null, arrays and plain objects (no calls, no references). */
export function isLiteral(v: Value | undefined): boolean {
  if (v === undefined) return false;
  if (v === null || typeof v !== "object") return true;
  if (v instanceof CallValue || v instanceof RefValue) return false;
  if (Array.isArray(v)) return v.every(isLiteral);
  return Object.values(v).every(isLiteral);
}

/** True when `v` is `models.F("name")`. */
export function isF(v: Value | undefined): boolean {
  return v instanceof CallValue && v.callee === "models.F" && v.args.length === 1 && typeof v.args[0] === "string";
}

/**
 * Checks that `v` is a Q expression of the shape documented above, pushing a
 * TsMigrateError (code `"bad-option"`) per problem into `errors`.
 */
export function checkQ(v: Value, fallback: SourceLocation | undefined, errors: ErrorCollector): void {
  const loc = locationOf(v) ?? fallback;
  const fail = (msg: string, at?: SourceLocation) => errors.add(msg, "bad-option", at ?? loc);
  if (!(v instanceof CallValue)) {
    fail(`expected a condition models.Q({ field__lookup: value }), found ${v instanceof RefValue ? v.name : JSON.stringify(v)}`);
    return;
  }
  switch (v.callee) {
    case "models.Q": {
      const o = v.args[0];
      if (v.args.length !== 1 || !isObjectValue(o) || Object.keys(o).length === 0) {
        fail("models.Q takes one non-empty object of lookups, e.g. models.Q({ price__gte: 0 })");
        return;
      }
      for (const [k, val] of Object.entries(o)) {
        if (!/^[A-Za-z_]\w*$/.test(k) || k.startsWith("__") || k.endsWith("__")) {
          fail(`"${k}" is not a lookup; expected field or field__lookup`, valueLocation(o, k));
        } else if (!isLiteral(val) && !isF(val)) {
          fail(`lookup ${k} must be a literal value or models.F("field")`, valueLocation(o, k));
        }
      }
      return;
    }
    case "models.Q.and":
    case "models.Q.or":
      if (v.args.length === 0) fail(`${v.callee} needs at least one models.Q(...)`);
      for (const a of v.args) checkQ(a, loc, errors);
      return;
    case "models.Q.not":
      if (v.args.length !== 1) fail("models.Q.not takes one models.Q(...)");
      for (const a of v.args) checkQ(a, loc, errors);
      return;
    default:
      fail(`expected models.Q(...), models.Q.and(...), models.Q.or(...) or models.Q.not(...), found ${v.callee}(...)`);
  }
}

/** Levenshtein distance (for "did you mean" hints). */
function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/**
 * The candidate closest to `word` for a "did you mean" hint: case-insensitive
 * edit distance at most a third of its length (min 2), or a candidate that
 * starts with `word` (3+ characters); undefined when none is close.
 */
export function nearest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Math.max(2, Math.floor(word.length / 3)) + 1;
  const lower = word.toLowerCase();
  for (const c of candidates) {
    let d = distance(word, c);
    if (word.length >= 3 && c.toLowerCase().startsWith(lower)) d = Math.min(d, bestD - 0.5);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}
