/**
 * The operation registry: `migrations.AddField({...})` and its siblings, as
 * read from a migration file, to Operation instances, with every argument
 * checked. The counterpart of Django's import of `migrations.<Operation>`
 * and of each operation's `__init__` checks.
 */
import { MultipleErrors, type SourceLocation, TsMigrateError } from "../errors";
import { type FieldContext, LABEL_CONTEXT, constraintFromValue, fieldFromCall, indexFromValue, show } from "../source/field-values";
import { nearest } from "../source/q";
import { locationOf, memberLocation, valueLocation } from "../source/read";
import { ALTER_OPTION_KEYS, type FieldState, normalizeTogether } from "../state";
import { CallValue, type ObjectValue, RefValue, type Value, isObjectValue } from "../values";
import type { Operation } from "./base";
import { AddField, AlterField, RemoveField, RenameField } from "./fields";
import { AddConstraint, AddIndex, RemoveConstraint, RemoveIndex, RenameIndex } from "./indexes";
import { AlterIndexTogether, AlterModelOptions, AlterModelTable, AlterUniqueTogether } from "./model-options";
import { AlterOrderWithRespectTo } from "./order-wrt";
import { CreateModel, DeleteModel, RenameModel } from "./models";
import { optionsFromValue } from "./options";
import { RunCode, RunSQL, SeparateDatabaseAndState, type SqlSource } from "./special";

/** Reads the one `{ ... }` argument of an operation call, collecting every problem found. */
class Args {
  readonly errors: TsMigrateError[] = [];
  readonly obj: ObjectValue;
  readonly loc: SourceLocation | undefined;
  private readonly seen = new Set<string>();

  constructor(readonly kind: string, call: CallValue, location: SourceLocation | undefined, readonly keys: readonly string[]) {
    this.loc = locationOf(call) ?? location;
    const arg = call.args[0];
    if (call.args.length > 1) this.bad(`migrations.${kind} takes one object { ... }; found ${call.args.length} arguments`, memberLocation(call.args, 1));
    if (arg !== undefined && !isObjectValue(arg)) {
      this.bad(`migrations.${kind} takes one object { ... }; found ${show(arg)}`, valueLocation(call.args, 0));
      this.obj = {};
    } else {
      this.obj = arg ?? {};
    }
    for (const key of Object.keys(this.obj)) {
      if (!keys.includes(key)) {
        const guess = nearest(key, keys);
        this.bad(`unknown argument "${key}"${guess ? ` (did you mean ${guess}?)` : ""}; expected ${keys.join(", ")}`,
          memberLocation(this.obj, key));
      }
    }
  }

  /** Where argument `key` was written (the call when absent). */
  at(key: string): SourceLocation | undefined {
    return valueLocation(this.obj, key) ?? locationOf(this.obj) ?? this.loc;
  }

  bad(message: string, location?: SourceLocation): void {
    this.errors.push(new TsMigrateError(`migrations.${this.kind}: ${message}`, { code: "bad-migration", location: location ?? this.loc }));
  }

  take(e: unknown): void {
    if (e instanceof MultipleErrors) this.errors.push(...e.errors);
    else if (e instanceof TsMigrateError) this.errors.push(e);
    else throw e;
  }

  /** The raw value of `key`; records a "missing" error when required and absent. */
  raw(key: string, required: boolean): Value | undefined {
    this.seen.add(key);
    const v = this.obj[key];
    if (v === undefined && required) this.bad(`missing argument "${key}"`);
    return v;
  }

  string(key: string, required = true): string {
    const v = this.raw(key, required);
    if (v === undefined) return "";
    if (typeof v !== "string" || v === "") this.bad(`"${key}" must be a non-empty string, found ${show(v)}`, this.at(key));
    return typeof v === "string" ? v : "";
  }

  bool(key: string, dflt: boolean): boolean {
    const v = this.raw(key, false);
    if (v === undefined) return dflt;
    if (typeof v !== "boolean") {
      this.bad(`"${key}" must be true or false, found ${show(v)}`, this.at(key));
      return dflt;
    }
    return v;
  }

  field(key: string): FieldState | undefined {
    const v = this.raw(key, true);
    if (v === undefined) return undefined;
    return this.fieldValue(v, this.at(key));
  }

