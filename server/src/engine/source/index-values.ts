/**
 * Indexes and constraints <-> the values written in model Meta and migration
 * files: `models.Index({ fields, name, condition? })`,
 * `models.UniqueConstraint({ fields, name, condition?, deferrable? })`,
 * `models.CheckConstraint({ check, name })`. Follows Django 3.2's
 * `django/db/models/indexes.py` and `constraints.py`.
 */
import { ErrorCollector, type SourceLocation, TsMigrateError } from "../errors";
import type { ConstraintState, IndexState } from "../state";
import { CallValue, type ObjectValue, RefValue, type Value, isObjectValue } from "../values";
import { show } from "./util";
import { checkQ, nearest } from "./q";
import { locationOf, memberLocation, valueLocation } from "./read";

/* ------------------------------------------------------------------ indexes */

function stringList(v: Value | undefined, what: string, loc: SourceLocation | undefined, sink: ErrorCollector): string[] | undefined {
  if (!Array.isArray(v) || v.length === 0 || !v.every((s) => typeof s === "string" && s.length > 0)) {
    sink.add(`${what} must be a non-empty array of field names, found ${show(v)}`, "bad-option", loc);
    return undefined;
  }
  return [...(v as string[])];
}

function checkKeys(o: ObjectValue, kind: string, allowed: readonly string[], sink: ErrorCollector): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) {
      const guess = nearest(k, allowed);
      sink.add(`unknown option ${k} for ${kind}` + (guess ? ` (did you mean ${guess}?)` : "") + `; expected one of: ${allowed.join(", ")}`,
        "unknown-option", memberLocation(o, k) ?? locationOf(o));
    }
  }
}

function checkName(v: Value | undefined, kind: string, loc: SourceLocation | undefined, sink: ErrorCollector, index: boolean): string | undefined {
  if (typeof v !== "string" || v.length === 0) {
    sink.add(`${kind} name must be a non-empty string, found ${show(v)}`, "bad-option", loc);
    return undefined;
  }
  // Names with %(app_label)s / %(class)s are checked once formatted (model files only).
  const problem = index && !v.includes("%(") ? indexNameProblem(v) : undefined;
  if (problem) sink.add(problem, "bad-option", loc);
  return v;
}

/**
 * Django's index-name checks (models.E033, E034) on a final name; returns
 * the problem or undefined.
 */
export function indexNameProblem(name: string): string | undefined {
  if (/^[_0-9]/.test(name)) return `index name "${name}" cannot start with an underscore or a number (models.E033)`;
  if (name.length > 30) return `index name "${name}" cannot be longer than 30 characters (models.E034)`;
  return undefined;
}

function optionsArg(value: Value, kind: string, fallback: SourceLocation | undefined): ObjectValue {
  const loc = locationOf(value) ?? fallback;
  if (!(value instanceof CallValue) || value.callee !== `models.${kind}`) {
    throw new TsMigrateError(`expected models.${kind}({ ... }), found ${show(value)}`, { code: "bad-option", location: loc });
  }
  if (value.args.length !== 1 || !isObjectValue(value.args[0])) {
    throw new TsMigrateError(`models.${kind} takes one options object { ... }`, { code: "bad-option", location: loc });
  }
  return value.args[0];
}

/**
 * Reads `models.Index({ fields, name, condition? })` (Django's `Index`).
 * `requireName: false` (model files) allows a missing name: the result's
 * name is then `""` and the caller sets Django's default name.
 * @throws TsMigrateError / MultipleErrors (`bad-option`, `unknown-option`, `missing-option`).
 */
export function indexFromValue(value: Value, opts: { requireName?: boolean; location?: SourceLocation } = {}): IndexState {
  const o = optionsArg(value, "Index", opts.location);
  const loc = locationOf(o) ?? opts.location;
  const sink = new ErrorCollector();
  checkKeys(o, "models.Index", ["fields", "name", "condition"], sink);
  const fields = stringList(o.fields, "Index fields", valueLocation(o, "fields") ?? loc, sink);
  let name = "";
  if (o.name !== undefined) name = checkName(o.name, "Index", valueLocation(o, "name"), sink, true) ?? "";
  else if (opts.requireName !== false) sink.add("models.Index needs a name in a migration", "missing-option", loc);
  if (o.condition !== undefined) {
    checkQ(o.condition, valueLocation(o, "condition"), sink);
    if (o.name === undefined && opts.requireName === false) sink.add("an index with a condition must be named", "missing-option", loc);
  }
  sink.throwIfAny();
  const out: { name: string; fields: string[]; condition?: Value } = { name, fields: fields! };
  if (o.condition !== undefined) out.condition = o.condition;
  return out;
}

