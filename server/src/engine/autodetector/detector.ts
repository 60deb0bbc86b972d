/**
 * The generation phase of Django's `MigrationAutodetector._detect_changes`
 * (`django/db/migrations/autodetector.py`, Django 3.2): the shared state of
 * one detection and the model-level generators (renamed, deleted and
 * created models, Meta options, indexes, constraints, together options,
 * db_table). Field-level generators are in `fields.ts`.
 *
 * Keys are `"app.model"` (lowercase model), field keys per model. Every
 * loop is driven by maps: no scan over all models per model.
 */
import type { Operation } from "../operations/base";
import { AddConstraint, AddIndex, RemoveConstraint, RemoveIndex } from "../operations/indexes";
import { AlterIndexTogether, AlterModelOptions, AlterModelTable, AlterUniqueTogether } from "../operations/model-options";
import { CreateModel, DeleteModel, RenameModel } from "../operations/models";
import { AddField, RemoveField } from "../operations/fields";
import {
  ALTER_OPTION_KEYS, type ConstraintState, type FieldState, type IndexState, type ModelOptions, type ModelState,
  type ProjectState, fieldOption, isManyToMany,
} from "../state";
import { type Value, valueKey } from "../values";
import type { Dependency } from "./deps";
import { baseDependencies } from "./inheritance";
import { generateCreatedOrderWrt } from "./order-wrt";
import { type Asking, askRenameModel } from "./questions";

/** A relation pointing at a model: the model holding it, the field name and the field. */
interface Reverse {
  readonly owner: ModelState;
  readonly name: string;
  readonly field: FieldState;
}

const sorted = (keys: Iterable<string>): string[] => [...keys].sort();
const minus = (a: ReadonlySet<string>, b: ReadonlySet<string>): Set<string> => new Set([...a].filter((k) => !b.has(k)));
const union = (...sets: ReadonlySet<string>[]): Set<string> => new Set(sets.flatMap((s) => [...s]));

/** The app of a model key. */
export const appOf = (key: string): string => key.slice(0, key.indexOf("."));
/** The lowercase model name of a model key. */
export const modelOf = (key: string): string => key.slice(key.indexOf(".") + 1);

/** True for fields with a related model (FK, O2O, M2M) or an explicit through model. */
function isRelation(field: FieldState): boolean {
  return typeof field.options.to === "string" || typeof field.options.through === "string";
}

/** The shared state of one detection and the model-level generators. */
export class Detector {
  readonly generated = new Map<string, Operation[]>();
  readonly deps = new Map<Operation, Dependency[]>();
  readonly existingApps: Set<string>;
  readonly oldModelKeys = new Set<string>();
  readonly oldUnmanagedKeys = new Set<string>();
  readonly newModelKeys = new Set<string>();
  readonly newUnmanagedKeys = new Set<string>();
  readonly oldProxyKeys = new Set<string>();
  readonly newProxyKeys = new Set<string>();
  /** New model key -> old model key. */
  readonly renamedModels = new Map<string, string>();
  /** Old model key -> new model key. */
  readonly renamedModelsRel = new Map<string, string>();
  keptModelKeys = new Set<string>();
  /** Kept model key -> field names, old side (after renames) and new side. */
  readonly oldFieldKeys = new Map<string, Set<string>>();
  readonly newFieldKeys = new Map<string, Set<string>>();
  /** `"app.model.newfield"` -> old field name. */
  readonly renamedFields = new Map<string, string>();
  /** Through model key -> [app, old model name, field name]. */
  readonly throughUsers = new Map<string, readonly [string, string, string]>();
  readonly alteredIndexes = new Map<string, { added: IndexState[]; removed: IndexState[] }>();
  readonly alteredConstraints = new Map<string, { added: ConstraintState[]; removed: ConstraintState[] }>();
  private fromReverse?: Map<string, Reverse[]>;
  private toReverse?: Map<string, Reverse[]>;

