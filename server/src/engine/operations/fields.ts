/**
 * Field operations: AddField, RemoveField, AlterField, RenameField. Mirrors
 * `django/db/migrations/operations/fields.py` (Django 3.2), with Django 4.0+
 * migration name fragments.
 */
import { defaultFillsRows } from "../callables";
import type { SchemaEditor } from "../backends/base/schema";
import { renameFieldInCondition } from "../backends/q";
import { fieldToCall } from "../source/field-values";
import {
  type ConstraintState, type FieldState, type IndexState, type ModelState, type ProjectState, fieldColumn, fieldOption, isManyToMany, modelKey,
} from "../state";
import type { Value } from "../values";
import type { DataLoss, Deconstructed, Operation, OperationTarget, OptimizerHints, Provision, SchemaObject } from "./base";
import { BaseOperation, canMigrate, fieldObject, fieldReferences, fieldTargets, withoutDefault } from "./common";
import { fieldNarrowing } from "./narrowing";
import type { DeleteModel } from "./models";

/** True when `op` is one of the four field operations. */
export function isFieldOperation(op: Operation): op is FieldOperation {
  return op instanceof FieldOperation;
}

/** Django's `FieldOperation`: an operation on field `name` of model `modelName` of the migration's app. */
export abstract class FieldOperation extends BaseOperation {
  constructor(
    readonly modelName: string,
    readonly name: string,
    readonly field?: FieldState,
  ) {
    super();
  }

  get modelNameLower(): string {
    return this.modelName.toLowerCase();
  }

  get nameLower(): string {
    return this.name.toLowerCase();
  }

  /** Same model (case-insensitive). */
  isSameModelOperation(other: FieldOperation): boolean {
    return this.modelNameLower === other.modelNameLower;
  }

  /** Same model and same field (case-insensitive). */
  isSameFieldOperation(other: FieldOperation): boolean {
    return this.isSameModelOperation(other) && this.nameLower === other.nameLower;
  }

  override referencesModel(name: string, app: string): boolean {
    const lower = name.toLowerCase();
    if (lower === this.modelNameLower) return true;
    if (this.field) return fieldReferences(modelKey(app, this.modelName), this.field, modelKey(app, lower));
    return false;
  }

  override referencesField(modelName: string, name: string, app: string): boolean {
    const lower = modelName.toLowerCase();
    if (lower === this.modelNameLower && name === this.name) return true;
    if (!this.field) return false;
    return fieldReferences(modelKey(app, this.modelName), this.field, modelKey(app, lower), name);
  }

  override reduce(other: Operation, app: string): Operation[] | boolean {
    const base = super.reduce(other, app);
    return base !== false ? base : !other.referencesField(this.modelName, this.name, app);
  }

  override optimizerHints(app: string): OptimizerHints {
    const own = modelKey(app, this.modelName);
    const refs = new Set([own]);
    if (this.field) for (const t of fieldTargets(this.field, app, this.modelNameLower)) refs.add(t);
    return { own, refs, nextOnly: false };
  }

  override target(): OperationTarget {
    return { model: this.modelName, field: this.name };
  }

  /** The column (or join table) this operation's field makes in `state`, when the field is there. */
  protected fieldObjects(app: string, state: ProjectState): SchemaObject[] {
    const model = state.get(app, this.modelName);
    const field = model?.fields.get(this.name);
    const object = model && field ? fieldObject(model, this.name, field, state) : undefined;
    return object ? [object] : [];
  }
}

/**
 * AddField and AlterField: a field definition that may carry a one-off
 * default (`preserveDefault: false`): it fills existing rows, and the state
 * keeps the field without it (Django's `preserve_default`).
 */
abstract class DefinitionOperation extends FieldOperation {
  declare readonly field: FieldState;

  constructor(modelName: string, name: string, field: FieldState, readonly preserveDefault = true) {
    super(modelName, name, field);
  }

  override deconstruct(): Deconstructed {
    const args: Record<string, Value> = { modelName: this.modelName, name: this.name, field: fieldToCall(this.field) };
    if (!this.preserveDefault) args.preserveDefault = false;
    return { name: this.kind, args };
  }

  /** The field as the state keeps it: without a one-off default. */
  protected get stateField(): FieldState {
    return this.preserveDefault ? this.field : withoutDefault(this.field);
  }

