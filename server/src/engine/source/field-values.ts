/**
 * Fields, indexes and constraints <-> the {@link Value}s written in model and
 * migration files. One module for both directions so that what the writer
 * prints is exactly what the readers accept:
 *
 * - `models.CharField({ maxLength: 100, unique: true })`
 * - `models.ForeignKey("shop.category", { onDelete: models.CASCADE, null: true })`
 *   (relation target positional; in migrations a lowercase `"app.model"` label)
 * - `models.Index({ fields: ["name", "-price"], name: "shop_prod_name_idx", condition? })`
 * - `models.UniqueConstraint({ fields, name, condition?, deferrable?: models.Deferrable.DEFERRED })`
 * - `models.CheckConstraint({ check: models.Q({ price__gte: 0 }), name })`
 *
 * Validation follows Django 3.2's field constructors and system checks
 * (`django/db/models/fields/__init__.py`, `fields/related.py`,
 * `indexes.py`, `constraints.py`); each problem is a TsMigrateError at the
 * option it is about.
 */
import { ErrorCollector, type SourceLocation, TsMigrateError } from "../errors";
import { FIELD_SPECS, FIELD_TYPES, ON_DELETE, type FieldType, allowedOptions, isFieldType } from "../fields";
import { type FieldState, makeField } from "../state";
import { CallValue, type ObjectValue, RefValue, type Value, isObjectValue } from "../values";
import { checkQ, isLiteral, nearest } from "./q";
import { show } from "./util";
import { locationOf, memberLocation, valueLocation } from "./read";

export { checkQ, isLiteral } from "./q";
export { show } from "./util";
export { constraintFromValue, constraintToValue, indexFromValue, indexNameProblem, indexToValue } from "./index-values";

/** How relation targets are turned into model labels while reading a field. */
export interface FieldContext {
  /**
   * Turns a relation target as written (`to`'s positional argument or
   * `through`) into a lowercase `"app.model"` label.
   * @throws TsMigrateError (code `"unknown-model"` / `"bad-option"`) at `location` when it names no model.
   */
  resolveTarget(target: Value, option: "to" | "through", location: SourceLocation | undefined): string;
  /** Where to report errors that have no better place (e.g. a call built by hand). */
  readonly location?: SourceLocation;
}

/**
 * The context of migration files: targets are `"app.model"` strings (any
 * case; stored lowercase), as Django's migrations write them.
 */
export const LABEL_CONTEXT: FieldContext = {
  resolveTarget(target, option, location) {
    if (typeof target === "string" && /^[A-Za-z_][\w]*\.[A-Za-z_][\w]*$/.test(target)) return target.toLowerCase();
    throw new TsMigrateError(
      `${option === "to" ? "relation target" : "through"} must be a model label string "app.model", found ${show(target)}`,
      { code: "bad-option", location },
    );
  },
};


const BOOL_OPTIONS = new Set([
  "primaryKey", "unique", "blank", "null", "dbIndex", "editable", "serialize", "autoCreated", "allowUnicode",
  "unpackIpv4", "dbConstraint", "symmetrical", "parentLink", "autoNow", "autoNowAdd",
]);
const STRING_OPTIONS = new Set([
  "verboseName", "helpText", "dbColumn", "dbTablespace", "uniqueForDate", "uniqueForMonth", "uniqueForYear",
  "relatedName", "relatedQueryName", "dbCollation", "uploadTo", "widthField", "heightField", "toField", "dbTable",
]);
const TS_KEYWORDS_OR_PY = new Set([
  "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
  "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda",
  "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
]);


/** Splits a `models.X` callee; undefined when it is not in the `models` namespace. */
function modelsMember(callee: string): string | undefined {
  return callee.startsWith("models.") ? callee.slice("models.".length) : undefined;
}

