/**
 * Index and constraint operations: AddIndex, RemoveIndex, RenameIndex
 * (Django 4.1), AddConstraint, RemoveConstraint. Mirrors
 * `django/db/migrations/operations/models.py`; like Django they reference
 * every model for the optimizer (3.2's `IndexOperation` keeps the default
 * `references_model`), and AddIndex reduces with a RemoveIndex/RenameIndex
 * of the same index as in Django 4.2.
 */
import type { SchemaEditor } from "../backends/base/schema";
import { constraintToValue, indexToValue } from "../source/field-values";
import { createIndexName } from "../names";
import { type ConstraintState, type IndexState, type ModelState, type ProjectState, fieldColumn } from "../state";
import type { Value } from "../values";
import type { Deconstructed, Operation, OperationTarget } from "./base";
import { BaseOperation, canMigrate, pyList } from "./common";

/** Django's `IndexOperation`: an operation on Meta.indexes / Meta.constraints of model `modelName`. */
export abstract class IndexOperation extends BaseOperation {
  constructor(readonly modelName: string) {
    super();
  }

  get modelNameLower(): string {
    return this.modelName.toLowerCase();
  }

  /** Shown on the model's `Meta` (AddIndex and AddConstraint: on the index or constraint). */
  override target(): OperationTarget {
    return { model: this.modelName, meta: true };
  }

  protected requireIndex(model: ModelState, name: string): IndexState {
    const idx = model.options.indexes?.find((i) => i.name === name);
    if (!idx) throw this.fail(`model ${model.key} has no index named "${name}"`);
    return idx;
  }

  protected requireConstraint(model: ModelState, name: string): ConstraintState {
    const c = model.options.constraints?.find((i) => i.name === name);
    if (!c) throw this.fail(`model ${model.key} has no constraint named "${name}"`);
    return c;
  }
}

/** Django's `AddIndex` (the index must be named). */
export class AddIndex extends IndexOperation {
  readonly kind = "AddIndex";

  constructor(modelName: string, readonly index: IndexState) {
    super(modelName);
  }

  override deconstruct(): Deconstructed {
    return { name: this.kind, args: { modelName: this.modelName, index: indexToValue(this.index) } };
  }

  override stateForwards(app: string, state: ProjectState): void {
    const model = this.requireModel(state, app, this.modelName);
    if (model.options.indexes?.some((i) => i.name === this.index.name)) {
      throw this.fail(`model ${model.key} already has an index named "${this.index.name}"`);
    }
    state.put(model.withOptions({ ...model.options, indexes: [...(model.options.indexes ?? []), this.index] }));
  }

  override databaseForwards(app: string, editor: SchemaEditor, _from: ProjectState, to: ProjectState): void {
    const model = this.requireModel(to, app, this.modelName);
    if (canMigrate(model)) editor.addIndex(model, this.index, to);
  }

  override databaseBackwards(app: string, editor: SchemaEditor, from: ProjectState, _to: ProjectState): void {
    const model = this.requireModel(from, app, this.modelName);
    if (canMigrate(model)) editor.removeIndex(model, this.index, from);
  }

  override target(): OperationTarget {
    return { model: this.modelName, index: this.index.name };
  }

  override describe(): string {
    return `Create index ${this.index.name} on field(s) ${this.index.fields.join(", ")} of model ${this.modelName}`;
  }

  override get migrationNameFragment(): string {
    return `${this.modelNameLower}_${this.index.name.toLowerCase()}`;
  }

  override reduce(other: Operation, app: string): Operation[] | boolean {
    if (other instanceof RemoveIndex && other.modelNameLower === this.modelNameLower && other.name === this.index.name) return [];
    if (other instanceof RenameIndex && other.modelNameLower === this.modelNameLower && other.oldName === this.index.name) {
      return [new AddIndex(this.modelName, { ...this.index, name: other.newName })];
    }
    return super.reduce(other, app);
  }
}

/** Django's `RemoveIndex`. */
export class RemoveIndex extends IndexOperation {
  readonly kind = "RemoveIndex";

  constructor(modelName: string, readonly name: string) {
    super(modelName);
  }

  override deconstruct(): Deconstructed {
    return { name: this.kind, args: { modelName: this.modelName, name: this.name } };
  }