  constructor(readonly from: ProjectState, readonly to: ProjectState) {
    this.existingApps = new Set([...from.models.values()].map((m) => m.app));
    const kind = (m: ModelState, unmanaged: Set<string>, proxy: Set<string>, model: Set<string>) =>
      (m.options.managed === false ? unmanaged : m.isProxy ? proxy : model);
    for (const [key, m] of from.models) kind(m, this.oldUnmanagedKeys, this.oldProxyKeys, this.oldModelKeys).add(key);
    for (const [key, m] of to.models) kind(m, this.newUnmanagedKeys, this.newProxyKeys, this.newModelKeys).add(key);
  }

  /**
   * Django's `add_operation`. Unlike Django, an operation on a renamed model
   * (by its new name), or creating a model under a renamed model's old
   * name, also depends on the RenameModel, so sorting never puts it first.
   */
  addOperation(app: string, op: Operation, deps: Dependency[] = [], beginning = false): void {
    const target = op.target().model;
    const changes = new Set(op.provisions().map((p) => p.change));
    if (target !== undefined && !changes.has("rename-model")) {
      const key = `${app}.${target.toLowerCase()}`;
      const renamedTo = this.renamedModels.has(key) ? key : changes.has("create-model") ? this.renamedModelsRel.get(key) : undefined;
      if (renamedTo !== undefined) deps = [...deps, { app, model: modelOf(renamedTo), field: null, kind: "renamed" }];
    }
    this.deps.set(op, deps);
    let list = this.generated.get(app);
    if (!list) this.generated.set(app, (list = []));
    if (beginning) list.unshift(op);
    else list.push(op);
  }

  /** The old model state of a (new) model key, following model renames. */
  oldModel(key: string): ModelState {
    return this.from.models.get(this.renamedModels.get(key) ?? key)!;
  }

  newModel(key: string): ModelState {
    return this.to.models.get(key)!;
  }

  /**
   * Django's `_get_dependencies_for_foreign_key`, plus (not in Django, unless
   * `renames` is false) the RenameModel of a renamed target.
   */
  fkDependencies(field: FieldState, renames = true): Dependency[] {
    const out: Dependency[] = [];
    for (const opt of ["to", "through"] as const) {
      const target = field.options[opt];
      if (typeof target !== "string") continue;
      out.push({ app: appOf(target), model: modelOf(target), field: null, kind: true });
      if (renames && this.renamedModels.has(target)) out.push({ app: appOf(target), model: modelOf(target), field: null, kind: "renamed" });
    }
    return out;
  }

  /**
   * Relations pointing at a model of the old state: Django's
   * `related_objects`, which leaves out hidden relations (`relatedName`
   * ending in "+") unless they are many-to-many or `includeHidden`.
   */
  reverseOld(key: string, includeHidden = false): readonly Reverse[] {
    this.fromReverse ??= reverseIndex(this.from);
    return (this.fromReverse.get(key) ?? []).filter((r) => includeHidden || !isHidden(r.field) || isManyToMany(r.field));
  }

  /** Relations pointing at a model of the new state, hidden ones left out (Django's `get_fields()`). */
  reverseNew(key: string): readonly Reverse[] {
    this.toReverse ??= reverseIndex(this.to);
    return (this.toReverse.get(key) ?? []).filter((r) => !isHidden(r.field));
  }

