/**
 * Translates tsmigrate's model state into Django `models.py` sources, so the
 * Django side of the comparison tests runs exactly the models tsmigrate read
 * (one source of truth for both sides).
 *
 * Follows Django 3.2's spelling: options in snake_case, `on_delete=models.CASCADE`,
 * relation targets as lazy `'app.model'` strings, `models.Q(a=1) & models.Q(...)`.
 */
import { projectFunction } from "../../server/src/engine/callables";
import { FIELD_SPECS } from "../../server/src/engine/fields";
import type { ConstraintState, FieldState, IndexState, ModelState, ProjectState } from "../../server/src/engine/state";
import { CallValue, RefValue, type Value, isObjectValue } from "../../server/src/engine/values";

/** `maxLength` -> `max_length`, `unpackIpv4` -> `unpack_ipv4`. */
export function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/**
 * A value as a Python expression: literals as Python literals, `models.Q({...})`
 * as `models.Q(k=v, ...)`, `models.Q.and/or/not` as `&`, `|`, `~`,
 * `models.F("x")` as `models.F('x')`, references such as `models.Deferrable.DEFERRED` as written.
 * @throws Error for a call it does not know (the test then fails loudly rather than guess).
 */
export function pyValue(v: Value): string {
  if (v === null) return "None";
  if (v === true) return "True";
  if (v === false) return "False";
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : `float(${JSON.stringify(String(v))})`;
  if (typeof v === "string") return JSON.stringify(v);
  if (v instanceof RefValue) return PY_CALLABLES[v.name] ?? projectFunction(v)?.name ?? v.name;
  if (v instanceof CallValue && v.callee === "function") return pyCallable(v);
  if (v instanceof CallValue) return pyCall(v);
  if (Array.isArray(v)) return `[${v.map(pyValue).join(", ")}]`;
  if (isObjectValue(v)) {
    return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}: ${pyValue(x)}`).join(", ")}}`;
  }
  throw new Error(`cannot translate value ${String(v)} to Python`);
}

/** Django's spelling of the callable defaults the histories use (`default=uuid.uuid4`, `default=timezone.now`). */
const PY_CALLABLES: Readonly<Record<string, string>> = {
  "crypto.randomUUID": "uuid.uuid4",
  "() => crypto.randomUUID()": "uuid.uuid4",
  "() => new Date()": "timezone.now",
};

/** A function source (`CallValue("function", [source])`) as Django's callable. @throws Error for any other function. */
function pyCallable(c: CallValue): string {
  const py = PY_CALLABLES[c.args[0] as string];
  if (py === undefined) throw new Error(`cannot translate the function ${String(c.args[0])} to Python`);
  return py;
}

function pyCall(c: CallValue): string {
  switch (c.callee) {
    case "models.Q": {
      const o = c.args[0];
      if (!isObjectValue(o)) throw new Error("models.Q expects an object of lookups");
      return `models.Q(${Object.entries(o).map(([k, x]) => `${k}=${pyValue(x)}`).join(", ")})`;
    }
    case "models.Q.and":
      return `(${c.args.map(pyValue).join(" & ")})`;
    case "models.Q.or":
      return `(${c.args.map(pyValue).join(" | ")})`;
    case "models.Q.not":
      return `~${pyValue(c.args[0]!)}`;
    case "models.F":
      return `models.F(${pyValue(c.args[0]!)})`;
    default:
      throw new Error(`cannot translate call ${c.callee}(...) to Python`);
  }
}

/** `name = models.CharField(max_length=50)`; undefined for the auto-created `id` (Django adds its own). */
export function pyField(name: string, field: FieldState): string | undefined {
  if (field.options.autoCreated === true) return undefined;
  const args: string[] = [];
  if (FIELD_SPECS[field.type].relation) args.push(pyValue(field.options.to ?? null));
  for (const [k, v] of Object.entries(field.options)) {
    if (k === "to") continue;
    if (k === "onDelete") args.push(`on_delete=models.${String(v)}`);
    else args.push(`${snakeCase(k)}=${pyValue(v)}`);
  }
  return `${name} = models.${field.type}(${args.join(", ")})`;
}

