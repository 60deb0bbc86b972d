/**
 * Special operations: RunSQL, RunCode (Django's RunPython) and
 * SeparateDatabaseAndState. Mirrors `django/db/migrations/operations/special.py`
 * (Django 3.2).
 */
import type { SchemaEditor } from "../backends/base/schema";
import { TsMigrateError } from "../errors";
import type { ProjectState } from "../state";
import { CallValue, RefValue, type Value } from "../values";
import type { DataLoss, Deconstructed, Operation, SchemaObject } from "./base";
import { BaseOperation, operationToCall } from "./common";

/** Django's `SeparateDatabaseAndState`: `stateOperations` change the state, `databaseOperations` the database. */
export class SeparateDatabaseAndState extends BaseOperation {
  readonly kind = "SeparateDatabaseAndState";

  constructor(readonly databaseOperations: readonly Operation[] = [], readonly stateOperations: readonly Operation[] = []) {
    super();
  }

  /** Reversible when every database operation is. */
  override get reversible(): boolean {
    return this.databaseOperations.every((op) => op.reversible);
  }

  override deconstruct(): Deconstructed {
    const args: Record<string, Value> = {};
    if (this.databaseOperations.length) args.databaseOperations = this.databaseOperations.map(operationToCall);
    if (this.stateOperations.length) args.stateOperations = this.stateOperations.map(operationToCall);
    return { name: this.kind, args };
  }

  override stateForwards(app: string, state: ProjectState): void {
    for (const op of this.stateOperations) op.stateForwards(app, state);
  }

  override databaseForwards(app: string, editor: SchemaEditor, from: ProjectState, _to: ProjectState): void {
    for (const s of this.databaseSteps(app, from)) s.op.databaseForwards(app, editor, s.before, s.after);
  }

  override databaseBackwards(app: string, editor: SchemaEditor, _from: ProjectState, to: ProjectState): void {
    for (const s of this.databaseSteps(app, to).reverse()) s.op.databaseBackwards(app, editor, s.after, s.before);
  }

  /** What its database operations create (its state operations touch no table). */
  override creates(app: string, before: ProjectState, _after: ProjectState): SchemaObject[] {
    return this.databaseSteps(app, before).flatMap((s) => s.op.creates(app, s.before, s.after));
  }

  /** What its database operations drop. */
  override drops(app: string, before: ProjectState, _after: ProjectState): SchemaObject[] {
    return this.databaseSteps(app, before).flatMap((s) => s.op.drops(app, s.before, s.after));
  }

  /** What its database operations destroy (its state operations touch no table). */
  override losses(app: string, before: ProjectState, _after: ProjectState, backwards: boolean): DataLoss[] {
    return this.databaseSteps(app, before).flatMap((s) => s.op.losses(app, s.before, s.after, backwards));
  }

  /**
   * The database operations with the states around each, replayed from
   * `state` apart from the real state (Django computes them the same way).
   */
  private databaseSteps(app: string, state: ProjectState): { op: Operation; before: ProjectState; after: ProjectState }[] {
    return this.databaseOperations.map((op) => {
      const before = state;
      state = state.clone();
      op.stateForwards(app, state);
      return { op, before, after: state };
    });
  }

  override describe(): string {
    return "Custom state/database change combination";
  }
}

/** One SQL string or a list of them, as RunSQL takes them. */
export type SqlSource = string | readonly string[];

/**
 * Django's `RunSQL`: each string is given to the schema editor as one
 * statement (an empty string does nothing, like Django's `RunSQL.noop`).
 * `stateOperations` describe what the SQL did to the models.
 */
export class RunSQL extends BaseOperation {
  readonly kind = "RunSQL";

  constructor(
    readonly sql: SqlSource,
    readonly reverseSql?: SqlSource,
    readonly stateOperations: readonly Operation[] = [],
    private readonly isElidable = false,
  ) {
    super();
  }

  override get elidable(): boolean {
    return this.isElidable;
  }

  override get reversible(): boolean {
    return this.reverseSql !== undefined;
  }

  override deconstruct(): Deconstructed {
    const args: Record<string, Value> = { sql: sqlValue(this.sql) };
    if (this.reverseSql !== undefined) args.reverseSql = sqlValue(this.reverseSql);
    if (this.stateOperations.length) args.stateOperations = this.stateOperations.map(operationToCall);
    if (this.isElidable) args.elidable = true;
    return { name: this.kind, args };
  }

  override stateForwards(app: string, state: ProjectState): void {
    for (const op of this.stateOperations) op.stateForwards(app, state);
  }

  override databaseForwards(_app: string, editor: SchemaEditor, _from?: ProjectState, _to?: ProjectState): void {
    runSql(editor, this.sql);
  }

  override databaseBackwards(_app: string, editor: SchemaEditor, _from?: ProjectState, _to?: ProjectState): void {
    if (this.reverseSql === undefined) {
      throw new TsMigrateError("RunSQL: you cannot reverse this operation (it has no reverseSql)", {
        code: "irreversible", location: this.location,
      });
    }
    runSql(editor, this.reverseSql);
  }

  override describe(): string {
    return "Raw SQL operation";
  }

  /** "may destroy data" when a statement run in this direction drops, deletes, truncates or replaces (see {@link destructiveSql}). */
  override losses(_app: string, _before: ProjectState, _after: ProjectState, backwards: boolean): DataLoss[] {
    const sql = backwards ? this.reverseSql : this.sql;
    if (sql === undefined) return [];
    return (typeof sql === "string" ? [sql] : sql).filter(destructiveSql).map((s) => ({ kind: "raw-sql", sql: s.trim().split("\n")[0]! }));
  }

