/**
 * A migration: dependencies and operations of one file. Mirrors
 * `django/db/migrations/migration.py` (Django 3.2).
 */
import { createHash } from "node:crypto";
import type { SchemaEditor } from "./backends/base/schema";
import type { Operation } from "./operations/base";
import type { ProjectState } from "./state";
import { valueKey } from "./values";

/** A migration's key in the graph: `[app label, migration name]`. */
export type MigrationKey = readonly [app: string, name: string];

/** `"app.name"`: the printable form of a {@link MigrationKey}. */
export function keyString(key: MigrationKey): string {
  return `${key[0]}.${key[1]}`;
}

export class Migration {
  readonly app: string;
  name: string;
  dependencies: MigrationKey[];
  operations: Operation[];
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

  constructor(app: string, name: string, init: Partial<Pick<Migration,
    "dependencies" | "operations" | "initial" | "runBefore" | "replaces" | "atomic" | "file">> = {}) {
    this.app = app;
    this.name = name;
    this.dependencies = init.dependencies ?? [];
    this.operations = init.operations ?? [];
    this.initial = init.initial ?? false;
    this.runBefore = init.runBefore ?? [];
    this.replaces = init.replaces ?? [];
    this.atomic = init.atomic ?? true;
    this.file = init.file;
  }

  get key(): MigrationKey {
    return [this.app, this.name];
  }

  /**
   * Applies every operation to `state` in place (Django's `mutate_state`
   * with `preserve=False`; clone first to keep the original).
   */
  mutateState(state: ProjectState): ProjectState {
    for (const op of this.operations) op.stateForwards(this.app, state);
    return state;
  }

  /**
   * Emits the forward SQL of every operation; `state` is the state before
   * the migration and is advanced in place to the state after it.
   */
  apply(state: ProjectState, editor: SchemaEditor): ProjectState {
    for (const op of this.operations) {
      const after = state.fork();
      op.stateForwards(this.app, after);
      op.databaseForwards(this.app, editor, state, after);
      state.absorb(after);
    }
    editor.flush();
    return state;
  }

  /**
   * Emits the backward SQL, operations in reverse (Django's `unapply`):
   * `state` is the state before the migration; it is returned unchanged.
   */
  unapply(state: ProjectState, editor: SchemaEditor): ProjectState {
    const steps: { op: Operation; before: ProjectState; after: ProjectState }[] = [];
    let current = state;
    for (const op of this.operations) {
      const after = current.clone();
      op.stateForwards(this.app, after);
      steps.push({ op, before: current, after });
      current = after;
    }
    for (let i = steps.length - 1; i >= 0; i--) {
      const { op, before, after } = steps[i]!;
      op.databaseBackwards(this.app, editor, after, before);
    }
    editor.flush();
    return state;
  }

  /**
   * A checksum of what the migration does: SHA-256 (hex) of its canonical
   * content (dependencies, flags, operations' deconstructed arguments).
   * Comments and formatting do not change it; any change to an operation does.
   */
  checksum(): string {
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
