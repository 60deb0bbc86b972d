/**
 * The shared base of the built-in operations and the helpers they use to
 * look models and fields up, resolve relations and report errors. Mirrors
 * `django/db/migrations/operations/base.py` and `operations/utils.py`
 * (Django 3.2).
 */
import type { SchemaEditor } from "../backends/base/schema";
import { type SourceLocation, TsMigrateError } from "../errors";
import { throughModel } from "../backends/base/related";
import { type FieldState, type ModelState, type ProjectState, fieldColumn, isManyToMany, modelKey } from "../state";
import { CallValue, type Value } from "../values";
import type { DataLoss, Deconstructed, Operation, OperationTarget, OptimizerHints, Provision, SchemaObject } from "./base";

/**
 * Base class of every built-in operation, with Django's defaults: reversible,
 * not elidable, no name fragment, references every model (the safe answer),
 * and `reduce()` that only drops elidable operations.
 */
export abstract class BaseOperation implements Operation {
  abstract readonly kind: string;
  location?: SourceLocation;

  get reversible(): boolean {
    return true;
  }

  get elidable(): boolean {
    return false;
  }

  abstract stateForwards(app: string, state: ProjectState): void;
  abstract databaseForwards(app: string, editor: SchemaEditor, from: ProjectState, to: ProjectState): void;
  abstract databaseBackwards(app: string, editor: SchemaEditor, from: ProjectState, to: ProjectState): void;
  abstract describe(): string;
  abstract deconstruct(): Deconstructed;

  get migrationNameFragment(): string | undefined {
    return undefined;
  }

  get reducesToSql(): boolean {
    return true;
  }

  /** Django's `describe_operation` for operations with neither `code` nor `sql`. */
  planAction(backwards: boolean): { readonly undo: boolean; readonly action: string | undefined } {
    return { undo: backwards, action: "" };
  }

  /** Nothing in particular (RunSQL, RunCode): editors show it on the file. */
  target(): OperationTarget {
    return {};
  }

  provisions(): readonly Provision[] {
    return [];
  }

  creates(_app: string, _before: ProjectState, _after: ProjectState): SchemaObject[] {
    return [];
  }

  drops(_app: string, _before: ProjectState, _after: ProjectState): SchemaObject[] {
    return [];
  }

  needsDefault(_app: string, _from: ProjectState, _to: ProjectState): boolean {
    return false;
  }

  /** Default: forwards, what {@link drops} names; backwards, what {@link creates} names (unapplying drops it). */
  losses(app: string, before: ProjectState, after: ProjectState, backwards: boolean): DataLoss[] {
    return (backwards ? this.creates(app, before, after) : this.drops(app, before, after)).map(objectLoss);
  }

  /** Django's default: "if in doubt, return True". */
  referencesModel(_name: string, _app: string): boolean {
    return true;
  }

  referencesField(modelName: string, _field: string, app: string): boolean {
    return this.referencesModel(modelName, app);
  }

  /** Django's `Operation.reduce`: an elidable operation gives way to anything. */
  reduce(other: Operation, _app: string): Operation[] | boolean {
    if (this.elidable) return [other];
    if (other.elidable) return [this];
    return false;
  }

  /** Operations without a model of their own never reduce except with elidable neighbours. */
  optimizerHints(_app: string): OptimizerHints {
    return { refs: "all", nextOnly: true };
  }

  /** A TsMigrateError (code `bad-migration`) at this operation's location. */
  protected fail(message: string, code = "bad-migration"): TsMigrateError {
    return new TsMigrateError(`${this.kind}: ${message}`, { code, location: this.location });
  }

  /** The model `app.name` of `state`, or a TsMigrateError at this operation. */
  protected requireModel(state: ProjectState, app: string, name: string): ModelState {
    const m = state.get(app, name);
    if (!m) throw this.fail(`no model ${modelKey(app, name)} in the state of the migrations before this one`);
    return m;
  }

  /** Field `name` of `model`, or a TsMigrateError at this operation. */
  protected requireField(model: ModelState, name: string): FieldState {
    const f = model.fields.get(name);
    if (!f) throw this.fail(`model ${model.key} has no field named "${name}"`);
    return f;
  }
}

