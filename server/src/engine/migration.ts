/**
 * A migration: dependencies and operations of one file. Mirrors
 * `django/db/migrations/migration.py` (Django 3.2).
 */
import { createHash } from "node:crypto";
import type { SchemaEditor } from "./backends/base/schema";
import { type SourceLocation, TsMigrateError } from "./errors";
import type { Operation, SchemaObject } from "./operations/base";
import type { ProjectState } from "./state";
import { valueKey } from "./values";

/** A migration's key in the graph: `[app label, migration name]`. */
export type MigrationKey = readonly [app: string, name: string];

/** `"app.name"`: the printable form of a {@link MigrationKey}. */
export function keyString(key: MigrationKey): string {
  return `${key[0]}.${key[1]}`;
}

/**
 * Called by {@link Migration.apply} and {@link Migration.unapply} before each
 * operation with its index, and once with `-1, undefined` before deferred
 * work is flushed. Returning false skips the operation.
 */
export type StepHook = (index: number, op: Operation | undefined) => boolean | void;

export class Migration {
  readonly app: string;
  name: string;
  dependencies: MigrationKey[];
  /** Django's `initial`: the app's first migration(s), for `--fake-initial`. */
  initial: boolean;
  /** Migrations that must run after this one (Django's `run_before`). */
  runBefore: MigrationKey[];
  /** Migrations this one replaces (a squash). */
  replaces: MigrationKey[];
  /** Run in one transaction (Django's `atomic`, default true). */
  atomic: boolean;
  /** The file it was read from (absolute), when read from disk. */
  file?: string;

  /**
   * `init.readOperations`, when given instead of `operations`, reads the
   * operations on first use of {@link operations} (the loader's migrations
   * from its parse cache: a command that needs only the graph, checksums and
   * cached states never builds a long history's operations).
   */
  constructor(app: string, name: string, init: Partial<Pick<Migration,
    "dependencies" | "operations" | "initial" | "runBefore" | "replaces" | "atomic" | "file">>
    & { readOperations?: () => Operation[] } = {}) {
    this.app = app;
    this.name = name;
    this.dependencies = init.dependencies ?? [];
    this.ops = init.operations ?? (init.readOperations ? undefined : []);
    this.readOperations = init.readOperations;
    this.initial = init.initial ?? false;
    this.runBefore = init.runBefore ?? [];
    this.replaces = init.replaces ?? [];
    this.atomic = init.atomic ?? true;
    this.file = init.file;
  }

  private ops: Operation[] | undefined;
  private readOperations: (() => Operation[]) | undefined;

  /**
   * The operations, in order (read on first use when the migration was made
   * with `readOperations`).
   * @throws whatever `readOperations` throws (then again at the next use).
   */
  get operations(): Operation[] {
    if (this.ops === undefined) {
      this.ops = this.readOperations!();
      this.readOperations = undefined;
    }
    return this.ops;
  }

  set operations(ops: Operation[]) {
    this.ops = ops;
    this.readOperations = undefined;
  }

  get key(): MigrationKey {
    return [this.app, this.name];
  }

  /**
   * Applies every operation to `state` in place (Django's `mutate_state`
   * with `preserve=False`; clone first to keep the original).
   * @throws TsMigrateError located at the failing operation (see {@link operationError}).
   */
  mutateState(state: ProjectState): ProjectState {
    for (const op of this.operations) this.guard(op, () => op.stateForwards(this.app, state));
    return state;
  }

  /**
   * Runs the migration forwards through `editor` (Django's `Migration.apply`):
   * for each operation, the state is forked, advanced, and the operation
   * emits its SQL from the states before and after it; deferred work
   * (SQLite rebuilds) is flushed at the end. `state` is the state before the
   * migration and is advanced in place to the state after it.
   *
   * This is the one forward loop: `migrate`, `sqlmigrate`, hovers and squash
   * checks all come through it. `onStep` is called before each operation
   * (returning false skips it, as Django's `collect_sql` skips operations
   * that do not reduce to SQL) and with index -1 before the final flush.
   * @throws TsMigrateError located at the failing operation.
   */
  apply(state: ProjectState, editor: SchemaEditor, onStep?: StepHook): ProjectState {
    this.operations.forEach((op, index) => {
      if (onStep?.(index, op) === false) return;
      const after = state.fork();
      this.guard(op, () => {
        op.stateForwards(this.app, after);
        op.databaseForwards(this.app, editor, state, after);
      });
      state.absorb(after);
    });
    onStep?.(-1, undefined);
    editor.flush();
    return state;
  }

