/**
 * Small immutable edits of model states used by the SQLite editor: a
 * model under another table name, with an index or constraint added or
 * removed, and the comparison of index/constraint entries across renames.
 */
import { TsMigrateError } from "../../errors";
import type { ConstraintState, FieldState, IndexState, ModelState, ProjectState } from "../../state";
import { type Value, valueKey } from "../../values";
import { renameFieldInCondition } from "../expressions";

/** A copy of `state` holding `model`. */
export function withModel(state: ProjectState, model: ModelState): ProjectState {
  const s = state.fork();
  s.put(model);
  return s;
}

/** `model` with another table name. */
export function withTable(model: ModelState, table: string): ModelState {
  return model.withOptions({ ...model.options, dbTable: table });
}

/**
 * Structural key of an index or constraint entry, with fields renamed by
 * `renames` (old field name -> new) in field lists and conditions, so that
 * an entry a RenameField only re-spelled compares equal.
 */
function entryKey(e: IndexState | ConstraintState, renames: ReadonlyMap<string, string>): string {
  let v = e as unknown as Record<string, Value>;
  for (const [from, to] of renames) {
    const rn = (n: Value) => (typeof n === "string" ? (n === from ? to : n === `-${from}` ? `-${to}` : n) : n);
    const next: Record<string, Value> = { ...v };
    if (Array.isArray(v.fields)) next.fields = (v.fields as readonly Value[]).map(rn);
    for (const key of ["condition", "check"]) {
      if (v[key] !== undefined && v[key] !== null) next[key] = renameFieldInCondition(v[key]!, from, to);
    }
    v = next;
  }
  return valueKey(v);
}

/**
 * `a` without the Meta indexes and constraints that `b` has unchanged (same
 * name, same definition, once `renames` are applied to both): their database
 * objects need no work whatever happened to columns or the table (SQLite's
 * renames follow them).
 */
export function withoutShared(a: ModelState, b: ModelState, renames: ReadonlyMap<string, string>): ModelState {
  const keys = new Set([...(b.options.indexes ?? []), ...(b.options.constraints ?? [])].map((e) => entryKey(e, renames)));
  const indexes = a.options.indexes?.filter((i) => !keys.has(entryKey(i, renames)));
  const constraints = a.options.constraints?.filter((c) => !keys.has(entryKey(c, renames)));
  if (indexes?.length === a.options.indexes?.length && constraints?.length === a.options.constraints?.length) return a;
  return a.withOptions({ ...a.options, indexes, constraints });
}

/** `model` with Meta index `name` replaced by `index` (removed when undefined). */
export function withIndex(model: ModelState, index: IndexState | undefined, name: string): ModelState {
  const rest = (model.options.indexes ?? []).filter((i) => i.name !== name);
  return model.withOptions({ ...model.options, indexes: index ? [...rest, index] : rest });
}

/** `model` with constraint `name` replaced by `c` (removed when undefined). */
export function withConstraint(model: ModelState, c: ConstraintState | undefined, name: string): ModelState {
  const rest = (model.options.constraints ?? []).filter((x) => x.name !== name);
  return model.withOptions({ ...model.options, constraints: c ? [...rest, c] : rest });
}

/** Field `name` of `model`; throws TsMigrateError `unknown-field` when absent. */
export function requireField(model: ModelState, name: string): FieldState {
  const f = model.fields.get(name);
  if (!f) throw new TsMigrateError(`${model.key} has no field "${name}"`, { code: "unknown-field" });
  return f;
}
