/**
 * The SQLite schema editor. Emits the DDL Django 3.2's SQLite backend emits
 * for the same models (`django/db/backends/sqlite3/schema.py` over
 * `base/schema.py`), with the product's differences (column DEFAULTs,
 * ON DELETE actions) and without Django's waste:
 *
 * - what SQLite cannot ALTER is rebuilt at most once per table per
 *   migration: operations record a {@link PendingRebuild} and
 *   {@link SqliteSchemaEditor.flush} (or {@link SqliteSchemaEditor.execute})
 *   performs it;
 * - cheap statements where SQLite has them: ADD COLUMN, DROP COLUMN,
 *   RENAME COLUMN, ALTER TABLE RENAME, CREATE/DROP INDEX;
 * - referencing tables are left alone on renames (SQLite >= 3.26 rewrites
 *   their REFERENCES clauses) and rebuilt when their foreign key column's
 *   definition changes.
 *
 * Index names derived from table and columns are kept in step with renames
 * (dropped and created under the new name), so that later operations can
 * name them without asking the database.
 */
import { TsMigrateError } from "../../errors";
import type { FieldType } from "../../fields";
import {
  fieldColumn, isManyToMany, type ConstraintState, type IndexState, type ModelState, ProjectState,
} from "../../state";
import type { Value } from "../../values";
import type { Emit, SchemaEditor } from "../base/schema";
import { type ColumnContext, columnDefinition, columnSql, fillValueSql, isNull, perRowFillSql } from "../base/columns";
import {
  createTableSql, dropTableSql, fieldIndexSpec, indexOnTable, indexWithColumns, inlineConstraintSql, modelIndexSpecs,
  renameTableSql, type DdlContext,
} from "../base/ddl";
import { quoteName } from "../base/literals";
import { incomingForeignKeys, ownThroughModels, throughModel, type ThroughOptions } from "../base/related";
import { canAddColumn, canDropColumn } from "./alter-rules";
import { SQLITE_FLAVOR } from "./features";
import { IndexQueue } from "./index-queue";
import { requireField, withConstraint, withIndex, withModel, withTable } from "./model-edits";
import { mapAlteredColumn, newPendingRebuild, type PendingRebuild, rebuildStatements, relabelRelations } from "./rebuild";

/** Options of the SQLite schema editor. */
export interface SqliteSchemaEditorOptions {
  /** Primary key type of auto-created many-to-many join tables (the config's `defaultAutoField`; default BigAutoField). */
  readonly defaultAutoField?: FieldType;
}

/** A column change of {@link SqliteSchemaEditor.alterColumns}: field `from` of the old model becomes field `to` of the new one. */
interface ColumnPair {
  readonly from: string;
  readonly to: string;
  readonly oneOffDefault?: Value;
}

/** The SQLite implementation of {@link SchemaEditor}. Pure: statements go to `emit`, the database is never read. */
export class SqliteSchemaEditor implements SchemaEditor {
  readonly vendor = "sqlite" as const;
  private readonly flavor = SQLITE_FLAVOR;
  private readonly through: ThroughOptions;
  /** Rebuilds waiting for {@link flush}, by final table name, in the order first touched. */
  private readonly pending = new Map<string, PendingRebuild>();
  /** Indexes queued until {@link flush} (Django's `deferred_sql`) and index changes. */
  private readonly indexes: IndexQueue;
  /** The state after the last operation seen: resolves relations of pending rebuilds. */
  private latest: ProjectState | undefined;
  /** Tables renamed in the database during this migration: old name -> current name. */
  private readonly tableRenames = new Map<string, string>();
  /** Columns renamed in the database during this migration: current table -> old column -> current column. */
  private readonly columnRenames = new Map<string, Map<string, string>>();
  /** Join tables already brought to a layout in this migration: table -> CREATE TABLE text. */
  private readonly throughLayouts = new Map<string, string>();
  /**
   * Tables created by this migration that cannot hold rows yet (no raw SQL
   * nor RunCode since their CREATE TABLE): a constraint or a column added to
   * one is written into its CREATE TABLE again rather than copied by a rebuild.
   */
  private readonly fresh = new Set<string>();

  constructor(private readonly emit: Emit, options: SqliteSchemaEditorOptions = {}) {
    this.through = { defaultAutoField: options.defaultAutoField };
    this.indexes = new IndexQueue(emit, this.flavor);
  }

  private ddl(state: ProjectState): DdlContext {
    return { state, flavor: this.flavor };
  }

