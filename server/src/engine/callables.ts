/**
 * Callable defaults (`default: () => crypto.randomUUID()`,
 * `default: crypto.randomUUID`, `default: () => new Date()`): Django's
 * callable `default` (`django/db/models/fields/__init__.py`,
 * `Field._get_default`), read statically.
 *
 * A callable default is stored as written, never called: an arrow or
 * function expression as `CallValue("function", [source])` (the source
 * normalized by TypeScript's printer, so formatting and comments do not
 * change it), a named function (`crypto.randomUUID`, `Date.now`) as a
 * {@link RefValue}, and a function exported by another file of the
 * project by its module and name ({@link projectFunctionRef}, Django's
 * `default=shop.utils.new_token`). Like Django, it gives the column no
 * database DEFAULT.
 *
 * Unlike Django (which calls the function once and gives every existing row
 * that one value when AddField backfills), a *well-known* callable is
 * backfilled per row with the database's own expression (see
 * `DatabaseFlavor.perRowDefaultSql`); any other callable makes
 * `makemigrations` ask for a one-off default.
 */
import * as path from "node:path";
import { ts } from "ts-morph";
import { FIELD_SPECS } from "./fields";
import type { FieldState } from "./state";
import { CallValue, RefValue, type Value } from "./values";

/**
 * A function exported by a project file, named by reference: a
 * {@link RefValue} `"<module>#<name>"`. `module` is the file's path without
 * extension, relative to the app's folder in state (`"../lib/tokens"`,
 * `"./utils"`: the same from the app's `models.ts` and from its migrations,
 * whatever the project's location on disk), absolute while a models file
 * is being read (see {@link appRelativeFunctionRef}).
 */
export function projectFunctionRef(module: string, name: string): RefValue {
  return new RefValue(`${module}#${name}`);
}

/** The module and exported name of a {@link projectFunctionRef}; undefined for any other value. */
export function projectFunction(v: Value | undefined): { module: string; name: string } | undefined {
  if (!(v instanceof RefValue)) return undefined;
  const hash = v.name.lastIndexOf("#");
  return hash > 0 ? { module: v.name.slice(0, hash), name: v.name.slice(hash + 1) } : undefined;
}

/** `moduleAbs` (absolute, no extension) relative to the folder `dir`, posix, starting with `./` or `../`. */
export function relativeModule(dir: string, moduleAbs: string): string {
  const rel = path.relative(dir, moduleAbs).split(path.sep).join("/");
  return rel.startsWith("../") ? rel : `./${rel}`;
}

/** A {@link projectFunctionRef} read with an absolute module, made relative to the app folder `appDir`; any other value unchanged. */
export function appRelativeFunctionRef(v: Value, appDir: string): Value {
  const f = projectFunction(v);
  return f && path.isAbsolute(f.module) ? projectFunctionRef(relativeModule(appDir, f.module), f.name) : v;
}

/** The callables a database can compute per row: a random (version 4) UUID, the current date/time. */
export type WellKnownCallable = "uuid4" | "now";

/** True for a function source value (`CallValue("function", [source])`) as read from an arrow or function expression. */
export function isFunctionValue(v: Value | undefined): v is CallValue {
  return v instanceof CallValue && v.callee === "function" && v.args.length === 1 && typeof v.args[0] === "string";
}

/** True when `v` is a callable default: a function source or a named function (a reference outside `models.*`). */
export function isCallableDefault(v: Value | undefined): boolean {
  return isFunctionValue(v) || (v instanceof RefValue && !v.name.startsWith("models."));
}

let printerMade: ts.Printer | undefined;

/** TypeScript's printer, made on first use (the CLI loads TypeScript only when a command needs it). */
function printer(): ts.Printer {
  return (printerMade ??= ts.createPrinter({ removeComments: true, newLine: ts.NewLineKind.LineFeed }));
}

/**
 * The canonical text of a function's source: parsed and printed back by
 * TypeScript's printer (comments dropped, spacing within lines made uniform,
 * blocks on several lines with 4-space indentation). Line breaks inside an
 * expression (an object literal written over several lines) are kept.
 * Returns `source` unchanged when it is not one arrow or function expression.
 */
