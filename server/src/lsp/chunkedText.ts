/**
 * The text of an open buffer as a list of chunks of at most
 * {@link MAX_CHUNK} characters. An edit makes a new text that shares every
 * chunk it did not touch, so that a keystroke in a file of thousands of
 * classes copies one chunk, not the file: a string of a megabyte is made in
 * V8's large-object space, whose fresh pages cost ~2 ms per 450 KB on the
 * bench machine, per keystroke, and feed the major collections. The whole
 * string is made only when something asks for it ({@link toString}).
 *
 * Two texts, one edited from the other, tell their difference
 * ({@link changeBetween}) by skipping the chunks they share (the same
 * string objects) and comparing characters only in the chunks that differ.
 */

/** Chunks grow to at most this many characters before they are split. */
const MAX_CHUNK = 32 * 1024;

/** The common prefix and suffix two texts leave when compared in blocks of this many characters. */
const BLOCK = 1024;

/** A replaced span: `[start, start + oldLength)` of the old text became `[start, start + newLength)` of the new one. */
export interface TextChange {
  readonly start: number;
  readonly oldLength: number;
  readonly newLength: number;
}

/** An immutable text kept in chunks (see the module comment). */
export class ChunkedText {
  /** Offset of each chunk's first character. */
  private readonly starts: number[];
  private whole: string | undefined;
  readonly length: number;

  private constructor(private readonly chunks: readonly string[]) {
    this.starts = [];
    let at = 0;
    for (const c of chunks) {
      this.starts.push(at);
      at += c.length;
    }
    this.length = at;
    if (chunks.length === 1) this.whole = chunks[0];
  }

  /** `text` in chunks of {@link MAX_CHUNK} characters. */
  static of(text: string): ChunkedText {
    const chunks: string[] = [];
    for (let i = 0; i < text.length; i += MAX_CHUNK) chunks.push(text.slice(i, i + MAX_CHUNK));
    const t = new ChunkedText(chunks.length ? chunks : [""]);
    t.whole = text;
    return t;
  }

  /** The whole text (made once). */
  toString(): string {
    return (this.whole ??= this.chunks.join(""));
  }

  /** The index of the chunk holding offset `i` (the last chunk for the end of the text). */
  private chunkAt(i: number): number {
    let lo = 0;
    let hi = this.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= i) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The UTF-16 code unit at offset `i` (NaN outside the text), as `String.prototype.charCodeAt`. */
  charCodeAt(i: number): number {
    if (i < 0 || i >= this.length) return NaN;
    const c = this.chunkAt(i);
    return this.chunks[c]!.charCodeAt(i - this.starts[c]!);
  }

  /** The characters from `from` to `to` (clamped to the text), as `String.prototype.slice` with non-negative offsets. */
  slice(from: number, to = this.length): string {
    from = Math.max(0, Math.min(from, this.length));
    to = Math.max(from, Math.min(to, this.length));
    if (this.whole !== undefined) return this.whole.slice(from, to);
    const first = this.chunkAt(from);
    const last = this.chunkAt(Math.max(from, to - 1));
    if (first === last) return this.chunks[first]!.slice(from - this.starts[first]!, to - this.starts[first]!);
    const parts = [this.chunks[first]!.slice(from - this.starts[first]!)];
    for (let c = first + 1; c < last; c++) parts.push(this.chunks[c]!);
    parts.push(this.chunks[last]!.slice(0, to - this.starts[last]!));
    return parts.join("");
  }

  /**
   * This text with `[start, end)` replaced by `insert` (offsets clamped to
   * the text): a new text sharing the chunks before and after the ones the
   * span touches.
   */
  replace(start: number, end: number, insert: string): ChunkedText {
    start = Math.max(0, Math.min(start, this.length));
    end = Math.max(start, Math.min(end, this.length));
    const first = this.chunkAt(start);
    const last = this.chunkAt(Math.max(start, end - 1));
    const from = this.starts[first]!;
    const joined = this.chunks.slice(first, last + 1).join("");
    const middle = joined.slice(0, start - from) + insert + joined.slice(end - from);
    const pieces: string[] = [];
    for (let i = 0; i < middle.length; i += MAX_CHUNK) pieces.push(middle.slice(i, i + MAX_CHUNK));
    const chunks = [...this.chunks.slice(0, first), ...pieces, ...this.chunks.slice(last + 1)];
    return new ChunkedText(chunks.length ? chunks : [""]);
  }

  /** True when `a` and `b` hold the same characters (the same object at once; a file read again from disk by comparing). */
  static equal(a: ChunkedText, b: ChunkedText): boolean {
    if (a === b) return true;
    if (a.length !== b.length) return false;
    const change = ChunkedText.changeBetween(a, b);
    return change.oldLength === 0 && change.newLength === 0;
  }

  /**
   * The span of `before` that differs from `after` (their common prefix and
   * suffix left out), as a comparison of the whole strings gives it; chunks
   * the texts share are skipped without reading them.
   */
  static changeBetween(before: ChunkedText, after: ChunkedText): TextChange {
    const max = Math.min(before.length, after.length);
    let start = 0;
    let i = 0;
    while (i < before.chunks.length && i < after.chunks.length && before.chunks[i] === after.chunks[i] &&
      start + before.chunks[i]!.length <= max) {
      start += before.chunks[i]!.length;
      i++;
    }
    while (start + BLOCK <= max && before.slice(start, start + BLOCK) === after.slice(start, start + BLOCK)) start += BLOCK;
    while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
    const room = max - start;
    let tail = 0;
    let b = before.chunks.length - 1;
    let a = after.chunks.length - 1;
    while (b >= 0 && a >= 0 && before.chunks[b] === after.chunks[a] && tail + before.chunks[b]!.length <= room) {
      tail += before.chunks[b]!.length;
      b--;
      a--;
    }
    while (tail + BLOCK <= room &&
      before.slice(before.length - tail - BLOCK, before.length - tail) === after.slice(after.length - tail - BLOCK, after.length - tail)) {
      tail += BLOCK;
    }
    while (tail < room && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)) tail++;
    return { start, oldLength: before.length - tail - start, newLength: after.length - tail - start };
  }
}
