/**
 * Django's `AlterOrderWithRespectTo`
 * (`django/db/migrations/operations/models.py`, Django 3.2): sets or unsets
 * `Meta.orderWithRespectTo` and adds or removes the `_order` column Django's
 * model gets with it (an `IntegerField`, NOT NULL; existing rows get 0).
 * While the option is set, the table's `_order` column is part of the model
 * (`concreteFields` in backends/base/columns.ts), as Django's `Options`
 * adds the `OrderWrt` field when it prepares the model.
 */
import type { SchemaEditor } from "../backends/base/schema";
import { makeField, type ModelState, type ProjectState } from "../state";
import type { Deconstructed, Provision, SchemaObject } from "./base";
import { canMigrate } from "./common";
import { ModelOptionOperation } from "./model-options";

/** The column Django adds for `order_with_respect_to` (`Options._prepare`: `OrderWrt()`). */
export const ORDER_FIELD = "_order";

/**
 * `model` with its `_order` column as an ordinary IntegerField and the
 * option unset: what the schema editors add or remove as one field.
 */
function withOrderField(model: ModelState): ModelState {
  return model.withField(ORDER_FIELD, makeField("IntegerField", {})).withOptions({ ...model.options, orderWithRespectTo: undefined });
}

/** `state` with `model` put in place of its own (a copy). */
function stateWith(state: ProjectState, model: ModelState): ProjectState {
  const s = state.clone();
  s.put(model);
  return s;
}

/** Django's `AlterOrderWithRespectTo`: `orderWithRespectTo` null unsets the option (and drops `_order`). */
export class AlterOrderWithRespectTo extends ModelOptionOperation {
  readonly kind = "AlterOrderWithRespectTo";

  constructor(name: string, readonly orderWithRespectTo: string | null) {
    super(name);
  }

  override deconstruct(): Deconstructed {
    return { name: this.kind, args: { name: this.name, orderWithRespectTo: this.orderWithRespectTo } };
  }

  override stateForwards(app: string, state: ProjectState): void {
    const model = this.requireModel(state, app, this.name);
    if (this.orderWithRespectTo !== null && !model.fields.has(this.orderWithRespectTo)) {
      throw this.fail(`model ${model.key} has no field '${this.orderWithRespectTo}' to order with respect to`);
    }
    state.put(model.withOptions({ ...model.options, orderWithRespectTo: this.orderWithRespectTo ?? undefined }));
  }

  /**
   * Django's `database_forwards`: removes `_order` when the option goes,
   * adds it (existing rows get 0, no DEFAULT kept) when it comes; a change
   * from one field to another leaves the column as it is.
   */
  override databaseForwards(app: string, editor: SchemaEditor, from: ProjectState, to: ProjectState): void {
    const toModel = this.requireModel(to, app, this.name);
    if (!canMigrate(toModel)) return;
    const fromModel = this.requireModel(from, app, this.name);
    const had = fromModel.options.orderWithRespectTo !== undefined;
    const has = toModel.options.orderWithRespectTo !== undefined;
    if (had && !has) {
      const model = withOrderField(fromModel);
      editor.removeField(model, ORDER_FIELD, stateWith(from, model));
    } else if (has && !had) {
      const model = withOrderField(toModel);
      editor.addField(model, ORDER_FIELD, stateWith(to, model), 0);
    }
  }

  override databaseBackwards(app: string, editor: SchemaEditor, from: ProjectState, to: ProjectState): void {
    this.databaseForwards(app, editor, from, to);
  }

  /** Django's `references_field`: every field when unset, else the field ordered with respect to. */
  override referencesField(modelName: string, name: string, app: string): boolean {
    return this.referencesModel(modelName, app) &&
      (this.orderWithRespectTo === null || name.toLowerCase() === this.orderWithRespectTo.toLowerCase());
  }

  /**
   * For the autodetector: "order_with_respect_to changed on the model"
   * (`order-wrt`), and the field it is set to (`order-wrt-set`), so that a
   * RemoveField of any other field can come after it (Django's `order_wrt_unset`).
   */
  override provisions(): readonly Provision[] {
    const out: Provision[] = [{ change: "order-wrt", model: this.name }];
    if (this.orderWithRespectTo !== null) out.push({ change: "order-wrt-set", model: this.name, field: this.orderWithRespectTo });
    return out;
  }

  override creates(app: string, before: ProjectState, after: ProjectState): SchemaObject[] {
    return orderColumnChange(app, this.name, before, after);
  }

  override drops(app: string, before: ProjectState, after: ProjectState): SchemaObject[] {
    return orderColumnChange(app, this.name, after, before);
  }

  override describe(): string {
    return `Set order_with_respect_to on ${this.name} to ${this.orderWithRespectTo ?? "None"}`;
  }

  override get migrationNameFragment(): string {
    return `alter_${this.nameLower}_order_with_respect_to`;
  }
}

/** The `_order` column when the model has the option in `to` but not in `from`. */
function orderColumnChange(app: string, name: string, from: ProjectState, to: ProjectState): SchemaObject[] {
  const a = from.get(app, name);
  const b = to.get(app, name);
  if (!a || !b || a.options.orderWithRespectTo !== undefined || b.options.orderWithRespectTo === undefined) return [];
  return [{ table: b.dbTable, column: ORDER_FIELD }];
}
