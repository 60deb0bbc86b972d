/**
 * The PostgreSQL schema editor. Emits the DDL Django 3.2's PostgreSQL
 * backend emits for the same models (`django/db/backends/postgresql/schema.py`
 * over `base/schema.py`): CREATE TABLE without foreign keys, then at the end
 * of the migration (`deferred_sql`) unique_together constraints, foreign
 * keys (`DEFERRABLE INITIALLY DEFERRED`), indexes and `_like` pattern-ops
 * indexes; everything else in place with ALTER TABLE, never a table rebuild.
 *
 * Deliberate differences, as on SQLite: literal defaults stay as column
 * DEFAULTs, foreign keys carry their ON DELETE action; and, Django 4.1's way,
 * auto fields are identity columns rather than `serial`. Pure like every
 * editor: names Django finds by introspection are derived from the state
 * (see docs/postgresql.md). SQL templates are fields a subclass (a
 * CockroachDB or Citus backend) can replace.
 */
import type { FieldType } from "../../fields";
import {
  isManyToMany, type ConstraintState, type IndexState, type ModelState, type ProjectState,
} from "../../state";
import type { Value } from "../../values";
import { columnDefaultSql, columnDefinition, columnSql, concreteFields, fillValueSql } from "../base/columns";
import { constraintIndexSpec, createTableSql, dropTableSql, inlineConstraintSql, metaIndexSpec, columnOf, type DdlContext } from "../base/ddl";
import type { DatabaseFlavor } from "../base/features";
import { quoteName } from "../base/literals";
import { ownThroughModels, throughModel, type ThroughOptions } from "../base/related";
import type { Emit, SchemaEditor } from "../base/schema";
import { requireField } from "../sqlite/model-edits";
import { FieldAlteration } from "./alter-field";
import { fieldIndexes, pgContext, pgField, type PgField } from "./columns";
import { POSTGRES_FLAVOR, POSTGRES_FEATURES, type PostgresFeatures } from "./features";
import {
  foreignKeyName, indexName, type PgForeignKey, type PgIndex, type PgStatement, referencesColumn, referencesTable,
  renameColumnReferences, renameTableReferences, renderStatement,
} from "./statements";

/** Options of the PostgreSQL schema editor. */
export interface PostgresSchemaEditorOptions {
  /** Primary key type of auto-created many-to-many join tables (the config's `defaultAutoField`; default BigAutoField). */
  readonly defaultAutoField?: FieldType;
}

/** The PostgreSQL implementation of {@link SchemaEditor}. Pure: statements go to `emit`. */
export class PostgresSchemaEditor implements SchemaEditor {
  readonly vendor = "postgresql" as const;
  readonly flavor: DatabaseFlavor = POSTGRES_FLAVOR;
  readonly features: PostgresFeatures = POSTGRES_FEATURES;
  readonly through: ThroughOptions;
  /** Django's `deferred_sql`: run at {@link flush}, kept as data so renames and drops reach them. */
  protected deferred: PgStatement[] = [];
  /**
   * Tables this editor renamed: old name -> current name. A foreign key
   * keeps the name it was created with, so dropping the self-reference of a
   * renamed model names the old constraint on the new table (Django finds
   * it by introspection; found by the property test).
   */
  private readonly renamedTables = new Map<string, string>();

  // Django's SQL templates (`sql_*`), `%(name)s` placeholders filled with quoted names.
  sqlRenameTable = "ALTER TABLE %(old_table)s RENAME TO %(new_table)s";
  sqlRenameColumn = "ALTER TABLE %(table)s RENAME COLUMN %(old_column)s TO %(new_column)s";
  sqlCreateColumn = "ALTER TABLE %(table)s ADD COLUMN %(column)s %(definition)s";
  sqlDeleteColumn = "ALTER TABLE %(table)s DROP COLUMN %(column)s CASCADE";
  sqlCreateColumnInlineFk = "CONSTRAINT %(name)s REFERENCES %(to_table)s(%(to_column)s)%(on_delete)s DEFERRABLE INITIALLY DEFERRED; SET CONSTRAINTS %(name)s IMMEDIATE";
  sqlDeleteFk = "SET CONSTRAINTS %(name)s IMMEDIATE; ALTER TABLE %(table)s DROP CONSTRAINT %(name)s";
  sqlDeleteConstraint = "ALTER TABLE %(table)s DROP CONSTRAINT %(name)s";
  sqlCreateCheck = "ALTER TABLE %(table)s ADD CONSTRAINT %(name)s CHECK (%(check)s)";
  sqlDeleteIndex = "DROP INDEX IF EXISTS %(name)s";
  sqlAlterColumn = "ALTER TABLE %(table)s %(changes)s";
  sqlCreatePk = "ALTER TABLE %(table)s ADD CONSTRAINT %(name)s PRIMARY KEY (%(columns)s)";

