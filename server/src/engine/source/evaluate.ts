/**
 * Static evaluation of the values written in model files (never by running
 * the file): a name is followed to its declaration, from the syntax where
 * it answers (`resolve.ts`) and else with the type checker's
 * `getSymbolAtLocation` (imports followed with `getAliasedSymbol`), and the
 * declaration's initializer is read in turn.
 *
 * Read: `const` declarations (same file or imported from a project file),
 * `as const` / `satisfies`, enum members (`getConstantValue`; `const enum`
 * too), a whole enum as `choices`, static readonly class members (and
 * `static Meta`), members of const objects and arrays (`Status.Active`,
 * `KINDS[0]`), spreads, arithmetic, string concatenation, template literals
 * and unary minus on constants, calls of project functions returning a
 * `models.*` field (custom field helpers), and `models.TextChoices` /
 * `models.IntegerChoices`. Anything else is a TsMigrateError (code
 * `unreadable-value`) naming the identifier, where it is declared (or that it
 * is not), at the place it is used.
 */
import { ts } from "ts-morph";
import { functionValue, isBuiltinFunction, projectFunctionRef } from "../callables";
import { CallValue, RefValue, type Value, isObjectValue } from "../values";
import { describe, fold, READ_NOT_RUN, unreadable, where } from "./evaluate-errors";
import type { ModelProgram } from "./program";
import { ASK_CHECKER, resolutionMode, resolutionStats, statementIndex, syntacticDeclaration, syntacticEnumValue } from "./resolve";
import {
  type Evaluator, type ReadOptions, dottedName, nodeLocation, readValue, setLocation, setUnresolved, unresolvedReason, unwrap,
} from "./read";

/** The module specifier user files import the model language from. */
export const PACKAGE = "tsmigrate";

const aliasCache = new WeakMap<ts.SourceFile, Set<string>>();

/** Local names of `models` in `sf` (`import { models as m } from "tsmigrate"`); `models` when none is imported. */
export function modelsAliases(sf: ts.SourceFile): ReadonlySet<string> {
  const cached = aliasCache.get(sf);
  if (cached) return cached;
  const aliases = new Set<string>();
  aliasCache.set(sf, aliases);
  for (const st of sf.statements) {
    if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier) || st.moduleSpecifier.text !== PACKAGE) continue;
    const named = st.importClause?.namedBindings;
    if (!named || !ts.isNamedImports(named)) continue;
    for (const el of named.elements) if ((el.propertyName ?? el.name).text === "models") aliases.add(el.name.text);
  }
  if (aliases.size === 0) aliases.add("models");
  return aliases;
}

/** Maps a dotted name written with an alias of `models` (`m.CharField`) to its `models.*` name. */
export function renamer(aliases: ReadonlySet<string>): (name: string) => string {
  return (name) => {
    const dot = name.indexOf(".");
    const head = dot < 0 ? name : name.slice(0, dot);
    return aliases.has(head) && head !== "models" ? `models${name.slice(head.length)}` : name;
  };
}

/** Django's label for a Choices member name: `SUPER_ADMIN` -> "Super Admin" (Python's `name.replace("_", " ").title()`). */
export function choiceLabel(name: string): string {
  return name.replaceAll("_", " ").toLowerCase().replace(/(^|[^a-z])([a-z])/g, (_m, pre: string, c: string) => pre + c.toUpperCase());
}

/**
 * The evaluator of one program: {@link ReadOptions} for each file, with the
 * declarations being read (to report cycles) and the arguments of the helper
 * calls being read (parameters' values).
 */
export class StaticEvaluator implements Evaluator {
  private readonly options = new Map<ts.SourceFile, ReadOptions>();
  private readonly reading = new Set<ts.Node>();
  private readonly params = new Map<ts.ParameterDeclaration, Value>();
  /** Values of declarations read so far (not those depending on a helper's parameters). */
  private readonly values = new Map<ts.Declaration, Value>();