function checkOptionValue(type: FieldType, key: string, v: Value, loc: SourceLocation | undefined, sink: ErrorCollector): void {
  const bad = (expected: string) => sink.add(`${type} option ${key} must be ${expected}, found ${show(v)}`, "bad-option", loc);
  if (BOOL_OPTIONS.has(key)) {
    if (typeof v !== "boolean") bad("true or false");
  } else if (STRING_OPTIONS.has(key)) {
    if (typeof v !== "string") bad("a string");
    else if (key === "relatedName" && !validRelatedName(v)) {
      bad("a valid identifier or end with '+' (fields.E306)");
    }
  } else if (key === "maxLength" || key === "maxDigits") {
    if (typeof v !== "number" || !Number.isInteger(v) || v <= 0) {
      bad(`a positive integer (fields.${key === "maxLength" ? "E121" : "E133"})`);
    }
  } else if (key === "decimalPlaces") {
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0) bad("a non-negative integer (fields.E131)");
  } else if (key === "protocol") {
    if (typeof v !== "string" || !["both", "ipv4", "ipv6"].includes(v.toLowerCase())) bad(`"both", "IPv4" or "IPv6"`);
  } else if (key === "default") {
    if (!isLiteral(v)) bad("a literal value (string, number, boolean, null, array or object of those)");
    else if (hasNul(v)) bad("a value the database can store: a string with a NUL character (\\0) cannot be a column default");
  } else if (key === "choices") {
    if (!Array.isArray(v) || !v.every((c) => isChoice(c))) {
      bad("an array of [value, label] pairs or [group, [[value, label], ...]] groups (fields.E005)");
    }
  } else if (key === "errorMessages") {
    if (!isObjectValue(v) || !Object.values(v).every((m) => typeof m === "string")) bad("an object of strings");
  } else if (key === "limitChoicesTo") {
    if (v instanceof CallValue) checkQ(v, loc, sink);
    else if (!isObjectValue(v) || !isLiteral(v)) bad("an object of lookups or a models.Q(...)");
  } else if (key === "throughFields") {
    if (!Array.isArray(v) || v.length !== 2 || !v.every((s) => typeof s === "string")) bad("an array of two field names");
  }
}

/** True when a string in `v` (nested in arrays and objects too) holds a NUL character. */
function hasNul(v: Value): boolean {
  if (typeof v === "string") return v.includes("\0");
  if (Array.isArray(v)) return v.some(hasNul);
  return isObjectValue(v) && Object.values(v).some(hasNul);
}

/** Django's fields.E306 check, `%(class)s`, `%(model_name)s` and `%(app_label)s` placeholders allowed. */
function validRelatedName(v: string): boolean {
  if (v.endsWith("+")) return true;
  const probe = v.replace(/%\((class|model_name|app_label)\)s/g, "x");
  return /^[A-Za-z_]\w*$/.test(probe) && !TS_KEYWORDS_OR_PY.has(probe);
}

function isChoice(c: Value): boolean {
  if (!Array.isArray(c) || c.length !== 2) return false;
  const [a, b] = c as readonly Value[];
  if (Array.isArray(b)) return b.every((p) => Array.isArray(p) && p.length === 2 && isScalar(p[0]) && isScalar(p[1]));
  return isScalar(a) && isScalar(b);
}
function isScalar(v: Value | undefined): boolean {
  return v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean";
}

/**
 * Reads a field call (`models.CharField({...})`, `models.ForeignKey(target, {...})`)
 * into a FieldState: type checked against FIELD_TYPES, option names against
 * `allowedOptions`, option values and Django's required options and system
 * checks (fields.E100, E007, E120-E134, E150, E160, E306, E320, E321, E330);
 * relation targets resolved through `ctx`; `onDelete` stored by name
 * (`"CASCADE"`); options at their defaults dropped (`makeField`).
 *
 * @throws TsMigrateError (one problem) or MultipleErrors (several), codes
 *   `unknown-field-type`, `unknown-option`, `missing-option`, `bad-option`,
 *   `unknown-model`, each located at the option concerned.
 */
