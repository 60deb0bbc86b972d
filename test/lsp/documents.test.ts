/**
 * The document store (lsp/documents.ts) keeps open buffers in chunks
 * (lsp/liveDocument.ts, lsp/chunkedText.ts). Random notifications (typing
 * runs, deletions, line breaks, pastes over ranges, ranges given end first,
 * positions past a line's end, full texts, CRLF buffers, of one chunk and of
 * several) read at random moments give the very text, version, offsets and
 * positions that vscode-languageserver-textdocument gives; a chunked text's
 * edits, slices and differences are those of the whole string.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { TextDocumentContentChangeEvent } from "vscode-languageserver";
import { TextDocument } from "vscode-languageserver-textdocument";
import { changeRange } from "../../server/src/engine/source/program";
import { ChunkedText } from "../../server/src/lsp/chunkedText";
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

test("changes to a buffer kept in chunks give the text, version, offsets and positions vscode-languageserver-textdocument gives", () => {
  for (let seed = 1; seed <= 40; seed++) {
    const rand = prng(seed);
    const store = new DocumentStore();
    // Small buffers and ones of several chunks.
    const lines = seed % 4 < 2 ? 1 : 3000;
    let oracle = TextDocument.create(URI, "typescript", 1, (seed % 2 ? "class A {\n  a = 1;\n}\n" : "class A {\r\n  a = 1;\r\n}\r\n").repeat(lines));
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
        const doc = store.document(FILE)!;
        const offset = Math.floor(rand() * (oracle.getText().length + 2));
        assert.deepEqual(doc.positionAt(offset), oracle.positionAt(offset));
        const p = { line: Math.floor(rand() * (oracle.lineCount + 1)), character: Math.floor(rand() * 60) };
        assert.equal(doc.offsetAt(p), oracle.offsetAt(p));
        const line = oracle.getText({ start: { line: p.line, character: 0 }, end: { line: p.line + 1, character: 0 } }).replace(/\r?\n$|\r$/, "");
        assert.equal(doc.lineText(p.line), p.line < oracle.lineCount ? line : "");
      }
    }
    assert.equal(store.text(FILE), oracle.getText(), `seed ${seed} at the end`);
  }
});

test("a chunked text edits, slices and compares as the whole string does", () => {
  const rand = prng(99);
  const words = ["class A {\n", "  name = models.CharField({ maxLength: 40 });\n", "}\n", "é", "\r\n", "x"];
  let whole = Array.from({ length: 6000 }, () => words[Math.floor(rand() * words.length)]).join("");
  let text = ChunkedText.of(whole);
  for (let k = 0; k < 600; k++) {
    const start = Math.floor(rand() * (whole.length + 1));
    const end = Math.min(whole.length, start + (rand() < 0.9 ? Math.floor(rand() * 20) : Math.floor(rand() * 80000)));
    const insert = rand() < 0.95 ? words[Math.floor(rand() * words.length)]!.repeat(1 + Math.floor(rand() * 3)) : "y".repeat(70000);
    const before = text;
    const beforeWhole = whole;
    text = text.replace(start, end, insert);
    whole = whole.slice(0, start) + insert + whole.slice(end);
    assert.equal(text.length, whole.length);
    const a = Math.floor(rand() * (whole.length + 1));
    const b = Math.min(whole.length, a + Math.floor(rand() * 70000));
    assert.equal(text.slice(a, b), whole.slice(a, b), `slice ${a}-${b} after edit ${k}`);
    assert.equal(text.charCodeAt(a), whole.charCodeAt(a));
    const change = changeRange(beforeWhole, whole);
    assert.deepEqual(ChunkedText.changeBetween(before, text),
      { start: change.span.start, oldLength: change.span.length, newLength: change.newLength }, `change after edit ${k}`);
  }
  assert.equal(text.toString(), whole);
});