  constructor(private readonly program: ModelProgram) {}

  optionsFor(sf: ts.SourceFile): ReadOptions {
    let o = this.options.get(sf);
    if (!o) this.options.set(sf, (o = { evaluator: this, rename: renamer(modelsAliases(sf)), custom: (n) => readFunction(n, sf) }));
    return o;
  }

  /** True when `name`'s first part is a local name of `models` in `sf`. */
  private isModels(name: string | undefined, sf: ts.SourceFile): boolean {
    return name !== undefined && modelsAliases(sf).has(name.split(".")[0]!);
  }

  reference(node: ts.Identifier | ts.PropertyAccessExpression | ts.ElementAccessExpression, sf: ts.SourceFile): Value | undefined {
    if (this.isModels(dottedName(node), sf)) return undefined;
    if (ts.isIdentifier(node) && isTopLevelClass(node.text, sf)) return undefined;
    if (ts.isIdentifier(node) && node.text === "undefined") throw unreadable(node, sf, "undefined is not a value a field option can hold; leave the option out");
    const found = this.declarationOf(node, sf);
    if (typeof found === "string") return this.unresolved(node, sf, found);
    const decl = found && !found.getSourceFile().isDeclarationFile ? found : undefined;
    if (ts.isIdentifier(node)) {
      if (decl) return this.readDeclaration(decl, node, sf);
      return this.unresolved(node, sf, found ? `declared outside the project (${where(found)})` : "not declared in this file nor imported");
    }
    if (decl && (ts.isEnumMember(decl) || this.isNamespace(node.expression, sf))) return this.readDeclaration(decl, node, sf);
    // `obj.key` / `arr[i]`: the member of the value read (a choices helper's members have no declaration of their own).
    const base = readValue(node.expression, sf, this.optionsFor(sf));
    if (!(base instanceof RefValue)) return this.member(node, base, sf);
    if (decl) return this.readDeclaration(decl, node, sf);
    // A member of a global the reader does not know (`Math.PI`) is not read, except the built-in functions a callable default may name.
    const why = unresolvedReason(base);
    if (why && !isBuiltinFunction(dottedName(node))) return this.unresolved(node, sf, `${base.name} is ${why.replace(`; ${READ_NOT_RUN}`, "")}`);
    return undefined;
  }

  /**
   * A name whose declaration cannot be read here, kept as a reference (a
   * model class of another file is one) with the reason, which messages
   * about the value show ({@link unresolvedReason}).
   */
  private unresolved(node: ts.Expression, sf: ts.SourceFile, reason: string): RefValue | undefined {
    const name = dottedName(node);
    if (name === undefined) throw unreadable(node, sf, `${node.getText(sf)} is ${reason}`);
    const ref = new RefValue(this.optionsFor(sf).rename!(name));
    setLocation(ref, nodeLocation(node, sf));
    setUnresolved(ref, `${reason}; ${READ_NOT_RUN}`);
    return ref;
  }

  /**
   * The declaration a name refers to (imports followed), undefined when the
   * checker knows none, or why an import cannot be followed.
   */
  private declarationOf(node: ts.Expression, sf: ts.SourceFile): ts.Declaration | string | undefined {
    const at = ts.isPropertyAccessExpression(node) ? node.name : ts.isElementAccessExpression(node) ? undefined : node;
    if (!at) return undefined;
    const m = resolutionMode();
    const fast = m === "off" || !ts.isIdentifier(at) ? ASK_CHECKER : syntacticDeclaration(at, this.program);
    if (fast === ASK_CHECKER) {
      resolutionStats.checker++;
      return this.checkerDeclarationOf(at);
    }
    resolutionStats.syntax++;
    if (m === "verify") verifySame(at, fast, this.checkerDeclarationOf(at));
    return fast;
  }

