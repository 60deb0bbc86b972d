/**
 * Syntax errors are TypeScript's to report: a file that does not parse gets
 * them from the editor's TypeScript (squiggles at their places), so
 * tsmigrate publishes no copy of them. What is tsmigrate's to say is one
 * summary per file: that it reads the file again once it parses, and what
 * stands in meanwhile (the file's last version that parsed, or nothing). A
 * syntax error must not cascade either: the drift of an app whose migration
 * history has a hole, and errors that only say a model the broken file lost
 * is unknown, are not published (see workspace.ts and sources.ts).
 */
import { type Diagnostic, DiagnosticSeverity } from "vscode-languageserver";
import { TsMigrateError } from "../engine/errors";
import { DiagnosticSource } from "../protocol";
import { fileStartRange, type TextLines } from "./ranges";

/** True for a syntax error: code `syntax` (models files), or a `bad-migration` caused by one (migration files). */
export function isSyntaxError(e: TsMigrateError): boolean {
  return e.code === "syntax" || (e.cause instanceof TsMigrateError && e.cause.code === "syntax");
}

/** What stands in for a file while it does not parse. */
export type StandIn = "last-good" | "no-drift" | "history-unknown";

const STAND_IN: Readonly<Record<StandIn, string>> = {
  "last-good": "until then its last version that parsed stands in",
  "no-drift": "until then no drift is shown in it",
  "history-unknown": "until then this app's migrations from here on are not known, and no drift is shown for its models",
};

/**
 * The one diagnostic tsmigrate publishes for `file`'s syntax errors
 * (`errors`, at least one, located in `file`): a warning on the file's first
 * line, code `syntax`, counted as an error by the status (status.ts's
 * errorCount) but never at a syntax error's place, where TypeScript's is.
 */
export function syntaxSummary(errors: readonly TsMigrateError[], text: TextLines | undefined, standIn: StandIn): Diagnostic {
  const first = errors[0]!;
  const n = errors.length;
  const where = first.location ? `; the first at line ${first.location.line}` : "";
  return {
    range: fileStartRange(text),
    severity: DiagnosticSeverity.Warning,
    source: DiagnosticSource,
    code: "syntax",
    message: `${n === 1 ? "A syntax error" : `${n} syntax errors`} (TypeScript reports ${n === 1 ? "it" : "them"}${where}): ` +
      `tsmigrate reads this file again once it parses; ${STAND_IN[standIn]}.`,
  };
}

/** The syntax errors among `errors` of each file that `broken` says does not parse, by the errors' file name. */
export function syntaxErrorsByFile(errors: readonly TsMigrateError[], broken: (file: string) => boolean): Map<string, TsMigrateError[]> {
  const out = new Map<string, TsMigrateError[]>();
  for (const e of errors) {
    const file = e.location?.file;
    if (file && isSyntaxError(e) && broken(file)) out.set(file, [...(out.get(file) ?? []), e]);
  }
  return out;
}
