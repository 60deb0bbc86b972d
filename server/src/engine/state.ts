/**
 * Project state: the models as a sequence of migrations (or the model files)
 * describe them. Mirrors `django/db/migrations/state.py` (Django 3.2) without
 * rendering model classes: states are plain immutable data, and a
 * {@link ProjectState} is a map from model key to {@link ModelState}, so
 * cloning it is one shallow map copy and applying an operation replaces only
 * the models it touches.
 */
import { TsMigrateError } from "./errors";
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
  /** Django's `proxy`: the model is its (only) base's table seen as another class; it has no table of its own. */
  readonly proxy?: boolean;
  readonly getLatestBy?: Value;
  readonly permissions?: Value;
  readonly defaultPermissions?: Value;
  readonly defaultRelatedName?: string;
  readonly orderWithRespectTo?: string;
}

/** Django's `normalize_together`: `["a", "b"]` is `[["a", "b"]]`; undefined when not lists of field names.
 * Shared by the model loader (Meta) and the migration loader (operation arguments). */
export function normalizeTogether(v: Value | undefined): string[][] | undefined {
  if (!Array.isArray(v)) return undefined;
  if (v.length === 0) return [];
  const lists = Array.isArray(v[0]) ? (v as readonly Value[]) : [v];
  const out: string[][] = [];
  for (const l of lists) {
    if (!Array.isArray(l) || l.length === 0 || !l.every((s) => typeof s === "string")) return undefined;
    out.push([...(l as string[])]);
  }
  return out;
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


/** The column a field makes: `dbColumn`, else `<name>_id` for FK/O2O, else the name; undefined for M2M. */
export function fieldColumn(name: string, field: FieldState): string | undefined {
  if (isManyToMany(field)) return undefined;
  const col = field.options.dbColumn;
  if (typeof col === "string") return col;
  return isForeignKey(field) ? `${name}_id` : name;
}

/**
 * One model as state: app label, class name (case kept), ordered fields,
 * Meta options and bases. Immutable: the `with...` methods return a new
 * ModelState.
 *
 * `bases` is Django's `ModelState.bases` without `models.Model`: the
 * lowercase label (`"shop.product"`) of the concrete or proxy model this one
 * extends (multi-table inheritance, or a proxy's model), empty for a model
 * extending `models.Model` (through abstract models or not). A multi-table
 * child's fields are its own only (the parent link `<parent>_ptr` first);
 * a proxy has no fields.
 */
export class ModelState {
  readonly app: string;
  readonly name: string;
  readonly fields: ReadonlyMap<string, FieldState>;
  readonly options: ModelOptions;
  readonly bases: readonly string[];

  constructor(
    app: string, name: string, fields: Iterable<readonly [string, FieldState]>, options: ModelOptions = {},
    bases: readonly string[] = [],
  ) {
    this.app = app;
    this.name = name;
    this.fields = new Map(fields);
    this.options = options;
    this.bases = bases;
  }

  /** True for a proxy model (`Meta.proxy`): no table, its base's rows. */
  get isProxy(): boolean {
    return this.options.proxy === true;
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
    throw new TsMigrateError(`model ${this.key} has no primary key`, { code: "bad-migration" });
  }

  /** A copy with other fields (order kept as given). */
  withFields(fields: Iterable<readonly [string, FieldState]>): ModelState {
    return new ModelState(this.app, this.name, fields, this.options, this.bases);
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
    return new ModelState(this.app, this.name, this.fields, clean as ModelOptions, this.bases);
  }

  /** A copy under another class name (RenameModel). */
  withName(name: string): ModelState {
    return new ModelState(this.app, name, this.fields, this.options, this.bases);
  }
}

/** The key of a model: `"app.modelname"`, lowercase model name. */
export function modelKey(app: string, name: string): string {
  return `${app}.${name.toLowerCase()}`;
}

/**
 * All models of a project at one point in the migration history.
 *
 * ModelStates are immutable, so copies share them: {@link clone} is one
 * native map copy, and {@link fork} is O(1): a layer that reads through to
 * its base and keeps its own writes, which {@link absorb} folds back. The
 * executor forks once per operation (the base is the state before it, the
 * fork the state after), so applying N operations over M models costs
 * O(N) rather than Django's re-rendering or O(N·M) copies. Reading
 * {@link models} of a fork flattens it into a plain map (O(M), once): only
 * rare operations (renames) do that.
 */
export class ProjectState {
  /** Own entries; `null` marks a model removed in this layer (forks only). */
  private map = new Map<string, ModelState | null>();
  /** The state this one is a fork of; never changed while the fork lives. */
  private base: ProjectState | undefined;

  constructor(models: Iterable<ModelState> = []) {
    for (const m of models) this.map.set(m.key, m);
  }

  /** Every model by key (`"app.modelname"`), in insertion order. Flattens a fork. */
  get models(): Map<string, ModelState> {
    if (this.base) {
      const merged = new Map(this.base.models);
      for (const [k, v] of this.map) {
        if (v === null) merged.delete(k);
        else merged.set(k, v);
      }
      this.map = merged;
      this.base = undefined;
    }
    return this.map as Map<string, ModelState>;
  }

  /** A copy that can change without changing this one (one native map copy). */
  clone(): ProjectState {
    const s = new ProjectState();
    s.map = new Map(this.models);
    return s;
  }

  /**
   * A layer over this state, in O(1): it reads through to this state and
   * keeps its own writes. This state must not change while the fork is in
   * use; fold the fork's changes back with {@link absorb}.
   */
  fork(): ProjectState {
    const s = new ProjectState();
    s.base = this;
    return s;
  }

  /**
   * Makes this state equal to `child`, a fork of it, copying only what the
   * fork changed. The fork then becomes an empty layer over this state, so
   * whoever still holds it (a schema editor keeping the latest state for
   * its deferred work) sees this state as it goes on changing.
   */
  absorb(child: ProjectState): void {
    if (child.base !== this) {
      // The fork was flattened (or is unrelated): it holds every model.
      this.map = new Map(child.models);
      this.base = undefined;
    } else {
      for (const [k, v] of child.map) {
        if (v === null && !this.base) this.map.delete(k);
        else this.map.set(k, v);
      }
    }
    child.map = new Map();
    child.base = this;
  }

  /** The model under `key`, looking through forks. */
  private lookup(key: string): ModelState | undefined {
    let s: ProjectState | undefined = this;
    while (s) {
      const own = s.map.get(key);
      if (own !== undefined) return own ?? undefined;
      s = s.base;
    }
    return undefined;
  }

  /** The model `app.name` (any case), or undefined. */
  get(app: string, name: string): ModelState | undefined {
    return this.lookup(modelKey(app, name));
  }

  /** The model `app.name`; throws if absent (a migration naming a model that does not exist). */
  require(app: string, name: string): ModelState {
    const m = this.get(app, name);
    if (!m) throw new TsMigrateError(`no model ${modelKey(app, name)} in the migration state`, { code: "unknown-model" });
    return m;
  }

  /** Adds or replaces a model. */
  put(model: ModelState): void {
    this.map.set(model.key, model);
  }

  /** Removes a model. */
  remove(app: string, name: string): void {
    const key = modelKey(app, name);
    if (this.base) this.map.set(key, null);
    else this.map.delete(key);
  }

  /** The model a relation's `to` label names, or undefined. */
  resolve(label: string): ModelState | undefined {
    return this.lookup(label.toLowerCase());
  }

  /**
   * Django's `_meta.concrete_model`: `model` itself, or for a proxy the
   * model whose table it shares (following proxies of proxies). Throws when
   * a proxy's base is not in the state.
   */
  concrete(model: ModelState): ModelState {
    let m = model;
    for (let depth = 0; m.isProxy; depth++) {
      const base = m.bases[0] !== undefined ? this.resolve(m.bases[0]) : undefined;
      if (!base || depth > 100) {
        throw new TsMigrateError(`proxy model ${model.key} has no concrete base model in the migration state (bases: ${m.bases.join(", ") || "none"})`,
          { code: "unknown-model" });
      }
      m = base;
    }
    return m;
  }

  /** Models of one app, in insertion order. */
  appModels(app: string): ModelState[] {
    return [...this.models.values()].filter((m) => m.app === app);
  }
}