  /** {@link declarationOf} answered by the type checker. */
  private checkerDeclarationOf(at: ts.Node): ts.Declaration | string | undefined {
    let symbol = this.program.checker.getSymbolAtLocation(at);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) {
      const target = this.program.checker.getAliasedSymbol(symbol);
      if (target.flags & ts.SymbolFlags.Alias || !target.declarations?.length) {
        const imp = symbol.declarations?.[0];
        const from = imp ? importSpecifier(imp) : undefined;
        return `imported from "${from ?? "?"}", which is not a file of the project tsmigrate can read`;
      }
      symbol = target;
    }
    return symbol?.valueDeclaration ?? symbol?.declarations?.[0];
  }

  /** True when `expr` names a module (`import * as cfg from "./config"`): its members are read through their declarations. */
  private isNamespace(expr: ts.Expression, sf: ts.SourceFile): boolean {
    const found = ts.isIdentifier(expr) || ts.isPropertyAccessExpression(expr) ? this.declarationOf(expr, sf) : undefined;
    return found !== undefined && typeof found !== "string" && (ts.isSourceFile(found) || ts.isModuleDeclaration(found));
  }

  /** The value `decl` gives the name `node` (written in `sf`). */
  private readDeclaration(decl: ts.Declaration, node: ts.Expression, sf: ts.SourceFile): Value | undefined {
    const imported = importedFunction(decl, sf);
    if (imported) return imported;
    const cached = this.values.get(decl);
    if (cached !== undefined) return cached;
    const v = this.readDeclarationOnce(decl, node, sf);
    if (v !== undefined && this.params.size === 0) this.values.set(decl, v);
    return v;
  }

  private readDeclarationOnce(decl: ts.Declaration, node: ts.Expression, sf: ts.SourceFile): Value | undefined {
    // A class stays a reference: a relation target, or the left of `Base.Meta` / `Limits.MAX`.
    if (ts.isClassDeclaration(decl)) return undefined;
    if (ts.isEnumMember(decl)) {
      const v = this.constantValue(decl);
      if (v === undefined) throw unreadable(node, sf, `the enum member ${node.getText(sf)} (${where(decl)}) has no constant value`);
      return v;
    }
    if (ts.isEnumDeclaration(decl)) return this.enumChoices(decl);
    if (ts.isFunctionDeclaration(decl) && decl.body) return functionDeclarationValue(decl);
    if (ts.isParameter(decl) && this.params.has(decl)) return this.params.get(decl)!;
    const init = readableInitializer(decl);
    if (typeof init === "string") throw unreadable(node, sf, `${node.getText(sf)} is declared at ${where(decl)} ${init}`);
    if (this.reading.has(decl)) throw unreadable(node, sf, `${node.getText(sf)} refers to itself (${where(decl)})`);
    this.reading.add(decl);
    try {
      const dsf = decl.getSourceFile();
      return readValue(init, dsf, this.optionsFor(dsf));
    } finally {
      this.reading.delete(decl);
    }
  }

  /** An enum member's constant value: from its syntax when it is a literal or follows one, else the checker's. */
  private constantValue(m: ts.EnumMember): string | number | undefined {
    const mode = resolutionMode();
    const fast = mode === "off" ? ASK_CHECKER : syntacticEnumValue(m);
    if (fast === ASK_CHECKER) return this.program.checker.getConstantValue(m);
    if (mode === "verify") verifySame(m, fast, this.program.checker.getConstantValue(m));
    return fast;
  }

  /** A member of a value (`obj.key`, `arr[0]`, `Status.choices`) read from the value itself. */
  private member(node: ts.PropertyAccessExpression | ts.ElementAccessExpression, base: Value, sf: ts.SourceFile): Value {
    const key = ts.isPropertyAccessExpression(node) ? node.name.text : readValue(node.argumentExpression, sf, this.optionsFor(sf));
    const v = memberOf(base, key);
    if (v === undefined) throw unreadable(node, sf, `${node.getText(sf)} names nothing in the value it reads`);
    return v;
  }

  /** A whole enum used as a value: its `[value, label]` choices, labels from member names. */
  private enumChoices(decl: ts.EnumDeclaration): Value {
    const out = decl.members.map((m) => {
      const v = this.constantValue(m);
      if (v === undefined) throw unreadable(m, m.getSourceFile(), `the enum member ${m.name.getText()} has no constant value`);
      return [v, choiceLabel(m.name.getText())];
    });
    setLocation(out, nodeLocation(decl.name, decl.getSourceFile()));
    return out;
  }

  expression(node: ts.Expression, sf: ts.SourceFile): Value | undefined {
    const read = (e: ts.Expression) => readValue(e, sf, this.optionsFor(sf));
    if (ts.isPrefixUnaryExpression(node) && (node.operator === ts.SyntaxKind.MinusToken || node.operator === ts.SyntaxKind.PlusToken)) {
      const v = read(node.operand);
      if (typeof v !== "number") throw unreadable(node, sf, `unary ${node.operator === ts.SyntaxKind.MinusToken ? "-" : "+"} needs a number, found ${describe(v)}`);
      return node.operator === ts.SyntaxKind.MinusToken ? -v : v;
    }
    if (ts.isTemplateExpression(node)) {
      let s = node.head.text;
      for (const span of node.templateSpans) {
        const v = read(span.expression);
        if (typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") {
          throw unreadable(span.expression, sf, `a template part must be a string, number or boolean constant, found ${describe(v)}`);
        }
        s += String(v) + span.literal.text;
      }
      return s;
    }
    if (ts.isBinaryExpression(node)) return fold(node, read(node.left), read(node.right), sf);
    return undefined;
  }

  call(node: ts.CallExpression, sf: ts.SourceFile): Value | undefined {
    const callee = dottedName(node.expression);
    if (callee === undefined || this.isModels(callee, sf)) return undefined;
    const fn = this.helperOf(node, sf);
    if (!fn) {
      const decl = this.declarationOfSafe(node.expression, sf);
      throw unreadable(node, sf, `${callee}(...) is a call, and only calls of models.* and of the project's own functions ` +
        `returning a models.* field are read; ${callee} is ${decl ? `declared at ${where(decl)}` : "not declared in the project"}`);
    }
    const body = returnedExpression(fn);
    if (!body) throw unreadable(node, sf, `${callee} (${where(fn)}) must return its value in a single \`return\` or an arrow expression`);
    const bound: ts.ParameterDeclaration[] = [];
    fn.parameters.forEach((p, i) => {
      if (!ts.isIdentifier(p.name)) throw unreadable(p, p.getSourceFile(), "destructured parameters cannot be read; take the options as one parameter");
      const arg = node.arguments[i];
      const v = arg ? readValue(arg, sf, this.optionsFor(sf)) : p.initializer ? readValue(p.initializer, fn.getSourceFile(), this.optionsFor(fn.getSourceFile())) : {};
      this.params.set(p, v);
      bound.push(p);
    });
    if (this.reading.has(fn)) throw unreadable(node, sf, `${callee} calls itself`);
    this.reading.add(fn);
    try {
      const v = readValue(body, fn.getSourceFile(), this.optionsFor(fn.getSourceFile()));
      if (typeof v === "object" && v !== null) setLocation(v, nodeLocation(node, sf));
      return v;
    } finally {
      this.reading.delete(fn);
      for (const p of bound) this.params.delete(p);
    }
  }

  /**
   * The function a call refers to when it is a function of the project (a
   * custom field helper); undefined for anything else (kept as a call).
   */
  helperOf(node: ts.CallExpression, sf: ts.SourceFile): ts.SignatureDeclaration & { body?: ts.Node } | undefined {
    const decl = this.declarationOfSafe(node.expression, sf);
    if (!decl || decl.getSourceFile().isDeclarationFile) return undefined;
    if (ts.isFunctionDeclaration(decl)) return decl;
    if (ts.isVariableDeclaration(decl) && decl.initializer) {
      const init = unwrap(decl.initializer);
      if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) return init;
    }
    return undefined;
  }

  private declarationOfSafe(node: ts.Expression, sf: ts.SourceFile): ts.Declaration | undefined {
    const found = this.declarationOf(unwrap(node), sf);
    return typeof found === "string" ? undefined : found;
  }
}

