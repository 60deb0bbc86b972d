/**
 * Per-file reading of a `models.ts`: classes, their `extends`, their field
 * properties and `static Meta`, and the file's imports. No cross-file
 * resolution happens here, so an editor re-parses only the file that changed
 * and {@link resolveModels} (models.ts) joins the files.
 *
 * Never throws for bad or half-typed code: problems are collected in
 * `ParsedModelFile.errors`.
 */
import * as path from "node:path";
import { ts } from "ts-morph";
import { ErrorCollector, type SourceLocation, TsMigrateError } from "../errors";
import { CallValue, type Value, isObjectValue } from "../values";
import { PACKAGE, StaticEvaluator, modelsAliases } from "./evaluate";
import { ModelProgram } from "./program";
import { type ReadOptions, copyWithout, dottedName, fromSpread, nodeLocation, propertyNameText, readValue, syntaxErrors, unwrap } from "./read";

/** A field property as written: `name = models.CharField({...})`. */
export interface ParsedField {
  readonly name: string;
  /** The call, callee normalized to `models.*`. */
  readonly call: CallValue;
  /** The whole property declaration (name to end). */
  readonly location: SourceLocation;
  /** The property name only. */
  readonly nameLocation: SourceLocation;
}

/** A class declaration of a models file (a model only if its `extends` chain reaches `models.Model`). */
export interface ParsedClass {
  readonly name: string;
  readonly exported: boolean;
  /** The class name identifier. */
  readonly location: SourceLocation;
  /** The `extends` expression as a dotted name (`models.Model` normalized, or `TimeStamped`), if any. */
  readonly base?: string;
  readonly baseLocation?: SourceLocation;
  /** Field properties in declaration order (non-static, initialised with a `models.*` call). */
  readonly fields: readonly ParsedField[];
  /** `static Meta = {...}` as read (undefined when absent or unreadable). */
  readonly meta?: Value;
  readonly metaLocation?: SourceLocation;
  /** True when `Meta.abstract` is literally `true`. */
  readonly abstract: boolean;
}

/** An imported name: `import { Category as Cat } from "../catalog/models"` gives `Cat -> { file: <abs path without extension>, name: "Category" }`. */
export interface ImportedName {
  /** Absolute module path for relative imports (extension stripped), else the bare specifier. */
  readonly module: string;
  readonly name: string;
  readonly relative: boolean;
}

/** One parsed models file. */
export interface ParsedModelFile {
  readonly app: string;
  /** Absolute path. */
  readonly file: string;
  readonly classes: readonly ParsedClass[];
  /** Local name -> import. */
  readonly imports: ReadonlyMap<string, ImportedName>;
  /** Syntax errors and per-file reading errors. */
  readonly errors: readonly TsMigrateError[];
}

export { PACKAGE } from "./evaluate";

function stripExt(p: string): string {
  return p.replace(/\.(ts|tsx|js|mjs|cjs|mts|cts)$/, "");
}

/** One class as read: the class and the problems found reading it. */
export interface ReadClass {
  readonly cls: ParsedClass;
  readonly errors: readonly TsMigrateError[];
}

/**
 * How {@link parseModelFile} reads each class: `read()` reads it; a cache
 * (the language server's, keyed by the class's text) may answer instead.
 */
export type ClassReading = (st: ts.ClassDeclaration, sf: ts.SourceFile, read: () => ReadClass) => ReadClass;

/**
 * Parses one models file of app `app` (absolute path `file`, contents
 * `text`). Every top-level class is recorded; which ones are models is
 * decided by {@link resolveModels}. `reading` lets a cache reuse classes
 * whose text did not change (default: every class is read).
 */
export function parseModelFile(
  app: string, file: string, text: string, program = new ModelProgram(), reading?: ClassReading,
): ParsedModelFile {
  const errors = new ErrorCollector();
  const sf = program.sourceFile(file, text);
  errors.push(...syntaxErrors(sf));
  const imports = readImports(sf, file);
  const readOne = classReaderOf(sf, program);
  const classes: ParsedClass[] = [];
  for (const st of sf.statements) {
    if (!ts.isClassDeclaration(st) || !st.name) continue;
    const r = reading ? reading(st, sf, () => readOne(st)) : readOne(st);
    classes.push(r.cls);
    errors.push(...r.errors);
  }
  return { app, file, classes, imports, errors: errors.errors };
}

/**
 * Reads classes of `sf` (a file parsed by `program`) one at a time, as
 * {@link parseModelFile} does: for a caller that reads some classes from
 * another parse of the file (the language server's reduced copy).
 */
export function classReaderOf(sf: ts.SourceFile, program: ModelProgram): (st: ts.ClassDeclaration) => ReadClass {
  const evaluator = new StaticEvaluator(program);
  const reader: ClassReader = { sf, aliases: modelsAliases(sf), evaluator, read: evaluator.optionsFor(sf), errors: new ErrorCollector() };
  return (st) => {
    const own = new ErrorCollector();
    return { cls: readClass(st, { ...reader, errors: own }), errors: own.errors };
  };
}