/** `models.Index({ fields, name, condition? })` for a migration file (Django's `Index.deconstruct`). */
export function indexToValue(index: IndexState): CallValue {
  const o: Record<string, Value> = { fields: [...index.fields], name: index.name };
  if (index.condition !== undefined) o.condition = index.condition;
  return new CallValue("models.Index", [o]);
}

/* -------------------------------------------------------------- constraints */

/**
 * Reads `models.UniqueConstraint({ fields, name, condition?, deferrable? })`
 * or `models.CheckConstraint({ check, name })` (Django's `constraints.py`).
 * @throws TsMigrateError / MultipleErrors (`bad-option`, `unknown-option`, `missing-option`).
 */
export function constraintFromValue(value: Value, opts: { location?: SourceLocation } = {}): ConstraintState {
  const loc0 = locationOf(value) ?? opts.location;
  const kind = value instanceof CallValue ? value.callee : undefined;
  const sink = new ErrorCollector();
  if (kind === "models.UniqueConstraint") {
    const o = optionsArg(value, "UniqueConstraint", opts.location);
    const loc = locationOf(o) ?? loc0;
    checkKeys(o, "models.UniqueConstraint", ["fields", "name", "condition", "deferrable"], sink);
    const fields = stringList(o.fields, "UniqueConstraint fields", valueLocation(o, "fields") ?? loc, sink);
    const name = checkName(o.name, "UniqueConstraint", valueLocation(o, "name") ?? loc, sink, false);
    if (o.condition !== undefined) checkQ(o.condition, valueLocation(o, "condition"), sink);
    let deferrable: "DEFERRED" | "IMMEDIATE" | undefined;
    if (o.deferrable !== undefined) {
      const d = o.deferrable instanceof RefValue ? o.deferrable.name : "";
      if (d === "models.Deferrable.DEFERRED") deferrable = "DEFERRED";
      else if (d === "models.Deferrable.IMMEDIATE") deferrable = "IMMEDIATE";
      else sink.add(`deferrable must be models.Deferrable.DEFERRED or models.Deferrable.IMMEDIATE, found ${show(o.deferrable)}`,
        "bad-option", valueLocation(o, "deferrable"));
      if (o.condition !== undefined) sink.add("a UniqueConstraint with a condition cannot be deferred", "bad-option", valueLocation(o, "deferrable"));
    }
    sink.throwIfAny();
    const out: { kind: "UniqueConstraint"; name: string; fields: string[]; condition?: Value; deferrable?: "DEFERRED" | "IMMEDIATE" } =
      { kind: "UniqueConstraint", name: name!, fields: fields! };
    if (o.condition !== undefined) out.condition = o.condition;
    if (deferrable) out.deferrable = deferrable;
    return out;
  }
  if (kind === "models.CheckConstraint") {
    const o = optionsArg(value, "CheckConstraint", opts.location);
    const loc = locationOf(o) ?? loc0;
    checkKeys(o, "models.CheckConstraint", ["check", "name"], sink);
    const name = checkName(o.name, "CheckConstraint", valueLocation(o, "name") ?? loc, sink, false);
    if (o.check === undefined) sink.add("models.CheckConstraint requires check: models.Q({ ... })", "missing-option", loc);
    else checkQ(o.check, valueLocation(o, "check") ?? loc, sink);
    sink.throwIfAny();
    return { kind: "CheckConstraint", name: name!, check: o.check! };
  }
  throw new TsMigrateError(`expected models.UniqueConstraint({ ... }) or models.CheckConstraint({ ... }), found ${show(value)}`, {
    code: "bad-option",
    location: loc0,
  });
}

/** The call that writes a constraint in a migration file (Django's `deconstruct()` kwargs). */
export function constraintToValue(c: ConstraintState): CallValue {
  if (c.kind === "CheckConstraint") return new CallValue("models.CheckConstraint", [{ check: c.check, name: c.name }]);
  const o: Record<string, Value> = { fields: [...c.fields], name: c.name };
  if (c.condition !== undefined) o.condition = c.condition;
  if (c.deferrable !== undefined) o.deferrable = new RefValue(`models.Deferrable.${c.deferrable}`);
  return new CallValue("models.UniqueConstraint", [o]);
}
