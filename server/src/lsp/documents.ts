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

/** Open buffers by path, plus a cache of disk contents. */
export class DocumentStore {
  private readonly openDocs = new Map<string, TextDocument>();
  private readonly disk = new Map<string, string | null>();

  /** Opens a buffer (`textDocument/didOpen`). Returns its path, or undefined for non-file URIs. */
  open(uri: string, languageId: string, version: number, text: string): string | undefined {
    const file = uriToPath(uri);
    if (!file) return undefined;
    this.openDocs.set(file, TextDocument.create(uri, languageId, version, text));
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
    } else {
      this.openDocs.set(file, TextDocument.update(doc, changes, version));
    }
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
  document(file: string): TextDocument | undefined {
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

function readOrNull(file: string): string | null {
  try {
    if (!statSync(file).isFile()) return null;
    return readFileSync(file, "utf8");
  } catch {
    return null;
  }
}
