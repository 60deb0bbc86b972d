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
import { URI } from "vscode-uri";
import type { TextDocumentContentChangeEvent } from "vscode-languageserver";
import { ChunkedText } from "./chunkedText";
import { LiveDocument } from "./liveDocument";
import type { TextLines } from "./ranges";

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

/**
 * Open buffers by path, plus a cache of disk contents. An open buffer's text
 * is kept in chunks ({@link LiveDocument}): a keystroke in a big models file
 * copies one chunk, and the whole text is made only when asked for.
 */
export class DocumentStore {
  private readonly openDocs = new Map<string, LiveDocument>();
  private readonly disk = new Map<string, { text: string; chunked?: ChunkedText } | null>();

  /** Opens a buffer (`textDocument/didOpen`). Returns its path, or undefined for non-file URIs. */
  open(uri: string, languageId: string, version: number, text: string): string | undefined {
    const file = uriToPath(uri);
    if (!file) return undefined;
    this.openDocs.set(file, new LiveDocument(uri, languageId, version, ChunkedText.of(text)));
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
      this.openDocs.set(file, new LiveDocument(uri, "typescript", version, ChunkedText.of(full.text)));
      return file;
    }
    doc.update(changes, version);
    return file;
  }

  /** Closes a buffer (`textDocument/didClose`): the disk text counts again. */
  close(uri: string): string | undefined {
    const file = uriToPath(uri);
    if (!file) return undefined;
    this.openDocs.delete(file);
    this.disk.delete(file);
    return file;
  }

  /** Forgets the cached disk text of `file` (a watched-file event). */
  invalidate(file: string): void {
    this.disk.delete(path.normalize(file));
  }

  /** The open buffer of `file`, if any. */
  document(file: string): LiveDocument | undefined {
    return this.openDocs.get(path.normalize(file));
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
    const doc = this.openDocs.get(key);
    if (doc) return { text: doc.getText(), version: doc.version, open: true };
    const onDisk = this.fromDisk(key);
    return onDisk === null ? undefined : { text: onDisk.text, version: -1, open: false };
  }

  /**
   * The text of `file` in chunks (the same object until it changes: an open
   * buffer's, else the disk's), without making the whole string; undefined
   * when neither exists.
   */
  chunks(file: string): ChunkedText | undefined {
    const key = path.normalize(file);
    const doc = this.openDocs.get(key);
    if (doc) return doc.text;
    const onDisk = this.fromDisk(key);
    return onDisk === null ? undefined : (onDisk.chunked ??= ChunkedText.of(onDisk.text));
  }

  /** The lines of `file` (an open buffer's read without making its whole text), or undefined. */
  lines(file: string): TextLines | undefined {
    const key = path.normalize(file);
    const doc = this.openDocs.get(key);
    if (doc) return (n) => doc.lineText(n);
    return this.fromDisk(key)?.text;
  }

  private fromDisk(key: string): { text: string; chunked?: ChunkedText } | null {
    let entry = this.disk.get(key);
    if (entry === undefined) {
      const text = readOrNull(key);
      entry = text === null ? null : { text };
      this.disk.set(key, entry);
    }
    return entry;
  }

  /** The text of `file`, or undefined. Shorthand for `get(file)?.text`. */
  text(file: string): string | undefined {
    return this.get(file)?.text;
  }
}

function readOrNull(file: string): string | null {
  try {
    if (!statSync(file).isFile()) return null;
    return readFileSync(file, "utf8");
  } catch {
    return null;
  }
}
