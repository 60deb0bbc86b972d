/**
 * Static reading of TypeScript source: parse a file (never run it) and turn
 * expressions made of literals, calls and references into {@link Value}s.
 *
 * Locations of what was read are kept in side tables (WeakMaps keyed by the
 * produced arrays, objects and calls), so values stay plain data while errors
 * found later can still point at the exact spot in the file.
 */
import { ts } from "ts-morph";
import { type SourceLocation, TsMigrateError } from "../errors";
import { CallValue, type ObjectValue, RefValue, type Value } from "../values";

/**
 * Parses `text` as a TypeScript file named `file` (absolute path preferred:
 * it is the `file` of every location). Uses the bare compiler scanner/parser
 * (no program, no type checking), parent pointers set. Never throws: syntax
 * errors are in `sf.parseDiagnostics` (see {@link syntaxErrors}).
 */
export function parseSource(file: string, text: string): ts.SourceFile {
  return ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

let locationSink: ((loc: SourceLocation) => void) | undefined;

/**
 * Runs `fn`, passing every location made meanwhile ({@link positionLocation})
 * to `sink`. The language server keeps the locations of a class it read, so
 * that it can move them when the unchanged class moves in the file.
 */
export function collectLocations<T>(sink: (loc: SourceLocation) => void, fn: () => T): T {
  const outer = locationSink;
  locationSink = sink;
  try {
    return fn();
  } finally {
    locationSink = outer;
  }
}

/** The 1-based location of `pos` (a character offset) in `sf`. */
export function positionLocation(sf: ts.SourceFile, pos: number, end?: number): SourceLocation {
  const start = sf.getLineAndCharacterOfPosition(pos);
  const loc: SourceLocation = { file: sf.fileName, line: start.line + 1, column: start.character + 1 };
  if (end !== undefined) {
    const e = sf.getLineAndCharacterOfPosition(end);
    loc.endLine = e.line + 1;
    loc.endColumn = e.character + 1;
  }
  locationSink?.(loc);
  return loc;
}

/** The 1-based span of `node` in `sf`, leading trivia (comments, spaces) excluded. */
export function nodeLocation(node: ts.Node, sf: ts.SourceFile): SourceLocation {
  return positionLocation(sf, node.getStart(sf), node.getEnd());
}

/**
 * The syntax errors of a parsed file (TypeScript's parse diagnostics) as
 * TsMigrateErrors with code `"syntax"` at their position.
 */
export function syntaxErrors(sf: ts.SourceFile): TsMigrateError[] {
  return parseDiagnostics(sf).map((d) => {
    const start = d.start ?? 0;
    return new TsMigrateError(`syntax error: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`, {
      code: "syntax",
      location: positionLocation(sf, start, start + (d.length ?? 0)),
    });
  });
}

/** The syntax errors TypeScript's parser found in `sf` (kept on the source file, not in its public API). */
export function parseDiagnostics(sf: ts.SourceFile): readonly ts.Diagnostic[] {
  return (sf as unknown as { parseDiagnostics?: readonly ts.Diagnostic[] }).parseDiagnostics ?? [];
}

const locations = new WeakMap<object, SourceLocation>();
const memberLocations = new WeakMap<object, Map<string | number, SourceLocation>>();

/** Where a CallValue, RefValue, array or object produced by {@link readValue} was written, if known. */
export function locationOf(value: unknown): SourceLocation | undefined {
  return typeof value === "object" && value !== null ? locations.get(value) : undefined;
}

/**
 * Where a member of a read array or object was written: for an object, the
 * whole `key: value` property; for an array, the element. Gives a location
 * for primitive members (strings, numbers), which cannot carry one.
 */
export function memberLocation(container: unknown, key: string | number): SourceLocation | undefined {
  if (typeof container !== "object" || container === null) return undefined;
  return memberLocations.get(container)?.get(key);
}

/**
 * Where the value `container[key]` was written: the value's own location if it
 * is an object, else the member's location, else the container's. The best
 * place to report a bad option.
 */
export function valueLocation(container: unknown, key: string | number): SourceLocation | undefined {
  const v = (container as Record<string | number, unknown> | null | undefined)?.[key];
  return locationOf(v) ?? memberLocation(container, key) ?? locationOf(container);
}

const unresolvedReasons = new WeakMap<RefValue, string>();

/** Records why a reference read from a model file could not be followed to a value (for messages). */
export function setUnresolved(ref: RefValue, reason: string): void {
  unresolvedReasons.set(ref, reason);
}

/** Why `ref` could not be followed to a value (e.g. "not declared in this file nor imported; ..."), if known. */
export function unresolvedReason(ref: RefValue): string | undefined {
  return unresolvedReasons.get(ref);
}

/** Records where a value came from (for values built by hand from source, e.g. by other readers). */
export function setLocation(value: object, loc: SourceLocation | undefined): void {
  if (loc) locations.set(value, loc);
}

/** Records where member `key` of a read array or object was written (see {@link memberLocation}); for values rebuilt from the parse cache. */
export function setMemberLocation(container: object, key: string | number, loc: SourceLocation): void {
  setMember(container, key, loc);
}

function setMember(container: object, key: string | number, loc: SourceLocation): void {
  let m = memberLocations.get(container);
  if (!m) memberLocations.set(container, (m = new Map()));
  m.set(key, loc);
}

/**
 * Reads what plain {@link readValue} does not: names of constants, operators,
 * templates, calls of project helpers (see `evaluate.ts`). Model files are
 * read with one; migration files and the config are not.
 */
export interface Evaluator {
  /**
   * The value of a name (`KINDS`, `Role.Admin`, `Base.Meta`, `KINDS[0]`);
   * undefined keeps it as a {@link RefValue} (`models.CASCADE`, a model class).
   * @throws TsMigrateError code `unreadable-value` when it cannot be read statically.
   */
  reference(node: ts.Identifier | ts.PropertyAccessExpression | ts.ElementAccessExpression, sf: ts.SourceFile): Value | undefined;
  /** The value of an operator expression or template; undefined when it is not one it folds. */
  expression(node: ts.Expression, sf: ts.SourceFile): Value | undefined;
  /** The value of a call of a project function (a custom field helper); undefined keeps a {@link CallValue}. */
  call(node: ts.CallExpression, sf: ts.SourceFile): Value | undefined;
  /** The read options for values written in `sf` (its own `models` aliases). */
  optionsFor(sf: ts.SourceFile): ReadOptions;
}

/** Options of {@link readValue}. */
export interface ReadOptions {
  /** Reads names, spreads, operators and helper calls statically (model files). */
  readonly evaluator?: Evaluator;
  /**
   * Called for a node readValue cannot read; a Value returned is used in its
   * place, undefined means "unsupported" (an error). Lets the migration
   * reader accept e.g. RunCode's function.
   */
  readonly custom?: (node: ts.Expression) => Value | undefined;
  /**
   * Maps dotted names of calls and references as written to the names
   * stored (e.g. `m.CharField` to `models.CharField` when the file did
   * `import { models as m }`).
   */
  readonly rename?: (name: string) => string;
}

/** The expected-value phrase of readValue's errors. */
export const EXPECTED_VALUE =
  "expected a literal value (string, number, boolean, null, array, object) or a models.* call";

/** Strips `( )`, `as T`, `as const`, `<T>x`, `x!` and `satisfies T` around an expression. */
export function unwrap(node: ts.Expression): ts.Expression {
  for (;;) {
    if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isTypeAssertionExpression(node) ||
      ts.isNonNullExpression(node) || ts.isSatisfiesExpression(node)) {
      node = node.expression;
    } else {
      return node;
    }
  }
}

