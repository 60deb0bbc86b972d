/**
 * Project state: the models as a sequence of migrations (or the model files)
 * describe them. Mirrors `django/db/migrations/state.py` (Django 3.2) without
 * rendering model classes: states are plain immutable data, and a
 * {@link ProjectState} is a map from model key to {@link ModelState}, so
 * cloning it is one shallow map copy and applying an operation replaces only
 * the models it touches.
 */
import { FIELD_SPECS, type FieldType } from "./fields";
import { type Value, valueKey } from "./values";

/**
 * A field as a migration records it: its type and the options given
 * explicitly (Django's `deconstruct()` kwargs, camelCase). Options equal to
 * their default are left out, so equal fields have equal options.
 *
 * Relations hold `to` as a lowercase model label, `"app.model"`; `onDelete`
 * holds a name from `ON_DELETE`.
 */
export interface FieldState {
  readonly type: FieldType;
  readonly options: Readonly<Record<string, Value>>;
}

/** An index from `Meta.indexes` (`models.Index`): field names, `-` for descending. */
export interface IndexState {
  readonly name: string;
  readonly fields: readonly string[];
  /** A `models.Q(...)` condition for a partial index. */
  readonly condition?: Value;
}

/** A constraint from `Meta.constraints`. */
export type ConstraintState =
  | {
      readonly kind: "UniqueConstraint";
      readonly name: string;
      readonly fields: readonly string[];
      readonly condition?: Value;
      readonly deferrable?: "DEFERRED" | "IMMEDIATE";
    }
  | { readonly kind: "CheckConstraint"; readonly name: string; readonly check: Value };

/**
 * `Meta` options kept in state (Django's `DEFAULT_NAMES`, camelCase). Only
 * dbTable, uniqueTogether, indexTogether, indexes and constraints reach the
 * database; the rest change state only (AlterModelOptions).
 */
export interface ModelOptions {
  readonly dbTable?: string;
  readonly ordering?: readonly string[];
  readonly uniqueTogether?: readonly (readonly string[])[];
  readonly indexTogether?: readonly (readonly string[])[];
  readonly indexes?: readonly IndexState[];
  readonly constraints?: readonly ConstraintState[];
  readonly verboseName?: string;
  readonly verboseNamePlural?: string;
  readonly managed?: boolean;
  readonly getLatestBy?: Value;
  readonly permissions?: Value;
  readonly defaultPermissions?: Value;
  readonly defaultRelatedName?: string;
  readonly orderWithRespectTo?: string;
}

/** Meta options that only AlterModelOptions changes (Django's `AlterModelOptions.ALTER_OPTION_KEYS`). */
export const ALTER_OPTION_KEYS = [
  "ordering", "verboseName", "verboseNamePlural", "managed", "getLatestBy", "permissions",
  "defaultPermissions", "defaultRelatedName",
] as const;

/** Django's implicit defaults for field options left out. */
const COMMON_DEFAULTS: Readonly<Record<string, Value>> = {
  null: false, blank: false, primaryKey: false, unique: false, dbIndex: false, editable: true,
  serialize: true, autoCreated: false, dbConstraint: true,
};

/** The effective value of a field option: given, else the type's default, else Django's common default. */
export function fieldOption(field: FieldState, option: string): Value | undefined {
  const given = field.options[option];
  if (given !== undefined) return given;
  const typed = FIELD_SPECS[field.type].defaults[option];
  if (typed !== undefined) return typed;
  return COMMON_DEFAULTS[option];
}

/** A new field state, options equal to their defaults dropped and keys sorted for determinism. */
export function makeField(type: FieldType, options: Readonly<Record<string, Value | undefined>>): FieldState {
  const kept: Record<string, Value> = {};
  const probe: FieldState = { type, options: {} };
  for (const key of Object.keys(options)) {
    const v = options[key];
    if (v === undefined) continue;
    // Django's EmailField keeps max_length even at its default; we drop every default alike.
    if (valueKey(fieldOption(probe, key)) === valueKey(v)) continue;
    kept[key] = v;
  }
  return Object.freeze({ type, options: Object.freeze(kept) });
}

/** Structural equality of two fields (Django compares `deconstruct()` output). */
export function fieldsEqual(a: FieldState, b: FieldState): boolean {
  return a.type === b.type && valueKey(a.options) === valueKey(b.options);
}

/** True for ForeignKey and OneToOneField: a column that references another table. */
export function isForeignKey(field: FieldState): boolean {
  const r = FIELD_SPECS[field.type].relation;
  return r === "many-to-one" || r === "one-to-one";
}

/** True for ManyToManyField: no column, a join table instead. */
export function isManyToMany(field: FieldState): boolean {
  return FIELD_SPECS[field.type].relation === "many-to-many";
}