  /** Its SQL (a list as Python prints one); undefined backwards without `reverseSql`. */
  override planAction(backwards: boolean): { readonly undo: boolean; readonly action: string | undefined } {
    const sql = backwards ? this.reverseSql : this.sql;
    if (sql === undefined) return { undo: false, action: undefined };
    return { undo: false, action: typeof sql === "string" ? sql : `[${sql.map((x) => `'${x}'`).join(", ")}]` };
  }
}

/**
 * True when `sql` has a statement that may destroy rows or values: DROP
 * (TABLE, COLUMN, SCHEMA...), DELETE, TRUNCATE, UPDATE, REPLACE INTO, or ALTER
 * ... TYPE. Comments and string literals are not looked into.
 */
export function destructiveSql(sql: string): boolean {
  const code = sql.replace(/--[^\n]*/g, " ").replace(/\/\*[\s\S]*?\*\//g, " ").replace(/'(?:[^']|'')*'/g, "''");
  return /\b(?:drop|delete|truncate|update)\b|\breplace\s+into\b/i.test(code) || /\balter\b[\s\S]*\btype\b/i.test(code);
}

function sqlValue(s: SqlSource): Value {
  return typeof s === "string" ? s : [...s];
}

function runSql(editor: SchemaEditor, sql: SqlSource): void {
  for (const s of typeof sql === "string" ? [sql] : sql) if (s.trim() !== "") editor.execute(s);
}

/**
 * What RunCode needs from whoever runs a migration: a schema editor (or
 * wrapper) that can run the TypeScript source of a RunCode function. The
 * executor provides it; RunCode's database methods call it with the
 * function's source text (`code` for forwards, `reverseCode` for backwards).
 */
export interface CodeRunner {
  runCode?(source: string, direction: "forwards" | "backwards"): void;
}

/**
 * The source text of a RunCode function value: the loader reads
 * `(apps, editor) => {...}` as `CallValue("function", [source])`; a named
 * function is a RefValue (its name); a string is taken as source.
 */
export function codeSource(code: Value): string {
  if (code instanceof CallValue && code.callee === "function" && typeof code.args[0] === "string") return code.args[0];
  if (code instanceof RefValue) return code.name;
  if (typeof code === "string") return code;
  throw new TsMigrateError("RunCode: code must be a function");
}

/**
 * A function's source with the common indentation of its lines after the
 * first removed, so that the text does not depend on where it was written.
 */
function dedentSource(src: string): string {
  const lines = src.split("\n");
  if (lines.length < 2) return src;
  const rest = lines.slice(1);
  const indents = rest.filter((l) => l.trim() !== "").map((l) => /^[ \t]*/.exec(l)![0].length);
  const cut = indents.length ? Math.min(...indents) : 0;
  return [lines[0], ...rest.map((l) => (l.trim() === "" ? "" : l.slice(cut)))].join("\n");
}

/** A RunCode value with its function source dedented. */
function normalizeCode(code: Value): Value {
  if (code instanceof CallValue && code.callee === "function" && typeof code.args[0] === "string") {
    return new CallValue("function", [dedentSource(code.args[0])]);
  }
  return code;
}

/**
 * Django's `RunPython` for TypeScript: `code` (and `reverseCode`) are
 * functions kept as source text, never run by the engine itself; they run
 * through the {@link CodeRunner} hook of the editor the executor passes.
 * No state change.
 */
export class RunCode extends BaseOperation {
  readonly kind = "RunCode";

  readonly code: Value;
  readonly reverseCode?: Value;

  constructor(code: Value, reverseCode?: Value, readonly atomic?: boolean, private readonly isElidable = false) {
    super();
    this.code = normalizeCode(code);
    this.reverseCode = reverseCode === undefined ? undefined : normalizeCode(reverseCode);
  }

  override get elidable(): boolean {
    return this.isElidable;
  }

  override get reversible(): boolean {
    return this.reverseCode !== undefined;
  }

  /** Code, not SQL: `sqlmigrate` announces it and skips it. */
  override get reducesToSql(): boolean {
    return false;
  }

  override deconstruct(): Deconstructed {
    const args: Record<string, Value> = { code: this.code };
    if (this.reverseCode !== undefined) args.reverseCode = this.reverseCode;
    if (this.atomic !== undefined) args.atomic = this.atomic;
    if (this.isElidable) args.elidable = true;
    return { name: this.kind, args };
  }

  /** RunCode changes no state (combine it with SeparateDatabaseAndState for that). */
  override stateForwards(_app?: string, _state?: ProjectState): void {}

  override databaseForwards(_app: string, editor: SchemaEditor, _from?: ProjectState, _to?: ProjectState): void {
    this.run(editor, this.code, "forwards");
  }

  override databaseBackwards(_app: string, editor: SchemaEditor, _from?: ProjectState, _to?: ProjectState): void {
    if (this.reverseCode === undefined) {
      throw new TsMigrateError("RunCode: you cannot reverse this operation (it has no reverseCode)", {
        code: "irreversible", location: this.location,
      });
    }
    this.run(editor, this.reverseCode, "backwards");
  }

  private run(editor: SchemaEditor, code: Value, direction: "forwards" | "backwards"): void {
    const runner = (editor as SchemaEditor & CodeRunner).runCode;
    if (typeof runner !== "function") {
      throw new TsMigrateError("RunCode is run by the executor: this schema editor cannot run code", {
        code: "unsupported", location: this.location,
      });
    }
    runner.call(editor, codeSource(code), direction);
  }

  override describe(): string {
    return "Raw code operation";
  }

  /** Django shows the function's docstring; functions here have none: "". Undefined backwards without `reverseCode`. */
  override planAction(backwards: boolean): { readonly undo: boolean; readonly action: string | undefined } {
    return { undo: false, action: (backwards ? this.reverseCode : this.code) === undefined ? undefined : "" };
  }
}