export function fieldFromCall(call: CallValue, ctx: FieldContext): FieldState {
  const sink = new ErrorCollector();
  const callLoc = locationOf(call) ?? ctx.location;
  const type = fieldType(call, callLoc);
  const relation = FIELD_SPECS[type].relation !== undefined;
  const optIndex = relation ? 1 : 0;
  const out: Record<string, Value> = {};
  if (call.args.length > optIndex + 1) {
    sink.add(`${type} takes ${relation ? "a target and an options object" : "one options object"}; found ${call.args.length} arguments`,
      "bad-option", memberLocation(call.args, optIndex + 1) ?? callLoc);
  }
  if (relation) readTarget(call, type, ctx, callLoc, out, sink);
  const opts = optionsObject(call, type, optIndex, callLoc, sink);
  const read: OptionReader = { type, ctx, opts, optsLoc: locationOf(opts) ?? callLoc, allowed: allowedOptions(type), out, sink };
  for (const key of Object.keys(opts)) readOption(read, key);
  checkRequired(read);
  sink.throwIfAny();
  return makeField(type, out);
}

/** The field type of `models.<Type>(...)`. @throws TsMigrateError `unknown-field-type` with a "did you mean". */
function fieldType(call: CallValue, callLoc: SourceLocation | undefined): FieldType {
  const typeName = modelsMember(call.callee);
  if (typeName !== undefined && isFieldType(typeName)) return typeName;
  const guess = typeName === undefined ? undefined : nearest(typeName, FIELD_TYPES);
  throw new TsMigrateError(
    `unknown field type ${call.callee}; expected models.<FieldType> such as models.CharField` +
      (guess ? ` (did you mean models.${guess}?)` : ""),
    { code: "unknown-field-type", location: callLoc },
  );
}

/** A relation's positional target, resolved through `ctx` into `out.to`. */
function readTarget(call: CallValue, type: FieldType, ctx: FieldContext, callLoc: SourceLocation | undefined,
  out: Record<string, Value>, sink: ErrorCollector): void {
  const target = call.args[0];
  if (target === undefined) {
    sink.add(`${type} needs its target model as first argument (a model class, "ModelName", "app.Model" or "self")`,
      "missing-option", callLoc);
    return;
  }
  const to = sink.attempt(() => ctx.resolveTarget(target, "to", valueLocation(call.args, 0) ?? callLoc));
  if (to !== undefined) out.to = to;
}

/** The options object argument (`{}` when absent or in error). */
function optionsObject(call: CallValue, type: FieldType, optIndex: number, callLoc: SourceLocation | undefined,
  sink: ErrorCollector): ObjectValue {
  const rawOpts = call.args[optIndex];
  if (rawOpts === undefined || isObjectValue(rawOpts)) return rawOpts ?? {};
  sink.add(`${type} options must be an object literal { ... }, found ${show(rawOpts)}`, "bad-option",
    valueLocation(call.args, optIndex) ?? callLoc);
  return {};
}

/** The state of reading one field call's options. */
interface OptionReader {
  readonly type: FieldType;
  readonly ctx: FieldContext;
  readonly opts: ObjectValue;
  readonly optsLoc: SourceLocation | undefined;
  readonly allowed: ReadonlySet<string>;
  /** The options read so far (relation target, `onDelete` by name). */
  readonly out: Record<string, Value>;
  readonly sink: ErrorCollector;
}

/** Checks the option `key` and copies it into `r.out` (unless unknown). */
function readOption(r: OptionReader, key: string): void {
  const { type, opts, sink } = r;
  const v = opts[key]!;
  const loc = valueLocation(opts, key) ?? r.optsLoc;
  const relation = FIELD_SPECS[type].relation !== undefined;
  if (key === "to" && relation) {
    sink.add(`give the ${type} target as the first argument, not as option "to"`, "unknown-option", memberLocation(opts, key) ?? r.optsLoc);
  } else if (!r.allowed.has(key) || key === "to") {
    const names = [...r.allowed].filter((k) => k !== "to");
    const guess = nearest(key, names);
    sink.add(`unknown option ${key} for ${type}` + (guess ? ` (did you mean ${guess}?)` : "") +
      `; expected one of: ${names.join(", ")}`, "unknown-option", memberLocation(opts, key) ?? r.optsLoc);
  } else if (key === "onDelete") {
    const name = v instanceof RefValue ? modelsMember(v.name) : undefined;
    if (name === undefined || !(ON_DELETE as readonly string[]).includes(name)) {
      sink.add(`onDelete must be one of ${ON_DELETE.map((n) => `models.${n}`).join(", ")}, found ${show(v)}`, "bad-option", loc);
    } else {
      r.out.onDelete = name;
    }
  } else if (key === "through") {
    const through = sink.attempt(() => r.ctx.resolveTarget(v, "through", loc));
    if (through !== undefined) r.out.through = through;
  } else {
    checkOptionValue(type, key, v, loc, sink);
    r.out[key] = v;
  }
}

