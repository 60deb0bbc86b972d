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

/**
 * Indexes waiting to be created, and index changes of existing tables. The
 * queue keeps the order indexes were queued in (an index changed in the
 * queue keeps its place) and is looked up by table, so that a migration
 * creating a thousand tables does not scan the whole queue per table.
 */
export class IndexQueue {
  /** Queued indexes by a sequence number, in queue order. */
  private readonly queued = new Map<number, IndexSpec>();
  /** The sequence numbers of each table's queued indexes. */
  private readonly byTable = new Map<string, Set<number>>();
  private next = 0;

  constructor(private readonly emit: Emit, private readonly flavor: DatabaseFlavor) {}

  /** Queues indexes to create at {@link flush}. */
  push(...specs: IndexSpec[]): void {
    for (const spec of specs) this.put(this.next++, spec);
  }

  /** Puts `spec` at `seq` (its place in the queue when already there), filed under its table. */
  private put(seq: number, spec: IndexSpec): void {
    const old = this.queued.get(seq);
    if (old && old.table !== spec.table) this.byTable.get(old.table)?.delete(seq);
    this.queued.set(seq, spec);
    let set = this.byTable.get(spec.table);
    if (!set) this.byTable.set(spec.table, (set = new Set()));
    set.add(seq);
  }

  private drop(seq: number): void {
    const spec = this.queued.get(seq);
    if (!spec) return;
    this.queued.delete(seq);
    this.byTable.get(spec.table)?.delete(seq);
  }

  /** The sequence numbers of `table`'s queued indexes (a copy: safe to change the queue while iterating). */
  private of(table: string): number[] {
    return [...(this.byTable.get(table) ?? [])];
  }

  /** Forgets the queued indexes of `table` (dropped, or to be made by a rebuild). */
  forgetTable(table: string): void {
    for (const seq of this.of(table)) this.drop(seq);
  }

  /** Forgets the queued indexes on `column` of `table` (the column was dropped). */
  forgetColumn(table: string, column: string): void {
    for (const seq of this.of(table)) if (this.queued.get(seq)!.columns.includes(column)) this.drop(seq);
  }

  /** Moves queued indexes of `oldTable` to `newTable` (derived names follow). */
  renameTable(oldTable: string, newTable: string): void {
    for (const seq of this.of(oldTable)) this.put(seq, indexOnTable(this.queued.get(seq)!, newTable, this.flavor));
  }

  /** Applies column renames (old -> new) to queued indexes of `table`. */
  renameColumns(table: string, renames: ReadonlyMap<string, string>): void {
    if (renames.size === 0) return;
    for (const seq of this.of(table)) this.put(seq, indexWithColumns(this.queued.get(seq)!, renames, this.flavor));
  }

  /** Emits the queued CREATE INDEX statements and empties the queue. */
  flush(): void {
    for (const spec of this.queued.values()) this.emit(createIndexSql(spec));
    this.queued.clear();
    this.byTable.clear();
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
      const queued = this.of(old.table).find((seq) => this.queued.get(seq)!.name === old.name);
      if (wanted.has(key) && !matched.has(key)) {
        matched.add(key);
        if (queued !== undefined) this.put(queued, mapped);
        else if (mapped.name !== old.name) {
          drops.push(old.name);
          creates.push(mapped);
        }
      } else if (queued !== undefined) this.drop(queued);
      else drops.push(old.name);
    }
    for (const [key, spec] of wanted) if (!matched.has(key)) creates.push(spec);
    for (const name of drops) this.emit(dropIndexSql(name));
    for (const spec of creates) this.emit(createIndexSql(spec));
  }
}