  constructor(readonly emit: Emit, options: PostgresSchemaEditorOptions = {}) {
    this.through = { defaultAutoField: options.defaultAutoField, maxNameLength: this.flavor.maxNameLength } as ThroughOptions;
  }

  /** Fills a template with already quoted parts. */
  sql(template: string, parts: Readonly<Record<string, string>>): string {
    return template.replace(/%\((\w+)\)s/g, (_m, k: string) => parts[k] ?? "");
  }

  ddl(state: ProjectState): DdlContext {
    return { state, flavor: this.flavor };
  }

  field(model: ModelState, name: string, state: ProjectState): PgField | undefined {
    return pgField(pgContext(model, state, this.flavor), name);
  }

  columnSql(model: ModelState, name: string, state: ProjectState): string | undefined {
    const field = model.fields.get(name);
    return field === undefined ? undefined : columnSql(pgContext(model, state, this.flavor), name, field);
  }

  // ---- models ----

  /** Django's `create_model`: the table, deferred constraints and indexes, then the auto-created join tables. */
  createModel(model: ModelState, state: ProjectState): void {
    const table = model.dbTable;
    this.renamedTables.delete(table); // a new table under a renamed one's old name is that name's again
    this.emit(createTableSql(model, this.ddl(state)));
    for (const fields of model.options.uniqueTogether ?? []) {
      this.deferred.push(this.uniqueTogether(model, fields));
    }
    const fields = concreteFields(model).map((f) => this.field(model, f.name, state)).filter((f): f is PgField => f !== undefined);
    for (const f of fields) if (f.fk) this.deferred.push(f.fk);
    for (const c of model.options.constraints ?? []) {
      const spec = constraintIndexSpec(model, c, this.ddl(state));
      if (spec) this.deferred.push({ kind: "unique-index", table, columns: [...spec.columns], suffixes: spec.columns.map(() => ""), name: spec.name, where: spec.where });
    }
    for (const f of fields) this.deferred.push(...fieldIndexes(table, f));
    for (const fields of model.options.indexTogether ?? []) {
      const columns = fields.map((n) => columnOf(model, n));
      this.deferred.push({ kind: "index", table, columns, suffixes: columns.map(() => ""), derivedSuffix: "_idx" });
    }
    for (const index of model.options.indexes ?? []) this.deferred.push(this.metaIndex(model, index, state));
    for (const { through } of ownThroughModels(model, state, this.through)) this.createModel(through, state);
  }

  /** Django's `delete_model`: join tables first, DROP TABLE ... CASCADE, deferred statements on the table forgotten. */
  deleteModel(model: ModelState, state: ProjectState): void {
    for (const { through } of ownThroughModels(model, state, this.through)) this.deleteModel(through, state);
    this.emit(dropTableSql(model.dbTable, this.flavor));
    this.deferred = this.deferred.filter((st) => !referencesTable(st, model.dbTable));
  }

  /** Django's `alter_db_table` (plus RenameModel's join-table renames): ALTER TABLE RENAME, deferred statements follow. */
  alterDbTable(fromModel: ModelState, toModel: ModelState, fromState: ProjectState, toState: ProjectState): void {
    this.renameTable(fromModel.dbTable, toModel.dbTable);
    for (const [name, f] of toModel.fields) {
      const old = fromModel.fields.get(name);
      if (!old || !isManyToMany(f) || !isManyToMany(old)) continue;
      const oldT = throughModel(fromModel, name, old, fromState, this.through);
      const newT = throughModel(toModel, name, f, toState, this.through);
      if (!oldT || !newT) continue;
      this.renameTable(oldT.dbTable, newT.dbTable);
      const oldNames = [...oldT.fields.keys()];
      [...newT.fields.keys()].forEach((n, i) => {
        if (n !== oldNames[i]) this.alterField(oldT, oldNames[i]!, newT, n, fromState, toState);
      });
    }
  }

  private renameTable(oldTable: string, newTable: string): void {
    if (oldTable === newTable) return;
    this.emit(this.sql(this.sqlRenameTable, { old_table: quoteName(oldTable), new_table: quoteName(newTable) }));
    for (const [k, v] of this.renamedTables) if (v === oldTable) this.renamedTables.set(k, newTable);
    this.renamedTables.set(oldTable, newTable);
    this.renamedTables.delete(newTable);
    for (const st of this.deferred) renameTableReferences(st, oldTable, newTable);
  }