  /** The one-off default passed to the schema editor, or undefined. */
  protected get oneOffDefault(): Value | undefined {
    return this.preserveDefault ? undefined : this.field.options.default;
  }

  /**
   * The field as the models write it (`to`), when it is a NOT NULL column
   * with no default, on a model whose table exists (in `from`); else undefined.
   */
  protected notNullWithoutDefault(app: string, from: ProjectState, to: ProjectState): FieldState | undefined {
    const field = to.get(app, this.modelName)?.fields.get(this.name);
    if (!field || isManyToMany(field) || !from.get(app, this.modelName)) return undefined;
    if (fieldOption(field, "null") === true || defaultFillsRows(field)) return undefined;
    if (fieldOption(field, "primaryKey") === true || field.options.autoNow === true || field.options.autoNowAdd === true) return undefined;
    return field;
  }
}

/** Django's `AddField`. With `preserveDefault: false` the default fills existing rows only and is not kept in state. */
export class AddField extends DefinitionOperation {
  readonly kind = "AddField";

  override stateForwards(app: string, state: ProjectState): void {
    const model = this.requireModel(state, app, this.modelName);
    if (model.fields.has(this.name)) throw this.fail(`model ${model.key} already has a field named "${this.name}"`);
    state.put(model.withField(this.name, this.stateField));
  }

  override databaseForwards(app: string, editor: SchemaEditor, _from: ProjectState, to: ProjectState): void {
    const model = this.requireModel(to, app, this.modelName);
    if (!canMigrate(model)) return;
    editor.addField(model, this.name, to, this.oneOffDefault);
  }

  override databaseBackwards(app: string, editor: SchemaEditor, from: ProjectState, _to: ProjectState): void {
    const model = this.requireModel(from, app, this.modelName);
    if (canMigrate(model)) editor.removeField(model, this.name, from);
  }

  override describe(): string {
    return `Add field ${this.name} to ${this.modelName}`;
  }

  override provisions(): readonly Provision[] {
    return [{ change: "create-field", model: this.modelName, field: this.name }];
  }

  override creates(app: string, _before: ProjectState, after: ProjectState): SchemaObject[] {
    return this.fieldObjects(app, after);
  }

  /** A NOT NULL field without a default added to a table that exists. */
  override needsDefault(app: string, from: ProjectState, to: ProjectState): boolean {
    return this.notNullWithoutDefault(app, from, to) !== undefined;
  }

  override get migrationNameFragment(): string {
    return `${this.modelNameLower}_${this.nameLower}`;
  }

  /**
   * Django's `AddField.reduce`, except that a one-off default
   * (`preserveDefault: false`) is never folded into a permanent one
   * (Django ticket #26223): AddField + AlterField fold only when both keep
   * their defaults.
   */
  override reduce(other: Operation, app: string): Operation[] | boolean {
    if (isFieldOperation(other) && this.isSameFieldOperation(other)) {
      if (other instanceof AlterField && this.preserveDefault && other.preserveDefault) {
        return [new AddField(this.modelName, other.name, other.field)];
      }
      if (other instanceof RemoveField) return [];
      if (other instanceof RenameField) {
        return [new AddField(this.modelName, other.newName, this.field, this.preserveDefault)];
      }
    }
    return super.reduce(other, app);
  }
}

/** Django's `RemoveField`. */
export class RemoveField extends FieldOperation {
  readonly kind = "RemoveField";

  constructor(modelName: string, name: string) {
    super(modelName, name);
  }

  override deconstruct(): Deconstructed {
    return { name: this.kind, args: { modelName: this.modelName, name: this.name } };
  }

  override stateForwards(app: string, state: ProjectState): void {
    const model = this.requireModel(state, app, this.modelName);
    this.requireField(model, this.name);
    state.put(model.withoutField(this.name));
  }

  override databaseForwards(app: string, editor: SchemaEditor, from: ProjectState, _to: ProjectState): void {
    const model = this.requireModel(from, app, this.modelName);
    if (canMigrate(model)) editor.removeField(model, this.name, from);
  }

  override databaseBackwards(app: string, editor: SchemaEditor, _from: ProjectState, to: ProjectState): void {
    const model = this.requireModel(to, app, this.modelName);
    if (canMigrate(model)) editor.addField(model, this.name, to);
  }

  override describe(): string {
    return `Remove field ${this.name} from ${this.modelName}`;
  }