  /** Django's `generate_renamed_models`: a removed and an added model with the same fields (relations aside). */
  *generateRenamedModels(): Asking<void> {
    const added = sorted(minus(this.newModelKeys, this.oldModelKeys));
    if (!added.length) return;
    const candidates = new Map<string, string[]>();
    for (const key of sorted(minus(this.oldModelKeys, this.newModelKeys))) {
      const k = `${appOf(key)}\0${fieldsDefinition(this.from.models.get(key)!)}`;
      let list = candidates.get(k);
      if (!list) candidates.set(k, (list = []));
      list.push(key);
    }
    for (const key of added) {
      const model = this.newModel(key);
      for (const remKey of candidates.get(`${model.app}\0${fieldsDefinition(model)}`) ?? []) {
        if (!this.oldModelKeys.has(remKey) || this.newModelKeys.has(remKey)) continue;
        const remModel = this.from.models.get(remKey)!;
        if (!(yield* askRenameModel(remModel, model))) continue;
        const deps: Dependency[] = [];
        for (const f of model.fields.values()) if (isRelation(f)) deps.push(...this.fkDependencies(f, false));
        for (const r of this.reverseNew(key)) deps.push({ app: r.owner.app, model: r.owner.nameLower, field: null, kind: true });
        this.addOperation(model.app, new RenameModel(remModel.name, model.name), deps);
        this.renamedModels.set(key, remKey);
        this.renamedModelsRel.set(remKey, key);
        this.oldModelKeys.delete(remKey);
        this.oldModelKeys.add(key);
        break;
      }
    }
  }

  /** Django's `_prepare_field_lists` and `_generate_through_model_map`. */
  prepareFieldLists(): void {
    this.keptModelKeys = new Set([...this.oldModelKeys].filter((k) => this.newModelKeys.has(k)));
    for (const key of this.keptModelKeys) {
      this.oldFieldKeys.set(key, new Set(this.oldModel(key).fields.keys()));
      this.newFieldKeys.set(key, new Set(this.newModel(key).fields.keys()));
    }
    for (const key of sorted(this.oldModelKeys)) {
      const old = this.oldModel(key);
      for (const [name, f] of old.fields) {
        const through = f.options.through;
        if (typeof through === "string") this.throughUsers.set(through, [old.app, old.nameLower, name]);
      }
    }
  }

  /** Django's `generate_deleted_models`. */
  generateDeletedModels(): void {
    const newKeys = union(this.newModelKeys, this.newUnmanagedKeys);
    const all = [...sorted(minus(this.oldModelKeys, newKeys)), ...sorted(minus(this.oldUnmanagedKeys, newKeys))];
    for (const key of all) {
      const model = this.from.models.get(key)!;
      const app = model.app;
      const name = model.nameLower;
      const related = sorted([...model.fields].filter(([, f]) => isRelation(f)).map(([n]) => n));
      if (model.options.uniqueTogether?.length) this.addOperation(app, new AlterUniqueTogether(name, null));
      if (model.options.indexTogether?.length) this.addOperation(app, new AlterIndexTogether(name, null));
      for (const f of related) this.addOperation(app, new RemoveField(name, f));
      const deps: Dependency[] = [];
      for (const r of this.reverseOld(key)) {
        deps.push({ app: r.owner.app, model: r.owner.nameLower, field: r.name, kind: false });
        if (!isManyToMany(r.field)) deps.push({ app: r.owner.app, model: r.owner.nameLower, field: r.name, kind: "alter" });
      }
      for (const f of related) deps.push({ app, model: name, field: f, kind: false });
      const user = this.throughUsers.get(key);
      if (user) deps.push({ app: user[0], model: user[1], field: user[2], kind: false });
      this.addOperation(app, new DeleteModel(model.name), dedupeDeps(deps));
    }
  }