  fieldValue(v: Value, at: SourceLocation | undefined): FieldState | undefined {
    if (!(v instanceof CallValue)) {
      this.bad(`expected a field such as models.CharField({ ... }), found ${show(v)}`, at);
      return undefined;
    }
    const ctx: FieldContext = { resolveTarget: LABEL_CONTEXT.resolveTarget, location: at };
    try {
      return fieldFromCall(v, ctx);
    } catch (e) {
      this.take(e);
      return undefined;
    }
  }

  operations(key: string): Operation[] {
    const v = this.raw(key, false);
    if (v === undefined) return [];
    if (!Array.isArray(v)) {
      this.bad(`"${key}" must be an array of migrations.* operations, found ${show(v)}`, this.at(key));
      return [];
    }
    const out: Operation[] = [];
    (v as readonly Value[]).forEach((item, i) => {
      const at = valueLocation(v, i) ?? this.at(key);
      if (!(item instanceof CallValue)) {
        this.bad(`${key}[${i}] must be a migrations.* operation, found ${show(item)}`, at);
        return;
      }
      try {
        out.push(operationFromCall(item, at));
      } catch (e) {
        this.take(e);
      }
    });
    return out;
  }

  sql(key: string, required: boolean): SqlSource | undefined {
    const v = this.raw(key, required);
    if (v === undefined) return undefined;
    if (v instanceof RefValue && v.name === "migrations.RunSQL.noop") return "";
    if (typeof v === "string") return v;
    if (Array.isArray(v) && v.every((s) => typeof s === "string")) return [...(v as string[])];
    this.bad(`"${key}" must be an SQL string or an array of SQL strings, found ${show(v)}`, this.at(key));
    return undefined;
  }

  code(key: string, required: boolean): Value | undefined {
    const v = this.raw(key, required);
    if (v === undefined) return undefined;
    if ((v instanceof CallValue && v.callee === "function") || v instanceof RefValue) return v;
    this.bad(`"${key}" must be a function, e.g. (apps, schemaEditor) => { ... }, found ${show(v)}`, this.at(key));
    return undefined;
  }

  done<T extends Operation>(make: () => T): T {
    if (this.errors.length === 1) throw this.errors[0]!;
    if (this.errors.length > 1) throw new MultipleErrors(this.errors);
    const op = make();
    op.location = this.loc;
    return op;
  }
}

type Reader = (a: Args) => Operation;

/** CreateModel's `bases`: lowercase `"app.model"` labels (Django's `bases=('shop.product',)`); none when absent. */
function readBases(a: Args): string[] {
  const v = a.raw("bases", false);
  if (v === undefined) return [];
  if (!Array.isArray(v) || !v.every((b) => typeof b === "string" && /^[^.]+\.[^.]+$/.test(b))) {
    a.bad(`"bases" must be an array of "app.model" labels, e.g. ["shop.product"], found ${show(v)}`, a.at("bases"));
    return [];
  }
  return (v as string[]).map((b) => b.toLowerCase());
}

const together = (key: "uniqueTogether" | "indexTogether") => (a: Args): readonly string[][] | null => {
  const v = a.raw(key, true);
  if (v === undefined || v === null) return null;
  const t = normalizeTogether(v);
  if (t === undefined) {
    a.bad(`"${key}" must be an array of arrays of field names, or null, found ${show(v)}`, a.at(key));
    return null;
  }
  return t;
};