  // ---- fields ----

  /** Django's `add_field`: ADD COLUMN with an inline FK set IMMEDIATE, DROP DEFAULT after a one-off default, deferred indexes. */
  addField(model: ModelState, name: string, state: ProjectState, oneOffDefault?: Value): void {
    const field = requireField(model, name);
    if (isManyToMany(field)) {
      const through = throughModel(model, name, field, state, this.through);
      if (through) this.createModel(through, state);
      return;
    }
    const ctx = pgContext(model, state, this.flavor);
    const f = pgField(ctx, name);
    if (!f) return;
    // The product keeps a literal default as the column's DEFAULT; a one-off default (or
    // Django's effective default of a NOT NULL blank text column) fills the rows, then goes.
    const own = columnDefaultSql(ctx, field);
    const fill = fillValueSql(ctx, field, oneOffDefault);
    const temporary = fill !== "NULL" && (own === undefined || oneOffDefault !== undefined) ? fill : undefined;
    let definition = columnDefinition(ctx, name, field, { withoutDefault: true })!;
    const def = temporary ?? own;
    if (def !== undefined) definition = definition.replace(/ (NOT )?NULL\b/, (m) => ` DEFAULT ${def}${m}`);
    if (f.fk) {
      definition += ` ${this.sql(this.sqlCreateColumnInlineFk, {
        name: quoteName(foreignKeyName(f.fk)), to_table: quoteName(f.fk.refTable), to_column: quoteName(f.fk.refColumn), on_delete: f.fk.onDelete,
      })}`;
    }
    this.emit(this.sql(this.sqlCreateColumn, { table: quoteName(model.dbTable), column: quoteName(f.column), definition }));
    if (temporary !== undefined) {
      this.alterColumn(model.dbTable, own === undefined
        ? `ALTER COLUMN ${quoteName(f.column)} DROP DEFAULT`
        : `ALTER COLUMN ${quoteName(f.column)} SET DEFAULT ${own}`);
    }
    this.deferred.push(...fieldIndexes(model.dbTable, f));
  }

  /** Django's `remove_field`: the FK dropped first (set IMMEDIATE), DROP COLUMN ... CASCADE, deferred statements on the column forgotten. */
  removeField(model: ModelState, name: string, state: ProjectState): void {
    const field = requireField(model, name);
    if (isManyToMany(field)) {
      const through = throughModel(model, name, field, state, this.through);
      if (through) this.deleteModel(through, state);
      return;
    }
    const f = this.field(model, name, state);
    if (!f) return;
    if (f.fk) this.dropForeignKey(f.fk);
    this.emit(this.sql(this.sqlDeleteColumn, { table: quoteName(model.dbTable), column: quoteName(f.column) }));
    this.deferred = this.deferred.filter((st) => !referencesColumn(st, model.dbTable, f.column));
  }

  /** Django's `alter_field` / PostgreSQL's `_alter_field`: see {@link FieldAlteration}. */
  alterField(
    fromModel: ModelState, fromName: string, toModel: ModelState, toName: string,
    fromState: ProjectState, toState: ProjectState, oneOffDefault?: Value,
  ): void {
    const oldF = requireField(fromModel, fromName);
    const newF = requireField(toModel, toName);
    if (isManyToMany(oldF) && isManyToMany(newF)) {
      const oldT = throughModel(fromModel, fromName, oldF, fromState, this.through);
      const newT = throughModel(toModel, toName, newF, toState, this.through);
      if (oldT && newT) this.renameTable(oldT.dbTable, newT.dbTable);
      return;
    }
    new FieldAlteration(this, fromModel, fromName, toModel, toName, fromState, toState, oneOffDefault).run();
  }

  // ---- Meta ----