  /** Shown on the class: the field is no longer written there. */
  override target(): OperationTarget {
    return { model: this.modelName };
  }

  override provisions(): readonly Provision[] {
    return [{ change: "remove-field", model: this.modelName, field: this.name }];
  }

  override drops(app: string, before: ProjectState, _after: ProjectState): SchemaObject[] {
    return this.fieldObjects(app, before);
  }

  override get migrationNameFragment(): string {
    return `remove_${this.modelNameLower}_${this.nameLower}`;
  }

  override reduce(other: Operation, app: string): Operation[] | boolean {
    if (other.kind === "DeleteModel" && (other as DeleteModel).nameLower === this.modelNameLower) return [other];
    return super.reduce(other, app);
  }
}

/** Django's `AlterField`: the field's new definition (a NULL to NOT NULL change may carry a one-off default). */
export class AlterField extends DefinitionOperation {
  readonly kind = "AlterField";

  override stateForwards(app: string, state: ProjectState): void {
    const model = this.requireModel(state, app, this.modelName);
    this.requireField(model, this.name);
    state.put(model.withField(this.name, this.stateField));
  }

  override databaseForwards(app: string, editor: SchemaEditor, from: ProjectState, to: ProjectState): void {
    const toModel = this.requireModel(to, app, this.modelName);
    if (!canMigrate(toModel)) return;
    const fromModel = this.requireModel(from, app, this.modelName);
    editor.alterField(fromModel, this.name, toModel, this.name, from, to, this.oneOffDefault);
  }

  override databaseBackwards(app: string, editor: SchemaEditor, from: ProjectState, to: ProjectState): void {
    const toModel = this.requireModel(to, app, this.modelName);
    if (!canMigrate(toModel)) return;
    editor.alterField(this.requireModel(from, app, this.modelName), this.name, toModel, this.name, from, to);
  }

  override describe(): string {
    return `Alter field ${this.name} on ${this.modelName}`;
  }

  override provisions(): readonly Provision[] {
    return [{ change: "alter-field", model: this.modelName, field: this.name }];
  }

  /**
   * The column narrowed: forwards from the field in `before` to the one in
   * `after`, backwards the other way (see {@link fieldNarrowing}).
   */
  override losses(app: string, before: ProjectState, after: ProjectState, backwards: boolean): DataLoss[] {
    const [from, to] = backwards ? [after, before] : [before, after];
    const fromModel = from.get(app, this.modelName);
    const fromField = fromModel?.fields.get(this.name);
    const toField = to.get(app, this.modelName)?.fields.get(this.name);
    if (!fromModel || !fromField || !toField || !canMigrate(fromModel)) return [];
    const narrowing = fieldNarrowing(fromField, toField);
    const column = fieldColumn(this.name, fromField);
    return narrowing && column ? [{ kind: "narrow", table: fromModel.dbTable, column, ...narrowing }] : [];
  }

  /** A nullable field made NOT NULL without a default. */
  override needsDefault(app: string, from: ProjectState, to: ProjectState): boolean {
    if (!this.notNullWithoutDefault(app, from, to)) return false;
    const before = from.get(app, this.modelName)?.fields.get(this.name);
    return before !== undefined && fieldOption(before, "null") === true;
  }

  override get migrationNameFragment(): string {
    return `alter_${this.modelNameLower}_${this.nameLower}`;
  }

  override reduce(other: Operation, app: string): Operation[] | boolean {
    if (other instanceof RemoveField && this.isSameFieldOperation(other)) return [other];
    if (other instanceof RenameField && this.isSameFieldOperation(other)) {
      return [other, new AlterField(this.modelName, other.newName, this.field, this.preserveDefault)];
    }
    return super.reduce(other, app);
  }
}

/** Django's `RenameField` (a column rename; `uniqueTogether`, indexes and `toField` references follow). */
export class RenameField extends FieldOperation {
  readonly kind = "RenameField";

  constructor(modelName: string, readonly oldName: string, readonly newName: string) {
    super(modelName, oldName);
  }

  get oldNameLower(): string {
    return this.oldName.toLowerCase();
  }

  get newNameLower(): string {
    return this.newName.toLowerCase();
  }

  override target(): OperationTarget {
    return { model: this.modelName, field: this.newName };
  }

  override deconstruct(): Deconstructed {
    return { name: this.kind, args: { modelName: this.modelName, oldName: this.oldName, newName: this.newName } };
  }