/** Argument names per operation (camelCase of Django's) and how to build it. */
const READERS: Readonly<Record<string, { keys: readonly string[]; read: Reader }>> = {
  CreateModel: {
    keys: ["name", "fields", "options", "bases"],
    read: (a) => {
      const name = a.string("name");
      const raw = a.raw("fields", true);
      const fields: [string, FieldState][] = [];
      if (raw !== undefined) {
        if (!Array.isArray(raw)) a.bad(`"fields" must be an array of ["name", models.XField(...)] pairs, found ${show(raw)}`, a.at("fields"));
        else {
          const names = new Set<string>();
          (raw as readonly Value[]).forEach((pair, i) => {
            const at = valueLocation(raw, i) ?? a.at("fields");
            if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== "string") {
              a.bad(`fields[${i}] must be a ["name", models.XField(...)] pair, found ${show(pair)}`, at);
              return;
            }
            const fname = pair[0] as string;
            if (names.has(fname)) a.bad(`found duplicate value ${fname} in CreateModel fields argument`, at);
            names.add(fname);
            const f = a.fieldValue(pair[1] as Value, valueLocation(pair, 1) ?? at);
            if (f) fields.push([fname, f]);
          });
        }
      }
      const rawOptions = a.raw("options", false);
      let options = {};
      if (rawOptions !== undefined) {
        try {
          options = optionsFromValue(rawOptions, "migrations.CreateModel options", a.at("options"));
        } catch (e) {
          a.take(e);
        }
      }
      const bases = readBases(a);
      return a.done(() => new CreateModel(name, fields, options, bases));
    },
  },
  DeleteModel: { keys: ["name"], read: (a) => { const n = a.string("name"); return a.done(() => new DeleteModel(n)); } },
  RenameModel: {
    keys: ["oldName", "newName"],
    read: (a) => { const o = a.string("oldName"); const n = a.string("newName"); return a.done(() => new RenameModel(o, n)); },
  },
  AlterModelTable: {
    keys: ["name", "table"],
    read: (a) => {
      const name = a.string("name");
      const t = a.raw("table", true);
      if (t !== undefined && t !== null && (typeof t !== "string" || t === "")) a.bad(`"table" must be a table name or null, found ${show(t)}`, a.at("table"));
      return a.done(() => new AlterModelTable(name, typeof t === "string" ? t : null));
    },
  },
  AlterUniqueTogether: {
    keys: ["name", "uniqueTogether"],
    read: (a) => { const n = a.string("name"); const v = together("uniqueTogether")(a); return a.done(() => new AlterUniqueTogether(n, v)); },
  },
  AlterIndexTogether: {
    keys: ["name", "indexTogether"],
    read: (a) => { const n = a.string("name"); const v = together("indexTogether")(a); return a.done(() => new AlterIndexTogether(n, v)); },
  },
  AlterOrderWithRespectTo: {
    keys: ["name", "orderWithRespectTo"],
    read: (a) => {
      const name = a.string("name");
      const v = a.raw("orderWithRespectTo", true);
      if (v !== undefined && v !== null && (typeof v !== "string" || v === "")) {
        a.bad(`"orderWithRespectTo" must be a field name or null, found ${show(v)}`, a.at("orderWithRespectTo"));
      }
      return a.done(() => new AlterOrderWithRespectTo(name, typeof v === "string" ? v : null));
    },
  },
  AlterModelOptions: {
    keys: ["name", "options"],
    read: (a) => {
      const name = a.string("name");
      const raw = a.raw("options", true);
      let options = {};
      if (raw !== undefined) {
        try {
          options = optionsFromValue(raw, "migrations.AlterModelOptions options", a.at("options"), ALTER_OPTION_KEYS);
        } catch (e) {
          a.take(e);
        }
      }
      return a.done(() => new AlterModelOptions(name, options));
    },
  },
  AddField: {
    keys: ["modelName", "name", "field", "preserveDefault"],
    read: (a) => {
      const m = a.string("modelName"); const n = a.string("name"); const f = a.field("field");
      const p = a.bool("preserveDefault", true);
      return a.done(() => new AddField(m, n, f!, p));
    },
  },
  RemoveField: {
    keys: ["modelName", "name"],
    read: (a) => { const m = a.string("modelName"); const n = a.string("name"); return a.done(() => new RemoveField(m, n)); },
  },
  AlterField: {
    keys: ["modelName", "name", "field", "preserveDefault"],
    read: (a) => {
      const m = a.string("modelName"); const n = a.string("name"); const f = a.field("field");
      const p = a.bool("preserveDefault", true);
      return a.done(() => new AlterField(m, n, f!, p));
    },
  },
  RenameField: {
    keys: ["modelName", "oldName", "newName"],
    read: (a) => {
      const m = a.string("modelName"); const o = a.string("oldName"); const n = a.string("newName");
      return a.done(() => new RenameField(m, o, n));
    },
  },
  AddIndex: {
    keys: ["modelName", "index"],
    read: (a) => {
      const m = a.string("modelName");
      const raw = a.raw("index", true);
      let index;
      if (raw !== undefined) {
        try {
          index = indexFromValue(raw, { location: a.at("index") });
        } catch (e) {
          a.take(e);
        }
      }
      return a.done(() => new AddIndex(m, index!));
    },
  },
  RemoveIndex: {
    keys: ["modelName", "name"],
    read: (a) => { const m = a.string("modelName"); const n = a.string("name"); return a.done(() => new RemoveIndex(m, n)); },
  },
  RenameIndex: {
    keys: ["modelName", "newName", "oldName", "oldFields"],
    read: (a) => {
      const m = a.string("modelName"); const n = a.string("newName");
      const oldName = a.raw("oldName", false);
      const oldFields = a.raw("oldFields", false);
      if (oldName === undefined && oldFields === undefined) a.bad("RenameIndex requires one of oldName and oldFields arguments to be set");
      if (oldName !== undefined && oldFields !== undefined) a.bad("RenameIndex.oldName and oldFields are mutually exclusive", a.at("oldFields"));
      if (oldName !== undefined && (typeof oldName !== "string" || oldName === "")) a.bad(`"oldName" must be an index name, found ${show(oldName)}`, a.at("oldName"));
      const okFields = Array.isArray(oldFields) && oldFields.length > 0 && oldFields.every((f) => typeof f === "string");
      if (oldFields !== undefined && !okFields) a.bad(`"oldFields" must be an array of field names, found ${show(oldFields)}`, a.at("oldFields"));
      return a.done(() => new RenameIndex(m, n, typeof oldName === "string" ? oldName : undefined,
        okFields ? [...(oldFields as string[])] : undefined));
    },
  },
  AddConstraint: {
    keys: ["modelName", "constraint"],
    read: (a) => {
      const m = a.string("modelName");
      const raw = a.raw("constraint", true);
      let c;
      if (raw !== undefined) {
        try {
          c = constraintFromValue(raw, { location: a.at("constraint") });
        } catch (e) {
          a.take(e);
        }
      }
      return a.done(() => new AddConstraint(m, c!));
    },
  },
  RemoveConstraint: {
    keys: ["modelName", "name"],
    read: (a) => { const m = a.string("modelName"); const n = a.string("name"); return a.done(() => new RemoveConstraint(m, n)); },
  },
  RunSQL: {
    keys: ["sql", "reverseSql", "stateOperations", "elidable"],
    read: (a) => {
      const sql = a.sql("sql", true); const rev = a.sql("reverseSql", false);
      const ops = a.operations("stateOperations"); const el = a.bool("elidable", false);
      return a.done(() => new RunSQL(sql!, rev, ops, el));
    },
  },
  RunCode: {
    keys: ["code", "reverseCode", "atomic", "elidable"],
    read: (a) => {
      const code = a.code("code", true); const rev = a.code("reverseCode", false);
      const at = a.raw("atomic", false);
      if (at !== undefined && typeof at !== "boolean") a.bad(`"atomic" must be true or false, found ${show(at)}`, a.at("atomic"));
      const el = a.bool("elidable", false);
      return a.done(() => new RunCode(code!, rev, typeof at === "boolean" ? at : undefined, el));
    },
  },
  SeparateDatabaseAndState: {
    keys: ["databaseOperations", "stateOperations"],
    read: (a) => {
      const db = a.operations("databaseOperations"); const st = a.operations("stateOperations");
      return a.done(() => new SeparateDatabaseAndState(db, st));
    },
  },
};