  override stateForwards(app: string, state: ProjectState): void {
    const model = this.requireModel(state, app, this.modelName);
    this.requireIndex(model, this.name);
    const indexes = model.options.indexes!.filter((i) => i.name !== this.name);
    state.put(model.withOptions({ ...model.options, indexes: indexes.length ? indexes : undefined }));
  }

  override databaseForwards(app: string, editor: SchemaEditor, from: ProjectState, _to: ProjectState): void {
    const model = this.requireModel(from, app, this.modelName);
    if (canMigrate(model)) editor.removeIndex(model, this.requireIndex(model, this.name), from);
  }

  override databaseBackwards(app: string, editor: SchemaEditor, _from: ProjectState, to: ProjectState): void {
    const model = this.requireModel(to, app, this.modelName);
    if (canMigrate(model)) editor.addIndex(model, this.requireIndex(model, this.name), to);
  }

  override describe(): string {
    return `Remove index ${this.name} from ${this.modelName}`;
  }

  override get migrationNameFragment(): string {
    return `remove_${this.modelNameLower}_${this.name.toLowerCase()}`;
  }
}

/**
 * Django 4.1's `RenameIndex`: `oldName` renames a named index; `oldFields`
 * turns an unnamed `indexTogether` index into a named one. On SQLite (no
 * ALTER INDEX ... RENAME) the index is dropped and re-created, as Django does.
 */
export class RenameIndex extends IndexOperation {
  readonly kind = "RenameIndex";

  constructor(modelName: string, readonly newName: string, readonly oldName?: string, readonly oldFields?: readonly string[]) {
    super(modelName);
  }

  override deconstruct(): Deconstructed {
    const args: Record<string, Value> = { modelName: this.modelName, newName: this.newName };
    if (this.oldName !== undefined) args.oldName = this.oldName;
    if (this.oldFields !== undefined) args.oldFields = [...this.oldFields];
    return { name: this.kind, args };
  }

  override stateForwards(app: string, state: ProjectState): void {
    const model = this.requireModel(state, app, this.modelName);
    const indexes = model.options.indexes ?? [];
    if (indexes.some((i) => i.name === this.newName)) throw this.fail(`model ${model.key} already has an index named "${this.newName}"`);
    if (this.oldFields) {
      const key = JSON.stringify(this.oldFields);
      const together = (model.options.indexTogether ?? []).filter((t) => JSON.stringify(t) !== key);
      state.put(model.withOptions({
        ...model.options,
        indexes: [...indexes, { name: this.newName, fields: [...this.oldFields] }],
        indexTogether: together.length ? together : undefined,
      }));
      return;
    }
    this.requireIndex(model, this.oldName!);
    state.put(model.withOptions({
      ...model.options,
      indexes: indexes.map((i) => (i.name === this.oldName ? { ...i, name: this.newName } : i)),
    }));
  }

  /** The unnamed index Django made for `indexTogether` entry `oldFields`. */
  private unnamedIndex(model: ModelState): IndexState {
    const columns = this.oldFields!.map((f) => fieldColumn(f, this.requireField(model, f)) ?? f);
    return { name: createIndexName(model.dbTable, columns, "_idx"), fields: [...this.oldFields!] };
  }

  override databaseForwards(app: string, editor: SchemaEditor, from: ProjectState, to: ProjectState): void {
    const toModel = this.requireModel(to, app, this.modelName);
    if (!canMigrate(toModel)) return;
    const fromModel = this.requireModel(from, app, this.modelName);
    const oldIndex = this.oldFields ? this.unnamedIndex(fromModel) : this.requireIndex(fromModel, this.oldName!);
    editor.removeIndex(fromModel, oldIndex, from);
    editor.addIndex(toModel, this.requireIndex(toModel, this.newName), to);
  }

  /** Backwards is a no-op for an unnamed index, as in Django. */
  override databaseBackwards(app: string, editor: SchemaEditor, from: ProjectState, to: ProjectState): void {
    if (this.oldFields) return;
    const toModel = this.requireModel(to, app, this.modelName);
    if (!canMigrate(toModel)) return;
    const fromModel = this.requireModel(from, app, this.modelName);
    editor.removeIndex(fromModel, this.requireIndex(fromModel, this.newName), from);
    editor.addIndex(toModel, this.requireIndex(toModel, this.oldName!), to);
  }