  /**
   * Django's `generate_created_models`: CreateModel without relation fields
   * (added after as AddField so that cycles can be cut; the optimizer folds
   * them back), then indexes, constraints and together options.
   */
  generateCreatedModels(): void {
    const oldKeys = union(this.oldModelKeys, this.oldUnmanagedKeys);
    const added = sorted(minus(this.newModelKeys, oldKeys)).reverse();
    const addedUnmanaged = sorted(minus(this.newUnmanagedKeys, oldKeys)).reverse();
    for (const key of [...added, ...addedUnmanaged]) {
      const model = this.newModel(key);
      const app = model.app;
      const name = model.nameLower;
      const related = new Map<string, FieldState>();
      let pkRelation: FieldState | undefined;
      for (const [n, f] of model.fields) {
        if (!isRelation(f)) continue;
        if (fieldOption(f, "primaryKey") === true) pkRelation = f;
        else if (f.options.parentLink !== true || isManyToMany(f)) related.set(n, f);
      }
      const { indexes, constraints, uniqueTogether, indexTogether, orderWithRespectTo, ...options } = model.options;
      const deps: Dependency[] = [{ app, model: name, field: null, kind: false }, ...baseDependencies(this, model, true)];
      if (pkRelation) deps.push(...this.fkDependencies(pkRelation).slice(0, 1));
      const fields = [...model.fields].filter(([n]) => !related.has(n));
      this.addOperation(app, new CreateModel(model.name, fields, options as ModelOptions, model.bases), dedupeDeps(deps), true);
      if (model.options.managed === false) continue;
      const relatedNames = sorted(related.keys());
      for (const n of relatedNames) {
        const f = related.get(n)!;
        const d = [...this.fkDependencies(f), { app, model: name, field: null, kind: true } as Dependency];
        this.addOperation(app, new AddField(name, n, f), dedupeDeps(d));
      }
      generateCreatedOrderWrt(this, app, name, orderWithRespectTo);
      const relatedDeps: Dependency[] = [
        ...relatedNames.map((n): Dependency => ({ app, model: name, field: n, kind: true })),
        { app, model: name, field: null, kind: true },
      ];
      for (const index of indexes ?? []) this.addOperation(app, new AddIndex(name, index), relatedDeps);
      for (const c of constraints ?? []) this.addOperation(app, new AddConstraint(name, c), relatedDeps);
      if (uniqueTogether?.length) this.addOperation(app, new AlterUniqueTogether(name, uniqueTogether), relatedDeps);
      if (indexTogether?.length) this.addOperation(app, new AlterIndexTogether(name, indexTogether), relatedDeps);
    }
  }

  /** Django's `generate_altered_options`: the state-only Meta options (AlterModelOptions). */
  generateAlteredOptions(): void {
    const keys = union(
      this.keptModelKeys,
      new Set([...this.oldProxyKeys].filter((k) => this.newProxyKeys.has(k))),
      new Set([...this.oldUnmanagedKeys].filter((k) => this.newUnmanagedKeys.has(k))),
      new Set([...this.oldUnmanagedKeys].filter((k) => this.newModelKeys.has(k))),
      new Set([...this.oldModelKeys].filter((k) => this.newUnmanagedKeys.has(k))),
    );
    for (const key of sorted(keys)) {
      const oldOptions = alterOptions(this.oldModel(key).options);
      const newOptions = alterOptions(this.newModel(key).options);
      if (valueKey(oldOptions as Value) !== valueKey(newOptions as Value)) {
        this.addOperation(appOf(key), new AlterModelOptions(modelOf(key), newOptions));
      }
    }
  }

  /** Django's `create_altered_indexes` and `create_altered_constraints`. */
  createAlteredIndexesAndConstraints(): void {
    for (const key of sorted(this.keptModelKeys)) {
      const o = this.oldModel(key).options;
      const n = this.newModel(key).options;
      const [addedIdx, removedIdx] = diff(o.indexes ?? [], n.indexes ?? []);
      this.alteredIndexes.set(key, { added: addedIdx, removed: removedIdx });
      const [addedC, removedC] = diff(o.constraints ?? [], n.constraints ?? []);
      this.alteredConstraints.set(key, { added: addedC, removed: removedC });
    }
  }

  generateRemovedConstraints(): void {
    for (const [key, { removed }] of this.alteredConstraints) {
      for (const c of removed) this.addOperation(appOf(key), new RemoveConstraint(modelOf(key), c.name));
    }
  }

  generateRemovedIndexes(): void {
    for (const [key, { removed }] of this.alteredIndexes) {
      for (const i of removed) this.addOperation(appOf(key), new RemoveIndex(modelOf(key), i.name));
    }
  }

  generateAddedIndexes(): void {
    for (const [key, { added }] of this.alteredIndexes) {
      for (const i of added) this.addOperation(appOf(key), new AddIndex(modelOf(key), i));
    }
  }

