/**
 * The field-level generators of Django's autodetector
 * (`generate_renamed_fields`, `generate_removed_fields`,
 * `generate_added_fields`, `generate_altered_fields`, Django 3.2), on a
 * {@link Detector}.
 */
import { defaultFillsRows, isCallableDefault } from "../callables";
import { AddField, AlterField, RemoveField, RenameField } from "../operations/fields";
import { type FieldState, fieldColumn, fieldOption, fieldsEqual, isManyToMany, makeField } from "../state";
import { type Value, valueKey } from "../values";
import type { Dependency } from "./deps";
import { type Detector, appOf, modelOf } from "./detector";
import { type Asking, askNotNullAddition, askNotNullAlteration, askRenameField } from "./questions";

const sortedNames = (s: Iterable<string>): string[] => [...s].sort();

/** Field names of `a` not in `b`. */
function minus(a: ReadonlySet<string> | undefined, b: ReadonlySet<string> | undefined): string[] {
  return sortedNames([...(a ?? [])].filter((n) => !b?.has(n)));
}

/** Django's `generate_renamed_fields`: a removed and an added field of one model with the same definition. */
export function* generateRenamedFields(d: Detector): Asking<void> {
  for (const key of [...d.keptModelKeys].sort()) {
    const oldKeys = d.oldFieldKeys.get(key)!;
    const newKeys = d.newFieldKeys.get(key)!;
    const added = minus(newKeys, oldKeys);
    if (!added.length) continue;
    const oldModel = d.oldModel(key);
    const newModel = d.newModel(key);
    for (const fieldName of added) {
      const field = newModel.fields.get(fieldName)!;
      const fieldDef = valueKey(field.options as Value);
      for (const remName of minus(oldKeys, newKeys)) {
        let oldField = oldModel.fields.get(remName)!;
        if (oldField.type !== field.type) continue;
        const oldTo = oldField.options.to;
        if (typeof field.options.to === "string" && typeof oldTo === "string" && d.renamedModelsRel.has(oldTo)) {
          oldField = { type: oldField.type, options: { ...oldField.options, to: d.renamedModelsRel.get(oldTo)! } };
        }
        const oldColumn = fieldColumn(remName, oldField);
        const same = valueKey(oldField.options as Value) === fieldDef ||
          (oldColumn !== undefined && valueKey({ ...oldField.options, dbColumn: oldColumn } as Value) === fieldDef);
        if (!same) continue;
        if (!(yield* askRenameField(modelOf(key), remName, fieldName, field, appOf(key)))) continue;
        d.addOperation(appOf(key), new RenameField(modelOf(key), remName, fieldName));
        oldKeys.delete(remName);
        oldKeys.add(fieldName);
        d.renamedFields.set(`${key}.${fieldName}`, remName);
        break;
      }
    }
  }
}

/** Django's `generate_removed_fields`. */
export function generateRemovedFields(d: Detector): void {
  for (const key of [...d.keptModelKeys].sort()) {
    for (const name of minus(d.oldFieldKeys.get(key), d.newFieldKeys.get(key))) generateRemovedField(d, key, name);
  }
}

function generateRemovedField(d: Detector, key: string, name: string): void {
  const app = appOf(key);
  const model = modelOf(key);
  d.addOperation(app, new RemoveField(model, name), [
    { app, model, field: name, kind: "order_wrt_unset" },
    { app, model, field: name, kind: "foo_together_change" },
  ]);
}

/** Django's `generate_added_fields`. */
export function* generateAddedFields(d: Detector): Asking<void> {
  for (const key of [...d.keptModelKeys].sort()) {
    for (const name of minus(d.newFieldKeys.get(key), d.oldFieldKeys.get(key))) yield* generateAddedField(d, key, name);
  }
}

/**
 * Field types whose empty value is not an empty string (Django's
 * `empty_strings_allowed = False`): a blank one still needs a default.
 */
const NO_EMPTY_STRINGS = new Set([
  "AutoField", "BigAutoField", "SmallAutoField", "BooleanField", "IntegerField", "BigIntegerField", "SmallIntegerField",
  "PositiveIntegerField", "PositiveBigIntegerField", "PositiveSmallIntegerField", "FloatField", "DecimalField",
  "DateField", "DateTimeField", "TimeField", "DurationField", "UUIDField", "JSONField", "GenericIPAddressField",
  "ForeignKey", "OneToOneField",
]);

/**
 * True when adding (or making NOT NULL) `field` needs no one-off default
 * (Django's `preserve_default` test in `_generate_added_field`). `autoNowAdd`
 * counts as a default here: it becomes DEFAULT CURRENT_TIMESTAMP.
 */
