/**
 * Model operations: CreateModel, DeleteModel, RenameModel. Mirrors
 * `django/db/migrations/operations/models.py` (Django 3.2), with Django
 * 4.0+ migration name fragments. The Meta option operations are in
 * `model-options.ts`.
 */
import type { SchemaEditor } from "../backends/base/schema";
import { fieldToCall } from "../source/field-values";
import {
  ALTER_OPTION_KEYS, type ConstraintState, type FieldState, type IndexState, type ModelOptions, ModelState,
  type ProjectState, modelKey,
} from "../state";
import type { Value } from "../values";
import type { Deconstructed, Operation, OperationTarget, OptimizerHints, Provision, SchemaObject } from "./base";
import { BaseOperation, canMigrate, fieldReferences, fieldTargets, modelObjects, resolveRelation, withoutDefault } from "./common";
import { AddField, AlterField, RemoveField, RenameField, isFieldOperation } from "./fields";
import type { AlterModelOptions, AlterTogetherOptionOperation } from "./model-options";
import type { AlterOrderWithRespectTo } from "./order-wrt";
import { optionsToValue } from "./options";

/** Django's `ModelOperation`: an operation on model `name` of the migration's app. */
export abstract class ModelOperation extends BaseOperation {
  constructor(readonly name: string) {
    super();
  }

  get nameLower(): string {
    return this.name.toLowerCase();
  }

  override referencesModel(name: string, _app: string): boolean {
    return name.toLowerCase() === this.nameLower;
  }

  override target(): OperationTarget {
    return { model: this.name };
  }

  override reduce(other: Operation, app: string): Operation[] | boolean {
    const base = super.reduce(other, app);
    return base !== false ? base : !other.referencesModel(this.name, app);
  }

  override optimizerHints(app: string): OptimizerHints {
    const own = modelKey(app, this.name);
    return { own, refs: new Set([own]), nextOnly: false };
  }
}

/**
 * Django's `CreateModel` (no managers: models here have none). `bases` are
 * the lowercase labels of the model's concrete or proxy parent
 * (`["shop.product"]`), empty for `models.Model`; written only when not
 * empty, as Django writes `bases=('shop.product',)`.
 */
export class CreateModel extends ModelOperation {
  readonly kind = "CreateModel";
  readonly fields: readonly (readonly [string, FieldState])[];
  readonly options: ModelOptions;
  readonly bases: readonly string[];

  constructor(name: string, fields: readonly (readonly [string, FieldState])[], options: ModelOptions = {}, bases: readonly string[] = []) {
    super(name);
    this.fields = fields;
    this.options = options;
    this.bases = bases;
  }

  override deconstruct(): Deconstructed {
    const args: Record<string, Value> = {
      name: this.name,
      fields: this.fields.map(([n, f]) => [n, fieldToCall(f)]),
    };
    const options = optionsToValue(this.options);
    if (Object.keys(options).length) args.options = options;
    if (this.bases.length) args.bases = [...this.bases];
    return { name: this.kind, args };
  }

  override stateForwards(app: string, state: ProjectState): void {
    const existing = state.get(app, this.name);
    if (existing) throw this.fail(`model ${existing.key} already exists`);
    state.put(new ModelState(app, this.name, this.fields, this.options, this.bases));
  }

  override databaseForwards(app: string, editor: SchemaEditor, _from: ProjectState, to: ProjectState): void {
    const model = this.requireModel(to, app, this.name);
    if (canMigrate(model)) editor.createModel(model, to);
  }

  override databaseBackwards(app: string, editor: SchemaEditor, from: ProjectState, _to: ProjectState): void {
    const model = this.requireModel(from, app, this.name);
    if (canMigrate(model)) editor.deleteModel(model, from);
  }

  override describe(): string {
    return `Create ${this.options.proxy === true ? "proxy " : ""}model ${this.name}`;
  }