/**
 * The dotted name of an identifier or property-access chain (`models.Q.or`),
 * or undefined for anything else (element access, calls in the chain, `this`).
 */
export function dottedName(node: ts.Expression): string | undefined {
  node = unwrap(node);
  if (ts.isIdentifier(node)) return node.text;
  if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.name)) {
    const left = dottedName(node.expression);
    return left === undefined ? undefined : `${left}.${node.name.text}`;
  }
  return undefined;
}

/** The text of a property name that is an identifier, string or number literal; undefined otherwise (computed, private). */
export function propertyNameText(name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) ||
    ts.isNoSubstitutionTemplateLiteral(name)) {
    return name.text;
  }
  return undefined;
}

function describe(node: ts.Node): string {
  switch (node.kind) {
    case ts.SyntaxKind.TemplateExpression: return "a template string with ${...}";
    case ts.SyntaxKind.ArrowFunction:
    case ts.SyntaxKind.FunctionExpression: return "a function";
    case ts.SyntaxKind.BinaryExpression: return "an expression";
    case ts.SyntaxKind.NewExpression: return "a `new` expression";
    case ts.SyntaxKind.SpreadElement:
    case ts.SyntaxKind.SpreadAssignment: return "a spread (...)";
    case ts.SyntaxKind.ElementAccessExpression: return "an element access";
    case ts.SyntaxKind.ShorthandPropertyAssignment: return "a shorthand property";
    case ts.SyntaxKind.MethodDeclaration: return "a method";
    case ts.SyntaxKind.ConditionalExpression: return "a conditional expression";
    case ts.SyntaxKind.BigIntLiteral: return "a bigint";
    case ts.SyntaxKind.RegularExpressionLiteral: return "a regular expression";
    case ts.SyntaxKind.OmittedExpression: return "an empty array slot";
    default: return `\`${ts.SyntaxKind[node.kind]}\``;
  }
}

