/**
 * The migration writer: a {@link Migration} as the TypeScript file that
 * `makemigrations` writes (Django's `MigrationWriter` and serializers,
 * `django/db/migrations/writer.py`, `serializer.py`):
 *
 * ```ts
 * import { migrations, models } from "tsmigrate";
 *
 * export default migrations.Migration({
 *   dependencies: [["shop", "0001_initial"]],
 *   operations: [
 *     migrations.AddField({ modelName: "product", name: "stock", field: models.IntegerField({ default: 0 }) }),
 *   ],
 * });
 * ```
 *
 * Output is deterministic (same migration, same bytes) and formatted as a
 * person would: 2-space indentation, double quotes, trailing commas, one
 * operation per entry, one CreateModel field per line, and any call, array
 * or object on one line when the whole line fits in {@link LINE_WIDTH}
 * columns.
 */
import * as path from "node:path";
import { isFunctionValue, projectFunction } from "./callables";
import type { Migration, MigrationKey } from "./migration";
import { CallValue, type ObjectValue, RefValue, type Value, isObjectValue } from "./values";

/** The widest line a value is kept on one line for (indentation and trailing punctuation included). */
const LINE_WIDTH = 120;

const IDENT = /^[A-Za-z_$][\w$]*$/;

/** A string literal as written: double quotes, JSON escapes (valid TypeScript). */
function quote(s: string): string {
  return JSON.stringify(s);
}

function key(k: string): string {
  return IDENT.test(k) ? k : quote(k);
}

/** RunCode functions and callable defaults: `CallValue("function", [source])` as read by the loader. */
const isFunctionSource = isFunctionValue;

function isOperationCall(v: Value): boolean {
  return v instanceof CallValue && v.callee.startsWith("migrations.");
}

const flatCache = new WeakMap<object, string | undefined>();

/** One-line rendering, or undefined when the value cannot be on one line (multi-line function source). */
function flat(v: Value): string | undefined {
  if (typeof v !== "object" || v === null) return flatUncached(v);
  if (flatCache.has(v)) return flatCache.get(v);
  const s = flatUncached(v);
  flatCache.set(v, s);
  return s;
}

function flatUncached(v: Value): string | undefined {
  if (v === null) return "null";
  if (typeof v === "string") return quote(v);
  if (typeof v === "number") return Object.is(v, -0) ? "0" : String(v);
  if (typeof v === "boolean") return String(v);
  if (v instanceof RefValue) return v.name;
  if (isFunctionSource(v)) {
    const src = v.args[0] as string;
    return src.includes("\n") ? undefined : src;
  }
  if (v instanceof CallValue) {
    const args = v.args.map(flat);
    return args.includes(undefined) ? undefined : `${v.callee}(${args.join(", ")})`;
  }
  if (Array.isArray(v)) {
    const items = (v as readonly Value[]).map(flat);
    return items.includes(undefined) ? undefined : `[${items.join(", ")}]`;
  }
  const o = v as ObjectValue;
  const keys = Object.keys(o).filter((k) => o[k] !== undefined);
  if (!keys.length) return "{}";
  const parts = keys.map((k) => {
    const s = flat(o[k]!);
    return s === undefined ? undefined : `${key(k)}: ${s}`;
  });
  return parts.includes(undefined) ? undefined : `{ ${parts.join(", ")} }`;
}

/** Where a value sits: what is already on its line before it and after it, and what must be broken. */
interface Place {
  readonly indent: number;
  readonly lead: number;
  readonly trail: number;
  /** Break this value even if it fits (operation lists, CreateModel and its fields). */
  readonly force?: boolean;
  /** The callee whose argument this object is. */
  readonly owner?: string;
}

const pad = (indent: number) => "  ".repeat(indent);

function mustBreak(v: Value, createModelFields = false): boolean {
  if (Array.isArray(v)) return v.length > 0 && (v.every(isOperationCall) || createModelFields);
  return v instanceof CallValue && (v.callee === "migrations.CreateModel" || v.callee === "migrations.SeparateDatabaseAndState");
}

function pretty(v: Value, at: Place): string {
  // Function sources (dedented) continue at the indentation of the line they start on.
  if (isFunctionSource(v)) return (v.args[0] as string).split("\n").map((l, i) => (i && l ? pad(at.indent) + l : l)).join("\n");
  const one = flat(v);
  if (one !== undefined && !at.force && at.lead + one.length + at.trail <= LINE_WIDTH) return one;
  const inner = at.indent + 1;
  if (Array.isArray(v)) {
    const items = v as readonly Value[];
    if (!items.length) return "[]";
    const lines = items.map((item) => `${pad(inner)}${pretty(item, {
      indent: inner, lead: inner * 2, trail: 1, force: mustBreak(item),
    })},`);
    return `[\n${lines.join("\n")}\n${pad(at.indent)}]`;
  }
  if (v instanceof CallValue) {
    const last = v.args[v.args.length - 1];
    const before = v.args.slice(0, -1).map(flat);
    const head = `${v.callee}(${before.map((s) => `${s}, `).join("")}`;
    if (last !== undefined && (isObjectValue(last) || Array.isArray(last)) && !before.includes(undefined) &&
      at.lead + head.length < LINE_WIDTH) {
      const place = { indent: at.indent, lead: at.lead + head.length, trail: at.trail + 1, force: at.force, owner: v.callee };
      return `${head}${pretty(last, place)})`;
    }
    if (!v.args.length) return `${v.callee}()`;
    const lines = v.args.map((a) => `${pad(inner)}${pretty(a, { indent: inner, lead: inner * 2, trail: 1 })},`);
    return `${v.callee}(\n${lines.join("\n")}\n${pad(at.indent)})`;
  }
  if (isObjectValue(v)) {
    const keys = Object.keys(v).filter((k) => v[k] !== undefined);
    if (!keys.length) return "{}";
    const lines = keys.map((k) => {
      const prefix = `${key(k)}: `;
      const value = v[k]!;
      return `${pad(inner)}${prefix}${pretty(value, {
        indent: inner, lead: inner * 2 + prefix.length, trail: 1,
        force: mustBreak(value, k === "fields" && at.owner === "migrations.CreateModel"),
      })},`;
    });
    return `{\n${lines.join("\n")}\n${pad(at.indent)}}`;
  }
  return one ?? "null";
}

