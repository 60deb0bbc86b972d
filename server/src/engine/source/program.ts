/**
 * The TypeScript program model files are read in: a ts-morph {@link Project}
 * holding the models files (their text as given, e.g. an unsaved editor
 * buffer) and, when a value needs it, the project files they import, read
 * from disk or from `overrides`. The type checker is created lazily, on the
 * first name a models file refers to that is not a literal or a
 * `models.*` member, so files without such names cost one parse.
 *
 * Nothing is ever run: the checker only answers "which declaration does
 * this name refer to" and "what is this enum member's constant value".
 */
import { Project, ts } from "ts-morph";

/** Compiler options of the reading program: no lib files (globals are never needed to read a value). */
const OPTIONS: ts.CompilerOptions = {
  noLib: true,
  target: ts.ScriptTarget.Latest,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  allowImportingTsExtensions: true,
  noEmit: true,
  skipLibCheck: true,
};

/** One reading program (one per load of the models, or per re-read file in an editor). */
export class ModelProgram {
  private readonly project = new Project({
    compilerOptions: OPTIONS,
    skipAddingFilesFromTsConfig: true,
    skipFileDependencyResolution: true,
    skipLoadingLibFiles: true,
  });
  private checkerCache?: ts.TypeChecker;

  /**
   * @param overrides absolute path -> text used instead of the file on disk
   *   (unsaved editor buffers of imported files)
   */
  constructor(overrides?: ReadonlyMap<string, string>) {
    for (const [file, text] of overrides ?? []) {
      if (/\.(ts|tsx|mts|cts)$/.test(file)) this.project.createSourceFile(file, text, { overwrite: true });
    }
  }

  /**
   * Parses `text` as the file `file` (absolute path) of this program, parent
   * pointers set; syntax errors are in its parse diagnostics. Never throws.
   */
  sourceFile(file: string, text: string): ts.SourceFile {
    this.checkerCache = undefined;
    return this.project.createSourceFile(file, text, { overwrite: true, scriptKind: ts.ScriptKind.TS }).compilerNode;
  }

  /** The type checker over every file added so far and what they import (built on first use after a change). */
  get checker(): ts.TypeChecker {
    this.checkerCache ??= this.project.getTypeChecker().compilerObject;
    return this.checkerCache;
  }
}