  private col(model: ModelState, state: ProjectState): ColumnContext {
    return { model, state, flavor: this.flavor };
  }

  /** `model` under the name its table has in the database now (tables renamed earlier in this migration). */
  private physical(model: ModelState): ModelState {
    const now = this.tableRenames.get(model.dbTable);
    return now === undefined ? model : withTable(model, now);
  }

  /** Maps a reference from an older state to the names the database has now. */
  private readonly mapReference = (table: string, column: string): readonly [string, string] => {
    const t = this.tableRenames.get(table) ?? table;
    return [t, this.columnRenames.get(t)?.get(column) ?? column];
  };

  columnSql(model: ModelState, name: string, state: ProjectState): string | undefined {
    const field = model.fields.get(name);
    return field === undefined ? undefined : columnSql(this.col(model, state), name, field);
  }

  // ---- models ----

  createModel(model: ModelState, state: ProjectState): void {
    this.latest = state;
    this.createTable(model, state);
    for (const { through } of ownThroughModels(model, state, this.through)) this.createTable(through, state);
  }

  deleteModel(model: ModelState, state: ProjectState): void {
    const after = state.fork();
    after.remove(model.app, model.name);
    this.latest = after;
    for (const { through } of ownThroughModels(model, state, this.through)) this.dropTable(through.dbTable);
    this.dropTable(model.dbTable);
  }

  alterDbTable(fromModel: ModelState, toModel: ModelState, fromState: ProjectState, toState: ProjectState): void {
    this.latest = toState;
    if (fromModel.key !== toModel.key) {
      for (const p of this.pending.values()) p.target = relabelRelations(p.target, fromModel.key, toModel.key);
    }
    this.renameTable(fromModel, toModel.dbTable, fromState);
    const p = this.pending.get(toModel.dbTable);
    if (p) p.target = toModel;
    // The model's own join tables: named after its table, columns after its name.
    for (const [name, f] of toModel.fields) {
      const old = fromModel.fields.get(name);
      if (!old || !isManyToMany(f) || !isManyToMany(old)) continue;
      const oldT = throughModel(fromModel, name, old, fromState, this.through);
      const newT = throughModel(toModel, name, f, toState, this.through);
      if (oldT && newT) this.reconcileThrough(oldT, newT, fromState, toState);
    }
    // Other models' join tables pointing here name a column after this model.
    if (fromModel.key === toModel.key) return;
    for (const inc of incomingForeignKeys(toModel, toState, this.through)) {
      if (!inc.m2m || inc.m2m.owner.key === toModel.key) continue;
      const oldOwner = fromState.models.get(inc.m2m.owner.key);
      const oldField = oldOwner?.fields.get(inc.m2m.field);
      if (!oldOwner || !oldField) continue;
      const oldT = throughModel(oldOwner, inc.m2m.field, oldField, fromState, this.through);
      if (oldT) this.reconcileThrough(oldT, inc.model, fromState, toState);
    }
  }

  // ---- fields ----

  addField(model: ModelState, name: string, state: ProjectState, oneOffDefault?: Value): void {
    this.latest = state;
    const field = requireField(model, name);
    if (isManyToMany(field)) {
      const through = throughModel(model, name, field, state, this.through);
      if (through) this.createTable(through, state);
      return;
    }
    const table = model.dbTable;
    const column = fieldColumn(name, field)!;
    const ctx = this.col(model, state);
    const fill = fillValueSql(ctx, field, oneOffDefault);
    const pending = this.pending.get(table);
    if (pending) {
      pending.target = model;
      pending.columns.set(column, fill);
      return;
    }
    // A table of this migration is made again rather than altered: SQLite's ADD COLUMN re-reads the whole
    // schema (~10 ms at a thousand tables), DROP and CREATE of an empty table do not.
    if (this.fresh.has(table)) {
      this.recreateFresh(model, state);
      return;
    }
    if (canAddColumn(ctx, name, field, oneOffDefault)) {
      this.emit(`ALTER TABLE ${quoteName(table)} ADD COLUMN ${columnSql(ctx, name, field)}`);
      // A one-off default, or a callable computed per row (a nullable column: existing rows get values too, as in Django).
      if (oneOffDefault !== undefined || perRowFillSql(ctx, field) !== undefined) {
        this.emit(`UPDATE ${quoteName(table)} SET ${quoteName(column)} = ${fill}`);
      }
      const spec = fieldIndexSpec(model, name, this.ddl(state));
      if (spec) this.indexes.push(spec);
      return;
    }
    const p = this.startRebuild(model.withoutField(name));
    p.target = model;
    p.columns.set(column, fill);
  }

