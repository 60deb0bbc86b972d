/**
 * The operation interface every migration operation implements. Mirrors
 * `django/db/migrations/operations/base.py` (Django 3.2).
 */
import type { SchemaEditor } from "../backends/base/schema";
import type { SourceLocation } from "../errors";
import type { ProjectState } from "../state";
import type { Value } from "../values";

/**
 * What the writer needs to print an operation: `migrations.<name>({ ...args })`.
 * `args` keys are Django's argument names in camelCase, in the order they
 * should be written; values are static {@link Value}s.
 */
export interface Deconstructed {
  readonly name: string;
  readonly args: Readonly<Record<string, Value>>;
}

/**
 * One migration operation.
 *
 * State is changed by replacing ModelStates in the ProjectState passed in.
 * Database methods emit SQL through the schema editor and never query the
 * database; they receive the state before and after the operation
 * (`databaseBackwards` receives them as Django does: `from` is the state
 * after the operation, `to` the state before it).
 */
export interface Operation {
  /** Django's class name: "CreateModel", "AddField", ... */
  readonly kind: string;
  /** Where the operation was read from, for errors and editor hovers (absent for generated ones). */
  location?: SourceLocation;
  /** False for operations whose backwards step cannot run (RunSQL without reverseSql, RunCode without reverseCode). */
  readonly reversible: boolean;
  /** True when the operation may be dropped when squashing (RunSQL `elidable`). */
  readonly elidable: boolean;
  /**
   * Django's `reduces_to_sql`: false for an operation that runs code rather
   * than SQL (RunCode), which `sqlmigrate` announces and skips.
   */
  readonly reducesToSql: boolean;

  /** Applies the operation to `state` in place. Throws TsMigrateError when the state does not allow it. */
  stateForwards(app: string, state: ProjectState): void;
  /** Emits the forward SQL. `from` = state before, `to` = state after. */
  databaseForwards(app: string, editor: SchemaEditor, from: ProjectState, to: ProjectState): void;
  /** Emits the backward SQL. `from` = state after the operation, `to` = state before it. */
  databaseBackwards(app: string, editor: SchemaEditor, from: ProjectState, to: ProjectState): void;

  /** Human description, Django's wording: "Add field stock to product". */
  describe(): string;
  /** Fragment for automatic migration names ("product_stock"), or undefined (RunSQL). Django 4.0+ `migration_name_fragment`. */
  readonly migrationNameFragment: string | undefined;

  /** True when the operation touches model `name` (lowercase) of `app`, including through relations. */
  referencesModel(name: string, app: string): boolean;
  /** True when the operation touches field `field` of model `modelName` (both lowercase). */
  referencesField(modelName: string, field: string, app: string): boolean;
  /**
   * Django's `reduce()`: the operations that replace `this` followed by
   * `other`, or `true` when `other` may be optimized across `this`, or
   * `false` when it may not.
   */
  reduce(other: Operation, app: string): Operation[] | boolean;

  /** The operation's constructor arguments, for the writer and for checksums. */
  deconstruct(): Deconstructed;

  /**
   * What `migrate --plan` shows for it (Django's `describe_operation`):
   * `undo` when the description gets "Undo " backwards, `action` the text
   * after " -> " ("" for none), undefined when it cannot run that way.
   */
  planAction(backwards: boolean): { readonly undo: boolean; readonly action: string | undefined };
  /** What the operation is about, as a models file shows it (for editors). */
  target(): OperationTarget;
  /**
   * The changes later operations may depend on (the autodetector's
   * dependencies; Django's `check_dependency` asked the other way round).
   */
  provisions(): readonly Provision[];
  /**
   * The tables and columns this operation creates going forwards, named as
   * in `after`; `before` and `after` are the states around it. Unapplying
   * it drops them.
   */
  creates(app: string, before: ProjectState, after: ProjectState): SchemaObject[];
  /**
   * The tables and columns this operation drops going forwards, named as in
   * `before`: the data a forward step destroys.
   */
  drops(app: string, before: ProjectState, after: ProjectState): SchemaObject[];
  /**
   * True when the operation adds a NOT NULL column without a default to a
   * table that exists, or makes a nullable column NOT NULL without one: the
   * case where Django's makemigrations asks for a one-off default. `from` is
   * the migrations' state; `to` the models' (the field as written).
   */
  needsDefault(app: string, from: ProjectState, to: ProjectState): boolean;
  /**
   * What running the operation destroys or narrows (the data-loss analysis,
   * see `engine/data-loss.ts`): forwards, the tables and columns it drops,
   * the columns it narrows; `backwards`, what unapplying it drops or narrows.
   * `before` and `after` are the states around the operation (forwards order
   * in both directions). Objects are named as in the state where they exist.
   */
  losses(app: string, before: ProjectState, after: ProjectState, backwards: boolean): DataLoss[];

