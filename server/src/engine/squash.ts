/**
 * The pure part of `squashmigrations`: which migrations to squash, and the
 * squashed {@link Migration} that replaces them. Follows
 * `django/core/management/commands/squashmigrations.py` (Django 3.2), with
 * two Django bugs avoided:
 *
 * - #32263: Django's optimizer may move a RenameModel (or RenameField) in
 *   front of an operation that still names the old model (a CreateModel
 *   with a ForeignKey to it), leaving a relation to a model that no longer
 *   exists. Here such operations never let a rename cross them
 *   ({@link safeOptimize}), and the squash is replayed against the
 *   originals: when the states differ, the operations are kept unoptimized.
 * - #26223: a one-off default (`preserveDefault: false`) stays one-off; the
 *   operations' own `reduce()` already keeps it so (see operations/models.ts
 *   and operations/fields.ts), and the replay check covers it.
 *
 * Elidable operations are dropped as Django drops them; an elidable RunSQL
 * with `stateOperations` keeps its state change (as a
 * SeparateDatabaseAndState without database operations) so the squash
 * describes the same models.
 */
import { TsMigrateError } from "./errors";
import { compareKeys, type MigrationGraph } from "./graph";
import type { MigrationLoader } from "./loader";
import { keyString, Migration, type MigrationKey } from "./migration";
import type { Operation } from "./operations/base";
import { RenameField } from "./operations/fields";
import { RenameModel } from "./operations/models";
import { RunCode, RunSQL, SeparateDatabaseAndState } from "./operations/special";
import { optimize } from "./optimizer";
import type { ProjectState } from "./state";
import { RefValue, type Value, valueKey } from "./values";

/** What {@link planSquash} found: the migrations to squash, oldest first. */
export interface SquashPlan {
  readonly app: string;
  /** The migrations to squash, in plan order (Django's `migrations_to_squash`). */
  readonly migrations: readonly Migration[];
  /** The `start` migration when one was given. */
  readonly start?: Migration;
  /** The last migration squashed (`end`). */
  readonly end: Migration;
}

/** The squash and what the command reports about it. */
export interface SquashResult {
  /** The new migration (`replaces`, `initial`, `dependencies`, `operations` set). */
  readonly migration: Migration;
  /** Operations of the squashed migrations, all counted (Django's "Optimized from N"). */
  readonly operationsBefore: number;
  /**
   * `true`: optimized; `false`: the optimized operations did not replay to
   * the originals' state, so they were kept unoptimized (elidable ones
   * still dropped).
   */
  readonly optimized: boolean;
  /** `"app.name"` of the migrations whose RunCode names a function defined in its file (to copy by hand). */
  readonly manualPorting: readonly string[];
}

/** Options of {@link buildSquash}. */
export interface SquashOptions {
  /** `--squashed-name`: the name after the number. */
  readonly squashedName?: string;
}

const DOCS = 'docs/migrations.md, "Squashing"';

/**
 * Django's `find_migration`: the migration of `app` named by `prefix`, which
 * must be in the graph (not replaced by a squash).
 * @throws TsMigrateError code `ambiguous-migration`, `unknown-migration`, or
 *   `replaced-migration` when a squash already replaces it.
 */
function findMigration(loader: MigrationLoader, app: string, prefix: string): Migration {
  const m = loader.getMigrationByPrefix(app, prefix);
  if (loader.graph.has(m.key)) return m;
  const squash = [...loader.replacements.values()].find((r) => r.replaces.some((k) => keyString(k) === keyString(m.key)));
  throw new TsMigrateError(
    `Migration ${keyString(m.key)} is replaced by the squashed migration ${squash ? keyString(squash.key) : "(unknown)"}, ` +
    `so it cannot be squashed again; squash the migrations after it, or transition the squashed migration to a normal one first (${DOCS}).`,
    { code: "replaced-migration" },
  );
}

/**
 * Django's selection of `migrations_to_squash`: the migrations of `app` in
 * the forwards plan of `end`, from `start` (inclusive) when given. `loader`
 * must be loaded, its graph built (squashes resolved as for a database with
 * nothing applied, as `makemigrations` builds it).
 * @throws TsMigrateError (exit 2): app without migrations (`no-migrations`),
 *   unknown or ambiguous prefix, a migration already replaced by a squash,
 *   `start` not before `end` (`bad-range`), a squashed migration in the
 *   range (`squash-of-squash`).
 */