  override describe(): string {
    if (this.oldName !== undefined) return `Rename index ${this.oldName} on ${this.modelName} to ${this.newName}`;
    return `Rename unnamed index for ${pyList(this.oldFields ?? [])} on ${this.modelName} to ${this.newName}`;
  }

  override get migrationNameFragment(): string {
    if (this.oldName !== undefined) return `rename_${this.oldName.toLowerCase()}_${this.newName.toLowerCase()}`;
    return `rename_${this.modelNameLower}_${(this.oldFields ?? []).join("_")}_${this.newName.toLowerCase()}`;
  }

  override reduce(other: Operation, app: string): Operation[] | boolean {
    if (other instanceof RenameIndex && other.modelNameLower === this.modelNameLower && other.oldName !== undefined &&
      this.newName.toLowerCase() === other.oldName.toLowerCase()) {
      return [new RenameIndex(this.modelName, other.newName, this.oldName, this.oldFields)];
    }
    return super.reduce(other, app);
  }
}

/** Django's `AddConstraint`. */
export class AddConstraint extends IndexOperation {
  readonly kind = "AddConstraint";

  constructor(modelName: string, readonly constraint: ConstraintState) {
    super(modelName);
  }

  override deconstruct(): Deconstructed {
    return { name: this.kind, args: { modelName: this.modelName, constraint: constraintToValue(this.constraint) } };
  }

  override stateForwards(app: string, state: ProjectState): void {
    const model = this.requireModel(state, app, this.modelName);
    if (model.options.constraints?.some((c) => c.name === this.constraint.name)) {
      throw this.fail(`model ${model.key} already has a constraint named "${this.constraint.name}"`);
    }
    state.put(model.withOptions({ ...model.options, constraints: [...(model.options.constraints ?? []), this.constraint] }));
  }

  override databaseForwards(app: string, editor: SchemaEditor, _from: ProjectState, to: ProjectState): void {
    const model = this.requireModel(to, app, this.modelName);
    if (canMigrate(model)) editor.addConstraint(model, this.constraint, to);
  }

  override databaseBackwards(app: string, editor: SchemaEditor, from: ProjectState, _to: ProjectState): void {
    const model = this.requireModel(from, app, this.modelName);
    if (canMigrate(model)) editor.removeConstraint(model, this.constraint, from);
  }

  override target(): OperationTarget {
    return { model: this.modelName, constraint: this.constraint.name };
  }

  override describe(): string {
    return `Create constraint ${this.constraint.name} on model ${this.modelName}`;
  }

  override get migrationNameFragment(): string {
    return `${this.modelNameLower}_${this.constraint.name.toLowerCase()}`;
  }

  override reduce(other: Operation, app: string): Operation[] | boolean {
    if (other instanceof RemoveConstraint && other.modelNameLower === this.modelNameLower && other.name === this.constraint.name) {
      return [];
    }
    return super.reduce(other, app);
  }
}

/** Django's `RemoveConstraint`. */
export class RemoveConstraint extends IndexOperation {
  readonly kind = "RemoveConstraint";

  constructor(modelName: string, readonly name: string) {
    super(modelName);
  }

  override deconstruct(): Deconstructed {
    return { name: this.kind, args: { modelName: this.modelName, name: this.name } };
  }

  override stateForwards(app: string, state: ProjectState): void {
    const model = this.requireModel(state, app, this.modelName);
    this.requireConstraint(model, this.name);
    const constraints = model.options.constraints!.filter((c) => c.name !== this.name);
    state.put(model.withOptions({ ...model.options, constraints: constraints.length ? constraints : undefined }));
  }

  override databaseForwards(app: string, editor: SchemaEditor, from: ProjectState, _to: ProjectState): void {
    const model = this.requireModel(from, app, this.modelName);
    if (canMigrate(model)) editor.removeConstraint(model, this.requireConstraint(model, this.name), from);
  }

  override databaseBackwards(app: string, editor: SchemaEditor, _from: ProjectState, to: ProjectState): void {
    const model = this.requireModel(to, app, this.modelName);
    if (canMigrate(model)) editor.addConstraint(model, this.requireConstraint(model, this.name), to);
  }

  override describe(): string {
    return `Remove constraint ${this.name} from model ${this.modelName}`;
  }

  override get migrationNameFragment(): string {
    return `remove_${this.modelNameLower}_${this.name.toLowerCase()}`;
  }
}
