/**
 * The static values that model and migration files are made of.
 *
 * Files are never executed: ts-morph reads object literals, arrays, strings,
 * numbers, booleans, `null`, and calls such as `models.CharField({...})` or
 * `models.Q({...})`, and references such as `models.CASCADE`. This module
 * fixes their in-memory shape, structural equality and a canonical key.
 */

/** A call written in a file, e.g. `models.Index({ fields: ["name"], name: "x" })`: callee `"models.Index"`. */
export class CallValue {
  constructor(
    readonly callee: string,
    readonly args: readonly Value[],
  ) {}
}

/** A reference to a named constant or class, e.g. `models.CASCADE` (name `"models.CASCADE"`) or `Category`. */
export class RefValue {
  constructor(readonly name: string) {}
}

/** A plain object literal: insertion-ordered string keys. */
export interface ObjectValue {
  readonly [key: string]: Value;
}

/** Any value a model or migration file may hold. */
export type Value = null | boolean | number | string | readonly Value[] | ObjectValue | CallValue | RefValue;

/** True when `v` is a plain object literal (not an array, call or reference). */
export function isObjectValue(v: Value | undefined): v is ObjectValue {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof CallValue) && !(v instanceof RefValue);
}

/**
 * A canonical string for a value: equal values give equal keys, whatever the
 * object key order. Used for equality and for sorting deterministically.
 */
export function valueKey(v: Value | undefined): string {
  if (v === undefined) return "u";
  if (v === null || typeof v !== "object") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(valueKey).join(",")}]`;
  if (v instanceof CallValue) return `${v.callee}(${v.args.map(valueKey).join(",")})`;
  if (v instanceof RefValue) return `&${v.name}`;
  const o = v as ObjectValue;
  const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${valueKey(o[k])}`).join(",")}}`;
}

