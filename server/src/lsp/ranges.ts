/**
 * Conversions between the engine's 1-based {@link SourceLocation}s and LSP's
 * 0-based ranges, and position tests.
 */
import type { Position, Range } from "vscode-languageserver";
import type { SourceLocation } from "../engine/errors";

/**
 * A file's text, or what gives its 0-based line `n` (an open buffer's line,
 * read without making its whole text).
 */
export type TextLines = string | ((line: number) => string);

/**
 * The LSP range of a location. Without an end, the range runs to the end of
 * the start line when `text` is given (else one character).
 */
export function locationRange(loc: SourceLocation, text?: TextLines): Range {
  const start: Position = { line: Math.max(0, loc.line - 1), character: Math.max(0, loc.column - 1) };
  if (loc.endLine !== undefined && loc.endColumn !== undefined) {
    return { start, end: { line: Math.max(0, loc.endLine - 1), character: Math.max(0, loc.endColumn - 1) } };
  }
  if (text !== undefined) {
    const line = lineText(text, start.line);
    const end = Math.max(start.character + 1, line.replace(/\s+$/, "").length);
    return { start, end: { line: start.line, character: end } };
  }
  return { start, end: { line: start.line, character: start.character + 1 } };
}

/** A range on the first line of a file, for problems with no better place. */
export function fileStartRange(text?: TextLines): Range {
  const first = text === undefined ? "" : lineText(text, 0);
  return { start: { line: 0, character: 0 }, end: { line: 0, character: Math.max(1, first.length) } };
}

/** The text of 0-based line `n` (empty past the end), without its line break. */
export function lineText(text: TextLines, n: number): string {
  if (typeof text === "function") return text(n);
  let start = 0;
  for (let i = 0; i < n; i++) {
    const nl = text.indexOf("\n", start);
    if (nl < 0) return "";
    start = nl + 1;
  }
  const end = text.indexOf("\n", start);
  return text.slice(start, end < 0 ? text.length : end).replace(/\r$/, "");
}

/** True when `pos` lies in `range` (ends inclusive, so a cursor right after a word counts). */
export function contains(range: Range, pos: Position): boolean {
  if (pos.line < range.start.line || pos.line > range.end.line) return false;
  if (pos.line === range.start.line && pos.character < range.start.character) return false;
  if (pos.line === range.end.line && pos.character > range.end.character) return false;
  return true;
}

/** True when two ranges share at least one position. */
export function overlaps(a: Range, b: Range): boolean {
  return contains(a, b.start) || contains(a, b.end) || contains(b, a.start) || contains(b, a.end);
}

/** The size of a range in lines then characters, for picking the innermost of nested ranges. */
export function rangeSize(r: Range): number {
  return (r.end.line - r.start.line) * 100000 + (r.end.character - r.start.character);
}
