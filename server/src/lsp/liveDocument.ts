/**
 * An open editor buffer: its text in chunks ({@link ChunkedText}) and where
 * its lines start, both updated by each `textDocument/didChange` without
 * copying the whole text. Positions and changes are read exactly as
 * vscode-languageserver-textdocument's `TextDocument` reads them (positions
 * past a line's end or inside a line break clamped, a range given end
 * first applied as its mirror, line breaks `\n`, `\r\n` and `\r`);
 * test/lsp/documents.test.ts compares the two on random changes.
 */
import type { Position, Range, TextDocumentContentChangeEvent } from "vscode-languageserver";
import { ChunkedText } from "./chunkedText";

const LF = 10;
const CR = 13;

function isEol(ch: number): boolean {
  return ch === CR || ch === LF;
}

/** Offsets where the lines of `text` start (`textOffset` added), the first line's own start included when `atLineStart`. */
function lineOffsetsOf(text: string, atLineStart: boolean, textOffset = 0): number[] {
  const out = atLineStart ? [textOffset] : [];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (!isEol(ch)) continue;
    if (ch === CR && i + 1 < text.length && text.charCodeAt(i + 1) === LF) i++;
    out.push(textOffset + i + 1);
  }
  return out;
}

function wellFormed(range: Range): Range {
  const { start, end } = range;
  return start.line > end.line || (start.line === end.line && start.character > end.character) ? { start: end, end: start } : range;
}

/** One open buffer (see the module comment). */
export class LiveDocument {
  private lineOffsets: number[] | undefined;

  constructor(readonly uri: string, readonly languageId: string, public version: number, public text: ChunkedText) {}

  /** The whole text. */
  getText(): string {
    return this.text.toString();
  }

  private offsets(): number[] {
    return (this.lineOffsets ??= lineOffsetsOf(this.text.toString(), true));
  }

  /** Moves `offset` back before the line break it stands in or after. */
  private beforeEol(offset: number, lineOffset: number): number {
    while (offset > lineOffset && isEol(this.text.charCodeAt(offset - 1))) offset--;
    return offset;
  }

  /** The offset of an LSP position (clamped to the text and its lines). */
  offsetAt(position: Position): number {
    const offsets = this.offsets();
    if (position.line >= offsets.length) return this.text.length;
    if (position.line < 0) return 0;
    const lineOffset = offsets[position.line]!;
    if (position.character <= 0) return lineOffset;
    const next = position.line + 1 < offsets.length ? offsets[position.line + 1]! : this.text.length;
    return this.beforeEol(Math.min(lineOffset + position.character, next), lineOffset);
  }

  /** The LSP position of an offset (clamped to the text). */
  positionAt(offset: number): Position {
    offset = Math.max(Math.min(offset, this.text.length), 0);
    const offsets = this.offsets();
    let low = 0;
    let high = offsets.length;
    if (high === 0) return { line: 0, character: offset };
    while (low < high) {
      const mid = Math.floor((low + high) / 2);
      if (offsets[mid]! > offset) high = mid;
      else low = mid + 1;
    }
    const line = low - 1;
    return { line, character: this.beforeEol(offset, offsets[line]!) - offsets[line]! };
  }

  /** The text of 0-based line `n` without its line break (empty past the end). */
  lineText(n: number): string {
    const offsets = this.offsets();
    if (n < 0 || n >= offsets.length) return "";
    const end = n + 1 < offsets.length ? offsets[n + 1]! : this.text.length;
    return this.text.slice(offsets[n]!, end).replace(/\r?\n$|\r$/, "");
  }

  /** Applies content changes (incremental or whole text) in order, and takes the new version. */
  update(changes: readonly TextDocumentContentChangeEvent[], version: number): void {
    for (const change of changes) {
      if ("range" in change && change.range) this.applyRange(wellFormed(change.range), change.text);
      else {
        this.text = ChunkedText.of(change.text);
        this.lineOffsets = undefined;
      }
    }
    this.version = version;
  }

  private applyRange(range: Range, insert: string): void {
    const start = this.offsetAt(range.start);
    const end = this.offsetAt(range.end);
    this.text = this.text.replace(start, end, insert);
    const offsets = this.lineOffsets;
    if (!offsets) return;
    const insertedEnd = start + insert.length;
    // A CR LF pair across an edit's edge: the line starts are counted again when next needed.
    if ((this.text.charCodeAt(start - 1) === CR && this.text.charCodeAt(start) === LF) ||
      (this.text.charCodeAt(insertedEnd - 1) === CR && this.text.charCodeAt(insertedEnd) === LF)) {
      this.lineOffsets = undefined;
      return;
    }
    const startLine = Math.max(range.start.line, 0);
    const endLine = Math.max(range.end.line, 0);
    const added = lineOffsetsOf(insert, false, start);
    if (endLine - startLine === added.length) {
      for (let i = 0; i < added.length; i++) offsets[i + startLine + 1] = added[i]!;
    } else if (added.length < 10000) {
      offsets.splice(startLine + 1, endLine - startLine, ...added);
    } else {
      this.lineOffsets = offsets.slice(0, startLine + 1).concat(added, offsets.slice(endLine + 1));
    }
    const diff = insert.length - (end - start);
    if (diff === 0) return;
    const shifted = this.lineOffsets!;
    for (let i = startLine + 1 + added.length; i < shifted.length; i++) shifted[i] = shifted[i]! + diff;
  }
}
