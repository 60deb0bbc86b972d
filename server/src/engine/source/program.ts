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

/**
 * The change between two texts as TypeScript's incremental parser wants it
 * (and the language server's class cache):
 * the span of `before` that was replaced and the length of its replacement
 * (common prefix and suffix left out).
 */
export function changeRange(before: string, after: string): ts.TextChangeRange {
  const max = Math.min(before.length, after.length);
  const CHUNK = 1024;
  let start = 0;
  // Whole chunks first (native string comparison), then characters.
  while (start + CHUNK <= max && before.slice(start, start + CHUNK) === after.slice(start, start + CHUNK)) start += CHUNK;
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let tail = 0;
  const room = max - start;
  while (tail + CHUNK <= room && before.slice(before.length - tail - CHUNK, before.length - tail) === after.slice(after.length - tail - CHUNK, after.length - tail)) {
    tail += CHUNK;
  }
  while (tail < room && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)) tail++;
  return ts.createTextChangeRange(ts.createTextSpan(start, before.length - tail - start), after.length - tail - start);
}

/** Incremental re-parses of a file a checker has bound between two fresh parses. */
const FRESH_EVERY = 20;

/**
 * One reading program: one per load of the models in the CLI; one for the
 * whole session in the language server, where a file parsed again is
 * re-parsed incrementally (TypeScript's `updateSourceFile`, as its language
 * service does) and the checker is rebuilt over the previous program.
 */
export class ModelProgram {
  /** Files parsed through this program (models files, shared model modules). */
  private readonly own = new Map<string, ts.SourceFile>();
  /** Parses of unsaved buffers of imported files, by path. */
  private readonly buffers = new Map<string, ts.SourceFile>();
  private overrides: ReadonlyMap<string, string>;
  private program?: ts.Program;
  private checkerCache?: ts.TypeChecker;

  /**
   * @param overrides absolute path -> text used instead of the file on disk
   *   (unsaved editor buffers of imported files)
   * @param session a program whose {@link readFiles} should include the
   *   files this one follows (the language server's program, for the
   *   throwaway programs of reduced copies)
   */
  constructor(overrides?: ReadonlyMap<string, string>, session?: ModelProgram) {
    this.overrides = overrides ?? new Map();
    this.followed = session?.followed ?? new Set();
  }

  /**
   * Parses `text` as the file `file` (absolute path) of this program: the
   * previous parse when the text is the same, else an incremental re-parse
   * of the previous one (which must not be used afterwards; once a checker
   * has bound the file, every {@link FRESH_EVERY}th re-parse is a fresh
   * one). Never throws.
   */
  sourceFile(file: string, text: string): ts.SourceFile {
    const abs = path.resolve(file);
    this.deferred.delete(abs);
    const before = this.own.get(abs);
    if (before?.text === text) return before;
    const change = before ? changeRange(before.text, text) : undefined;
    // Every so often a fresh parse of a file a checker bound: a tree made incrementally keeps older trees
    // reachable through the nodes it reused (until the file is bound again), one more per re-parse. Trees
    // never bound keep nothing (the names of most model files are resolved from the syntax, resolve.ts),
    // and a fresh parse of a big file is the slowest keystroke.
    const updates = before ? (this.updates.get(abs) ?? 0) + 1 : 0;
    const fresh = !before || (this.bound.has(abs) && updates >= FRESH_EVERY);
    if (fresh) this.bound.delete(abs);
    const sf = fresh ? parseTs(file, text) : ts.updateSourceFile(before, text, change!);
    this.updates.set(abs, fresh ? 0 : updates);
    this.own.set(abs, sf);
    this.checkerCache = undefined;
    return sf;
  }

  /**
   * Notes that own file `file` (absolute or relative) now holds the text
   * `text()` gives, without parsing it (nor making the text): the language
   * server read the edited class alone. The file is parsed when something
   * asks for it.
   */
  defer(file: string, text: () => string): void {
    this.deferred.set(path.resolve(file), text);
    this.checkerCache = undefined;
  }

  /** Texts of own files not parsed yet ({@link defer}, {@link release}). */
  private readonly deferred = new Map<string, () => string>();
  /** Own files a checker has bound since their last fresh parse. */
  private readonly bound = new Set<string>();
  private readonly updates = new Map<string, number>();

  /**
   * Lets go of the parse of own file `file` (its text is kept, and parsed
   * again from scratch when something asks for it): the language server's
   * quick reads need no tree of the whole file, which for a file of
   * thousands of classes is the most memory the server holds.
   */
  release(file: string): void {
    const abs = path.resolve(file);
    const sf = this.own.get(abs);
    if (!sf) return;
    this.own.delete(abs);
    const text = sf.text;
    this.deferred.set(abs, this.deferred.get(abs) ?? (() => text));
    this.bound.delete(abs);
    this.checkerCache = undefined;
  }

  /** Forgets a file parsed through {@link sourceFile} (a models file that went away). */
  forget(file: string): void {
    this.deferred.delete(path.resolve(file));
    if (this.own.delete(path.resolve(file))) this.checkerCache = undefined;
  }

