/**
 * Errors the engine raises. Every user-facing failure is a {@link TsMigrateError}
 * carrying the exit code the CLI should use and, where the cause is in a file,
 * the file, 1-based line and 1-based column. Only a TsMigrateError is the
 * user's to fix: anything else that escapes (TypeError, RangeError, ...) is
 * a bug of tsmigrate's, reported as an internal error with its stack (CLI
 * exit 70, the language server's log), never as bad input.
 */

/** A position in a source file: absolute or project-relative path, 1-based line and column. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
  /** Optional end position (1-based, exclusive column) for editors. */
  endLine?: number;
  endColumn?: number;
}

/** CLI exit codes, as the product contract fixes them. */
export const ExitCode = {
  OK: 0,
  /** `--check` found drift or unapplied migrations. */
  DRIFT: 1,
  /** Bad input: a model, migration or config file that cannot be used. */
  BAD_INPUT: 2,
  /** A question that `--noinput` (or no terminal) could not answer. */
  QUESTION: 3,
  /** A bug in tsmigrate (BSD's EX_SOFTWARE): any error that is not a {@link TsMigrateError}. */
  INTERNAL: 70,
} as const;

/**
 * A failure the user can act on.
 *
 * `code` is a stable machine-readable kind (`syntax`, `unknown-field-type`,
 * `unknown-option`, `unknown-model`, `missing-option`, `bad-migration`,
 * `missing-dependency`, `cycle`, `conflict`, `database`, `config`, ...) that
 * editors use as the diagnostic code.
 */
export class TsMigrateError extends Error {
  readonly code: string;
  readonly location?: SourceLocation;
  readonly exitCode: number;

  constructor(
    message: string,
    options: { code?: string; location?: SourceLocation; exitCode?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "TsMigrateError";
    this.code = options.code ?? "error";
    this.location = options.location;
    this.exitCode = options.exitCode ?? ExitCode.BAD_INPUT;
  }

  /** `file:line:column: message` when the location is known, else the message. */
  format(): string {
    const loc = this.location;
    return loc ? `${loc.file}:${loc.line}:${loc.column}: ${this.message}` : this.message;
  }
}

/** Raised when a question cannot be asked (no terminal, or `--noinput` with no safe answer): exit 3. */
export class QuestionError extends TsMigrateError {
  constructor(question: string) {
    super(question, { code: "question", exitCode: ExitCode.QUESTION });
    this.name = "QuestionError";
  }
}

/** Several errors found in one pass (the loader reports every bad field, not only the first). */
export class MultipleErrors extends TsMigrateError {
  readonly errors: readonly TsMigrateError[];
  constructor(errors: readonly TsMigrateError[]) {
    super(errors.map((e) => e.format()).join("\n"), {
      code: errors[0]?.code ?? "error",
      location: errors[0]?.location,
      exitCode: errors[0]?.exitCode ?? ExitCode.BAD_INPUT,
    });
    this.name = "MultipleErrors";
    this.errors = errors;
  }
}

/**
 * Collects located problems found while reading files (models, migrations,
 * the config), so that every problem is reported, not only the first.
 * The one collector of the engine: readers take one, add to it, and the
 * caller throws or shows what it holds.
 *
 * Only {@link TsMigrateError}s are collected: anything else thrown while
 * reading is a bug of tsmigrate and {@link take} / {@link attempt} rethrow it
 * untouched (with its stack), never blaming the user's file.
 */
export class ErrorCollector {
  /** The problems so far, in the order found. */
  readonly errors: TsMigrateError[] = [];

  /** Records a problem `message` of kind `code` at `location`. */
  add(message: string, code: string, location: SourceLocation | undefined): void {
    this.errors.push(new TsMigrateError(message, { code, location }));
  }

  /** Records errors already built (a MultipleErrors counts as its parts). */
  push(...errors: readonly TsMigrateError[]): void {
    for (const e of errors) this.take(e);
  }

  /** Records a thrown TsMigrateError (all of a MultipleErrors); rethrows anything else. */
  take(e: unknown): void {
    if (e instanceof MultipleErrors) this.errors.push(...e.errors);
    else if (e instanceof TsMigrateError) this.errors.push(e);
    else throw e;
  }

  /** Runs `fn`, recording a TsMigrateError it throws (then returns undefined); anything else propagates. */
  attempt<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (e) {
      this.take(e);
      return undefined;
    }
  }

  /** True when nothing has been recorded. */
  get empty(): boolean {
    return this.errors.length === 0;
  }

  /** Throws the one problem, or a MultipleErrors of all; does nothing when there are none. */
  throwIfAny(): void {
    if (this.errors.length === 1) throw this.errors[0]!;
    if (this.errors.length > 1) throw new MultipleErrors(this.errors);
  }
}
