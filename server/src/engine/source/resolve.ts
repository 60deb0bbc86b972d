/**
 * Which declaration a name in a model file refers to, answered from the
 * syntax alone for the shapes model files are written in: a top-level
 * `const`, enum, function or class of the same file; a named or namespace
 * import of a project file (`import { Kind } from "./shared"`, `import * as
 * cfg from "./config"`) and the export it names; `Enum.Member`,
 * `Class.staticMember`, `ns.export` and `CONST.key` of an object literal; a
 * parameter of the helper being read. Anything else (shadowing blocks,
 * re-exports, merged declarations, type annotations, names declared nowhere)
 * answers {@link ASK_CHECKER}, and the caller asks TypeScript's type checker,
 * which is always right but costs a program and a checker per edit of the
 * language server (createProgram + createTypeChecker bind every changed
 * file: 15% of an edit's CPU on the bench before this).
 *
 * The answer is the same node the checker gives (`symbol.valueDeclaration`,
 * imports followed through `getAliasedSymbol`), from the same parsed files:
 * `test/source-resolve.test.ts` reads every model project of the fixtures
 * both ways and with {@link setResolutionMode}("verify").
 */
import { ts } from "ts-morph";

/** The answer "this shape is not read here; ask the type checker". */
export const ASK_CHECKER: unique symbol = Symbol("ask the type checker");

/** A declaration, a module's source file (a namespace import), or {@link ASK_CHECKER}. */
export type Syntactic = ts.Declaration | ts.SourceFile | typeof ASK_CHECKER;

/** The project files imports lead to. */
export interface ModuleFiles {
  /** The parsed project file `specifier` names from `from`; undefined when it is not one (a package, a missing file). */
  moduleFile(specifier: string, from: ts.SourceFile): ts.SourceFile | undefined;
}

/** `"on"`: syntax first (default); `"off"`: the checker only; `"verify"`: both, and an internal error when they differ (tests). */
export type ResolutionMode = "on" | "off" | "verify";

const MODES: readonly ResolutionMode[] = ["on", "off", "verify"];

/** The mode from `TSMIGRATE_RESOLVE` (tests run whole suites in "verify"), else "on". */
let mode: ResolutionMode = MODES.find((m) => m === process.env.TSMIGRATE_RESOLVE) ?? "on";

/** How many names were resolved from the syntax and how many by the checker in this process. */
export const resolutionStats = { syntax: 0, checker: 0 };

/** Sets how names are resolved in this process (tests compare the modes). */
export function setResolutionMode(m: ResolutionMode): void {
  mode = m;
}

/** The mode set by {@link setResolutionMode}. */
export function resolutionMode(): ResolutionMode {
  return mode;
}

/** The declaration the identifier `at` (a name, or the member name of `a.b`) refers to, or {@link ASK_CHECKER}. */
export function syntacticDeclaration(at: ts.Identifier, files: ModuleFiles): Syntactic {
  const parent = at.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.name === at) {
    if (!ts.isIdentifier(parent.expression)) return ASK_CHECKER;
    const owner = syntacticDeclaration(parent.expression, files);
    return owner === ASK_CHECKER ? owner : memberOf(owner, at.text, files);
  }
  const scoped = enclosingScope(at);
  if (scoped !== undefined) return scoped;
  return topLevel(at.getSourceFile(), at.text, files, false);
}

/** The member `name` of what a name resolved to (`Kind.Basic`, `Limits.MAX`, `ns.X`, `CONST.key`). */
function memberOf(owner: ts.Declaration | ts.SourceFile, name: string, files: ModuleFiles): Syntactic {
  if (ts.isSourceFile(owner)) return topLevel(owner, name, files, true);
  if (ts.isEnumDeclaration(owner)) return one(owner.members.filter((m) => memberName(m.name) === name));
  if (ts.isClassDeclaration(owner)) {
    return one(owner.members.filter((m) => ts.isPropertyDeclaration(m) && memberName(m.name) === name &&
      m.modifiers?.some((x) => x.kind === ts.SyntaxKind.StaticKeyword)));
  }
  if (ts.isVariableDeclaration(owner) && !owner.type && owner.initializer) {
    const init = unwrapAsConst(owner.initializer);
    if (!ts.isObjectLiteralExpression(init) || init.properties.some((p) => !ts.isPropertyAssignment(p))) return ASK_CHECKER;
    return one(init.properties.filter((p) => memberName(p.name) === name));
  }
  return ASK_CHECKER;
}