export function planSquash(loader: MigrationLoader, app: string, end: string, start?: string): SquashPlan {
  if (!loader.migratedApps.has(app) || ![...loader.diskMigrations.values()].some((m) => m.app === app)) {
    throw new TsMigrateError(`App '${app}' does not have migrations (so squashmigrations on it makes no sense)`, { code: "no-migrations" });
  }
  const last = findMigration(loader, app, end);
  let migrations = loader.graph.forwardsPlan(last.key).filter((k) => k[0] === app).map((k) => loader.graph.migration(k));
  let first: Migration | undefined;
  if (start !== undefined) {
    first = findMigration(loader, app, start);
    const index = migrations.indexOf(first);
    if (index < 0) {
      throw new TsMigrateError(
        `The migration '${keyString(first.key)}' cannot be found. Maybe it comes after the migration '${keyString(last.key)}'?\n` +
        `Have a look at:\n  tsmigrate showmigrations ${app}\nto debug this issue.`,
        { code: "bad-range" },
      );
    }
    migrations = migrations.slice(index);
  }
  const squashed = migrations.find((m) => m.replaces.length);
  if (squashed) {
    throw new TsMigrateError(
      `You cannot squash squashed migrations! Please transition ${keyString(squashed.key)} to a normal migration first: ` +
      `delete the migrations it replaces, then its \`replaces\` list (${DOCS}).`,
      { code: "squash-of-squash" },
    );
  }
  return { app, migrations, start: first, end: last };
}

/** The number before the first `_` of a migration name (`"0001"` of `"0001_initial"`). */
function numberOf(name: string): string {
  const i = name.indexOf("_");
  return i < 0 ? name : name.slice(0, i);
}

/**
 * The squash's name, as Django names it: `0001_squashed_<end>` without
 * `start` (the first squashed migration's number in place of `0001`),
 * `<start>_squashed_<end>` with it, and `<number of the first>_<name>` with
 * `--squashed-name`.
 */
export function squashedMigrationName(plan: SquashPlan, squashedName?: string): string {
  const first = plan.migrations[0]!;
  if (squashedName !== undefined) return `${numberOf(first.name)}_${squashedName}`;
  if (plan.start) return `${plan.start.name}_squashed_${plan.end.name}`;
  return `${numberOf(first.name)}_squashed_${plan.end.name}`;
}

/**
 * Builds the squashed migration of `plan`: operations concatenated, elidable
 * ones dropped, optimized ({@link safeOptimize}) and checked by replay from
 * the state before the squashed migrations (`graph` is the graph `plan` was
 * made from); `replaces` = the squashed migrations; `dependencies` = their
 * dependencies outside the squashed set (sorted, as Django's writer sorts
 * them; a dependency on a migration another squash replaces is kept as
 * written); `runBefore` likewise; `initial` when the first squashed
 * migration is the app's first; `atomic` unless one of them is not.
 * @throws TsMigrateError code `squash-cycle` when a dependency of the squash
 *   itself depends on a squashed migration (the squash would depend on itself);
 *   code `bad-migration` (at the operation) when a squashed migration does
 *   not apply to the state before it.
 */
export function buildSquash(plan: SquashPlan, graph: MigrationGraph, options: SquashOptions = {}): SquashResult {
  const { app, migrations } = plan;
  const inSet = new Set(migrations.map((m) => keyString(m.key)));
  const dependencies = outside(migrations.flatMap((m) => m.dependencies), inSet);
  const runBefore = outside(migrations.flatMap((m) => m.runBefore), inSet);
  checkNoCycle(graph, migrations, inSet);

  const operations = migrations.flatMap((m) => m.operations);
  const kept = dropElidable(operations);
  const base = stateBefore(graph, migrations, inSet);
  const originals = base.clone();
  for (const m of migrations) m.mutateState(originals);
  const expected = stateKey(originals);
  let final = safeOptimize(kept, app);
  let optimized = true;
  if (replayKey(base.clone(), app, final) !== expected) {
    final = kept;
    optimized = false;
  }
  const first = migrations[0]!;
  const migration = new Migration(app, squashedMigrationName(plan, options.squashedName), {
    replaces: migrations.map((m) => [m.app, m.name] as const),
    initial: first.initial || !first.dependencies.some((d) => d[0] === app),
    dependencies,
    runBefore,
    atomic: migrations.every((m) => m.atomic),
    operations: final,
  });
  return { migration, operationsBefore: operations.length, optimized, manualPorting: manualPorting(migrations) };
}

/** Keys not in `inSet`, each once, sorted as Django's writer sorts dependencies. */
function outside(keys: readonly MigrationKey[], inSet: ReadonlySet<string>): MigrationKey[] {
  const seen = new Map<string, MigrationKey>();
  for (const k of keys) if (!inSet.has(keyString(k)) && !seen.has(keyString(k))) seen.set(keyString(k), [k[0], k[1]]);
  return [...seen.values()].sort(compareKeys);
}

/** The graph parents of the squashed migrations that are not squashed themselves. */
function outsideParents(graph: MigrationGraph, migrations: readonly Migration[], inSet: ReadonlySet<string>): MigrationKey[] {
  const out = new Map<string, MigrationKey>();
  for (const m of migrations) {
    for (const p of graph.node(m.key)?.parents ?? []) if (!inSet.has(p.id) && !p.dummy) out.set(p.id, p.key);
  }
  return [...out.values()].sort(compareKeys);
}

