/**
 * The SQLite editor's index bookkeeping: indexes queued until the end of
 * the migration (Django's `deferred_sql` for CREATE INDEX, so that
 * `sqlmigrate` prints them where Django does), and the DROP/CREATE INDEX
 * statements that bring a table's indexes from one model state to another.
 */
import type { ModelState, ProjectState } from "../../state";
import type { Emit } from "../base/schema";
import {
  createIndexSql, dropIndexSql, type IndexSpec, indexKey, indexOnTable, indexWithColumns, modelIndexSpecs, type DdlContext,
} from "../base/ddl";
import type { DatabaseFlavor } from "../base/features";
import { withoutShared } from "./model-edits";

/** Indexes waiting to be created, and index changes of existing tables. */
export class IndexQueue {
  private queued: IndexSpec[] = [];

  constructor(private readonly emit: Emit, private readonly flavor: DatabaseFlavor) {}

  /** Queues indexes to create at {@link flush}. */
  push(...specs: IndexSpec[]): void {
    this.queued.push(...specs);
  }

  /** Forgets the queued indexes of `table` (dropped, or to be made by a rebuild). */
  forgetTable(table: string): void {
    this.queued = this.queued.filter((s) => s.table !== table);
  }

  /** Forgets the queued indexes on `column` of `table` (the column was dropped). */
  forgetColumn(table: string, column: string): void {
    this.queued = this.queued.filter((s) => !(s.table === table && s.columns.includes(column)));
  }

  /** Moves queued indexes of `oldTable` to `newTable` (derived names follow). */
  renameTable(oldTable: string, newTable: string): void {
    this.queued = this.queued.map((s) => (s.table === oldTable ? indexOnTable(s, newTable, this.flavor) : s));
  }

  /** Applies column renames (old -> new) to queued indexes of `table`. */
  renameColumns(table: string, renames: ReadonlyMap<string, string>): void {
    if (renames.size === 0) return;
    this.queued = this.queued.map((s) => (s.table === table ? indexWithColumns(s, renames, this.flavor) : s));
  }

  /** Emits the queued CREATE INDEX statements and empties the queue. */
  flush(): void {
    for (const spec of this.queued) this.emit(createIndexSql(spec));
    this.queued = [];
  }

  /**
   * Drops the indexes of `fromModel` (named as in the database) that
   * `toModel` does not have once `transform` maps them to new names, and
   * creates those it lacks; indexes still queued are changed in the queue.
   * Meta indexes and constraints equal in both models (after
   * `fieldRenames`) are left alone: SQLite's renames keep them up to date.
   */
  sync(
    fromModel: ModelState, fromState: ProjectState, toModel: ModelState, toState: ProjectState,
    transform: (s: IndexSpec) => IndexSpec, fieldRenames: ReadonlyMap<string, string> = new Map(),
  ): void {
    const ddl = (state: ProjectState): DdlContext => ({ state, flavor: this.flavor });
    const oldSpecs = modelIndexSpecs(withoutShared(fromModel, toModel, fieldRenames), ddl(fromState));
    const wanted = new Map(modelIndexSpecs(withoutShared(toModel, fromModel, fieldRenames), ddl(toState)).map((s) => [indexKey(s), s]));
    const matched = new Set<string>();
    const drops: string[] = [];
    const creates: IndexSpec[] = [];
    for (const old of oldSpecs) {
      const mapped = transform(old);
      const key = indexKey(mapped);
      const queued = this.queued.findIndex((s) => s.name === old.name && s.table === old.table);
      if (wanted.has(key) && !matched.has(key)) {
        matched.add(key);
        if (queued >= 0) this.queued[queued] = mapped;
        else if (mapped.name !== old.name) {
          drops.push(old.name);
          creates.push(mapped);
        }
      } else if (queued >= 0) this.queued.splice(queued, 1);
      else drops.push(old.name);
    }
    for (const [key, spec] of wanted) if (!matched.has(key)) creates.push(spec);
    for (const name of drops) this.emit(dropIndexSql(name));
    for (const spec of creates) this.emit(createIndexSql(spec));
  }
}