  /**
   * Django's `RenameField.state_forwards`: renames the field in place (order
   * kept), in `uniqueTogether`/`indexTogether` and `orderWithRespectTo`, and
   * in `toField` of relations pointing at it. Unlike Django 3.2 it also
   * renames the field in the model's indexes and constraints (their fields and
   * their Q conditions and checks), so the
   * state never names a field that no longer exists.
   */
  override stateForwards(app: string, state: ProjectState): void {
    const model = this.requireModel(state, app, this.modelName);
    const found = this.requireField(model, this.oldName);
    if (this.newName !== this.oldName && model.fields.has(this.newName)) {
      throw this.fail(`model ${model.key} already has a field named "${this.newName}"`);
    }
    const fields: [string, FieldState][] = [];
    for (const [n, f] of model.fields) fields.push(n === this.oldName ? [this.newName, found] : [n, f]);
    const rn = (n: string) => (n === this.oldName ? this.newName : n);
    const rnOrdered = (n: string) => (n.startsWith("-") ? `-${rn(n.slice(1))}` : rn(n));
    const o = model.options;
    const renamed = model.withFields(fields).withOptions({
      ...o,
      uniqueTogether: o.uniqueTogether?.map((t) => t.map(rn)),
      indexTogether: o.indexTogether?.map((t) => t.map(rn)),
      orderWithRespectTo: o.orderWithRespectTo === undefined ? undefined : rn(o.orderWithRespectTo),
      indexes: o.indexes?.map((i): IndexState => ({ ...i, fields: i.fields.map(rnOrdered), ...this.renamedCondition(i) })),
      constraints: o.constraints?.map((c): ConstraintState => (c.kind === "UniqueConstraint"
        ? { ...c, fields: c.fields.map(rn), ...this.renamedCondition(c) }
        : { ...c, check: renameFieldInCondition(c.check, this.oldName, this.newName) })),
    });
    state.put(renamed);
    // Repoint toField of relations to the renamed field.
    const key = model.key;
    for (const m of [...state.models.values()]) {
      let changed: ModelState | undefined;
      for (const [n, f] of m.fields) {
        if (f.options.toField === this.oldName && fieldReferences(m.key, f, key)) {
          const nf: FieldState = Object.freeze({ type: f.type, options: Object.freeze({ ...f.options, toField: this.newName }) });
          changed = (changed ?? m).withField(n, nf);
        }
      }
      if (changed) state.put(changed);
    }
  }

  /** `{ condition }` with the field renamed inside it, or nothing when there is no condition. */
  private renamedCondition(x: { readonly condition?: Value }): { condition?: Value } {
    return x.condition === undefined ? {} : { condition: renameFieldInCondition(x.condition, this.oldName, this.newName) };
  }

  override databaseForwards(app: string, editor: SchemaEditor, from: ProjectState, to: ProjectState): void {
    const toModel = this.requireModel(to, app, this.modelName);
    if (!canMigrate(toModel)) return;
    editor.alterField(this.requireModel(from, app, this.modelName), this.oldName, toModel, this.newName, from, to);
  }

  override databaseBackwards(app: string, editor: SchemaEditor, from: ProjectState, to: ProjectState): void {
    const toModel = this.requireModel(to, app, this.modelName);
    if (!canMigrate(toModel)) return;
    editor.alterField(this.requireModel(from, app, this.modelName), this.newName, toModel, this.oldName, from, to);
  }

  override describe(): string {
    return `Rename field ${this.oldName} on ${this.modelName} to ${this.newName}`;
  }

  override get migrationNameFragment(): string {
    return `rename_${this.oldNameLower}_${this.modelNameLower}_${this.newNameLower}`;
  }

  override referencesField(modelName: string, name: string, app: string): boolean {
    const lower = name.toLowerCase();
    return this.referencesModel(modelName, app) && (lower === this.oldNameLower || lower === this.newNameLower);
  }

  override reduce(other: Operation, app: string): Operation[] | boolean {
    if (other instanceof RenameField && this.isSameModelOperation(other) && this.newNameLower === other.oldNameLower) {
      return [new RenameField(this.modelName, this.oldName, other.newName)];
    }
    // Skip FieldOperation.reduce: references are checked against the new name.
    if (this.elidable) return [other];
    if (other.elidable) return [this];
    return !other.referencesField(this.modelName, this.newName, app);
  }
}