/** Throws when a dependency of the squash has a squashed migration among its own dependencies. */
function checkNoCycle(graph: MigrationGraph, migrations: readonly Migration[], inSet: ReadonlySet<string>): void {
  for (const parent of outsideParents(graph, migrations, inSet)) {
    const through = graph.forwardsPlan(parent).find((k) => inSet.has(keyString(k)));
    if (through) {
      throw new TsMigrateError(
        `Cannot squash this range: ${keyString(parent)} (a dependency of the squashed migrations) depends on ` +
        `${keyString(through)}, which would be squashed, so the squashed migration would depend on itself. ` +
        "Choose a range that ends before, or starts after, that dependency.",
        { code: "squash-cycle" },
      );
    }
  }
}

/** The state before the squashed migrations: everything their outside dependencies need. */
function stateBefore(graph: MigrationGraph, migrations: readonly Migration[], inSet: ReadonlySet<string>): ProjectState {
  return graph.makeState(outsideParents(graph, migrations, inSet), true);
}

/**
 * The operations without the elidable ones (Django drops them when
 * squashing); an elidable RunSQL with `stateOperations` becomes a
 * SeparateDatabaseAndState with those state operations only.
 */
export function dropElidable(operations: readonly Operation[]): Operation[] {
  return operations.flatMap((op): Operation[] => {
    if (!op.elidable) return [op];
    if (op instanceof RunSQL && op.stateOperations.length) return [new SeparateDatabaseAndState([], op.stateOperations)];
    return [];
  });
}

function replay(state: ProjectState, app: string, operations: readonly Operation[]): ProjectState {
  for (const op of operations) op.stateForwards(app, state);
  return state;
}

/** The key of the replayed state, or undefined when an operation fails on it. */
function replayKey(state: ProjectState, app: string, operations: readonly Operation[]): string | undefined {
  try {
    return stateKey(replay(state, app, operations));
  } catch (e) {
    if (e instanceof TsMigrateError) return undefined; // the optimized list does not apply: keep the originals
    throw e;
  }
}

/**
 * A canonical text for a project state: equal for states Django's
 * `ModelState.__eq__` finds equal (models by key; app, class name, fields
 * compared by name whatever their order, options compared as values).
 */
export function stateKey(state: ProjectState): string {
  const models = [...state.models.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return models.map((m) => {
    const fields = [...m.fields].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([n, f]) => `${n}:${f.type}${valueKey(f.options)}`);
    return `${m.key}|${m.app}|${m.name}|${fields.join(";")}|${valueKey(m.options as unknown as Value)}`;
  }).join("\n");
}

/** RunCode functions written as a name (a function declared in the migration's file): they must be copied by hand. */
function manualPorting(migrations: readonly Migration[]): string[] {
  const named = (v: Value | undefined) => v instanceof RefValue;
  const uses = (ops: readonly Operation[]): boolean => ops.some((op) => {
    if (op instanceof RunCode) return !op.elidable && (named(op.code) || named(op.reverseCode));
    if (op instanceof SeparateDatabaseAndState) return uses(op.databaseOperations) || uses(op.stateOperations);
    return false;
  });
  return migrations.filter((m) => uses(m.operations)).map((m) => keyString(m.key));
}

/* ------------------------------------------------------------------ #32263 */

/**
 * The engine's optimizer (Django's) with one rule added, Django ticket
 * #32263: an operation that names a model (or field) a later RenameModel
 * (RenameField) renames never lets the rename be optimized across it, so a
 * rename folded into an earlier CreateModel (AddField) cannot leave a
 * relation pointing at the old name. Renames are compared with every
 * operation (no optimizer hints), so that the rule is always consulted.
 */
export function safeOptimize(operations: readonly Operation[], app: string): Operation[] {
  return optimize(operations.map(guard), app).map(unguard);
}

/** Guarded operations and the operations they stand for. */
const inner = new WeakMap<Operation, Operation>();

function unguard(op: Operation): Operation {
  return inner.get(op) ?? op;
}

/** True when `other` (a rename) must not be moved in front of `op`. */
function blocksRename(op: Operation, other: Operation, app: string): boolean {
  if (other instanceof RenameModel) return op.referencesModel(other.oldName, app);
  if (other instanceof RenameField) return op.referencesField(other.modelName, other.oldName, app);
  return false;
}

/**
 * An operation as the optimizer sees it inside {@link safeOptimize}: the
 * operation itself (its prototype, so every other member is the same) with
 * the #32263 rule added to `reduce`, and no optimizer hints for renames.
 */
function guard(op: Operation): Operation {
  if (inner.has(op)) return op;
  const isRename = op instanceof RenameModel || op instanceof RenameField;
  const hints = op.optimizerHints;
  const guarded: Operation = Object.create(op, {
    optimizerHints: { value: hints && !isRename ? (app: string) => hints.call(op, app) : undefined },
    reduce: {
      value(other: Operation, app: string): Operation[] | boolean {
        const target = unguard(other);
        const r = op.reduce(target, app);
        if (Array.isArray(r)) return r.map((o) => (o === target ? other : o === op ? guarded : guard(o)));
        if (r === true && blocksRename(op, target, app)) return false;
        return r;
      },
    },
  }) as Operation;
  inner.set(guarded, op);
  return guarded;
}