/**
 * An arrow or function expression (a callable `default`) as its source text,
 * normalized (`engine/callables.ts`); never run. Undefined for anything else.
 */
function readFunction(node: ts.Expression, sf: ts.SourceFile): Value | undefined {
  if (!ts.isArrowFunction(node) && !ts.isFunctionExpression(node)) return undefined;
  const v = functionValue(node.getText(sf));
  setLocation(v, nodeLocation(node, sf));
  return v;
}

/**
 * A function exported by another project file than `sf` (`export function
 * newToken() {...}`, `export const newToken = () => ...`), named as a value
 * (a callable `default`): a reference to it by module (absolute, no
 * extension) and name, never a copy of its source (Django's
 * `default=shop.utils.new_token`). Undefined for anything else.
 */
function importedFunction(decl: ts.Declaration, sf: ts.SourceFile): Value | undefined {
  const dsf = decl.getSourceFile();
  if (dsf === sf || (ts.getCombinedModifierFlags(decl) & ts.ModifierFlags.Export) === 0) return undefined;
  const isFunction = ts.isFunctionDeclaration(decl) && decl.body !== undefined && decl.name !== undefined;
  const init = ts.isVariableDeclaration(decl) && decl.initializer ? unwrap(decl.initializer) : undefined;
  const holdsFunction = ts.isVariableDeclaration(decl) && ts.isIdentifier(decl.name) && init !== undefined &&
    (ts.isArrowFunction(init) || ts.isFunctionExpression(init));
  if (!isFunction && !holdsFunction) return undefined;
  const name = (decl as ts.FunctionDeclaration | ts.VariableDeclaration).name as ts.Identifier;
  const v = projectFunctionRef(dsf.fileName.replace(/\.(ts|tsx|mts|cts)$/, ""), name.text);
  setLocation(v, nodeLocation(name, dsf));
  return v;
}