  override provisions(): readonly Provision[] {
    return [
      { change: "create-model", model: this.name },
      ...this.fields.map(([field]): Provision => ({ change: "create-field", model: this.name, field })),
    ];
  }

  override creates(app: string, _before: ProjectState, after: ProjectState): SchemaObject[] {
    const model = after.get(app, this.name);
    return model ? modelObjects(model, after) : [];
  }

  override get migrationNameFragment(): string {
    return this.nameLower;
  }

  override referencesModel(name: string, app: string): boolean {
    const lower = name.toLowerCase();
    if (lower === this.nameLower) return true;
    const own = modelKey(app, this.name);
    const ref = modelKey(app, lower);
    // Django: "Check we didn't inherit from the model".
    if (this.bases.some((b) => resolveRelation(b, app, this.nameLower) === ref)) return true;
    return this.fields.some(([, f]) => fieldReferences(own, f, ref));
  }

  override optimizerHints(app: string): OptimizerHints {
    const own = modelKey(app, this.name);
    const refs = new Set([own]);
    for (const [, f] of this.fields) for (const t of fieldTargets(f, app, this.nameLower)) refs.add(t);
    for (const b of this.bases) refs.add(resolveRelation(b, app, this.nameLower));
    return { own, refs, nextOnly: false };
  }

  private with(fields: readonly (readonly [string, FieldState])[], options: ModelOptions, name = this.name): CreateModel {
    return new CreateModel(name, fields, options, this.bases);
  }

  /**
   * Django's `CreateModel.reduce`: folds DeleteModel (cancel), RenameModel,
   * AlterModelOptions, AlterUniqueTogether/AlterIndexTogether,
 * AlterOrderWithRespectTo and the field
   * operations on this model into the CreateModel. A one-off default
   * (`preserveDefault: false`) is dropped when folded (the new table has no
   * rows to fill), never made permanent (Django ticket #26223).
   */
  override reduce(other: Operation, app: string): Operation[] | boolean {
    if (other.kind === "DeleteModel" && (other as DeleteModel).nameLower === this.nameLower) return [];
    if (other instanceof RenameModel && this.nameLower === other.oldNameLower) {
      return [this.with(this.fields, this.options, other.newName)];
    }
    if (other.kind === "AlterModelOptions" && (other as AlterModelOptions).nameLower === this.nameLower) {
      const op = other as AlterModelOptions;
      const options: Record<string, unknown> = { ...this.options, ...op.options };
      for (const key of ALTER_OPTION_KEYS) if (!(key in op.options)) delete options[key];
      return [this.with(this.fields, options as ModelOptions)];
    }
    if ((other.kind === "AlterUniqueTogether" || other.kind === "AlterIndexTogether") &&
      (other as AlterTogetherOptionOperation).nameLower === this.nameLower) {
      const op = other as AlterTogetherOptionOperation;
      const value = op.optionValue && op.optionValue.length ? op.optionValue : undefined;
      return [this.with(this.fields, { ...this.options, [op.optionName]: value })];
    }
    if (other.kind === "AlterOrderWithRespectTo" && (other as AlterOrderWithRespectTo).nameLower === this.nameLower) {
      const value = (other as AlterOrderWithRespectTo).orderWithRespectTo;
      return [this.with(this.fields, clean({ ...this.options, orderWithRespectTo: value ?? undefined }))];
    }
    if (isFieldOperation(other) && other.modelNameLower === this.nameLower) {
      if (other instanceof AddField) {
        const f = other.preserveDefault ? other.field : withoutDefault(other.field);
        return [this.with([...this.fields, [other.name, f]], this.options)];
      }
      if (other instanceof AlterField) {
        const f = other.preserveDefault ? other.field : withoutDefault(other.field);
        return [this.with(this.fields.map(([n, v]) => [n, n === other.name ? f : v] as const), this.options)];
      }
      if (other instanceof RemoveField) return [this.withoutField(other)];
      if (other instanceof RenameField) return [this.withRenamedField(other)];
    }
    return super.reduce(other, app);
  }