/** The model label a relation points at (`"app.model"`, lowercase), or undefined for plain fields. */
export function relatedModel(field: FieldState): string | undefined {
  const to = field.options.to;
  return typeof to === "string" ? to : undefined;
}

/** The column a field makes: `dbColumn`, else `<name>_id` for FK/O2O, else the name; undefined for M2M. */
export function fieldColumn(name: string, field: FieldState): string | undefined {
  if (isManyToMany(field)) return undefined;
  const col = field.options.dbColumn;
  if (typeof col === "string") return col;
  return isForeignKey(field) ? `${name}_id` : name;
}

/**
 * One model as state: app label, class name (case kept), ordered fields and
 * Meta options. Immutable: the `with...` methods return a new ModelState.
 */
export class ModelState {
  readonly app: string;
  readonly name: string;
  readonly fields: ReadonlyMap<string, FieldState>;
  readonly options: ModelOptions;

  constructor(app: string, name: string, fields: Iterable<readonly [string, FieldState]>, options: ModelOptions = {}) {
    this.app = app;
    this.name = name;
    this.fields = new Map(fields);
    this.options = options;
  }

  /** The model name lowercased (Django's `model_name`). */
  get nameLower(): string {
    return this.name.toLowerCase();
  }

  /** `"app.modelname"`: the key in {@link ProjectState.models}. */
  get key(): string {
    return modelKey(this.app, this.name);
  }

  /** `Meta.dbTable`, else Django's `<app>_<modelname>`. */
  get dbTable(): string {
    return this.options.dbTable ?? `${this.app}_${this.nameLower}`.toLowerCase();
  }

  /** The primary key field: the one with `primaryKey: true` (every loaded model has one). */
  get pk(): [string, FieldState] {
    for (const [name, f] of this.fields) if (fieldOption(f, "primaryKey") === true) return [name, f];
    throw new Error(`model ${this.key} has no primary key`);
  }

  /** A copy with other fields (order kept as given). */
  withFields(fields: Iterable<readonly [string, FieldState]>): ModelState {
    return new ModelState(this.app, this.name, fields, this.options);
  }

  /** A copy with one field added at the end or replaced in place. */
  withField(name: string, field: FieldState): ModelState {
    const fields = new Map(this.fields);
    fields.set(name, field);
    return this.withFields(fields);
  }

  /** A copy without a field. */
  withoutField(name: string): ModelState {
    const fields = new Map(this.fields);
    fields.delete(name);
    return this.withFields(fields);
  }

  /** A copy with other Meta options (keys set to undefined are removed). */
  withOptions(options: ModelOptions): ModelState {
    const clean: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(options)) if (v !== undefined) clean[k] = v;
    return new ModelState(this.app, this.name, this.fields, clean as ModelOptions);
  }

  /** A copy under another class name (RenameModel). */
  withName(name: string): ModelState {
    return new ModelState(this.app, name, this.fields, this.options);
  }
}

/** The key of a model: `"app.modelname"`, lowercase model name. */
export function modelKey(app: string, name: string): string {
  return `${app}.${name.toLowerCase()}`;
}

/**
 * All models of a project at one point in the migration history. Cloning is a
 * shallow copy of the map (ModelStates are immutable), so replaying N
 * migrations over M models costs O(N·M) copies at worst and no rendering.
 */
export class ProjectState {
  readonly models: Map<string, ModelState>;

  constructor(models: Iterable<ModelState> = []) {
    this.models = new Map();
    for (const m of models) this.models.set(m.key, m);
  }

  /** A copy that can change without changing this one. */
  clone(): ProjectState {
    const s = new ProjectState();
    for (const [k, m] of this.models) s.models.set(k, m);
    return s;
  }

  /** The model `app.name` (any case), or undefined. */
  get(app: string, name: string): ModelState | undefined {
    return this.models.get(modelKey(app, name));
  }

  /** The model `app.name`; throws if absent (a migration naming a model that does not exist). */
  require(app: string, name: string): ModelState {
    const m = this.get(app, name);
    if (!m) throw new Error(`no model ${modelKey(app, name)} in the migration state`);
    return m;
  }

  /** Adds or replaces a model. */
  put(model: ModelState): void {
    this.models.set(model.key, model);
  }

  /** Removes a model. */
  remove(app: string, name: string): void {
    this.models.delete(modelKey(app, name));
  }

  /** The model a relation's `to` label names, or undefined. */
  resolve(label: string): ModelState | undefined {
    return this.models.get(label.toLowerCase());
  }

  /** Models of one app, in insertion order. */
  appModels(app: string): ModelState[] {
    return [...this.models.values()].filter((m) => m.app === app);
  }
}
