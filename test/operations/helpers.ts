/** Shared fixtures for the operation tests: fields, a small project state, a recording schema editor. */
import type { SchemaEditor } from "../../server/src/engine/backends/base/schema";
import type { CodeRunner } from "../../server/src/engine/operations/special";
import { type FieldState, ModelState, ProjectState, makeField } from "../../server/src/engine/state";
import type { Value } from "../../server/src/engine/values";

export const id = makeField("BigAutoField", { autoCreated: true, primaryKey: true, serialize: false, verboseName: "ID" });
export const char = (maxLength = 100, extra: Record<string, Value> = {}) => makeField("CharField", { maxLength, ...extra });
export const int = (extra: Record<string, Value> = {}) => makeField("IntegerField", extra);
export const fk = (to: string, extra: Record<string, Value> = {}) => makeField("ForeignKey", { to, onDelete: "CASCADE", ...extra });

/** shop.Category(id, name) and shop.Product(id, name, category -> shop.category), unique_together (name, category). */
export function shopState(): ProjectState {
  return new ProjectState([
    new ModelState("shop", "Category", [["id", id], ["name", char(50)]]),
    new ModelState("shop", "Product", [["id", id], ["name", char()], ["category", fk("shop.category")]],
      { uniqueTogether: [["name", "category"]], indexes: [{ name: "prod_name_idx", fields: ["name"] }] }),
  ]);
}

export function field(state: ProjectState, app: string, model: string, name: string): FieldState | undefined {
  return state.get(app, model)?.fields.get(name);
}

/** A schema editor that records the calls made to it (method, model names, extra arguments). */
export class RecordingEditor implements SchemaEditor, CodeRunner {
  readonly vendor = "sqlite" as const;
  readonly calls: string[] = [];
  createModel(m: ModelState): void { this.calls.push(`createModel ${m.key}`); }
  deleteModel(m: ModelState): void { this.calls.push(`deleteModel ${m.key}`); }
  addField(m: ModelState, name: string, _s: ProjectState, oneOff?: Value): void {
    this.calls.push(`addField ${m.key}.${name}${oneOff === undefined ? "" : ` oneOff=${JSON.stringify(oneOff)}`}`);
  }
  removeField(m: ModelState, name: string): void { this.calls.push(`removeField ${m.key}.${name}`); }
  alterField(fm: ModelState, fromName: string, tm: ModelState, toName: string, _f: ProjectState, _t: ProjectState, oneOff?: Value): void {
    this.calls.push(`alterField ${fm.key}.${fromName} -> ${tm.key}.${toName}${oneOff === undefined ? "" : ` oneOff=${JSON.stringify(oneOff)}`}`);
  }
  alterDbTable(fm: ModelState, tm: ModelState): void { this.calls.push(`alterDbTable ${fm.dbTable} -> ${tm.dbTable}`); }
  alterTogether(fm: ModelState, tm: ModelState): void {
    this.calls.push(`alterTogether ${fm.key} ${JSON.stringify(fm.options.uniqueTogether ?? [])} -> ${JSON.stringify(tm.options.uniqueTogether ?? [])}`);
  }
  addIndex(m: ModelState, i: { name: string }): void { this.calls.push(`addIndex ${m.key} ${i.name}`); }
  removeIndex(m: ModelState, i: { name: string }): void { this.calls.push(`removeIndex ${m.key} ${i.name}`); }
  addConstraint(m: ModelState, c: { name: string }): void { this.calls.push(`addConstraint ${m.key} ${c.name}`); }
  removeConstraint(m: ModelState, c: { name: string }): void { this.calls.push(`removeConstraint ${m.key} ${c.name}`); }
  columnSql(m: ModelState, name: string): string | undefined { return `"${name}" of ${m.key}`; }
  execute(sql: string): void { this.calls.push(`execute ${sql}`); }
  flush(): void { this.calls.push("flush"); }
  runCode(source: string, direction: string): void { this.calls.push(`runCode ${direction} ${source}`); }
}