/**
 * For a name inside a function or block: the parameter it names (an arrow
 * or function's plain parameter), {@link ASK_CHECKER} when a block could
 * declare it, undefined when nothing between it and the file's top level
 * can (a class body's initializers see only the file's names).
 */
function enclosingScope(at: ts.Identifier): Syntactic | undefined {
  for (let n: ts.Node = at.parent; !ts.isSourceFile(n); n = n.parent) {
    if (ts.isArrowFunction(n) || ts.isFunctionExpression(n) || ts.isFunctionDeclaration(n)) {
      if (ts.isFunctionExpression(n) && n.name?.text === at.text) return ASK_CHECKER;
      if (n.parameters.some((p) => !ts.isIdentifier(p.name))) return ASK_CHECKER;
      const param = n.parameters.find((p) => (p.name as ts.Identifier).text === at.text);
      if (param) return param;
      if (n.body && ts.isBlock(n.body)) return ASK_CHECKER;
    } else if (ts.isBlock(n) || ts.isModuleBlock(n) || ts.isCaseBlock(n) || ts.isCatchClause(n) || ts.isClassExpression(n) ||
      ts.isClassStaticBlockDeclaration(n) || ts.isForStatement(n) || ts.isForInStatement(n) || ts.isForOfStatement(n) || ts.isFunctionLike(n)) {
      return ASK_CHECKER;
    }
  }
  return undefined;
}

/**
 * The top-level declaration `name` in `sf`: any one when `exported` is
 * false (a name used in the file, imports followed), else one the file
 * exports (what another file imports).
 */
function topLevel(sf: ts.SourceFile, name: string, files: ModuleFiles, exported: boolean): Syntactic {
  const found: (ts.Declaration | ts.SourceFile)[] = [];
  const index = statementIndex(sf);
  for (const s of index.candidates(name)) {
    const hit = statementDeclares(s, name, files, exported);
    if (hit === ASK_CHECKER) return hit;
    if (hit) found.push(hit);
  }
  // `export * from "./x"` gives the names the file does not declare itself.
  return exported && index.reexports && found.length === 0 ? ASK_CHECKER : one(found);
}

/** The top-level statements of a file that may declare a name, in the file's order. */
interface StatementIndex {
  /** The statements {@link statementDeclares} may answer something but undefined for, for `name`. */
  candidates(name: string): readonly ts.Statement[];
  /** True when the file has an `export * from` statement. */
  readonly reexports: boolean;
}

const indexes = new WeakMap<ts.SourceFile, StatementIndex>();

/**
 * The {@link StatementIndex} of `sf` (made once per parse): the names each
 * statement declares, so that a name is looked up among the statements that
 * declare it and those that may declare any name (imports, exports,
 * destructuring), not among every class of a file of thousands.
 */
export function statementIndex(sf: ts.SourceFile): StatementIndex {
  let index = indexes.get(sf);
  if (index) return index;
  const byName = new Map<string, number[]>();
  const any: number[] = [];
  let reexports = false;
  sf.statements.forEach((s, i) => {
    if (ts.isExportDeclaration(s) && !s.exportClause) reexports = true;
    const names = declaredNames(s);
    if (names === undefined) any.push(i);
    for (const n of names ?? []) {
      const list = byName.get(n);
      if (list) list.push(i);
      else byName.set(n, [i]);
    }
  });
  const candidates = (name: string): ts.Statement[] => {
    const own = byName.get(name);
    const all = own && any.length ? [...own, ...any].sort((a, b) => a - b) : own ?? any;
    return all.map((i) => sf.statements[i]!);
  };
  indexes.set(sf, (index = { candidates, reexports }));
  return index;
}

/** The only names {@link statementDeclares} can answer for `s` ([] none), or undefined when it may answer for any name. */
function declaredNames(s: ts.Statement): readonly string[] | undefined {
  if (ts.isVariableStatement(s)) {
    const names = s.declarationList.declarations.map((d) => (ts.isIdentifier(d.name) ? d.name.text : undefined));
    return names.every((n) => n !== undefined) ? (names as string[]) : undefined;
  }
  if (ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s) || ts.isEnumDeclaration(s)) return s.name ? [s.name.text] : [];
  if (ts.isModuleDeclaration(s) || ts.isImportEqualsDeclaration(s)) return [s.name.getText()];
  if (ts.isExportDeclaration(s) || ts.isImportDeclaration(s)) return undefined;
  return [];
}