/** The file's names imported from other modules (the model language's own import aside). */
function readImports(sf: ts.SourceFile, file: string): Map<string, ImportedName> {
  const imports = new Map<string, ImportedName>();
  for (const st of sf.statements) {
    if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier)) continue;
    const spec = st.moduleSpecifier.text;
    const named = st.importClause?.namedBindings;
    if (spec === PACKAGE || !named || !ts.isNamedImports(named)) continue;
    const relative = spec.startsWith(".");
    for (const el of named.elements) {
      imports.set(el.name.text, {
        module: relative ? stripExt(path.resolve(path.dirname(file), spec)) : spec,
        name: (el.propertyName ?? el.name).text,
        relative,
      });
    }
  }
  return imports;
}

/** What reading one class needs: the file, the aliases of `models`, and where problems go. */
interface ClassReader {
  readonly sf: ts.SourceFile;
  readonly aliases: ReadonlySet<string>;
  readonly evaluator: StaticEvaluator;
  /** Read options of this file (evaluator, `models` aliases). */
  readonly read: ReadOptions;
  readonly errors: ErrorCollector;
}

const META_SHAPE = "Meta must be an object literal: static Meta = { ... }";

function readClass(st: ts.ClassDeclaration, r: ClassReader): ParsedClass {
  const name = st.name!.text;
  const exported = (ts.getCombinedModifierFlags(st) & ts.ModifierFlags.Export) !== 0;
  const fields: ParsedField[] = [];
  let meta: { value?: Value; location: SourceLocation } | undefined;
  for (const m of st.members) {
    if (!ts.isPropertyDeclaration(m)) continue;
    const propName = propertyNameText(m.name);
    if (propName === undefined) continue;
    if ((ts.getCombinedModifierFlags(m) & ts.ModifierFlags.Static) !== 0) {
      if (propName === "Meta") meta = readMetaProperty(m, r);
      continue;
    }
    const field = readFieldProperty(m, propName, r);
    if (field) fields.push(field);
  }
  const abstract = meta?.value !== undefined && (meta.value as Record<string, Value>).abstract === true;
  return {
    name, exported, location: nodeLocation(st.name!, r.sf), ...readBase(st, r), fields,
    meta: meta?.value, metaLocation: meta?.location, abstract,
  };
}

/** The `extends` clause as a dotted name (`models.Model` normalized from an alias). */
function readBase(st: ts.ClassDeclaration, r: ClassReader): { base?: string; baseLocation?: SourceLocation } {
  for (const h of st.heritageClauses ?? []) {
    const t = h.token === ts.SyntaxKind.ExtendsKeyword ? h.types[0] : undefined;
    const n = t ? dottedName(t.expression) : undefined;
    if (t && n !== undefined) return { base: r.read.rename!(n), baseLocation: nodeLocation(t.expression, r.sf) };
  }
  return {};
}

/** `static Meta = { ... }`: its value when it reads as an object, else a `bad-meta` problem. */
function readMetaProperty(m: ts.PropertyDeclaration, r: ClassReader): { value?: Value; location: SourceLocation } {
  const location = nodeLocation(m, r.sf);
  if (!m.initializer) {
    r.errors.add(META_SHAPE, "bad-meta", location);
    return { location };
  }
  const init = m.initializer;
  const v = r.errors.attempt(() => readValue(init, r.sf, r.read));
  if (v === undefined) return { location };
  if (!isObjectValue(v)) {
    r.errors.add(META_SHAPE, "bad-meta", nodeLocation(init, r.sf));
    return { location };
  }
  // Django resets `abstract` on the Meta a child inherits: an abstract base's Meta spread (or referred to) does not make the child abstract.
  const written = ts.isObjectLiteralExpression(unwrap(init));
  if (v.abstract !== undefined && (!written || fromSpread(v, "abstract"))) return { value: copyWithout(v, "abstract"), location };
  return { value: v, location };
}

/** A property initialised with a `models.*` call (through an alias of `models`); undefined for anything else. */
function readFieldProperty(m: ts.PropertyDeclaration, name: string, r: ClassReader): ParsedField | undefined {
  const init = m.initializer ? unwrap(m.initializer) : undefined;
  if (!init || !ts.isCallExpression(init)) return undefined;
  const callee = dottedName(init.expression);
  const helper = callee !== undefined && !r.aliases.has(callee.split(".")[0]!);
  // A call of a project function is a field when the function returns one (a custom field helper).
  if (callee === undefined || (helper && !r.evaluator.helperOf(init, r.sf))) return undefined;
  const location = nodeLocation(m, r.sf);
  const call = r.errors.attempt(() => readValue(init, r.sf, r.read));
  if (call === undefined) return undefined;
  if (!(call instanceof CallValue) || !call.callee.startsWith("models.")) {
    r.errors.add(`${callee}(...) does not return a models.* field, so ${name} is not a field; a field helper returns e.g. models.CharField({ ... })`,
      "unknown-field-type", nodeLocation(init, r.sf));
    return undefined;
  }
  return { name, call, location, nameLocation: nodeLocation(m.name, r.sf) };
}