  removeField(model: ModelState, name: string, state: ProjectState): void {
    const field = requireField(model, name);
    const after = model.withoutField(name);
    this.latest = withModel(state, after);
    if (isManyToMany(field)) {
      const through = throughModel(model, name, field, state, this.through);
      if (through) this.dropTable(through.dbTable);
      return;
    }
    const table = model.dbTable;
    const column = fieldColumn(name, field)!;
    const pending = this.pending.get(table);
    if (pending) {
      pending.target = after;
      pending.columns.delete(column);
      return;
    }
    if (canDropColumn(model, name, field, state, this.flavor)) {
      this.emit(`ALTER TABLE ${quoteName(table)} DROP COLUMN ${quoteName(column)}`);
      this.indexes.forgetColumn(table, column);
      return;
    }
    const p = this.startRebuild(model);
    p.target = after;
    p.columns.delete(column);
  }

  alterField(
    fromModel: ModelState, fromName: string, toModel: ModelState, toName: string,
    fromState: ProjectState, toState: ProjectState, oneOffDefault?: Value,
  ): void {
    this.latest = toState;
    const oldF = requireField(fromModel, fromName);
    const newF = requireField(toModel, toName);
    if (isManyToMany(oldF) || isManyToMany(newF)) {
      if (!isManyToMany(oldF) || !isManyToMany(newF)) {
        throw new TsMigrateError(
          `cannot alter field ${fromModel.key}.${fromName} into ${toModel.key}.${toName}: `
          + "a field cannot be altered to or from a ManyToManyField; remove it and add a new one", { code: "bad-migration" },
        );
      }
      const oldT = throughModel(fromModel, fromName, oldF, fromState, this.through);
      const newT = throughModel(toModel, toName, newF, toState, this.through);
      if (!oldT && !newT) return;
      if (!oldT || !newT) {
        throw new TsMigrateError(
          `cannot alter field ${fromModel.key}.${fromName}: adding or removing "through" on a ManyToManyField is not supported`,
          { code: "bad-migration" },
        );
      }
      this.reconcileThrough(oldT, newT, fromState, toState);
      return;
    }
    if (this.alterColumns(fromModel, toModel, [{ from: fromName, to: toName, oneOffDefault }], fromState, toState)) {
      this.rebuildReferencing(fromModel, toModel, fromState, toState);
    }
  }

  // ---- Meta: together, indexes, constraints ----

  alterTogether(fromModel: ModelState, toModel: ModelState, state: ProjectState): void {
    this.latest = withModel(state, toModel);
    this.alterIndexes(fromModel, toModel, state);
  }

  addIndex(model: ModelState, index: IndexState, state: ProjectState): void {
    const to = withIndex(model, index, index.name);
    this.latest = withModel(state, to);
    this.alterIndexes(withIndex(model, undefined, index.name), to, state);
  }

  removeIndex(model: ModelState, index: IndexState, state: ProjectState): void {
    const to = withIndex(model, undefined, index.name);
    this.latest = withModel(state, to);
    this.alterIndexes(withIndex(model, index, index.name), to, state);
  }

  addConstraint(model: ModelState, constraint: ConstraintState, state: ProjectState): void {
    const to = withConstraint(model, constraint, constraint.name);
    this.latest = withModel(state, to);
    this.changeConstraint(withConstraint(model, undefined, constraint.name), to, constraint, state);
  }

  removeConstraint(model: ModelState, constraint: ConstraintState, state: ProjectState): void {
    const to = withConstraint(model, undefined, constraint.name);
    this.latest = withModel(state, to);
    this.changeConstraint(withConstraint(model, constraint, constraint.name), to, constraint, state);
  }

  // ---- raw SQL and flushing ----

  execute(sql: string): void {
    this.flush();
    this.emit(sql);
  }

  flush(): void {
    this.fresh.clear();
    const state = this.latest ?? new ProjectState();
    for (const p of this.pending.values()) for (const sql of rebuildStatements(p, state, this.flavor)) this.emit(sql);
    this.pending.clear();
    this.indexes.flush();
    this.tableRenames.clear();
    this.columnRenames.clear();
    this.throughLayouts.clear();
  }

  // ---- internals ----