  /**
   * Replaces the unsaved buffers used instead of disk files (absolute path
   * -> text). Returns true when the text of a file the last checker read
   * ({@link loaded}) changed (the next checker reads it again).
   */
  setOverrides(overrides: ReadonlyMap<string, string>): boolean {
    const changed: string[] = [];
    for (const [file, text] of overrides) if (this.overrides.get(file) !== text) changed.push(file);
    for (const file of this.overrides.keys()) if (!overrides.has(file)) changed.push(file);
    // A buffer opened or closed can make a file exist or not for module resolution.
    if (changed.some((f) => !overrides.has(f) || !this.overrides.has(f))) this.resolutions.clear();
    this.overrides = overrides;
    for (const file of changed) this.buffers.delete(file);
    if (!changed.some((f) => this.loaded(f))) return false;
    this.checkerCache = undefined;
    return true;
  }

  private loadedFiles?: Set<string>;

  /** True when `file` (absolute) was parsed through this program, led to by {@link moduleFile}, or read by its last checker. */
  loaded(file: string): boolean {
    const abs = path.resolve(file);
    if (this.own.has(abs) || this.deferred.has(abs) || this.followed.has(abs)) return true;
    if (!this.program) return false;
    this.loadedFiles ??= new Set(this.program.getSourceFiles().map((f) => path.resolve(f.fileName)));
    return this.loadedFiles.has(abs);
  }

  /** Every file (absolute path) parsed through this program, led to by {@link moduleFile}, or read by its last checker: what a reading followed. */
  readFiles(): string[] {
    const out = new Set([...this.own.keys(), ...this.deferred.keys(), ...this.followed]);
    for (const f of this.program?.getSourceFiles() ?? []) out.add(path.resolve(f.fileName));
    return [...out];
  }

  /** Makes the next checker look at the disk files again (one changed on disk). */
  diskChanged(): void {
    this.checkerCache = undefined;
    this.resolutions.clear();
  }

  /** Files {@link moduleFile} led to (without a checker); shared with the session program. */
  private readonly followed: Set<string>;
  /** Module resolutions: `from` NUL `specifier` -> absolute path, or undefined when not a project file. */
  private readonly resolutions = new Map<string, string | undefined>();

  /**
   * The parsed project file a relative import `specifier` in `from` names
   * (resolved as the checker's program resolves it); undefined for a
   * package or a file that does not exist. For the syntactic resolution of
   * names (`resolve.ts`); the file counts as read ({@link readFiles}).
   */
  moduleFile(specifier: string, from: ts.SourceFile): ts.SourceFile | undefined {
    if (!specifier.startsWith(".")) return undefined;
    const key = `${from.fileName}\0${specifier}`;
    if (!this.resolutions.has(key)) {
      const found = ts.resolveModuleName(specifier, from.fileName, compilerOptions(), this.host()).resolvedModule?.resolvedFileName;
      this.resolutions.set(key, found === undefined ? undefined : path.resolve(found));
    }
    const file = this.resolutions.get(key);
    if (file === undefined) return undefined;
    const sf = this.source(file);
    if (sf) this.followed.add(file);
    return sf;
  }

  /** The type checker over every file parsed so far and what they import (built on first use after a change). */
  get checker(): ts.TypeChecker {
    if (!this.checkerCache) {
      for (const [file, text] of this.deferred) this.sourceFile(file, text());
      this.program = ts.createProgram({ rootNames: [...this.own.keys()], options: compilerOptions(), host: this.host(), oldProgram: this.program });
      this.loadedFiles = undefined;
      this.checkerCache = this.program.getTypeChecker();
      for (const file of this.own.keys()) this.bound.add(file);
    }
    return this.checkerCache;
  }

  private source(file: string): ts.SourceFile | undefined {
    const abs = path.resolve(file);
    const deferred = this.deferred.get(abs);
    if (deferred !== undefined) return this.sourceFile(abs, deferred());
    const own = this.own.get(abs);
    if (own) return own;
    const text = this.overrides.get(abs);
    if (text === undefined) return diskFile(abs);
    let sf = this.buffers.get(abs);
    if (!sf) this.buffers.set(abs, (sf = parseTs(abs, text)));
    return sf;
  }

  private host(): ts.CompilerHost {
    const resolutionCache = ts.createModuleResolutionCache(process.cwd(), (name) => name, compilerOptions());
    const host: ts.CompilerHost = {
      // Only the project's own files are followed: a package's declarations never give a value to read.
      resolveModuleNames: (names, containing) => names.map((name) => (name.startsWith(".")
        ? ts.resolveModuleName(name, containing, compilerOptions(), host, resolutionCache).resolvedModule
        : undefined)),
      getSourceFile: (name) => this.source(name),
      fileExists: (name) => this.own.has(path.resolve(name)) || this.deferred.has(path.resolve(name)) || this.overrides.has(path.resolve(name)) || ts.sys.fileExists(name),
      readFile: (name) => this.overrides.get(path.resolve(name)) ?? ts.sys.readFile(name),
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