function unsupported(node: ts.Node, sf: ts.SourceFile, what?: string): TsMigrateError {
  return new TsMigrateError(`${EXPECTED_VALUE}, found ${what ?? describe(node)}`, {
    code: "unsupported-syntax",
    location: nodeLocation(node, sf),
  });
}

/**
 * Reads a static value:
 * - string literals (and templates without `${}`), numbers (also `-1`),
 *   `true`, `false`, `null`;
 * - arrays and object literals (identifier, string or number keys), recursively;
 * - `f(...)` / `a.b(...)` calls as `CallValue("a.b", args)`;
 * - identifiers and `a.b` chains as `RefValue("a.b")`;
 * - `( )`, `as const`, `as T`, `x!`, `satisfies T` are see-through.
 *
 * Every array, object, call and reference produced gets a location
 * ({@link locationOf}); object properties and array elements get member
 * locations ({@link memberLocation}).
 *
 * @throws TsMigrateError code `"unsupported-syntax"` at the offending node
 *   (a spread, a function, `${}` templates, computed keys, ...).
 */
export function readValue(node: ts.Expression, sf: ts.SourceFile, opts: ReadOptions = {}): Value {
  const n = unwrap(node);
  const literal = readLiteral(n);
  if (literal !== undefined) return literal;
  if (ts.isArrayLiteralExpression(n)) return readArray(n, sf, opts);
  if (ts.isObjectLiteralExpression(n)) return readObject(n, sf, opts);
  if (ts.isCallExpression(n)) {
    const call = opts.evaluator?.call(n, sf) ?? readCall(n, sf, opts);
    if (call !== undefined) return call;
  }
  if (opts.evaluator && (ts.isIdentifier(n) || ts.isPropertyAccessExpression(n) || ts.isElementAccessExpression(n))) {
    const v = opts.evaluator.reference(n, sf);
    if (v !== undefined) return v;
  }
  const folded = opts.evaluator?.expression(n, sf);
  if (folded !== undefined) return folded;
  if (ts.isIdentifier(n) || ts.isPropertyAccessExpression(n)) {
    const name = dottedName(n);
    if (name !== undefined) {
      const ref = new RefValue(opts.rename ? opts.rename(name) : name);
      locations.set(ref, nodeLocation(n, sf));
      return ref;
    }
  }
  const c = opts.custom?.(n);
  if (c !== undefined) return c;
  throw unsupported(n, sf);
}

/** A string, number (also `-1`, `+1`), boolean or null literal; undefined for anything else. */
function readLiteral(n: ts.Expression): Value | undefined {
  switch (n.kind) {
    case ts.SyntaxKind.StringLiteral:
    case ts.SyntaxKind.NoSubstitutionTemplateLiteral: return (n as ts.StringLiteral).text;
    case ts.SyntaxKind.NumericLiteral: return Number((n as ts.NumericLiteral).text);
    case ts.SyntaxKind.TrueKeyword: return true;
    case ts.SyntaxKind.FalseKeyword: return false;
    case ts.SyntaxKind.NullKeyword: return null;
    default: break;
  }
  if (ts.isPrefixUnaryExpression(n) && (n.operator === ts.SyntaxKind.MinusToken || n.operator === ts.SyntaxKind.PlusToken)) {
    const inner = unwrap(n.operand);
    if (ts.isNumericLiteral(inner)) {
      const v = Number(inner.text);
      return n.operator === ts.SyntaxKind.MinusToken ? -v : v;
    }
  }
  return undefined;
}

/** An element that is a spread or a hole: only `opts.custom` may read it. */
function readSpecial(el: ts.Node, sf: ts.SourceFile, opts: ReadOptions): Value {
  const c = opts.custom?.(el as ts.Expression);
  if (c === undefined) throw unsupported(el, sf);
  return c;
}

function readArray(n: ts.ArrayLiteralExpression, sf: ts.SourceFile, opts: ReadOptions): Value[] {
  const out: Value[] = [];
  for (const el of n.elements) {
    if (ts.isSpreadElement(el) && opts.evaluator) {
      const items = readValue(el.expression, sf, opts);
      if (!Array.isArray(items)) throw spreadError(el, sf, "an array", items);
      (items as readonly Value[]).forEach((item, j) => {
        setMember(out, out.length, memberLocation(items, j) ?? nodeLocation(el, sf));
        out.push(item);
      });
      continue;
    }
    setMember(out, out.length, nodeLocation(el, sf));
    out.push(ts.isSpreadElement(el) || ts.isOmittedExpression(el) ? readSpecial(el, sf, opts) : readValue(el, sf, opts));
  }
  locations.set(out, nodeLocation(n, sf));
  return out;
}