  private withoutField(op: RemoveField): CreateModel {
    const drop = op.nameLower;
    const o: Record<string, unknown> = { ...this.options };
    for (const key of ["uniqueTogether", "indexTogether"] as const) {
      const v = this.options[key];
      if (!v) continue;
      const kept = v.map((t) => t.filter((f) => f.toLowerCase() !== drop)).filter((t) => t.length > 0);
      o[key] = kept.length ? dedupe(kept) : undefined;
    }
    if (this.options.orderWithRespectTo?.toLowerCase() === drop) o.orderWithRespectTo = undefined;
    return this.with(this.fields.filter(([n]) => n.toLowerCase() !== drop), clean(o));
  }

  private withRenamedField(op: RenameField): CreateModel {
    const rn = (n: string) => (n === op.oldName ? op.newName : n);
    const rnOrdered = (n: string) => (n.startsWith("-") ? `-${rn(n.slice(1))}` : rn(n));
    const o = this.options;
    const options = clean({
      ...o,
      uniqueTogether: o.uniqueTogether?.map((t) => t.map(rn)),
      indexTogether: o.indexTogether?.map((t) => t.map(rn)),
      orderWithRespectTo: o.orderWithRespectTo === undefined ? undefined : rn(o.orderWithRespectTo),
      indexes: o.indexes?.map((i): IndexState => ({ ...i, fields: i.fields.map(rnOrdered) })),
      constraints: o.constraints?.map((c): ConstraintState => (c.kind === "UniqueConstraint" ? { ...c, fields: c.fields.map(rn) } : c)),
    });
    return this.with(this.fields.map(([n, v]) => [rn(n), v] as const), options);
  }
}