  /**
   * Optional index hints that let the optimizer skip pairs whose `reduce()`
   * is certainly `true` (see {@link OptimizerHints}). Operations without
   * hints are compared with every other operation (always correct, slower).
   */
  optimizerHints?(app: string): OptimizerHints;
}

/**
 * What an operation is about, as a models file shows it: the model's name as
 * written (the new name after a rename), and the field, index or constraint.
 * `meta` is true when the change shows in the model's `Meta`.
 */
export interface OperationTarget {
  readonly model?: string;
  readonly field?: string;
  readonly index?: string;
  readonly constraint?: string;
  readonly meta?: boolean;
}

/**
 * A change that other operations may be ordered after: a model created,
 * deleted or renamed (by its new name), its `*Together` options changed, its
 * `orderWithRespectTo` changed (`order-wrt`; `order-wrt-set` names the field
 * it is set to), or a field created, removed or altered. Names as written (any case).
 */
export type Provision =
  | { readonly change: "create-model" | "delete-model" | "rename-model" | "alter-together" | "order-wrt"; readonly model: string }
  | { readonly change: "create-field" | "remove-field" | "alter-field" | "order-wrt-set"; readonly model: string; readonly field: string };

/**
 * One thing a migration step may destroy, as the data-loss analysis reports
 * it (`engine/data-loss.ts` words it and counts it on a live database):
 * - `drop-table`: the table and every row in it;
 * - `drop-column`: the column's values;
 * - `narrow`: a column whose new definition may not hold every value
 *   (`what` says how: "max_length 100 → 20"); `lost` says which values:
 *   `longer` than `limit` characters, of absolute value `limit` or more
 *   (`outside`), NULL
 *   (`null`, for NULL → NOT NULL), or every non-null value (`nonNull`,
 *   a type change whose conversion may fail or round);
 * - `raw-sql`: RunSQL whose SQL drops, deletes or truncates (`sql`, the
 *   statement's first line).
 */
export type DataLoss =
  | { readonly kind: "drop-table"; readonly table: string }
  | { readonly kind: "drop-column"; readonly table: string; readonly column: string }
  | {
      readonly kind: "narrow"; readonly table: string; readonly column: string; readonly what: string;
      readonly lost: { readonly kind: "longer" | "outside"; readonly limit: number } | { readonly kind: "null" | "nonNull" };
    }
  | { readonly kind: "raw-sql"; readonly sql: string };

/** A database object: a table, or a column of it. */
export interface SchemaObject {
  readonly table: string;
  readonly column?: string;
}

/**
 * What the optimizer may assume about an operation `op` (keys are lowercase
 * `"app.model"`):
 * - `own`: the model whose references decide `op.reduce(x)`: for every
 *   non-elidable `x` that does not reference `own` (`x.referencesModel`
 *   false), `op.reduce(x)` is `true`. Absent when `op.reduce(x)` is never
 *   `true` (RunSQL, index operations).
 * - `refs`: the models `op.referencesModel` answers true for, or `"all"`.
 * - `nextOnly`: `op.reduce(x)` is never `true`, and is a list only when
 *   `x` is elidable or references every model, so only the operation right
 *   after `op` can reduce with it and nothing reduces across `op`.
 */
export interface OptimizerHints {
  readonly own?: string;
  readonly refs: ReadonlySet<string> | "all";
  readonly nextOnly: boolean;
}