/**
 * A project's `function name() {...}` named as a value (a callable
 * `default`): its source as a function expression (modifiers such as
 * `export` dropped), normalized; never run.
 */
function functionDeclarationValue(decl: ts.FunctionDeclaration): Value {
  const sf = decl.getSourceFile();
  const expr = ts.factory.createFunctionExpression(undefined, decl.asteriskToken, decl.name, decl.typeParameters,
    decl.parameters, decl.type, decl.body!);
  const v = functionValue(ts.createPrinter({ removeComments: true }).printNode(ts.EmitHint.Expression, expr, sf));
  setLocation(v, nodeLocation(decl.name ?? decl, sf));
  return v;
}

/** `obj.key` / `arr[i]` of a read value, including `.choices`, `.values`, `.labels` and members of `models.*Choices(...)`. */
function memberOf(base: Value, key: Value): Value | undefined {
  if (base instanceof CallValue && (base.callee === "models.TextChoices" || base.callee === "models.IntegerChoices")) {
    const members = choicesMembers(base);
    if (!members) return undefined;
    if (key === "choices") return members.map(([, v, l]) => [v, l]);
    if (key === "values") return members.map(([, v]) => v);
    if (key === "labels") return members.map(([, , l]) => l);
    return members.find(([n]) => n === key)?.[1];
  }
  if (Array.isArray(base)) return typeof key === "number" ? base[key] : key === "length" ? base.length : undefined;
  if (isObjectValue(base) && typeof key === "string" && Object.prototype.hasOwnProperty.call(base, key)) return base[key];
  return undefined;
}