/** The operation names `migrations.<Name>` that {@link operationFromCall} knows. */
export const OPERATION_KINDS: readonly string[] = Object.keys(READERS);

/**
 * Builds the operation a migration file wrote, e.g.
 * `migrations.AddField({ modelName: "product", name: "stock", field: models.IntegerField({ default: 0 }) })`.
 * The operation's `location` is the call's (or `location`).
 *
 * @throws TsMigrateError code `bad-migration` at the bad part (unknown
 *   operation, unknown/missing/mistyped argument), errors of the field,
 *   index and constraint readers as they are, or MultipleErrors for several.
 */
export function operationFromCall(call: CallValue, location?: SourceLocation): Operation {
  const at = locationOf(call) ?? location;
  const prefix = "migrations.";
  const name = call.callee.startsWith(prefix) ? call.callee.slice(prefix.length) : undefined;
  const reader = name !== undefined && Object.prototype.hasOwnProperty.call(READERS, name) ? READERS[name] : undefined;
  if (!reader) {
    const guess = nearest(name ?? call.callee, OPERATION_KINDS);
    throw new TsMigrateError(
      `unknown operation ${call.callee}${guess ? ` (did you mean migrations.${guess}?)` : ""}; expected one of ${OPERATION_KINDS.map((k) => `migrations.${k}`).join(", ")}`,
      { code: "bad-migration", location: at },
    );
  }
  return reader.read(new Args(name!, call, at, reader.keys));
}