  private createTable(model: ModelState, state: ProjectState): void {
    const table = model.dbTable;
    this.tableRenames.delete(table);
    this.columnRenames.delete(table);
    this.throughLayouts.delete(table);
    this.emit(createTableSql(model, this.ddl(state)));
    this.indexes.push(...modelIndexSpecs(model, this.ddl(state)));
    this.fresh.add(table);
  }

  private dropTable(table: string): void {
    this.fresh.delete(table);
    const p = this.pending.get(table);
    this.emit(dropTableSql(p ? p.source : table, this.flavor));
    this.pending.delete(table);
    this.indexes.forgetTable(table);
    this.throughLayouts.delete(table);
  }

  /** Starts a rebuild of `original`'s table (as the database holds it now); its queued indexes become the rebuild's. */
  private startRebuild(original: ModelState): PendingRebuild {
    const p = newPendingRebuild(original);
    this.pending.set(original.dbTable, p);
    this.indexes.forgetTable(original.dbTable);
    return p;
  }

  /** ALTER TABLE RENAME of `model`'s table (as in `state`) to `newTable`; derived index names follow. */
  private renameTable(model: ModelState, newTable: string, state: ProjectState): void {
    const old = model.dbTable;
    if (old === newTable) return;
    this.fresh.delete(old);
    const p = this.pending.get(old);
    this.emit(renameTableSql(p ? p.source : old, newTable));
    for (const [k, v] of this.tableRenames) if (v === old) this.tableRenames.set(k, newTable);
    this.tableRenames.set(old, newTable);
    this.tableRenames.delete(newTable);
    const cols = this.columnRenames.get(old);
    this.columnRenames.delete(old);
    if (cols) this.columnRenames.set(newTable, cols);
    if (p) {
      this.pending.delete(old);
      p.source = newTable;
      p.target = withTable(p.target, newTable);
      this.pending.set(newTable, p);
      return;
    }
    this.indexes.sync(model, state, withTable(model, newTable), state, (s) => indexOnTable(s, newTable, this.flavor));
    this.indexes.renameTable(old, newTable);
  }

  /**
   * Changes columns of one table: folded into a pending rebuild, or a new
   * rebuild when a definition changes, else RENAME COLUMNs and index updates.
   * Returns true when a column's name or definition changed.
   */
  private alterColumns(
    oldModel: ModelState, toModel: ModelState, pairs: readonly ColumnPair[], fromState: ProjectState, toState: ProjectState,
  ): boolean {
    const fromModel = this.physical(oldModel);
    const table = toModel.dbTable;
    const fromCtx = this.col(fromModel, fromState);
    const toCtx = this.col(toModel, toState);
    const changes = pairs.map((pair) => {
      const oldF = requireField(fromModel, pair.from);
      const newF = requireField(toModel, pair.to);
      return {
        oldColumn: fieldColumn(pair.from, oldF)!,
        newColumn: fieldColumn(pair.to, newF)!,
        oldDef: columnDefinition(fromCtx, pair.from, oldF, { mapReference: this.mapReference }),
        newDef: columnDefinition(toCtx, pair.to, newF),
        fill: isNull(oldF) && !isNull(newF) ? fillValueSql(toCtx, newF, pair.oneOffDefault) : undefined,
      };
    });
    const changed = changes.some((c) => c.oldDef !== c.newDef || c.oldColumn !== c.newColumn);
    let p = this.pending.get(table);
    if (!p && changes.some((c) => c.oldDef !== c.newDef)) p = this.startRebuild(fromModel);
    if (p) {
      p.target = toModel;
      for (const c of changes) mapAlteredColumn(p, c.oldColumn, c.newColumn, c.fill);
      return changed;
    }
    const renames = new Map<string, string>();
    for (const c of changes) {
      if (c.oldColumn === c.newColumn) continue;
      this.emit(`ALTER TABLE ${quoteName(table)} RENAME COLUMN ${quoteName(c.oldColumn)} TO ${quoteName(c.newColumn)}`);
      renames.set(c.oldColumn, c.newColumn);
      const log = this.columnRenames.get(table) ?? new Map<string, string>();
      for (const [k, v] of log) if (v === c.oldColumn) log.set(k, c.newColumn);
      log.set(c.oldColumn, c.newColumn);
      log.delete(c.newColumn);
      this.columnRenames.set(table, log);
    }
    const fieldRenames = new Map(pairs.filter((p) => p.from !== p.to).map((p) => [p.from, p.to] as const));
    this.indexes.sync(fromModel, fromState, toModel, toState, (s) => indexWithColumns(s, renames, this.flavor), fieldRenames);
    this.indexes.renameColumns(table, renames);
    return changed;
  }

