/**
 * Which `Meta.indexes` and `Meta.constraints` of a model name given fields
 * (in `fields`, or in a condition or check: a lookup key or `models.F`),
 * for the autodetector's deleted models. No Django counterpart: see
 * {@link entriesNaming}.
 */
import { renameFieldInCondition } from "../backends/q";
import type { ConstraintState, IndexState, ModelState } from "../state";
import { type Value, valueKey } from "../values";

/** True when `condition` (a Q value) names field `name`. */
function conditionNames(condition: Value | undefined, name: string): boolean {
  if (condition === undefined || condition === null) return false;
  // Renaming the field to a name no field has changes the condition only where it names it.
  return valueKey(renameFieldInCondition(condition, name, "\u0000")) !== valueKey(condition);
}

function entryNames(entry: IndexState | ConstraintState, name: string): boolean {
  if ("fields" in entry && entry.fields.some((f) => f.replace(/^-/, "") === name)) return true;
  return conditionNames("check" in entry ? entry.check : entry.condition, name);
}

/**
 * The indexes and constraints of `model` that name one of `fields`.
 * Removing a model, the autodetector removes its relation fields first
 * (Django's `generate_deleted_models`); an index or constraint naming one
 * of them must go before it, or the state between the two operations has
 * an index on a missing field and the migration cannot be unapplied
 * (Django 3.2 writes the same migration and fails there with
 * FieldDoesNotExist; found by tsmigrate's property test of random histories).
 */
export function entriesNaming(model: ModelState, fields: readonly string[]): { indexes: IndexState[]; constraints: ConstraintState[] } {
  const names = (e: IndexState | ConstraintState) => fields.some((f) => entryNames(e, f));
  return { indexes: (model.options.indexes ?? []).filter(names), constraints: (model.options.constraints ?? []).filter(names) };
}
