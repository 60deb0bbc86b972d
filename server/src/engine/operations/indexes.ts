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
}

/**
 * One of the two Meta lists of named entries (`indexes`, `constraints`):
 * its option key, its noun in messages, and how the schema editor adds and
 * removes an entry. The Add/Remove operations of both lists share their
 * logic through it.
 */
interface MetaList<T extends { readonly name: string }> {
  readonly noun: "index" | "constraint";
  /** The list's entries in `model`'s Meta. */
  entries(model: ModelState): readonly T[];
  /** `model` with the list set to `entries` (the option removed when empty). */
  withEntries(model: ModelState, entries: readonly T[]): ModelState;
  add(editor: SchemaEditor, model: ModelState, entry: T, state: ProjectState): void;
  remove(editor: SchemaEditor, model: ModelState, entry: T, state: ProjectState): void;
}

const INDEXES: MetaList<IndexState> = {
  noun: "index",
  entries: (model) => model.options.indexes ?? [],
  withEntries: (model, indexes) => model.withOptions({ ...model.options, indexes: indexes.length ? indexes : undefined }),
  add: (editor, model, entry, state) => editor.addIndex(model, entry, state),
  remove: (editor, model, entry, state) => editor.removeIndex(model, entry, state),
};

const CONSTRAINTS: MetaList<ConstraintState> = {
  noun: "constraint",
  entries: (model) => model.options.constraints ?? [],
  withEntries: (model, constraints) => model.withOptions({ ...model.options, constraints: constraints.length ? constraints : undefined }),
  add: (editor, model, entry, state) => editor.addConstraint(model, entry, state),
  remove: (editor, model, entry, state) => editor.removeConstraint(model, entry, state),
};

/** Django's `AddIndex` / `AddConstraint`: adds `entry` to a Meta list. */
abstract class AddMetaEntry<T extends { readonly name: string }> extends IndexOperation {
  protected abstract readonly list: MetaList<T>;
  protected abstract readonly entry: T;

  override stateForwards(app: string, state: ProjectState): void {
    const model = this.requireModel(state, app, this.modelName);
    const entries = this.list.entries(model);
    if (entries.some((e) => e.name === this.entry.name)) {
      throw this.fail(`model ${model.key} already has ${this.list.noun === "index" ? "an" : "a"} ${this.list.noun} named "${this.entry.name}"`);
    }
    state.put(this.list.withEntries(model, [...entries, this.entry]));
  }

  override databaseForwards(app: string, editor: SchemaEditor, _from: ProjectState, to: ProjectState): void {
    const model = this.requireModel(to, app, this.modelName);
    if (canMigrate(model)) this.list.add(editor, model, this.entry, to);
  }

  override databaseBackwards(app: string, editor: SchemaEditor, from: ProjectState, _to: ProjectState): void {
    const model = this.requireModel(from, app, this.modelName);
    if (canMigrate(model)) this.list.remove(editor, model, this.entry, from);
  }

  override target(): OperationTarget {
    return { model: this.modelName, [this.list.noun]: this.entry.name };
  }

  override get migrationNameFragment(): string {
    return `${this.modelNameLower}_${this.entry.name.toLowerCase()}`;
  }
}

/** Django's `RemoveIndex` / `RemoveConstraint`: removes entry `name` from a Meta list. */
abstract class RemoveMetaEntry<T extends { readonly name: string }> extends IndexOperation {
  protected abstract readonly list: MetaList<T>;

  constructor(modelName: string, readonly name: string) {
    super(modelName);
  }

  override deconstruct(): Deconstructed {
    return { name: this.kind, args: { modelName: this.modelName, name: this.name } };
  }

  override stateForwards(app: string, state: ProjectState): void {
    const model = this.requireModel(state, app, this.modelName);
    this.requireEntry(model);
    state.put(this.list.withEntries(model, this.list.entries(model).filter((e) => e.name !== this.name)));
  }

  override databaseForwards(app: string, editor: SchemaEditor, from: ProjectState, _to: ProjectState): void {
    const model = this.requireModel(from, app, this.modelName);
    if (canMigrate(model)) this.list.remove(editor, model, this.requireEntry(model), from);
  }

  override databaseBackwards(app: string, editor: SchemaEditor, _from: ProjectState, to: ProjectState): void {
    const model = this.requireModel(to, app, this.modelName);
    if (canMigrate(model)) this.list.add(editor, model, this.requireEntry(model), to);
  }

  override get migrationNameFragment(): string {
    return `remove_${this.modelNameLower}_${this.name.toLowerCase()}`;
  }

  /** Shown on the model's `Meta` (the entry is no longer written there). */
  override target(): OperationTarget {
    return { model: this.modelName, [this.list.noun]: this.name, meta: true };
  }

  private requireEntry(model: ModelState): T {
    const entry = this.list.entries(model).find((e) => e.name === this.name);
    if (!entry) throw this.fail(`model ${model.key} has no ${this.list.noun} named "${this.name}"`);
    return entry;
  }
}

/** Django's `AddIndex` (the index must be named). */
export class AddIndex extends AddMetaEntry<IndexState> {
  readonly kind = "AddIndex";
  protected readonly list = INDEXES;

  constructor(modelName: string, readonly index: IndexState) {
    super(modelName);
  }

  protected get entry(): IndexState {
    return this.index;
  }

  override deconstruct(): Deconstructed {
    return { name: this.kind, args: { modelName: this.modelName, index: indexToValue(this.index) } };
  }

  override describe(): string {
    return `Create index ${this.index.name} on field(s) ${this.index.fields.join(", ")} of model ${this.modelName}`;
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
export class RemoveIndex extends RemoveMetaEntry<IndexState> {
  readonly kind = "RemoveIndex";
  protected readonly list = INDEXES;

  override describe(): string {
    return `Remove index ${this.name} from ${this.modelName}`;
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
export class AddConstraint extends AddMetaEntry<ConstraintState> {
  readonly kind = "AddConstraint";
  protected readonly list = CONSTRAINTS;

  constructor(modelName: string, readonly constraint: ConstraintState) {
    super(modelName);
  }

  protected get entry(): ConstraintState {
    return this.constraint;
  }

  override deconstruct(): Deconstructed {
    return { name: this.kind, args: { modelName: this.modelName, constraint: constraintToValue(this.constraint) } };
  }

  override describe(): string {
    return `Create constraint ${this.constraint.name} on model ${this.modelName}`;
  }

  override reduce(other: Operation, app: string): Operation[] | boolean {
    if (other instanceof RemoveConstraint && other.modelNameLower === this.modelNameLower && other.name === this.constraint.name) {
      return [];
    }
    return super.reduce(other, app);
  }
}

/** Django's `RemoveConstraint`. */
export class RemoveConstraint extends RemoveMetaEntry<ConstraintState> {
  readonly kind = "RemoveConstraint";
  protected readonly list = CONSTRAINTS;

  override describe(): string {
    return `Remove constraint ${this.name} from model ${this.modelName}`;
  }
}
