/**
 * The TypeScript program model files are read in. Each models file is
 * parsed on its own (the cheap path every keystroke takes); only when a value
 * names something (a constant, an enum member, a field helper) is a program
 * built over the files parsed so far and the project files they import, and
 * its type checker asked which declaration the name refers to. Imported files
 * are parsed once per version (mtime and size) and shared between programs,
 * as TypeScript's language service shares them.
 *
 * Nothing is ever run: the checker only answers "which declaration does
 * this name refer to" and "what is this enum member's constant value".
 * (ts-morph's `Project` wrapper costs two to three times the bare parse per
 * file, too much for the language server's per-keystroke budget, so the
 * program is built with ts-morph's compiler directly.)
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ts } from "ts-morph";
import { isMissing } from "../config";
import { TsMigrateError } from "../errors";

let optionsMade: ts.CompilerOptions | undefined;

/** Compiler options of the reading program: no lib files (globals are never needed to read a value); made on first use (the CLI loads TypeScript lazily). */
function compilerOptions(): ts.CompilerOptions {
  return (optionsMade ??= {
    noLib: true,
    noResolve: false,
    target: ts.ScriptTarget.Latest,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    allowImportingTsExtensions: true,
    noEmit: true,
    types: [],
  });
}

/** Parsed imported files by absolute path, with the version they were parsed from. */
const diskFiles = new Map<string, { stamp: string; sf: ts.SourceFile }>();

/** Parses `text` as the TypeScript file `file` (parent pointers set; syntax errors in its parse diagnostics). */
export function parseTs(file: string, text: string): ts.SourceFile {
  return ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

/** `file` from disk, parsed once per version; undefined when it cannot be read. */
function diskFile(file: string): ts.SourceFile | undefined {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e) {
    // Not there: the module resolution asks about candidates that do not exist.
    if (isMissing(e)) return undefined;
    throw new TsMigrateError(`cannot read ${file}: ${(e as Error).message}`, { code: "io", location: { file, line: 1, column: 1 }, cause: e });
  }
  const stamp = `${st.mtimeMs}:${st.size}`;
  const cached = diskFiles.get(file);
  if (cached?.stamp === stamp) return cached.sf;
  const sf = parseTs(file, fs.readFileSync(file, "utf8"));
  diskFiles.set(file, { stamp, sf });
  return sf;
}

/** One reading program (one per load of the models, or per re-read file in an editor). */
export class ModelProgram {
  /** Files parsed through this program (models files, unsaved buffers). */
  private readonly own = new Map<string, ts.SourceFile>();
  private program?: ts.Program;
  private checkerCache?: ts.TypeChecker;

  /**
   * @param overrides absolute path -> text used instead of the file on disk
   *   (unsaved editor buffers of imported files)
   */
  constructor(private readonly overrides?: ReadonlyMap<string, string>) {}

  /** Parses `text` as the file `file` (absolute path) of this program. Never throws. */
  sourceFile(file: string, text: string): ts.SourceFile {
    const sf = parseTs(file, text);
    this.own.set(path.resolve(file), sf);
    this.checkerCache = undefined;
    return sf;
  }

  /** The type checker over every file parsed so far and what they import (built on first use after a change). */
  get checker(): ts.TypeChecker {
    if (!this.checkerCache) {
      this.program = ts.createProgram({ rootNames: [...this.own.keys()], options: compilerOptions(), host: this.host(), oldProgram: this.program });
      this.checkerCache = this.program.getTypeChecker();
    }
    return this.checkerCache;
  }

  private source(file: string): ts.SourceFile | undefined {
    const abs = path.resolve(file);
    const own = this.own.get(abs);
    if (own) return own;
    const text = this.overrides?.get(abs);
    if (text !== undefined) return this.sourceFile(abs, text);
    return diskFile(abs);
  }

  private host(): ts.CompilerHost {
    const resolutionCache = ts.createModuleResolutionCache(process.cwd(), (name) => name, compilerOptions());
    const host: ts.CompilerHost = {
      // Only the project's own files are followed: a package's declarations never give a value to read.
      resolveModuleNames: (names, containing) => names.map((name) => (name.startsWith(".")
        ? ts.resolveModuleName(name, containing, compilerOptions(), host, resolutionCache).resolvedModule
        : undefined)),
      getSourceFile: (name) => this.source(name),
      fileExists: (name) => this.own.has(path.resolve(name)) || this.overrides?.has(path.resolve(name)) === true || ts.sys.fileExists(name),
      readFile: (name) => this.overrides?.get(path.resolve(name)) ?? ts.sys.readFile(name),
      directoryExists: (name) => ts.sys.directoryExists(name),
      getDirectories: (name) => ts.sys.getDirectories(name),
      realpath: (name) => name,
      getDefaultLibFileName: () => "lib.d.ts",
      writeFile: () => undefined,
      getCurrentDirectory: () => process.cwd(),
      getCanonicalFileName: (name) => name,
      useCaseSensitiveFileNames: () => true,
      getNewLine: () => "\n",
    };
    return host;
  }
}