/** The members of a choices call: name, value, label (Django's label from the name unless given as `[value, label]`). */
export function choicesMembers(call: CallValue): [string, Value, string][] | undefined {
  const o = call.args[0];
  if (call.args.length !== 1 || !isObjectValue(o)) return undefined;
  return Object.entries(o).map(([name, v]) => {
    if (Array.isArray(v) && v.length === 2 && typeof v[1] === "string") return [name, v[0] as Value, v[1] as string];
    return [name, v, choiceLabel(name)];
  });
}

/** The initializer to read for a declaration, or why it cannot be read (a phrase after "declared at <where>"). */
function readableInitializer(decl: ts.Declaration): ts.Expression | string {
  if (ts.isVariableDeclaration(decl)) {
    const list = decl.parent;
    const isConst = ts.isVariableDeclarationList(list) && (list.flags & ts.NodeFlags.Const) !== 0;
    if (!isConst) return `with \`${list.flags & ts.NodeFlags.Let ? "let" : "var"}\`; only \`const\` declarations are read`;
    if (!decl.initializer) return "without a value";
    if (!ts.isIdentifier(decl.name)) return "by destructuring, which is not read";
    return decl.initializer;
  }
  if (ts.isPropertyDeclaration(decl)) {
    const mods = ts.getCombinedModifierFlags(decl);
    const isStatic = (mods & ts.ModifierFlags.Static) !== 0;
    const meta = isStatic && decl.name.getText() === "Meta";
    if (!isStatic || (!(mods & ts.ModifierFlags.Readonly) && !meta)) return "as a class property that is not `static readonly`";
    return decl.initializer ?? "without a value";
  }
  if (ts.isPropertyAssignment(decl)) return decl.initializer;
  if (ts.isShorthandPropertyAssignment(decl)) return decl.name;
  if (ts.isParameter(decl)) return "as a function parameter, whose value is only known when the code runs";
  if (ts.isFunctionDeclaration(decl) || ts.isMethodDeclaration(decl)) return "as a function; call it or pass a value";
  if (ts.isSourceFile(decl) || ts.isModuleDeclaration(decl)) return "as a module; name one of its members";
  return `as ${ts.SyntaxKind[decl.kind]}, which is not read`;
}

/** The expression a helper returns: an arrow's expression body or a block's single `return`. */
function returnedExpression(fn: ts.SignatureDeclaration & { body?: ts.Node }): ts.Expression | undefined {
  const body = fn.body;
  if (!body) return undefined;
  if (!ts.isBlock(body)) return body as ts.Expression;
  const returns = body.statements.filter(ts.isReturnStatement);
  return body.statements.length === 1 && returns.length === 1 ? returns[0]!.expression : undefined;
}

/** In {@link resolutionMode} "verify": an internal error when the syntax's answer is not the checker's. */
function verifySame(at: ts.Node, fast: unknown, checker: unknown): void {
  if (fast === checker) return;
  const show = (x: unknown): string => (typeof x === "object" && x !== null && "kind" in x ? ts.SyntaxKind[(x as ts.Node).kind] : String(x));
  throw new Error(`internal: resolving ${at.getText()} at ${where(at as ts.Declaration)}: syntax gives ${show(fast)}, the checker ${show(checker)}`);
}

function isTopLevelClass(name: string, sf: ts.SourceFile): boolean {
  return statementIndex(sf).candidates(name).some((s) => ts.isClassDeclaration(s) && s.name?.text === name);
}

function importSpecifier(decl: ts.Declaration): string | undefined {
  let n: ts.Node | undefined = decl;
  while (n && !ts.isImportDeclaration(n)) n = n.parent;
  return n && ts.isStringLiteral(n.moduleSpecifier) ? n.moduleSpecifier.text : undefined;
}
