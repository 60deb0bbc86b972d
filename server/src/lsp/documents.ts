/**
 * The document store: the text the server analyses for each file. An open
 * editor buffer (unsaved text included) wins over the file on disk; files
 * that are not open are read from disk and cached until a watched-file event
 * or a close says they changed.
 *
 * Paths are absolute file-system paths; URIs are converted at the edge
 * ({@link uriToPath}, {@link pathToUri}).
 */
import { readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { TextDocument } from "vscode-languageserver-textdocument";
import { URI } from "vscode-uri";
import type { TextDocumentContentChangeEvent } from "vscode-languageserver";

/**
 * An absolute, normalised file-system path for a `file:` URI (other schemes:
 * undefined), read with vscode-uri as VS Code writes them (`file:///c%3A/...`
 * drive letters on Windows included).
 */
export function uriToPath(uri: string): string | undefined {
  const parsed = URI.parse(uri);
  return parsed.scheme === "file" ? path.normalize(parsed.fsPath) : undefined;
}

/** The `file:` URI of an absolute path, as VS Code writes it (vscode-uri). */
export function pathToUri(file: string): string {
  return URI.file(file).toString();
}

/** One file's text as the server sees it, and where it came from. */
export interface FileText {
  readonly text: string;
  /** Editor version when open; -1 for text read from disk. */
  readonly version: number;
  readonly open: boolean;
}

/** Changes to an open buffer not applied yet, and the version they make. */
interface Pending {
  readonly changes: TextDocumentContentChangeEvent[];
  version: number;
}

/**
 * Open buffers by path, plus a cache of disk contents.
 *
 * Changes are applied when the text is next asked for, keystrokes typed one
 * after another joined into one change: each change applied to a big buffer
 * copies its whole text (~2 ms at 450 KB here), so a burst of keystrokes
 * that arrives before an analysis is one copy, not one per keystroke.
 */
export class DocumentStore {
  private readonly openDocs = new Map<string, TextDocument>();
  private readonly pending = new Map<string, Pending>();
  private readonly disk = new Map<string, string | null>();

  /** Opens a buffer (`textDocument/didOpen`). Returns its path, or undefined for non-file URIs. */
  open(uri: string, languageId: string, version: number, text: string): string | undefined {
    const file = uriToPath(uri);
    if (!file) return undefined;
    this.openDocs.set(file, TextDocument.create(uri, languageId, version, text));
    this.pending.delete(file);
    return file;
  }

  /** Applies `textDocument/didChange` content changes (full or incremental). Returns the path. */
  change(uri: string, version: number, changes: TextDocumentContentChangeEvent[]): string | undefined {
    const file = uriToPath(uri);
    if (!file) return undefined;
    const doc = this.openDocs.get(file);
    if (!doc) {
      // A change to a document never opened: take a full-text change as its content.
      const full = changes.find((c) => !("range" in c) || c.range === undefined);
      if (!full) return undefined;
      this.openDocs.set(file, TextDocument.create(uri, "typescript", version, full.text));
      return file;
    }
    let pending = this.pending.get(file);
    if (!pending) this.pending.set(file, (pending = { changes: [], version }));
    pending.version = version;
    for (const c of changes) {
      // Keystrokes join the first pending change only: it was made against the buffer as it is, a later
      // one against a text not made yet, where a range need not mean what the client meant.
      const joined = pending.changes.length === 1 ? typedAfter(pending.changes[0]!, c) : undefined;
      if (joined) pending.changes[0] = joined;
      else pending.changes.push(c);
    }
    return file;
  }

  /** How many changes to `file` wait to be applied (keystrokes typed one after another count once), for tests. */
  pendingChanges(file: string): number {
    return this.pending.get(path.normalize(file))?.changes.length ?? 0;
  }

  /** The open buffer of `file` (normalised path) with its pending changes applied. */
  private current(file: string): TextDocument | undefined {
    const doc = this.openDocs.get(file);
    const pending = this.pending.get(file);
    if (!doc || !pending) return doc;
    this.pending.delete(file);
    const next = TextDocument.update(doc, pending.changes, pending.version);
    this.openDocs.set(file, next);
    return next;
  }

  /** Closes a buffer (`textDocument/didClose`): the disk text counts again. */
  close(uri: string): string | undefined {
    const file = uriToPath(uri);
    if (!file) return undefined;
    this.openDocs.delete(file);
    this.pending.delete(file);
    this.disk.delete(file);
    return file;
  }

  /** Forgets the cached disk text of `file` (a watched-file event). */
  invalidate(file: string): void {
    this.disk.delete(path.normalize(file));
  }

  /** The open buffer of `file`, if any. */
  document(file: string): TextDocument | undefined {
    return this.current(path.normalize(file));
  }

  /** True when `file` is open in the editor. */
  isOpen(file: string): boolean {
    return this.openDocs.has(path.normalize(file));
  }

  /** Paths of every open buffer. */
  openFiles(): string[] {
    return [...this.openDocs.keys()];
  }

  /** The text of `file`: the open buffer, else the disk (cached); undefined when neither exists. */
  get(file: string): FileText | undefined {
    const key = path.normalize(file);
    const doc = this.current(key);
    if (doc) return { text: doc.getText(), version: doc.version, open: true };
    let text = this.disk.get(key);
    if (text === undefined) {
      text = readOrNull(key);
      this.disk.set(key, text);
    }
    return text === null ? undefined : { text, version: -1, open: false };
  }

  /** The text of `file`, or undefined. Shorthand for `get(file)?.text`. */
  text(file: string): string | undefined {
    return this.get(file)?.text;
  }
}

/**
 * `next` joined to `last` when it inserts text right where `last`'s inserted
 * text ends (typing), as one change of the text before both; else undefined.
 */
export function typedAfter(last: TextDocumentContentChangeEvent, next: TextDocumentContentChangeEvent): TextDocumentContentChangeEvent | undefined {
  if (!("range" in last) || !last.range || !("range" in next) || !next.range) return undefined;
  const r = last.range;
  // A range given end first is applied as its mirror: not joined.
  if (r.start.line > r.end.line || (r.start.line === r.end.line && r.start.character > r.end.character)) return undefined;
  const { start, end } = next.range;
  if (start.line !== end.line || start.character !== end.character) return undefined;
  const lines = last.text.split("\n");
  if (lines.some((l) => l.includes("\r"))) return undefined;
  const from = last.range.start;
  const at = lines.length === 1
    ? { line: from.line, character: from.character + last.text.length }
    : { line: from.line + lines.length - 1, character: lines[lines.length - 1]!.length };
  if (start.line !== at.line || start.character !== at.character) return undefined;
  return { range: last.range, text: last.text + next.text };
}

function readOrNull(file: string): string | null {
  try {
    if (!statSync(file).isFile()) return null;
    return readFileSync(file, "utf8");
  } catch {
    return null;
  }
}