/**
 * The table or column field `name` of `model` makes in the database: its
 * column, or for a many-to-many field its auto-created join table (none
 * with a `through` model, which is a model of its own). Names as Django
 * makes them before any vendor truncation.
 */
export function fieldObject(model: ModelState, name: string, field: FieldState, state: ProjectState): SchemaObject | undefined {
  if (!canMigrate(model)) return undefined;
  if (isManyToMany(field)) {
    const through = throughModel(model, name, field, state);
    return through ? { table: through.dbTable } : undefined;
  }
  const column = fieldColumn(name, field);
  return column ? { table: model.dbTable, column } : undefined;
}

/** The tables a managed model makes: its own, then its auto-created join tables. */
export function modelObjects(model: ModelState, state: ProjectState): SchemaObject[] {
  if (!canMigrate(model)) return [];
  const joins = [...model.fields]
    .filter(([, f]) => isManyToMany(f))
    .map(([n, f]) => fieldObject(model, n, f, state))
    .filter((o): o is SchemaObject => o !== undefined);
  return [{ table: model.dbTable }, ...joins];
}

/** A dropped table or column as a {@link DataLoss}. */
export function objectLoss(o: SchemaObject): DataLoss {
  return o.column === undefined ? { kind: "drop-table", table: o.table } : { kind: "drop-column", table: o.table, column: o.column };
}

/** Django's `allow_migrate_model` without routers (`Options.can_migrate`): unmanaged and proxy models get no SQL. */
export function canMigrate(model: ModelState): boolean {
  return model.options.managed !== false && model.options.proxy !== true;
}

/**
 * Django's `resolve_relation`: a relation target as stored (`"app.model"`,
 * a bare model name, or `"self"`) as a lowercase `"app.model"` key.
 */
export function resolveRelation(target: string, app: string, modelName: string): string {
  if (target === "self") return modelKey(app, modelName);
  if (target.includes(".")) {
    const i = target.indexOf(".");
    return `${target.slice(0, i)}.${target.slice(i + 1).toLowerCase()}`;
  }
  return modelKey(app, target);
}

/** The model keys a field points at (`to` and `through`), resolved from model `app.modelName`. */
export function fieldTargets(field: FieldState, app: string, modelName: string): string[] {
  const out: string[] = [];
  const to = field.options.to;
  if (typeof to === "string") out.push(resolveRelation(to, app, modelName));
  const through = field.options.through;
  if (typeof through === "string") out.push(resolveRelation(through, app, modelName));
  return out;
}

/**
 * Django's `field_references`: does `field` of model `ownerKey` point at
 * model `refKey` (through `to` or `through`), and, when `refField` is given,
 * possibly at that field (`toField` / `throughFields`)?
 */
export function fieldReferences(ownerKey: string, field: FieldState, refKey: string, refField?: string): boolean {
  const dot = ownerKey.indexOf(".");
  const app = ownerKey.slice(0, dot);
  const model = ownerKey.slice(dot + 1);
  const to = field.options.to;
  if (typeof to === "string" && resolveRelation(to, app, model) === refKey) {
    const toField = field.options.toField;
    if (refField === undefined || typeof toField !== "string" || toField === refField) return true;
  }
  const through = field.options.through;
  if (typeof through === "string" && resolveRelation(through, app, model) === refKey) {
    const tf = field.options.throughFields;
    if (refField === undefined || !Array.isArray(tf) || tf.includes(refField)) return true;
  }
  return false;
}

/** A field with its `default` removed (AddField/AlterField with `preserveDefault: false`). */
export function withoutDefault(field: FieldState): FieldState {
  if (field.options.default === undefined) return field;
  const options: Record<string, Value> = { ...field.options };
  delete options.default;
  return Object.freeze({ type: field.type, options: Object.freeze(options) });
}

/** `migrations.<Kind>({ ...args })`: an operation as the value written in a file (nested operations). */
export function operationToCall(op: Operation): CallValue {
  const d = op.deconstruct();
  return new CallValue(`migrations.${d.name}`, [d.args]);
}

/** Python's repr of a list of strings (`['a', 'b']`), for Django's describe() texts. */
export function pyList(items: readonly string[]): string {
  return `[${items.map((s) => `'${s}'`).join(", ")}]`;
}