export function hasUsableDefault(field: FieldState): boolean {
  return fieldOption(field, "null") === true || defaultFillsRows(field) || isManyToMany(field) ||
    (fieldOption(field, "blank") === true && !NO_EMPTY_STRINGS.has(field.type)) ||
    field.options.autoNow === true || field.options.autoNowAdd === true;
}

/**
 * After a one-off default filled existing rows, the AlterField giving the
 * field its callable default back (a one-off default is not kept), or
 * nothing when the field's default is not a callable.
 */
function restoreCallableDefault(d: Detector, key: string, name: string, field: FieldState): void {
  if (!isCallableDefault(field.options.default)) return;
  d.addOperation(appOf(key), new AlterField(modelOf(key), name, field), [{ app: appOf(key), model: modelOf(key), field: name, kind: true }]);
}

function* generateAddedField(d: Detector, key: string, name: string, extra: Dependency[] = []): Asking<void> {
  const declared = d.newModel(key).fields.get(name)!;
  let field = declared;
  const deps: Dependency[] = typeof field.options.to === "string" || typeof field.options.through === "string"
    ? d.fkDependencies(field) : [];
  deps.push(...extra);
  const preserveDefault = hasUsableDefault(field);
  if (!preserveDefault) {
    const value = yield* askNotNullAddition(name, modelOf(key), field, appOf(key));
    field = makeField(field.type, { ...field.options, default: value });
  }
  d.addOperation(appOf(key), new AddField(modelOf(key), name, field, preserveDefault), deps);
  if (!preserveDefault) restoreCallableDefault(d, key, name, declared);
}

/** Django's `generate_altered_fields`: AlterField when the definitions differ (relation renames aside). */
export function* generateAlteredFields(d: Detector): Asking<void> {
  for (const key of [...d.keptModelKeys].sort()) {
    const oldKeys = d.oldFieldKeys.get(key)!;
    const newKeys = d.newFieldKeys.get(key)!;
    const oldModel = d.oldModel(key);
    const newModel = d.newModel(key);
    for (const name of sortedNames([...oldKeys].filter((n) => newKeys.has(n)))) {
      const oldName = d.renamedFields.get(`${key}.${name}`) ?? name;
      const oldField = oldModel.fields.get(oldName)!;
      const newField = newModel.fields.get(name)!;
      const deps: Dependency[] = [];
      // Model and field renames on relations are done by RenameModel/RenameField: compare without them.
      let compared = newField;
      const to = newField.options.to;
      // (Unlike Django, only when the old field pointed at the renamed model's old name.)
      const renamedFrom = (newTarget: Value | undefined, oldTarget: Value | undefined) =>
        typeof newTarget === "string" && typeof oldTarget === "string" && oldTarget !== newTarget &&
        d.renamedModels.get(newTarget) === oldTarget;
      if (typeof to === "string") {
        const options: Record<string, Value> = { ...newField.options };
        if (renamedFrom(to, oldField.options.to)) options.to = oldField.options.to!;
        const toField = newField.options.toField;
        const oldToField = typeof toField === "string" ? d.renamedFields.get(`${to}.${toField}`) : undefined;
        if (oldToField !== undefined && oldToField === oldField.options.toField) options.toField = oldToField;
        compared = { type: newField.type, options };
        deps.push(...d.fkDependencies(newField));
      }
      const through = newField.options.through;
      if (renamedFrom(through, oldField.options.through)) {
        compared = { type: compared.type, options: { ...compared.options, through: oldField.options.through! } };
      }
      if (fieldsEqual(oldField, compared)) continue;
      if (isManyToMany(oldField) === isManyToMany(newField)) {
        let preserveDefault = true;
        let field = newField;
        if (fieldOption(oldField, "null") === true && fieldOption(newField, "null") !== true &&
          !defaultFillsRows(newField) && !isManyToMany(newField)) {
          const answer = yield* askNotNullAlteration(name, modelOf(key), newField, appOf(key));
          if (answer.kind === "default") {
            field = makeField(newField.type, { ...newField.options, default: answer.value });
            preserveDefault = false;
          }
        }
        d.addOperation(appOf(key), new AlterField(modelOf(key), name, field, preserveDefault), deps);
        if (!preserveDefault) restoreCallableDefault(d, key, name, newField);
      } else {
        // No altering between M2M and concrete fields. Unlike Django, the AddField depends on the
        // RemoveField, so that sorting never puts it first (a together change can delay the removal).
        generateRemovedField(d, key, name);
        yield* generateAddedField(d, key, name, [{ app: appOf(key), model: modelOf(key), field: name, kind: false }]);
      }
    }
  }
}