  /** Rebuilds tables whose foreign keys to `toModel` changed definition (a target column's type, name or table). */
  private rebuildReferencing(fromModel: ModelState, toModel: ModelState, fromState: ProjectState, toState: ProjectState): void {
    for (const inc of incomingForeignKeys(toModel, toState, this.through)) {
      if (inc.model.key === toModel.key) continue;
      let old: ModelState | undefined;
      if (inc.m2m) {
        const owner = inc.m2m.owner.key === toModel.key ? fromModel : fromState.models.get(inc.m2m.owner.key);
        const f = owner?.fields.get(inc.m2m.field);
        old = owner && f ? throughModel(owner, inc.m2m.field, f, fromState, this.through) : undefined;
      } else old = fromState.models.get(inc.model.key);
      const oldF = old?.fields.get(inc.name);
      if (!old || !oldF) continue;
      const oldDef = columnDefinition(this.col(old, fromState), inc.name, oldF, { mapReference: this.mapReference });
      const newDef = columnDefinition(this.col(inc.model, toState), inc.name, inc.field);
      if (oldDef === newDef) continue;
      const p = this.pending.get(inc.model.dbTable) ?? this.startRebuild(this.physical(old));
      p.target = inc.model;
    }
  }

  /** Brings an auto-created join table from `oldT`'s layout to `newT`'s: table rename, column renames or a rebuild. */
  private reconcileThrough(stateT: ModelState, newT: ModelState, fromState: ProjectState, toState: ProjectState): void {
    const layout = createTableSql(newT, this.ddl(toState));
    if (this.throughLayouts.get(newT.dbTable) === layout) return;
    const oldT = this.physical(stateT);
    this.renameTable(oldT, newT.dbTable, fromState);
    const current = withTable(oldT, newT.dbTable);
    const oldNames = [...current.fields.keys()];
    const newNames = [...newT.fields.keys()];
    const pairs = newNames.map((to, i) => ({ from: oldNames[i]!, to }));
    this.alterColumns(current, newT, pairs, fromState, toState);
    this.throughLayouts.set(newT.dbTable, layout);
  }

  /** Index and unique_together changes: folded into a pending rebuild, else DROP/CREATE INDEX. */
  private alterIndexes(fromModel: ModelState, toModel: ModelState, state: ProjectState): void {
    const p = this.pending.get(toModel.dbTable);
    if (p) {
      p.target = toModel;
      return;
    }
    this.indexes.sync(fromModel, state, toModel, state, (s) => s);
  }

  /** Add/RemoveConstraint: a conditional UniqueConstraint is an index; others need a rebuild (SQLite has no ADD CONSTRAINT). */
  private changeConstraint(fromModel: ModelState, toModel: ModelState, c: ConstraintState, state: ProjectState): void {
    const withC = toModel.options.constraints?.some((x) => x.name === c.name) ? toModel : fromModel;
    inlineConstraintSql(withC, c, this.ddl(state)); // reports a bad condition now rather than at flush
    const p = this.pending.get(toModel.dbTable);
    if (p) {
      p.target = toModel;
      return;
    }
    if (c.kind === "UniqueConstraint" && ((c.condition !== undefined && c.condition !== null) || c.deferrable !== undefined)) {
      this.indexes.sync(fromModel, state, toModel, state, (s) => s);
      return;
    }
    if (this.fresh.has(toModel.dbTable)) {
      this.recreateFresh(toModel, state);
      return;
    }
    this.startRebuild(fromModel).target = toModel;
  }

  /**
   * A constraint or a column added to a table this migration created and
   * that holds no rows (even a column SQLite could ADD: ADD COLUMN re-reads
   * the whole schema, which a large one makes slow): DROP TABLE and
   * CREATE TABLE as `model` is now, its indexes queued anew (the DROP took
   * any already made). Django 3.2 copies the table (`_remake_table`)
   * instead; the table made is the same.
   */
  private recreateFresh(model: ModelState, state: ProjectState): void {
    const table = model.dbTable;
    this.emit(dropTableSql(table, this.flavor));
    this.emit(createTableSql(model, this.ddl(state)));
    this.indexes.forgetTable(table);
    this.indexes.push(...modelIndexSpecs(model, this.ddl(state)));
  }
}
