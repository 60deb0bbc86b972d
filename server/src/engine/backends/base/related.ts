/**
 * Relations as the schema sees them: the field a foreign key points at, the
 * auto-created join ("through") model of a many-to-many field, and the
 * fields of other models that point at a model. Follows
 * `django/db/models/fields/related.py` (Django 3.2):
 * `ForeignKey.target_field`, `create_many_to_many_intermediary_model`,
 * `ManyToManyField._get_m2m_db_table`.
 */
import { TsMigrateError } from "../../errors";
import type { FieldType } from "../../fields";
import { truncateName } from "../../names";
import {
  fieldColumn, fieldOption, isForeignKey, isManyToMany, makeField, ModelState, type FieldState, type ProjectState,
} from "../../state";

/**
 * The model whose table a relation field points at; `"self"` means the
 * owner, and a proxy model's table is its concrete model's (Django's
 * `remote_field.model._meta.concrete_model`). Throws when the label names no model.
 */
export function relatedModelOf(owner: ModelState, field: FieldState, state: ProjectState): ModelState {
  return state.concrete(declaredModelOf(owner, field, state));
}

/** The model a relation field names (a proxy stays a proxy); `"self"` means the owner. Throws when the label names no model. */
function declaredModelOf(owner: ModelState, field: FieldState, state: ProjectState): ModelState {
  const to = field.options.to;
  if (typeof to !== "string") throw new TsMigrateError(`relation field of ${owner.key} has no "to" model`, { code: "bad-migration" });
  if (to === "self" || to.toLowerCase() === owner.key) return state.resolve(owner.key) ?? owner;
  const label = to.includes(".") ? to : `${owner.app}.${to}`;
  const target = state.resolve(label);
  if (!target) {
    throw new TsMigrateError(`${owner.key} has a relation to "${to}", which is not a model in the migration state`, {
      code: "unknown-model",
    });
  }
  return target;
}

/** The field a foreign key points at: the target model, the target field's name, state and column. */
export interface FkTarget {
  readonly model: ModelState;
  readonly name: string;
  readonly field: FieldState;
  readonly column: string;
}

/** `ForeignKey.target_field`: `toField` of the related model, else its primary key. */
export function fkTarget(owner: ModelState, field: FieldState, state: ProjectState): FkTarget {
  const model = relatedModelOf(owner, field, state);
  const toField = field.options.toField;
  let name: string;
  let target: FieldState | undefined;
  if (typeof toField === "string") {
    name = toField;
    target = model.fields.get(toField);
    if (!target) {
      throw new TsMigrateError(`${owner.key} has a foreign key to ${model.key}.${toField}, which is not a field`, {
        code: "unknown-field",
      });
    }
  } else {
    [name, target] = model.pk;
  }
  return { model, name, field: target, column: fieldColumn(name, target)! };
}

/** Options of the auto-created through models: the primary key type (the config's `defaultAutoField`). */
export interface ThroughOptions {
  readonly defaultAutoField?: FieldType;
}

/**
 * The auto-created join table of many-to-many field `name` of `owner`, as a
 * model: `id`, a foreign key to the owner and one to the target (named by
 * the models' lowercase names, `from_x`/`to_x` when both are the same model),
 * `unique_together` on the two. Undefined when the field has a `through` model.
 * The join table is `dbTable`, else `<owner table>_<field name>` (truncated
 * to the vendor's `maxNameLength`, none on SQLite).
 */
export function throughModel(
  owner: ModelState, name: string, field: FieldState, state: ProjectState,
  options: ThroughOptions & { maxNameLength?: number } = {},
): ModelState | undefined {
  if (!isManyToMany(field) || field.options.through !== undefined && field.options.through !== null) return undefined;
  const target = relatedModelOf(owner, field, state);
  let from = owner.nameLower;
  let to = declaredModelOf(owner, field, state).nameLower;
  if (from === to) {
    from = `from_${from}`;
    to = `to_${to}`;
  }
  const dbTable = typeof field.options.dbTable === "string"
    ? field.options.dbTable
    : truncateName(`${owner.dbTable}_${name}`, options.maxNameLength);
  const dbConstraint = fieldOption(field, "dbConstraint") !== false;
  const fk = (label: string) => makeField("ForeignKey", {
    to: label, onDelete: "CASCADE", dbConstraint: dbConstraint ? undefined : false,
  });
  return new ModelState(owner.app, `${owner.name}_${name}`, [
    ["id", makeField(options.defaultAutoField ?? "BigAutoField", {
      primaryKey: true, autoCreated: true, serialize: false, verboseName: "ID",
    })],
    [from, fk(owner.key)],
    [to, fk(target.key)],
  ], { dbTable, uniqueTogether: [[from, to]] });
}

/** The auto-created join models of `model`'s own many-to-many fields, in field order, with the field names. */
export function ownThroughModels(
  model: ModelState, state: ProjectState, options: ThroughOptions & { maxNameLength?: number } = {},
): { field: string; through: ModelState }[] {
  const out: { field: string; through: ModelState }[] = [];
  for (const [name, f] of model.fields) {
    const t = throughModel(model, name, f, state, options);
    if (t) out.push({ field: name, through: t });
  }
  return out;
}

/** A foreign key of some model (real or auto-created through model) pointing at another model. */
export interface IncomingFk {
  readonly model: ModelState;
  readonly name: string;
  readonly field: FieldState;
  /** Set when `model` is the through model of many-to-many field `m2m.field` of `m2m.owner`. */
  readonly m2m?: { readonly owner: ModelState; readonly field: string };
}

/**
 * Every foreign key in `state` that points at `target` (by key), including
 * those of auto-created through models, in state order.
 * @throws TsMigrateError code `unknown-model` when a relation in `state`
 *   names no model (never skipped: a rebuild would silently drop its FK).
 */
export function incomingForeignKeys(
  target: ModelState, state: ProjectState, options: ThroughOptions & { maxNameLength?: number } = {},
): IncomingFk[] {
  const out: IncomingFk[] = [];
  const points = (owner: ModelState, f: FieldState): boolean => relatedModelOf(owner, f, state).key === target.key;
  for (const model of state.models.values()) {
    for (const [name, f] of model.fields) {
      if (isForeignKey(f) && points(model, f)) out.push({ model, name, field: f });
      if (isManyToMany(f)) {
        const through = throughModel(model, name, f, state, options);
        if (!through) continue;
        for (const [tn, tf] of through.fields) {
          if (isForeignKey(tf) && points(through, tf)) out.push({ model: through, name: tn, field: tf, m2m: { owner: model, field: name } });
        }
      }
    }
  }
  return out;
}