function readObject(n: ts.ObjectLiteralExpression, sf: ts.SourceFile, opts: ReadOptions): ObjectValue {
  const out: Record<string, Value> = {};
  for (const prop of n.properties) {
    if (opts.evaluator && readObjectMember(prop, out, sf, opts)) continue;
    if (!ts.isPropertyAssignment(prop)) throw unsupported(prop, sf);
    const key = propertyNameText(prop.name);
    if (key === undefined) throw unsupported(prop.name, sf, "a computed property name");
    if (Object.prototype.hasOwnProperty.call(out, key) && !fromSpread(out, key)) {
      throw new TsMigrateError(`duplicate key "${key}" in object literal`, {
        code: "unsupported-syntax",
        location: nodeLocation(prop.name, sf),
      });
    }
    out[key] = readValue(prop.initializer, sf, opts);
    spreadKeys.get(out)?.delete(key);
    setMember(out, key, nodeLocation(prop, sf));
  }
  locations.set(out, nodeLocation(n, sf));
  return out as ObjectValue;
}

const spreadKeys = new WeakMap<object, Set<string>>();

/** A shallow copy of a read object without `key`, member locations kept. */
export function copyWithout(obj: ObjectValue, key: string): ObjectValue {
  const out: Record<string, Value> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k === key) continue;
    out[k] = v;
    const at = memberLocation(obj, k);
    if (at) setMember(out, k, at);
  }
  setLocation(out, locationOf(obj));
  return out;
}

/** True when `obj[key]` came from a spread (`{ ...Base.Meta }`) rather than being written in the literal. */
export function fromSpread(obj: object, key: string): boolean {
  return spreadKeys.get(obj)?.has(key) ?? false;
}

/** `...other` and `{ name }` in an object literal (with an evaluator); false for other members. */
function readObjectMember(prop: ts.ObjectLiteralElementLike, out: Record<string, Value>, sf: ts.SourceFile, opts: ReadOptions): boolean {
  if (ts.isSpreadAssignment(prop)) {
    const src = readValue(prop.expression, sf, opts);
    if (!isPlainObject(src)) throw spreadError(prop, sf, "an object", src);
    let keys = spreadKeys.get(out);
    if (!keys) spreadKeys.set(out, (keys = new Set()));
    for (const [k, v] of Object.entries(src)) {
      delete out[k];
      out[k] = v;
      keys.add(k);
      setMember(out, k, memberLocation(src, k) ?? nodeLocation(prop, sf));
    }
    return true;
  }
  if (ts.isShorthandPropertyAssignment(prop)) {
    const v = readValue(prop.name, sf, opts);
    out[prop.name.text] = v;
    setMember(out, prop.name.text, nodeLocation(prop, sf));
    return true;
  }
  return false;
}

function isPlainObject(v: Value): v is ObjectValue {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof CallValue) && !(v instanceof RefValue);
}

function spreadError(node: ts.Node, sf: ts.SourceFile, expected: string, found: Value): TsMigrateError {
  const what = Array.isArray(found) ? "an array" : found instanceof CallValue ? `${found.callee}(...)`
    : found instanceof RefValue ? found.name : isPlainObject(found) ? "an object" : JSON.stringify(found);
  const why = found instanceof RefValue ? unresolvedReason(found) : undefined;
  return new TsMigrateError(`a spread here must spread ${expected}, found ${what}${why ? ` (${why})` : ""}`,
    { code: "unsupported-syntax", location: nodeLocation(node, sf) });
}

/** `a.b(...)` as a CallValue; undefined when the callee is not a dotted name. */
function readCall(n: ts.CallExpression, sf: ts.SourceFile, opts: ReadOptions): CallValue | undefined {
  const written = dottedName(n.expression);
  if (written === undefined) return undefined;
  const args: Value[] = [];
  n.arguments.forEach((a, i) => {
    args.push(ts.isSpreadElement(a) ? readSpecial(a, sf, opts) : readValue(a, sf, opts));
    setMember(args, i, nodeLocation(a, sf));
  });
  const call = new CallValue(opts.rename ? opts.rename(written) : written, args);
  locations.set(call, nodeLocation(n, sf));
  locations.set(call.args, nodeLocation(n, sf));
  return call;
}