  /** Django's `alter_unique_together` / `alter_index_together`: removed ones dropped, added ones created at once. */
  alterTogether(fromModel: ModelState, toModel: ModelState, _state: ProjectState): void {
    const key = (fields: readonly string[]) => fields.join("\u0000");
    const diff = (a: readonly (readonly string[])[] = [], b: readonly (readonly string[])[] = []) =>
      a.filter((x) => !b.some((y) => key(y) === key(x)));
    const table = toModel.dbTable;
    for (const fields of diff(fromModel.options.uniqueTogether, toModel.options.uniqueTogether)) {
      this.dropConstraint(table, indexName(this.uniqueTogether(fromModel, fields)));
    }
    for (const fields of diff(toModel.options.uniqueTogether, fromModel.options.uniqueTogether)) {
      this.emit(renderStatement(this.uniqueTogether(toModel, fields)));
    }
    const together = (model: ModelState, fields: readonly string[]): PgIndex => {
      const columns = fields.map((n) => columnOf(model, n));
      return { kind: "index", table, columns, suffixes: columns.map(() => ""), derivedSuffix: "_idx" };
    };
    for (const fields of diff(fromModel.options.indexTogether, toModel.options.indexTogether)) {
      this.dropIndex(indexName(together(fromModel, fields)));
    }
    for (const fields of diff(toModel.options.indexTogether, fromModel.options.indexTogether)) {
      this.emit(renderStatement(together(toModel, fields)));
    }
  }

  addIndex(model: ModelState, index: IndexState, state: ProjectState): void {
    this.emit(renderStatement(this.metaIndex(model, index, state)));
  }

  removeIndex(_model: ModelState, index: IndexState, _state: ProjectState): void {
    this.dropIndex(index.name);
  }

  /** Django's `add_constraint`: ADD CONSTRAINT CHECK / UNIQUE, or a unique partial index for a conditional UniqueConstraint. */
  addConstraint(model: ModelState, c: ConstraintState, state: ProjectState): void {
    const spec = constraintIndexSpec(model, c, this.ddl(state));
    if (spec) {
      this.emit(renderStatement({ kind: "unique-index", table: model.dbTable, columns: [...spec.columns], suffixes: spec.columns.map(() => ""), name: spec.name, where: spec.where }));
      return;
    }
    const inline = inlineConstraintSql(model, c, this.ddl(state));
    if (inline) this.emit(`ALTER TABLE ${quoteName(model.dbTable)} ADD ${inline}`);
  }

  /** Django's `remove_constraint`: DROP CONSTRAINT, or DROP INDEX for a conditional UniqueConstraint. */
  removeConstraint(model: ModelState, c: ConstraintState, state: ProjectState): void {
    if (constraintIndexSpec(model, c, this.ddl(state))) this.dropIndex(c.name);
    else if (inlineConstraintSql(model, c, this.ddl(state))) this.dropConstraint(model.dbTable, c.name);
  }

  // ---- raw SQL and flushing ----

  /** RunSQL: executed where it stands; deferred statements still wait for the end of the migration, as in Django. */
  execute(sql: string): void {
    this.emit(sql);
  }

  /** Django's schema editor `__exit__`: runs the deferred statements. */
  flush(): void {
    for (const st of this.deferred) this.emit(renderStatement(st));
    this.deferred = [];
  }

  // ---- pieces used by FieldAlteration and subclasses ----

  /** `ALTER TABLE "t" <changes>`. */
  alterColumn(table: string, changes: string): void {
    this.emit(this.sql(this.sqlAlterColumn, { table: quoteName(table), changes }));
  }

  /** Django's `_delete_fk_sql` (PostgreSQL sets the constraint IMMEDIATE first). */
  dropForeignKey(fk: PgForeignKey): void {
    const table = this.renamedTables.get(fk.table) ?? fk.table;
    this.emit(this.sql(this.sqlDeleteFk, { name: quoteName(foreignKeyName(fk)), table: quoteName(table) }));
  }

  dropConstraint(table: string, name: string): void {
    this.emit(this.sql(this.sqlDeleteConstraint, { table: quoteName(table), name: quoteName(name) }));
  }

  dropIndex(name: string): void {
    this.emit(this.sql(this.sqlDeleteIndex, { name: quoteName(name) }));
  }

  renameColumn(table: string, oldColumn: string, newColumn: string): void {
    this.emit(this.sql(this.sqlRenameColumn, { table: quoteName(table), old_column: quoteName(oldColumn), new_column: quoteName(newColumn) }));
    for (const st of this.deferred) renameColumnReferences(st, table, oldColumn, newColumn);
  }

  uniqueTogether(model: ModelState, fields: readonly string[]): PgIndex {
    const columns = fields.map((n) => columnOf(model, n));
    return { kind: "unique-constraint", table: model.dbTable, columns, suffixes: columns.map(() => ""), derivedSuffix: "_uniq" };
  }

  metaIndex(model: ModelState, index: IndexState, state: ProjectState): PgIndex {
    const spec = metaIndexSpec(model, index, this.ddl(state));
    return { kind: "index", table: model.dbTable, columns: [...spec.columns], suffixes: spec.orders.map((o) => (o ? ` ${o}` : "")), name: spec.name, where: spec.where };
  }
}