  /**
   * Runs the migration backwards through `editor` (Django's
   * `Migration.unapply`): first the states around every operation, then the
   * operations in reverse order. `state` is the state before the migration;
   * it is returned unchanged. `onStep` as for {@link apply}.
   * @throws TsMigrateError code `irreversible` (before any SQL is emitted)
   *   when an operation cannot be reversed; else located at the failing operation.
   */
  unapply(state: ProjectState, editor: SchemaEditor, onStep?: StepHook): ProjectState {
    for (const { index, op, before, after } of this.unapplySteps(state)) {
      if (onStep?.(index, op) === false) continue;
      this.guard(op, () => op.databaseBackwards(this.app, editor, after, before));
    }
    onStep?.(-1, undefined);
    editor.flush();
    return state;
  }

  /** Django's `unapply` phase 1: the states around each operation, last operation first. */
  private unapplySteps(state: ProjectState): { index: number; op: Operation; before: ProjectState; after: ProjectState }[] {
    return this.operations.map((op, index) => {
      if (!op.reversible) {
        throw new TsMigrateError(`Operation ${op.describe()} in ${keyString(this.key)} is not reversible`, {
          code: "irreversible", location: op.location ?? this.location,
        });
      }
      const before = state;
      state = state.clone();
      this.guard(op, () => op.stateForwards(this.app, state));
      return { index, op, before, after: state };
    }).reverse();
  }

  /** The tables and columns the migration creates forwards; `state` is the state before the migration (unchanged). */
  creates(state: ProjectState): SchemaObject[] {
    return this.eachOperation(state, (op, before, after) => op.creates(this.app, before, after)).flat();
  }

  /**
   * `pick(op, before, after)` for each operation in order, with the states
   * around it (valid during the call only: `before` then takes `after`'s
   * changes); `state` is the state before the migration (unchanged).
   * @throws TsMigrateError located at the operation that does not apply (or whose `pick` fails).
   */
  eachOperation<T>(state: ProjectState, pick: (op: Operation, before: ProjectState, after: ProjectState) => T): T[] {
    const out: T[] = [];
    // One copy, then a fork per operation folded back (as apply does): a copy per operation was O(N·M).
    const before = state.clone();
    for (const op of this.operations) {
      const after = before.fork();
      this.guard(op, () => {
        op.stateForwards(this.app, after);
        out.push(pick(op, before, after));
      });
      before.absorb(after);
    }
    return out;
  }

  private guard(op: Operation, body: () => void): void {
    try {
      body();
    } catch (err) {
      throw operationError(this, op, err);
    }
  }

  /** The file's first line, when read from disk: where errors about the whole migration point. */
  get location(): SourceLocation | undefined {
    return this.file ? { file: this.file, line: 1, column: 1 } : undefined;
  }

  /**
   * A checksum of what the migration does: SHA-256 (hex) of its canonical
   * content (dependencies, flags, operations' deconstructed arguments).
   * Comments and formatting do not change it; any change to an operation does.
   */
  checksum(): string {
    return this.pinned ?? this.computeChecksum();
  }

  /**
   * Fixes what {@link checksum} returns to `sum` (default: computed now),
   * for a migration read from a file, which nothing changes after: the
   * loader pins the checksum its parse cache stored for the file's text, so
   * that a long history's checksums (migrate's modified check, the drift
   * check's schema cache keys) are not computed again on every run.
   */
  pinChecksum(sum: string = this.computeChecksum()): void {
    this.pinned = sum;
  }

  private pinned: string | undefined;

  private computeChecksum(): string {
    const content = valueKey({
      dependencies: this.dependencies.map((d) => [d[0], d[1]]),
      replaces: this.replaces.map((d) => [d[0], d[1]]),
      runBefore: this.runBefore.map((d) => [d[0], d[1]]),
      atomic: this.atomic,
      operations: this.operations.map((op) => {
        const d = op.deconstruct();
        return { name: d.name, args: d.args };
      }),
    });
    return createHash("sha256").update(content).digest("hex");
  }
}

/**
 * Wraps an operation's failure: a TsMigrateError keeps its code and exit
 * code, its message gains the migration and operation. Anything else is a
 * bug of ours and is rethrown as it is (an internal error with its stack),
 * never blamed on the user's migration file.
 */
export function operationError(migration: Migration, op: Operation, err: unknown): unknown {
  if (!(err instanceof TsMigrateError)) return err;
  const where = `${keyString(migration.key)}, operation "${safeDescribe(op)}"`;
  return new TsMigrateError(`${err.message} (in migration ${where})`, {
    code: err.code,
    location: err.location ?? op.location ?? migration.location,
    exitCode: err.exitCode,
    cause: err,
  });
}

function safeDescribe(op: Operation): string {
  try {
    return op.describe();
  } catch {
    return "?";
  }
}
