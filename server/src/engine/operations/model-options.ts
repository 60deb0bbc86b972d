/**
 * Meta option operations: AlterModelTable, AlterUniqueTogether,
 * AlterIndexTogether, AlterModelOptions. Mirrors
 * `django/db/migrations/operations/models.py` (Django 3.2), with Django
 * 4.0+ migration name fragments.
 */
import type { SchemaEditor } from "../backends/base/schema";
import { ALTER_OPTION_KEYS, type ModelOptions, type ProjectState } from "../state";
import type { Value } from "../values";
import type { Deconstructed, Operation, OperationTarget, Provision } from "./base";
import { canMigrate } from "./common";
import { ModelOperation } from "./models";
import { optionsToValue } from "./options";

/** Django's `ModelOptionOperation`: a later operation of the same kind (or DeleteModel) on the model replaces it. */
export abstract class ModelOptionOperation extends ModelOperation {
  override reduce(other: Operation, app: string): Operation[] | boolean {
    if ((other.kind === this.kind || other.kind === "DeleteModel") &&
      (other as ModelOperation).nameLower === this.nameLower) {
      return [other];
    }
    return super.reduce(other, app);
  }

  /** Shown on the model's `Meta`. */
  override target(): OperationTarget {
    return { model: this.name, meta: true };
  }
}

/** Django's `AlterModelTable`: `table` null means Django's default `<app>_<model>`. */
export class AlterModelTable extends ModelOptionOperation {
  readonly kind = "AlterModelTable";

  constructor(name: string, readonly table: string | null) {
    super(name);
  }

  override deconstruct(): Deconstructed {
    return { name: this.kind, args: { name: this.name, table: this.table } };
  }

  override stateForwards(app: string, state: ProjectState): void {
    const model = this.requireModel(state, app, this.name);
    state.put(model.withOptions({ ...model.options, dbTable: this.table ?? undefined }));
  }

  override databaseForwards(app: string, editor: SchemaEditor, from: ProjectState, to: ProjectState): void {
    const toModel = this.requireModel(to, app, this.name);
    if (!canMigrate(toModel)) return;
    editor.alterDbTable(this.requireModel(from, app, this.name), toModel, from, to);
  }

  override databaseBackwards(app: string, editor: SchemaEditor, from: ProjectState, to: ProjectState): void {
    this.databaseForwards(app, editor, from, to);
  }

  override describe(): string {
    return `Rename table for ${this.name} to ${this.table ?? "(default)"}`;
  }

  override get migrationNameFragment(): string {
    return `alter_${this.nameLower}_table`;
  }
}

/** Django's `AlterTogetherOptionOperation`: sets `uniqueTogether` or `indexTogether` (null or [] removes it). */
export abstract class AlterTogetherOptionOperation extends ModelOptionOperation {
  /** The state key: "uniqueTogether" or "indexTogether". */
  abstract readonly optionName: "uniqueTogether" | "indexTogether";
  /** Django's option name, for describe(): "unique_together" or "index_together". */
  abstract readonly djangoName: string;

  constructor(name: string, readonly optionValue: readonly (readonly string[])[] | null) {
    super(name);
  }

  override provisions(): readonly Provision[] {
    return [{ change: "alter-together", model: this.name }];
  }

  override deconstruct(): Deconstructed {
    const v: Value = this.optionValue === null ? null : this.optionValue.map((t) => [...t]);
    return { name: this.kind, args: { name: this.name, [this.optionName]: v } };
  }

  override stateForwards(app: string, state: ProjectState): void {
    const model = this.requireModel(state, app, this.name);
    const value = this.optionValue && this.optionValue.length ? this.optionValue : undefined;
    state.put(model.withOptions({ ...model.options, [this.optionName]: value }));
  }

  override databaseForwards(app: string, editor: SchemaEditor, from: ProjectState, to: ProjectState): void {
    const toModel = this.requireModel(to, app, this.name);
    if (!canMigrate(toModel)) return;
    editor.alterTogether(this.requireModel(from, app, this.name), toModel, to);
  }

  override databaseBackwards(app: string, editor: SchemaEditor, from: ProjectState, to: ProjectState): void {
    this.databaseForwards(app, editor, from, to);
  }

  override referencesField(modelName: string, name: string, app: string): boolean {
    return this.referencesModel(modelName, app) &&
      (!this.optionValue || this.optionValue.length === 0 || this.optionValue.some((t) => t.includes(name)));
  }

  override describe(): string {
    return `Alter ${this.djangoName} for ${this.name} (${this.optionValue?.length ?? 0} constraint(s))`;
  }

  override get migrationNameFragment(): string {
    return `alter_${this.nameLower}_${this.djangoName}`;
  }
}

/** Django's `AlterUniqueTogether`. */
export class AlterUniqueTogether extends AlterTogetherOptionOperation {
  readonly kind = "AlterUniqueTogether";
  readonly optionName = "uniqueTogether";
  readonly djangoName = "unique_together";
}

/** Django's `AlterIndexTogether`. */
export class AlterIndexTogether extends AlterTogetherOptionOperation {
  readonly kind = "AlterIndexTogether";
  readonly optionName = "indexTogether";
  readonly djangoName = "index_together";
}

/**
 * Django's `AlterModelOptions`: sets the state-only Meta options
 * (`ALTER_OPTION_KEYS`); keys left out are removed. No SQL.
 */
export class AlterModelOptions extends ModelOptionOperation {
  readonly kind = "AlterModelOptions";

  constructor(name: string, readonly options: ModelOptions) {
    super(name);
  }

  override deconstruct(): Deconstructed {
    return { name: this.kind, args: { name: this.name, options: optionsToValue(this.options) } };
  }

  override stateForwards(app: string, state: ProjectState): void {
    const model = this.requireModel(state, app, this.name);
    const merged: Record<string, unknown> = { ...model.options, ...this.options };
    for (const key of ALTER_OPTION_KEYS) if (!(key in this.options)) delete merged[key];
    state.put(model.withOptions(merged as ModelOptions));
  }

  /** No SQL: these options live in the state only. */
  override databaseForwards(_app?: string, _editor?: SchemaEditor, _from?: ProjectState, _to?: ProjectState): void {}

  /** No SQL. */
  override databaseBackwards(_app?: string, _editor?: SchemaEditor, _from?: ProjectState, _to?: ProjectState): void {}

  override describe(): string {
    return `Change Meta options on ${this.name}`;
  }

  override get migrationNameFragment(): string {
    return `alter_${this.nameLower}_options`;
  }
}
