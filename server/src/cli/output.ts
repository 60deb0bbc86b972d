/**
 * Output helpers shared by the commands: Django's styles (colour only on a
 * terminal, via picocolors), error printing as `file:line:col: message`,
 * and Django's path display (relative to the current folder when below it).
 */
import * as path from "node:path";
import pc from "picocolors";
import { ExitCode, MultipleErrors, TsMigrateError } from "../engine/errors";

/** Where a command writes. Tests and the language server may pass their own. */
export interface Output {
  /** Writes `text` to stdout as is (add "\n" yourself). */
  out(text: string): void;
  /** Writes `text` to stderr as is. */
  err(text: string): void;
  /** True when stdout is a terminal (colours on). */
  readonly color: boolean;
}

/** The process's stdout/stderr. */
export function processOutput(): Output {
  return {
    out: (t) => void process.stdout.write(t),
    err: (t) => void process.stderr.write(t),
    color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
  };
}

/** Django's `color_style()` roles, applied only when `output.color`. */
export function styles(output: Output) {
  const on = output.color;
  const wrap = (f: (s: string) => string) => (s: string) => (on ? f(s) : s);
  return {
    /** MIGRATE_HEADING: bold cyan. */
    heading: wrap((s) => pc.bold(pc.cyan(s))),
    /** MIGRATE_LABEL: bold. */
    label: wrap(pc.bold),
    /** SUCCESS: green. */
    success: wrap(pc.green),
    /** NOTICE: red. */
    notice: wrap(pc.red),
    /** WARNING: yellow. */
    warning: wrap(pc.yellow),
    /** ERROR: bold red. */
    error: wrap((s) => pc.bold(pc.red(s))),
  };
}

/** Every error inside `err` (a MultipleErrors is flattened). */
function flattenErrors(err: unknown): unknown[] {
  return err instanceof MultipleErrors ? [...err.errors] : [err];
}

/**
 * Prints errors to stderr, one per line as `file:line:col: message` (paths
 * shown as {@link displayPath}), and returns the exit code to use (the
 * first error's: a TsMigrateError's own, 70 for anything else, which is a
 * bug of ours and is printed as an internal error with its stack).
 */
export function printErrors(output: Output, err: unknown): number {
  let code: number | undefined;
  for (const e of flattenErrors(err)) {
    if (e instanceof TsMigrateError) {
      const loc = e.location;
      output.err(`${loc ? `${displayPath(loc.file)}:${loc.line}:${loc.column}: ` : ""}${e.message}\n`);
      code ??= e.exitCode;
    } else {
      output.err(`tsmigrate: internal error (a bug in tsmigrate; please report it with this text): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      code ??= ExitCode.INTERNAL;
    }
  }
  return code ?? ExitCode.INTERNAL;
}

/**
 * Django's makemigrations path display: relative to the current folder
 * when the file is below it, else absolute.
 */
export function displayPath(file: string, cwd: string = process.cwd()): string {
  const rel = path.relative(cwd, file);
  return rel.startsWith("..") || path.isAbsolute(rel) ? file : rel;
}