/** What the statement `s` declares under `name` (undefined: nothing). */
function statementDeclares(s: ts.Statement, name: string, files: ModuleFiles, exported: boolean): Syntactic | undefined {
  const isExported = (): boolean => ts.canHaveModifiers(s) && ts.getModifiers(s)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) === true;
  if (ts.isVariableStatement(s)) {
    for (const d of s.declarationList.declarations) {
      if (!ts.isIdentifier(d.name)) return ASK_CHECKER;
      if (d.name.text === name) return exported && !isExported() ? ASK_CHECKER : d;
    }
    return undefined;
  }
  if (ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s) || ts.isEnumDeclaration(s)) {
    if (s.name?.text !== name) return undefined;
    return exported && !isExported() ? ASK_CHECKER : s;
  }
  if (ts.isModuleDeclaration(s) || ts.isImportEqualsDeclaration(s)) return s.name.getText() === name ? ASK_CHECKER : undefined;
  if (ts.isExportDeclaration(s)) return exported && s.exportClause && namedIn(s.exportClause, name) ? ASK_CHECKER : undefined;
  if (ts.isImportDeclaration(s)) return exported ? undefined : imported(s, name, files);
  return undefined;
}

/** What an import declaration binds to `name`: the imported declaration, the module (namespace import) or undefined. */
function imported(s: ts.ImportDeclaration, name: string, files: ModuleFiles): Syntactic | undefined {
  const clause = s.importClause;
  if (!clause) return undefined;
  if (clause.name?.text === name) return ASK_CHECKER;
  const bindings = clause.namedBindings;
  if (!bindings) return undefined;
  const element = ts.isNamespaceImport(bindings) ? (bindings.name.text === name ? bindings : undefined)
    : bindings.elements.find((e) => e.name.text === name);
  if (!element) return undefined;
  if (clause.isTypeOnly || (ts.isImportSpecifier(element) && element.isTypeOnly) || !ts.isStringLiteral(s.moduleSpecifier)) return ASK_CHECKER;
  const file = files.moduleFile(s.moduleSpecifier.text, s.getSourceFile());
  if (!file || !ts.isExternalModule(file)) return ASK_CHECKER;
  if (ts.isNamespaceImport(element)) return file;
  return topLevel(file, ((element as ts.ImportSpecifier).propertyName ?? element.name).text, files, true);
}

function namedIn(clause: ts.NamedExportBindings, name: string): boolean {
  return ts.isNamespaceExport(clause) ? clause.name.text === name : clause.elements.some((e) => e.name.text === name);
}

/** The only element of `found`, else {@link ASK_CHECKER} (none: a global or nothing; several: merged or overloaded). */
function one<T extends ts.Declaration | ts.SourceFile>(found: readonly T[]): T | typeof ASK_CHECKER {
  return found.length === 1 ? found[0]! : ASK_CHECKER;
}

function memberName(name: ts.PropertyName | ts.Node | undefined): string | undefined {
  return name === undefined ? undefined : ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) ? name.text : undefined;
}

/** `e` without `as const` and parentheses (other assertions and `satisfies` change what the checker answers). */
function unwrapAsConst(e: ts.Expression): ts.Expression {
  for (;;) {
    if (ts.isParenthesizedExpression(e)) e = e.expression;
    else if (ts.isAsExpression(e) && ts.isConstTypeReference(e.type)) e = e.expression;
    else return e;
  }
}

function unwrapAssertions(e: ts.Expression): ts.Expression {
  while (ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isParenthesizedExpression(e)) e = e.expression;
  return e;
}

/**
 * An enum member's constant value from its initializer (a string or number
 * literal, `-n`) or its place (no initializer: 0 first, else the previous
 * member's number + 1), or {@link ASK_CHECKER} (computed or merged members).
 * Follows TypeScript's `computeEnumMemberValues`.
 */
export function syntacticEnumValue(m: ts.EnumMember): string | number | typeof ASK_CHECKER {
  const init = m.initializer ? unwrapAssertions(m.initializer) : undefined;
  if (!init) {
    const members = m.parent.members;
    const i = members.indexOf(m);
    if (i === 0) return 0;
    const prev = syntacticEnumValue(members[i - 1]!);
    return typeof prev === "number" ? prev + 1 : ASK_CHECKER;
  }
  if (ts.isStringLiteral(init) || ts.isNoSubstitutionTemplateLiteral(init)) return init.text;
  const negative = ts.isPrefixUnaryExpression(init) && init.operator === ts.SyntaxKind.MinusToken;
  const literal = negative ? (init as ts.PrefixUnaryExpression).operand : init;
  if (!ts.isNumericLiteral(literal)) return ASK_CHECKER;
  const v = Number(literal.text);
  return Number.isFinite(v) ? (negative ? -v : v) : ASK_CHECKER;
}
