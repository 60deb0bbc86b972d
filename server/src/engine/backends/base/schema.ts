/**
 * The schema editor interface: turns state changes into DDL for one database
 * vendor. Mirrors `django/db/backends/base/schema.py` (Django 3.2).
 *
 * Editors are pure: they never query the database. Every statement goes to
 * the `emit` callback given at construction (the executor executes it;
 * `sqlmigrate` collects it). An editor may defer work (the SQLite editor
 * rebuilds each table at most once per migration) until {@link SchemaEditor.flush}.
 */
import type { ConstraintState, IndexState, ModelState, ProjectState } from "../../state";
import type { Value } from "../../values";

/** Receives one SQL statement (no trailing semicolon) and a human comment where the statement has none. */
export type Emit = (sql: string) => void;

export interface SchemaEditor {
  readonly vendor: "sqlite" | "postgresql";

  /** CREATE TABLE for `model` (as in `state`), its indexes and its M2M join tables. */
  createModel(model: ModelState, state: ProjectState): void;
  /** DROP TABLE for `model` and its auto-created M2M join tables. */
  deleteModel(model: ModelState, state: ProjectState): void;
  /**
   * Adds field `name` of `model` (`model` and `state` are after the change).
   * `oneOffDefault` (AddField with `preserveDefault: false`) fills existing
   * rows but is not kept as the column's DEFAULT.
   */
  addField(model: ModelState, name: string, state: ProjectState, oneOffDefault?: Value): void;
  /** Removes field `name` of `model` (`model` and `state` are before the change). */
  removeField(model: ModelState, name: string, state: ProjectState): void;
  /**
   * Alters field `fromName` of `fromModel` into field `toName` of `toModel`
   * (a rename when the names differ). `fromState`/`toState` resolve relations.
   * `oneOffDefault` (AlterField with `preserveDefault: false`, e.g. NULL to NOT
   * NULL) fills rows holding NULL but is not kept as the column's DEFAULT.
   */
  alterField(
    fromModel: ModelState, fromName: string, toModel: ModelState, toName: string,
    fromState: ProjectState, toState: ProjectState, oneOffDefault?: Value,
  ): void;
  /** Renames the table of a model (AlterModelTable, RenameModel), and its auto-created M2M tables. */
  alterDbTable(fromModel: ModelState, toModel: ModelState, fromState: ProjectState, toState: ProjectState): void;
  /** Replaces `Meta.uniqueTogether` (and `indexTogether`) of a model: `toModel` holds the new value. */
  alterTogether(fromModel: ModelState, toModel: ModelState, state: ProjectState): void;
  addIndex(model: ModelState, index: IndexState, state: ProjectState): void;
  removeIndex(model: ModelState, index: IndexState, state: ProjectState): void;
  addConstraint(model: ModelState, constraint: ConstraintState, state: ProjectState): void;
  removeConstraint(model: ModelState, constraint: ConstraintState, state: ProjectState): void;
  /**
   * Field `name` of `model` (as in `state`) as CREATE TABLE writes its column
   * (Django's `column_sql`): `"price" decimal NOT NULL`; undefined for a
   * many-to-many field (no column). Emits nothing.
   */
  columnSql(model: ModelState, name: string, state: ProjectState): string | undefined;
  /** Runs raw SQL (RunSQL): performs deferred work first so the SQL sees the schema it expects. */
  execute(sql: string): void;
  /** Performs deferred work (pending table rebuilds, deferred index SQL). Called at the end of every migration. */
  flush(): void;
}
