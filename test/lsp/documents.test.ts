/**
 * The document store (lsp/documents.ts) applies changes when the text is
 * next asked for, keystrokes typed one after another joined into one
 * change. Random notifications (typing runs, deletions, line breaks, pastes
 * over ranges, ranges given end first, positions past a line's end, full
 * texts, CRLF buffers) read at random moments give the very text and version
 * that vscode-languageserver-textdocument gives applying each notification
 * as it comes.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { TextDocumentContentChangeEvent } from "vscode-languageserver";
import { TextDocument } from "vscode-languageserver-textdocument";
import { DocumentStore, pathToUri } from "../../server/src/lsp/documents";
import { prng } from "./harness";

const FILE = "/tmp/tsmigrate-documents-test/models.ts";
const URI = pathToUri(FILE);

/** A random change of `doc` (see the module comment); `typing` is where the last keystroke ended, if it was typed. */
function randomChange(doc: TextDocument, rand: () => number, typing: { line: number; character: number } | undefined): TextDocumentContentChangeEvent {
  const text = doc.getText();
  const pos = (): { line: number; character: number } => doc.positionAt(Math.floor(rand() * (text.length + 1)));
  const r = rand();
  if (typing && r < 0.5) return { range: { start: typing, end: typing }, text: rand() < 0.9 ? "abc;".charAt(Math.floor(rand() * 4)) : "\n" };
  if (r < 0.65) {
    const at = pos();
    return { range: { start: at, end: at }, text: rand() < 0.5 ? "x" : "field = 1;\n  " };
  }
  if (r < 0.8) {
    const a = pos();
    const b = pos();
    return { range: rand() < 0.8 ? (doc.offsetAt(a) <= doc.offsetAt(b) ? { start: a, end: b } : { start: b, end: a }) : { start: b, end: a }, text: rand() < 0.5 ? "" : "y\r\nz" };
  }
  if (r < 0.9) {
    // Past the end of a line, or of the buffer.
    const line = Math.floor(rand() * (doc.lineCount + 2));
    return { range: { start: { line, character: 500 }, end: { line, character: 500 } }, text: "q" };
  }
  if (r < 0.95) return { text: rand() < 0.5 ? "class A {\r\n  a = 1;\r\n}\r\n" : "class B {\n}\n" };
  const at = pos();
  return { range: { start: at, end: at }, text: "\r\n" };
}

/** Where typing `text` at `start` ends, counted as a client counts. */
function after(start: { line: number; character: number }, text: string): { line: number; character: number } {
  const lines = text.split("\n");
  return lines.length === 1 ? { line: start.line, character: start.character + text.length } : { line: start.line + lines.length - 1, character: lines[lines.length - 1]!.length };
}

test("pending changes, typed keystrokes joined, give the text and version of applying each change as it comes", () => {
  for (let seed = 1; seed <= 40; seed++) {
    const rand = prng(seed);
    const store = new DocumentStore();
    let oracle = TextDocument.create(URI, "typescript", 1, seed % 2 ? "class A {\n  a = 1;\n}\n" : "class A {\r\n  a = 1;\r\n}\r\n");
    store.open(URI, "typescript", 1, oracle.getText());
    let typing: { line: number; character: number } | undefined;
    for (let v = 2; v < 400; v++) {
      const change = randomChange(oracle, rand, typing);
      const changes = rand() < 0.1 ? [change, randomChange(oracle, rand, undefined)] : [change];
      // The second change of a notification is made against the text before the first here: valid or not, both get it alike.
      oracle = TextDocument.update(oracle, changes, v);
      store.change(URI, v, changes);
      const last = changes[changes.length - 1]!;
      // The next keystroke goes where the client thinks this one ended (past a line's end too).
      typing = "range" in last && last.range && !last.text.includes("\r") ? after(last.range.start, last.text) : undefined;
      if (rand() < 0.2) {
        const got = store.get(FILE)!;
        assert.equal(got.text, oracle.getText(), `seed ${seed}, version ${v}`);
        assert.equal(got.version, v);
      }
    }
    assert.equal(store.text(FILE), oracle.getText(), `seed ${seed} at the end`);
  }
});

test("keystrokes typed one after another wait as one change; the text is made once when asked for", () => {
  const store = new DocumentStore();
  store.open(URI, "typescript", 1, "class A {\n}\n");
  const at = (character: number) => ({ start: { line: 1, character }, end: { line: 1, character } });
  store.change(URI, 2, [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: "  a" }]);
  store.change(URI, 3, [{ range: at(3), text: " = " }]);
  store.change(URI, 4, [{ range: at(6), text: "1;\n" }]);
  store.change(URI, 5, [{ range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } }, text: "  b = 2;\n" }]);
  assert.equal(store.pendingChanges(FILE), 1);
  // Not where the last keystroke ended: a change of its own.
  store.change(URI, 6, [{ range: at(0), text: "//" }]);
  assert.equal(store.pendingChanges(FILE), 2);
  assert.equal(store.text(FILE), "class A {\n//  a = 1;\n  b = 2;\n}\n");
  assert.equal(store.pendingChanges(FILE), 0);
  assert.equal(store.document(FILE)?.version, 6);
});