export function normalizeFunctionSource(source: string): string {
  const sf = ts.createSourceFile("f.ts", `(${source});`, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const st = sf.statements[0];
  if (sf.statements.length !== 1 || !st || !ts.isExpressionStatement(st)) return source;
  let e = st.expression;
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  if (!ts.isArrowFunction(e) && !ts.isFunctionExpression(e)) return source;
  const [uniform] = ts.transform(e, [uniformLayout]).transformed;
  return printer().printNode(ts.EmitHint.Expression, uniform!, sf);
}

/** Puts every block on several lines, however the source laid it out (the printer keeps a one-line block on one line). */
const uniformLayout: ts.TransformerFactory<ts.Node> = (ctx) => (root) => {
  const visit = (node: ts.Node): ts.Node => {
    const n = ts.visitEachChild(node, visit, ctx);
    if (ts.isBlock(n)) return ts.factory.createBlock(n.statements, true);
    return n;
  };
  return ts.visitNode(root, visit)!;
};

/** A function source value with normalized text (see {@link normalizeFunctionSource}). */
export function functionValue(source: string): CallValue {
  return new CallValue("function", [normalizeFunctionSource(source)]);
}

/**
 * Built-in functions a `default` may name without an arrow. Model files are
 * read without TypeScript's lib files, so a member of a global cannot be
 * told apart from a constant (`Math.PI`); any other function is written as
 * an arrow (`() => performance.now()`).
 */
const BUILTIN_FUNCTIONS: ReadonlySet<string> = new Set([
  "crypto.randomUUID", "globalThis.crypto.randomUUID", "Date.now", "Math.random",
]);

/** True for a dotted name of {@link BUILTIN_FUNCTIONS} (`crypto.randomUUID`). */
export function isBuiltinFunction(name: string | undefined): boolean {
  return name !== undefined && BUILTIN_FUNCTIONS.has(name);
}

/** Named functions and arrows (normalized text) that are well-known callables. */
const WELL_KNOWN: Readonly<Record<string, WellKnownCallable>> = {
  "crypto.randomUUID": "uuid4",
  "globalThis.crypto.randomUUID": "uuid4",
  "() => crypto.randomUUID()": "uuid4",
  "() => globalThis.crypto.randomUUID()": "uuid4",
  "() => new Date()": "now",
  "Date.now": "now",
  "() => Date.now()": "now",
};

/** Field types (internal types) each well-known callable can fill per row. */
const FILLS: Readonly<Record<WellKnownCallable, readonly string[]>> = {
  uuid4: ["UUIDField", "CharField", "TextField"],
  now: ["DateTimeField", "DateField", "TimeField"],
};

/**
 * Which well-known callable a default is, for a field of internal type
 * `internalType` (`"UUIDField"`, `"DateTimeField"`, ...); undefined for a
 * literal, an unknown callable, or a callable whose values do not fit the
 * field (`Date.now` on an IntegerField is a number of milliseconds, not a
 * time the database computes).
 */
export function wellKnownCallable(v: Value | undefined, internalType: string): WellKnownCallable | undefined {
  let name: string | undefined;
  if (isFunctionValue(v)) name = v.args[0] as string;
  else if (v instanceof RefValue) name = v.name;
  const kind = name === undefined ? undefined : WELL_KNOWN[name];
  return kind && FILLS[kind].includes(internalType) ? kind : undefined;
}

/**
 * True when the field's `default` can fill existing rows: a literal, or a
 * callable the database computes per row ({@link wellKnownCallable}). Any
 * other callable cannot: unlike Django, which calls it once and copies the
 * value into every row, makemigrations asks for a one-off default. False
 * when the field has no default.
 */
export function defaultFillsRows(field: FieldState): boolean {
  const d = field.options.default;
  if (d === undefined) return false;
  return !isCallableDefault(d) || wellKnownCallable(d, FIELD_SPECS[field.type].internalType) !== undefined;
}