/**
 * A value as TypeScript source, for a value starting at `column` (0-based)
 * on a line indented by `indent` levels of two spaces: on one line when it
 * fits in {@link LINE_WIDTH} columns, else broken one item per line.
 */
export function serializeValue(v: Value, indent = 0, column = indent * 2): string {
  return pretty(v, { indent, lead: column, trail: 0, force: mustBreak(v) });
}

function usesModels(v: Value): boolean {
  if (v instanceof CallValue) return v.callee.startsWith("models.") || v.args.some(usesModels);
  if (v instanceof RefValue) return v.name.startsWith("models.");
  if (Array.isArray(v)) return (v as readonly Value[]).some(usesModels);
  if (isObjectValue(v)) return Object.values(v).some(usesModels);
  return false;
}

/**
 * The project functions a migration names (callable defaults,
 * `projectFunctionRef`), imported by the migration as Django's writer
 * imports `shop.utils` for `default=shop.utils.new_token`: each becomes
 * its exported name (`_2`, `_3`... when two modules export the same name),
 * imported from its module relative to the migrations folder (the app's
 * folder's `../lib/tokens` is `../../lib/tokens` there).
 */
class ProjectFunctionImports {
  /** Module -> exported name -> local name. */
  private readonly byModule = new Map<string, Map<string, string>>();
  private readonly taken = new Set<string>(["migrations", "models"]);

  /** `v` with every project function reference replaced by its local name. */
  replace(v: Value): Value {
    const f = projectFunction(v);
    if (f) return new RefValue(this.local(f.module, f.name));
    if (v instanceof CallValue) return new CallValue(v.callee, v.args.map((a) => this.replace(a)));
    if (Array.isArray(v)) return (v as readonly Value[]).map((x) => this.replace(x));
    if (isObjectValue(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.replace(x)]));
    return v;
  }

  private local(module: string, name: string): string {
    let names = this.byModule.get(module);
    if (!names) this.byModule.set(module, (names = new Map()));
    let local = names.get(name);
    if (local === undefined) {
      local = name;
      for (let i = 2; this.taken.has(local); i++) local = `${name}_${i}`;
      this.taken.add(local);
      names.set(name, local);
    }
    return local;
  }

  /** The import lines, modules sorted. */
  lines(): string[] {
    return [...this.byModule].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([module, names]) => {
      const specs = [...names].map(([name, local]) => (name === local ? name : `${name} as ${local}`)).sort();
      return `import { ${specs.join(", ")} } from ${quote(path.posix.join("..", module))};`;
    });
  }
}

const keysValue = (keys: readonly MigrationKey[]): Value => keys.map((k) => [k[0], k[1]]);

/**
 * The file text of a migration (Django's `MigrationWriter.as_string()`):
 * `replaces`, `initial`, `atomic` (when false), `dependencies`,
 * `runBefore`, `operations`; `models` imported only when used.
 */
export function writeMigration(m: Migration): string {
  const body: [string, Value][] = [];
  if (m.replaces.length) body.push(["replaces", keysValue(m.replaces)]);
  if (m.initial) body.push(["initial", true]);
  if (!m.atomic) body.push(["atomic", false]);
  body.push(["dependencies", keysValue(m.dependencies)]);
  if (m.runBefore.length) body.push(["runBefore", keysValue(m.runBefore)]);
  const functions = new ProjectFunctionImports();
  const operations: Value[] = m.operations.map((op) => {
    const d = op.deconstruct();
    return functions.replace(new CallValue(`migrations.${d.name}`, [d.args]));
  });
  body.push(["operations", operations]);

  const imports = operations.some(usesModels) ? "migrations, models" : "migrations";
  const lines = [`import { ${imports} } from "tsmigrate";`, ...functions.lines(), "", "export default migrations.Migration({"];
  for (const [k, v] of body) {
    const prefix = `${k}: `;
    const force = k === "operations" && operations.length > 0;
    lines.push(`  ${prefix}${pretty(v, { indent: 1, lead: 2 + prefix.length, trail: 1, force })},`);
  }
  lines.push("});", "");
  return lines.join("\n");
}
