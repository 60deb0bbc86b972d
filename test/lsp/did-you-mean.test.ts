/**
 * "Did you mean" quick fixes (issue 13): over JSON-RPC to a spawned server,
 * a misspelt field type and a misspelt option each get "Change to '<guess>'",
 * whose edit fixes the name and clears the error.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { after, test } from "node:test";
import { misspelling } from "../../server/src/lsp/didYouMean";
import { copyFixture, type Diag, type LspClient, removeDir, startServer } from "./harness";

const MODELS = "src/tracker/models.ts";
let dir = "";
let client: LspClient | undefined;
after(async () => {
  await client?.stop();
  if (dir) removeDir(dir);
});

interface Edit { range: Diag["range"]; newText: string }
interface Action { title: string; kind?: string; edit?: { changes: Record<string, Edit[]> } }

/** `text` with one edit applied. */
function apply(text: string, edit: Edit): string {
  const lines = text.split("\n");
  const offset = (p: { line: number; character: number }): number => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  return text.slice(0, offset(edit.range.start)) + edit.newText + text.slice(offset(edit.range.end));
}

test("the engine's messages yield the misspelt name and the guess", () => {
  assert.deepEqual(misspelling("unknown option maxLen for CharField (did you mean maxLength?); expected one of: maxLength, null"), { wrong: "maxLen", guess: "maxLength" });
  assert.deepEqual(misspelling("unknown field type models.IntField; expected models.<FieldType> such as models.CharField (did you mean models.IntegerField?)"),
    { wrong: "models.IntField", guess: "models.IntegerField" });
  assert.equal(misspelling("unknown option zzz for CharField; expected one of: maxLength"), undefined);
});

test("a misspelt field type and option: 'Change to ...' fixes each", async () => {
  dir = copyFixture("tracker");
  ({ client } = await startServer({ root: dir, initializationOptions: { trusted: false } }));
  const c = client;
  await c.open(MODELS);
  const original = readFileSync(path.join(dir, MODELS), "utf8");
  let text = original.replace("name = models.CharField({ maxLength: 50, unique: true });", "name = models.CharFeld({ maxLenght: 50, unique: true });");
  assert.notEqual(text, original);
  await c.change(MODELS, text);
  for (const [code, guess] of [["unknown-field-type", "models.CharField"], ["unknown-option", "maxLength"]] as const) {
    const diags = await c.waitForDiagnostics(MODELS, (d) => d.some((x) => x.code === code), code);
    const d = diags.find((x) => x.code === code)!;
    const actions = await c.request<Action[]>("textDocument/codeAction", { textDocument: { uri: c.uri(MODELS) }, range: d.range, context: { diagnostics: [d] } });
    const fix = actions.find((a) => a.title === `Change to '${guess}'`);
    assert.ok(fix, `${code}: ${JSON.stringify(actions.map((a) => a.title))}`);
    assert.equal(fix.kind, "quickfix");
    const edits = fix.edit!.changes[c.uri(MODELS)]!;
    assert.equal(edits.length, 1);
    text = apply(text, edits[0]!);
    await c.change(MODELS, text);
  }
  assert.equal(text, original, "both names fixed");
  await c.waitForDiagnostics(MODELS, (d) => !d.some((x) => x.severity === 1), "no error left");
});