function dedupe(lists: string[][]): string[][] {
  const seen = new Set<string>();
  return lists.filter((l) => {
    const k = JSON.stringify(l);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function clean(o: Record<string, unknown>): ModelOptions {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as ModelOptions;
}

/** Django's `DeleteModel`. */
export class DeleteModel extends ModelOperation {
  readonly kind = "DeleteModel";

  override deconstruct(): Deconstructed {
    return { name: this.kind, args: { name: this.name } };
  }

  override stateForwards(app: string, state: ProjectState): void {
    this.requireModel(state, app, this.name);
    state.remove(app, this.name);
  }

  override databaseForwards(app: string, editor: SchemaEditor, from: ProjectState, _to: ProjectState): void {
    const model = this.requireModel(from, app, this.name);
    if (canMigrate(model)) editor.deleteModel(model, from);
  }

  override databaseBackwards(app: string, editor: SchemaEditor, _from: ProjectState, to: ProjectState): void {
    const model = this.requireModel(to, app, this.name);
    if (canMigrate(model)) editor.createModel(model, to);
  }

  /** The deleted model could point at any model through its relations. */
  override referencesModel(_name: string, _app: string): boolean {
    return true;
  }

  override optimizerHints(app: string): OptimizerHints {
    return { own: modelKey(app, this.name), refs: "all", nextOnly: false };
  }

  override describe(): string {
    return `Delete model ${this.name}`;
  }

  override provisions(): readonly Provision[] {
    return [{ change: "delete-model", model: this.name }];
  }

  override drops(app: string, before: ProjectState, _after: ProjectState): SchemaObject[] {
    const model = before.get(app, this.name);
    return model ? modelObjects(model, before) : [];
  }

  override get migrationNameFragment(): string {
    return `delete_${this.nameLower}`;
  }
}

/** Django's `RenameModel`: renames the table and repoints every relation to the model. */
export class RenameModel extends ModelOperation {
  readonly kind = "RenameModel";

  constructor(readonly oldName: string, readonly newName: string) {
    super(oldName);
  }

  get oldNameLower(): string {
    return this.oldName.toLowerCase();
  }

  get newNameLower(): string {
    return this.newName.toLowerCase();
  }

  override deconstruct(): Deconstructed {
    return { name: this.kind, args: { oldName: this.oldName, newName: this.newName } };
  }

  override stateForwards(app: string, state: ProjectState): void {
    const model = this.requireModel(state, app, this.oldName);
    const oldKey = model.key;
    const newKey = modelKey(app, this.newName);
    if (newKey !== oldKey && state.models.has(newKey)) throw this.fail(`model ${newKey} already exists`);
    // Repoint all fields pointing to the old model to the new one.
    for (const m of [...state.models.values()]) {
      let changed: ModelState | undefined;
      for (const [n, f] of m.fields) {
        const to = typeof f.options.to === "string" && resolvesTo(f.options.to, m, oldKey);
        const through = typeof f.options.through === "string" && resolvesTo(f.options.through, m, oldKey);
        if (!to && !through) continue;
        const options: Record<string, Value> = { ...f.options };
        if (to) options.to = newKey;
        if (through) options.through = newKey;
        changed = (changed ?? m).withField(n, Object.freeze({ type: f.type, options: Object.freeze(options) }));
      }
      if (changed) state.put(changed);
    }
    const current = state.models.get(oldKey)!;
    state.models.delete(oldKey);
    state.put(current.withName(this.newName));
  }

  override databaseForwards(app: string, editor: SchemaEditor, from: ProjectState, to: ProjectState): void {
    this.renameTable(app, editor, from, to, this.oldName, this.newName);
  }

  override databaseBackwards(app: string, editor: SchemaEditor, from: ProjectState, to: ProjectState): void {
    this.renameTable(app, editor, from, to, this.newName, this.oldName);
  }

  /**
   * Django's `RenameModel.database_forwards`: renames the table (the editor
   * also renames auto-created M2M tables and their columns named after the
   * model), then alters every field pointing at the model so that its
   * foreign key references the new table.
   */
  private renameTable(app: string, editor: SchemaEditor, from: ProjectState, to: ProjectState, oldName: string, newName: string): void {
    const newModel = this.requireModel(to, app, newName);
    if (!canMigrate(newModel)) return;
    const oldModel = this.requireModel(from, app, oldName);
    editor.alterDbTable(oldModel, newModel, from, to);
    const oldKey = oldModel.key;
    for (const m of from.models.values()) {
      for (const [n, f] of m.fields) {
        if (typeof f.options.to !== "string" || !resolvesTo(f.options.to, m, oldKey)) continue;
        const target = m.key === oldKey ? newModel : to.models.get(m.key);
        if (!target || !target.fields.has(n) || !canMigrate(target)) continue;
        editor.alterField(m, n, target, n, from, to);
      }
    }
  }

  override target(): OperationTarget {
    return { model: this.newName };
  }

  override provisions(): readonly Provision[] {
    return [{ change: "rename-model", model: this.newName }];
  }

  override describe(): string {
    return `Rename model ${this.oldName} to ${this.newName}`;
  }

  override get migrationNameFragment(): string {
    return `rename_${this.oldNameLower}_${this.newNameLower}`;
  }

  override referencesModel(name: string, _app: string): boolean {
    const lower = name.toLowerCase();
    return lower === this.oldNameLower || lower === this.newNameLower;
  }

  override optimizerHints(app: string): OptimizerHints {
    const own = modelKey(app, this.newName);
    return { own, refs: new Set([modelKey(app, this.oldName), own]), nextOnly: false };
  }

  override reduce(other: Operation, app: string): Operation[] | boolean {
    if (other instanceof RenameModel && this.newNameLower === other.oldNameLower) {
      return [new RenameModel(this.oldName, other.newName)];
    }
    // Skip ModelOperation.reduce: references are checked against the new name.
    if (this.elidable) return [other];
    if (other.elidable) return [this];
    return !other.referencesModel(this.newName, app);
  }
}

function resolvesTo(target: string, owner: ModelState, key: string): boolean {
  if (target === "self") return owner.key === key;
  return (target.includes(".") ? target.toLowerCase() : modelKey(owner.app, target)) === key;
}
