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
import { type SourceLocation, MultipleErrors, TsMigrateError } from "../errors";
import { CallValue, type Value, isObjectValue } from "../values";
import { dottedName, nodeLocation, parseSource, propertyNameText, readValue, syntaxErrors, unwrap } from "./read";

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

/** The module specifier user files import the model language from. */
export const PACKAGE = "tsmigrate";

/** Collects a thrown TsMigrateError (or MultipleErrors) into `errors`; anything else becomes an `internal` error at `at`. */
export function collect(errors: TsMigrateError[], e: unknown, at?: SourceLocation): void {
  if (e instanceof MultipleErrors) errors.push(...e.errors);
  else if (e instanceof TsMigrateError) errors.push(e);
  else errors.push(new TsMigrateError(`internal error while reading: ${e instanceof Error ? e.message : String(e)}`,
    { code: "internal", location: at, cause: e }));
}

function stripExt(p: string): string {
  return p.replace(/\.(ts|tsx|js|mjs|cjs|mts|cts)$/, "");
}

/**
 * Parses one models file of app `app` (absolute path `file`, contents
 * `text`). Every top-level class is recorded; which ones are models is
 * decided by {@link resolveModels}.
 */
export function parseModelFile(app: string, file: string, text: string): ParsedModelFile {
  const errors: TsMigrateError[] = [];
  const classes: ParsedClass[] = [];
  const imports = new Map<string, ImportedName>();
  let sf: ts.SourceFile;
  try {
    sf = parseSource(file, text);
  } catch (e) {
    collect(errors, e);
    return { app, file, classes, imports, errors };
  }
  errors.push(...syntaxErrors(sf));

  // Local aliases of `models` (import { models as m } from "tsmigrate").
  const aliases = new Set<string>();
  for (const st of sf.statements) {
    if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier)) continue;
    const spec = st.moduleSpecifier.text;
    const named = st.importClause?.namedBindings;
    if (!named || !ts.isNamedImports(named)) continue;
    const relative = spec.startsWith(".");
    for (const el of named.elements) {
      const imported = (el.propertyName ?? el.name).text;
      if (spec === PACKAGE) {
        if (imported === "models") aliases.add(el.name.text);
        continue;
      }
      imports.set(el.name.text, {
        module: relative ? stripExt(path.resolve(path.dirname(file), spec)) : spec,
        name: imported,
        relative,
      });
    }
  }
  if (aliases.size === 0) aliases.add("models");
  const rename = (name: string): string => {
    const dot = name.indexOf(".");
    const head = dot < 0 ? name : name.slice(0, dot);
    return aliases.has(head) && head !== "models" ? `models${name.slice(head.length)}` : name;
  };

  for (const st of sf.statements) {
    if (!ts.isClassDeclaration(st) || !st.name) continue;
    try {
      classes.push(parseClass(st, sf, rename, aliases, errors));
    } catch (e) {
      collect(errors, e, nodeLocation(st.name, sf));
    }
  }
  return { app, file, classes, imports, errors };
}

function parseClass(
  st: ts.ClassDeclaration, sf: ts.SourceFile, rename: (n: string) => string, aliases: ReadonlySet<string>,
  errors: TsMigrateError[],
): ParsedClass {
  const name = st.name!.text;
  const exported = (ts.getCombinedModifierFlags(st) & ts.ModifierFlags.Export) !== 0;
  let base: string | undefined;
  let baseLocation: SourceLocation | undefined;
  for (const h of st.heritageClauses ?? []) {
    if (h.token !== ts.SyntaxKind.ExtendsKeyword) continue;
    const t = h.types[0];
    if (!t) continue;
    const n = dottedName(t.expression);
    if (n !== undefined) {
      base = rename(n);
      baseLocation = nodeLocation(t.expression, sf);
    }
  }
  const fields: ParsedField[] = [];
  let meta: Value | undefined;
  let metaLocation: SourceLocation | undefined;
  for (const m of st.members) {
    if (!ts.isPropertyDeclaration(m)) continue;
    const propName = propertyNameText(m.name);
    if (propName === undefined) continue;
    const isStatic = (ts.getCombinedModifierFlags(m) & ts.ModifierFlags.Static) !== 0;
    const location = nodeLocation(m, sf);
    if (isStatic) {
      if (propName !== "Meta") continue;
      metaLocation = location;
      if (!m.initializer) {
        errors.push(new TsMigrateError("Meta must be an object literal: static Meta = { ... }", { code: "bad-meta", location }));
        continue;
      }
      try {
        const v = readValue(m.initializer, sf, { rename });
        if (!isObjectValue(v)) {
          errors.push(new TsMigrateError("Meta must be an object literal: static Meta = { ... }", {
            code: "bad-meta", location: nodeLocation(m.initializer, sf),
          }));
        } else {
          meta = v;
        }
      } catch (e) {
        collect(errors, e, location);
      }
      continue;
    }
    const init = m.initializer ? unwrap(m.initializer) : undefined;
    if (!init || !ts.isCallExpression(init)) continue;
    const callee = dottedName(init.expression);
    if (callee === undefined) continue;
    const head = callee.split(".")[0]!;
    if (!aliases.has(head)) continue;
    try {
      const call = readValue(init, sf, { rename });
      if (call instanceof CallValue) fields.push({ name: propName, call, location, nameLocation: nodeLocation(m.name, sf) });
    } catch (e) {
      collect(errors, e, location);
    }
  }
  const abstract = meta !== undefined && (meta as Record<string, Value>).abstract === true;
  return {
    name, exported, location: nodeLocation(st.name!, sf), base, baseLocation, fields, meta, metaLocation, abstract,
  };
}