function pyIndex(i: IndexState): string {
  const args = [`fields=${pyValue([...i.fields])}`, `name=${pyValue(i.name)}`];
  if (i.condition !== undefined) args.push(`condition=${pyValue(i.condition)}`);
  return `models.Index(${args.join(", ")})`;
}

function pyConstraint(c: ConstraintState): string {
  if (c.kind === "CheckConstraint") return `models.CheckConstraint(check=${pyValue(c.check)}, name=${pyValue(c.name)})`;
  const args = [`fields=${pyValue([...c.fields])}`, `name=${pyValue(c.name)}`];
  if (c.condition !== undefined) args.push(`condition=${pyValue(c.condition)}`);
  if (c.deferrable !== undefined) args.push(`deferrable=models.Deferrable.${c.deferrable}`);
  return `models.UniqueConstraint(${args.join(", ")})`;
}

/** The `class Meta:` lines of a model (empty when it has no options). */
export function pyMeta(model: ModelState): string[] {
  const lines: string[] = [];
  for (const [k, v] of Object.entries(model.options)) {
    if (v === undefined) continue;
    let py: string;
    if (k === "indexes") py = `[${(v as readonly IndexState[]).map(pyIndex).join(", ")}]`;
    else if (k === "constraints") py = `[${(v as readonly ConstraintState[]).map(pyConstraint).join(", ")}]`;
    else py = pyValue(v as Value);
    lines.push(`        ${snakeCase(k)} = ${py}`);
  }
  return lines.length ? ["", "    class Meta:", ...lines] : [];
}

/**
 * The Python base class of a model: `models.Model`, or its parent's class
 * (multi-table inheritance, proxies), imported from the parent's app when
 * that is another one.
 */
function pyBase(state: ProjectState, model: ModelState, imports: Set<string>): string {
  const base = model.bases[0];
  if (base === undefined) return "models.Model";
  const parent = state.resolve(base);
  if (!parent) throw new Error(`${model.key} extends ${base}, which is not in the state`);
  if (parent.app !== model.app) imports.add(`from ${parent.app}.models import ${parent.name}`);
  return parent.name;
}

/**
 * A Python function for each project function the app's defaults name
 * (`default: newToken` imported from `lib/tokens.ts`): Django's migration
 * then refers to `<app>.models.newToken`, as tsmigrate's imports it. Its
 * body does not matter: no database DEFAULT comes from a callable.
 */
function projectFunctionStubs(state: ProjectState, app: string): string[] {
  const names = new Set<string>();
  for (const m of state.appModels(app)) for (const f of m.fields.values()) {
    const pf = projectFunction(f.options.default);
    if (pf) names.add(pf.name);
  }
  return [...names].sort().flatMap((n) => ["", `def ${n}():`, "    return None", ""]);
}

/** The `models.py` source of one app: its models in state order, fields in order. */
export function appToPython(state: ProjectState, app: string): string {
  const out = ["import uuid", "", "from django.db import models", "from django.utils import timezone", ""];
  const imports = new Set<string>();
  for (const model of state.appModels(app)) {
    out.push("", `class ${model.name}(${pyBase(state, model, imports)}):`);
    const body: string[] = [];
    for (const [name, field] of model.fields) {
      const line = pyField(name, field);
      if (line) body.push(`    ${line}`);
    }
    body.push(...pyMeta(model));
    if (body.length === 0) body.push("    pass");
    out.push(...body);
  }
  out.splice(5, 0, ...imports, ...projectFunctionStubs(state, app));
  return out.join("\n") + "\n";
}

/** app label -> `models.py` source, for each of `apps` (apps without models get an empty module). */
export function projectToPython(state: ProjectState, apps: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const app of apps) out[app] = appToPython(state, app);
  return out;
}