  generateAddedConstraints(): void {
    for (const [key, { added }] of this.alteredConstraints) {
      for (const c of added) this.addOperation(appOf(key), new AddConstraint(modelOf(key), c));
    }
  }

  /** Django's `_generate_altered_foo_together` (old value seen through field renames). */
  generateAlteredTogether(option: "uniqueTogether" | "indexTogether"): void {
    for (const key of sorted(this.keptModelKeys)) {
      const oldValue = (this.oldModel(key).options[option] ?? [])
        .map((t) => t.map((n) => this.renamedFields.get(`${key}.${n}`) ?? n));
      const newValue = this.newModel(key).options[option] ?? [];
      const asSet = (v: readonly (readonly string[])[]) => new Set(v.map((t) => JSON.stringify(t)));
      const a = asSet(oldValue);
      const b = asSet(newValue);
      if (a.size === b.size && [...a].every((t) => b.has(t))) continue;
      const deps: Dependency[] = [];
      const model = this.newModel(key);
      for (const t of newValue) {
        for (const n of t) {
          const f = model.fields.get(n);
          if (f && typeof f.options.to === "string") deps.push(...this.fkDependencies(f));
        }
      }
      const Op = option === "uniqueTogether" ? AlterUniqueTogether : AlterIndexTogether;
      this.addOperation(appOf(key), new Op(modelOf(key), newValue.map((t) => [...t])), deps);
    }
  }

  /** Django's `generate_altered_db_table`. */
  generateAlteredDbTable(): void {
    const keptUnmanaged = new Set([...this.oldUnmanagedKeys].filter((k) => this.newUnmanagedKeys.has(k)));
    for (const key of sorted(union(this.keptModelKeys, keptUnmanaged))) {
      const oldTable = this.oldModel(key).options.dbTable;
      const newTable = this.newModel(key).options.dbTable;
      if (oldTable !== newTable) this.addOperation(appOf(key), new AlterModelTable(modelOf(key), newTable ?? null));
    }
  }
}

/** Django's `ForeignObjectRel.is_hidden()`: a `relatedName` ending in "+". */
function isHidden(field: FieldState): boolean {
  const r = field.options.relatedName;
  return typeof r === "string" && r.endsWith("+");
}

/**
 * Django's `only_relation_agnostic_fields` as a key: the fields in name
 * order, names and relation targets left out.
 */
function fieldsDefinition(model: ModelState): string {
  const defs = [...model.fields].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, f]) => {
    const options: Record<string, Value> = { ...f.options };
    delete options.to;
    return [f.type, options] as Value;
  });
  return valueKey(defs);
}

function reverseIndex(state: ProjectState): Map<string, Reverse[]> {
  const out = new Map<string, Reverse[]>();
  for (const owner of state.models.values()) {
    for (const [name, field] of owner.fields) {
      const to = field.options.to;
      if (typeof to !== "string") continue;
      let list = out.get(to);
      if (!list) out.set(to, (list = []));
      list.push({ owner, name, field });
    }
  }
  return out;
}

function alterOptions(options: ModelOptions): ModelOptions {
  const out: Record<string, unknown> = {};
  for (const key of ALTER_OPTION_KEYS) if (options[key] !== undefined) out[key] = options[key];
  return out as ModelOptions;
}

/** Items of `b` not in `a` (added) and of `a` not in `b` (removed), by value. */
function diff<T>(a: readonly T[], b: readonly T[]): [T[], T[]] {
  const ka = new Set(a.map((x) => valueKey(x as Value)));
  const kb = new Set(b.map((x) => valueKey(x as Value)));
  return [b.filter((x) => !ka.has(valueKey(x as Value))), a.filter((x) => !kb.has(valueKey(x as Value)))];
}

/** Dependencies without duplicates (Django's `list(set(dependencies))`), first occurrence kept. */
function dedupeDeps(deps: readonly Dependency[]): Dependency[] {
  const seen = new Set<string>();
  return deps.filter((d) => {
    const k = `${d.app}\0${d.model}\0${d.field}\0${String(d.kind)}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
