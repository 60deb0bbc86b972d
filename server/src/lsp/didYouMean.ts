/**
 * Quick fixes for the engine's "did you mean" errors: an unknown field type
 * (`models.IntField` → `models.IntegerField`), an unknown field, index or
 * Meta option (`maxLen` → `maxLength`). The fix replaces the misspelt name
 * inside the diagnostic's range with the engine's guess.
 */
import { type CodeAction, CodeActionKind, type Diagnostic } from "vscode-languageserver";
import { TextDocument } from "vscode-languageserver-textdocument";

/** The misspelt name and the guess of an error message, or undefined when it has no guess. */
export function misspelling(message: string): { wrong: string; guess: string } | undefined {
  const m = /^unknown (?:Meta option|option|field type) ([\w.$]+)[\s;].*?\(did you mean ([\w.$]+)\?\)/.exec(message);
  return m === null ? undefined : { wrong: m[1]!, guess: m[2]! };
}

/**
 * "Change to 'maxLength'" for a "did you mean" diagnostic of the document
 * `text` (at `uri`), or undefined when the message has no guess or the
 * misspelt name is not inside the diagnostic's range.
 */
export function didYouMeanFix(uri: string, text: string, diagnostic: Diagnostic): CodeAction | undefined {
  const hint = misspelling(typeof diagnostic.message === "string" ? diagnostic.message : diagnostic.message.value);
  if (hint === undefined) return undefined;
  const doc = TextDocument.create(uri, "typescript", 0, text);
  const start = doc.offsetAt(diagnostic.range.start);
  const inRange = text.slice(start, doc.offsetAt(diagnostic.range.end));
  const at = new RegExp(`(?<![\\w$.])${hint.wrong.replace(/[.$]/g, (c) => `\\${c}`)}(?![\\w$])`).exec(inRange);
  if (at === null) return undefined;
  const range = { start: doc.positionAt(start + at.index), end: doc.positionAt(start + at.index + hint.wrong.length) };
  return {
    title: `Change to '${hint.guess}'`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    isPreferred: true,
    edit: { changes: { [uri]: [{ range, newText: hint.guess }] } },
  };
}