/** Django's system checks on option combinations and required options. */
function checkRequired(r: OptionReader): void {
  const { type, opts, out, sink } = r;
  const missing = (key: string, what: string) => sink.add(`${type} requires option ${key}: ${what}`, "missing-option", r.optsLoc);
  const bad = (message: string, key: string) => sink.add(message, "bad-option", valueLocation(opts, key));
  if (type === "CharField" && opts.maxLength === undefined) missing("maxLength", "a positive integer (fields.E120)");
  if (type === "DecimalField") {
    if (opts.maxDigits === undefined) missing("maxDigits", "a positive integer (fields.E132)");
    if (opts.decimalPlaces === undefined) missing("decimalPlaces", "a non-negative integer (fields.E130)");
    if (typeof opts.maxDigits === "number" && typeof opts.decimalPlaces === "number" && opts.decimalPlaces > opts.maxDigits) {
      bad("maxDigits must be greater or equal to decimalPlaces (fields.E134)", "maxDigits");
    }
  }
  if ((type === "ForeignKey" || type === "OneToOneField") && opts.onDelete === undefined) {
    missing("onDelete", `one of ${ON_DELETE.map((n) => `models.${n}`).join(", ")}`);
  }
  if (FIELD_SPECS[type].auto && opts.primaryKey !== true) sink.add(`${type} must set primaryKey: true (fields.E100)`, "missing-option", r.optsLoc);
  if (opts.primaryKey === true && opts.null === true) bad("a primary key must not have null: true (fields.E007)", "null");
  const exclusive = ["autoNow", "autoNowAdd", "default"].filter((k) => opts[k] !== undefined && opts[k] !== false);
  if (exclusive.length > 1) bad("the options autoNow, autoNowAdd and default are mutually exclusive (fields.E160)", exclusive[1]!);
  if (out.onDelete === "SET_NULL" && opts.null !== true) bad("onDelete: models.SET_NULL needs null: true (fields.E320)", "onDelete");
  if (out.onDelete === "SET_DEFAULT" && opts.default === undefined) bad("onDelete: models.SET_DEFAULT needs a default (fields.E321)", "onDelete");
  if (type === "GenericIPAddressField" && opts.blank === true && opts.null !== true) {
    bad("GenericIPAddressField cannot have blank: true unless null: true (fields.E150)", "blank");
  }
  if (type === "ManyToManyField" && opts.unique === true) bad("ManyToManyField cannot be unique (fields.E330)", "unique");
}

/**
 * The call that writes `field` in a migration file (the inverse of
 * {@link fieldFromCall} with {@link LABEL_CONTEXT}): the target label first
 * for relations; options sorted by name as Django's serializer sorts kwargs,
 * except that `onDelete` comes first; no options object when empty.
 */
export function fieldToCall(field: FieldState): CallValue {
  const keys = Object.keys(field.options).filter((k) => k !== "to" && k !== "onDelete").sort();
  if (field.options.onDelete !== undefined) keys.unshift("onDelete");
  const opts: Record<string, Value> = {};
  for (const k of keys) {
    const v = field.options[k]!;
    opts[k] = k === "onDelete" ? new RefValue(`models.${String(v)}`) : v;
  }
  const args: Value[] = [];
  if (FIELD_SPECS[field.type].relation) args.push(field.options.to ?? null);
  if (keys.length > 0) args.push(opts);
  return new CallValue(`models.${field.type}`, args);
}
