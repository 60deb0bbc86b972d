/**
 * Model `Meta` options (state) <-> the object written in CreateModel's and
 * AlterModelOptions' `options` argument. Keys are Django's `DEFAULT_NAMES`
 * in camelCase, written in Django's `DEFAULT_NAMES` order so that the same
 * options always give the same text.
 */
import { MultipleErrors, type SourceLocation, TsMigrateError } from "../errors";
import { constraintFromValue, constraintToValue, indexFromValue, indexToValue, show } from "../source/field-values";
import { locationOf, valueLocation } from "../source/read";
import { type ConstraintState, type IndexState, type ModelOptions, normalizeTogether } from "../state";
import { type ObjectValue, type Value, isObjectValue } from "../values";

/** Option keys in the order they are written (Django's `DEFAULT_NAMES` order). */
export const OPTION_ORDER = [
  "verboseName", "verboseNamePlural", "dbTable", "ordering", "uniqueTogether", "permissions", "getLatestBy",
  "orderWithRespectTo", "managed", "proxy", "indexTogether", "defaultPermissions", "defaultRelatedName", "indexes",
  "constraints",
] as const satisfies readonly (keyof ModelOptions)[];

/** Options as the object literal written in a migration (indexes and constraints as `models.*` calls). */
export function optionsToValue(options: ModelOptions): ObjectValue {
  const out: Record<string, Value> = {};
  const o = options as Record<string, unknown>;
  for (const key of OPTION_ORDER) {
    const v = o[key];
    if (v === undefined) continue;
    if (key === "indexes") out[key] = (v as IndexState[]).map(indexToValue);
    else if (key === "constraints") out[key] = (v as ConstraintState[]).map(constraintToValue);
    else if (key === "uniqueTogether" || key === "indexTogether") out[key] = (v as string[][]).map((t) => [...t]);
    else out[key] = v as Value;
  }
  return out;
}


const isStringList = (v: Value): boolean => Array.isArray(v) && v.every((s) => typeof s === "string");

/**
 * Reads an `options` object of a migration operation. `allowed` limits the
 * keys (AlterModelOptions takes only the state-only ones).
 * @throws TsMigrateError / MultipleErrors code `bad-migration` at the bad key or value.
 */
export function optionsFromValue(
  value: Value, where: string, location: SourceLocation | undefined, allowed: readonly string[] = OPTION_ORDER,
): ModelOptions {
  const loc = locationOf(value) ?? location;
  if (!isObjectValue(value)) {
    throw new TsMigrateError(`${where}: expected an object of Meta options { ... }, found ${show(value)}`,
      { code: "bad-migration", location: loc });
  }
  const errors: TsMigrateError[] = [];
  const bad = (key: string, expected: string) =>
    errors.push(new TsMigrateError(`${where}.${key}: expected ${expected}, found ${show(value[key])}`,
      { code: "bad-migration", location: valueLocation(value, key) ?? loc }));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const v = value[key]!;
    if (!allowed.includes(key)) {
      errors.push(new TsMigrateError(`${where}: unknown option "${key}"; expected one of ${allowed.join(", ")}`,
        { code: "bad-migration", location: valueLocation(value, key) ?? loc }));
      continue;
    }
    switch (key) {
      case "verboseName": case "verboseNamePlural": case "dbTable": case "orderWithRespectTo": case "defaultRelatedName":
        if (typeof v === "string") out[key] = v;
        else bad(key, "a string");
        break;
      case "managed": case "proxy":
        if (typeof v === "boolean") out[key] = v;
        else bad(key, "true or false");
        break;
      case "ordering":
        if (isStringList(v)) out[key] = [...(v as string[])];
        else bad(key, "an array of field names");
        break;
      case "uniqueTogether": case "indexTogether": {
        const t = v === null ? [] : normalizeTogether(v);
        if (t === undefined) bad(key, "an array of arrays of field names");
        else if (t.length) out[key] = t;
        break;
      }
      case "indexes": case "constraints": {
        if (!Array.isArray(v)) {
          bad(key, `an array of ${key === "indexes" ? "models.Index" : "constraint"} calls`);
          break;
        }
        const items: unknown[] = [];
        (v as readonly Value[]).forEach((item, i) => {
          try {
            const at = valueLocation(v, i) ?? loc;
            items.push(key === "indexes" ? indexFromValue(item, { location: at }) : constraintFromValue(item, { location: at }));
          } catch (e) {
            if (e instanceof MultipleErrors) errors.push(...e.errors);
            else if (e instanceof TsMigrateError) errors.push(e);
            else throw e;
          }
        });
        out[key] = items;
        break;
      }
      default:
        out[key] = v; // getLatestBy, permissions, defaultPermissions: kept as written
    }
  }
  if (errors.length === 1) throw errors[0]!;
  if (errors.length > 1) throw new MultipleErrors(errors);
  return out as ModelOptions;
}
