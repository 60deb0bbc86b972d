/**
 * "Make migration" is offered as soon as the squiggle shows (issue 13): the
 * quick fix does not depend on the client echoing our diagnostic back in the
 * request's context (VS Code's context can be empty or older than our last
 * publication right after a change; some clients send none). The server
 * answers from its own latest analysis at the requested range.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { after, test } from "node:test";
import { copyFixture, type LspClient, removeDir, startServer } from "./harness";

const MODELS = "shop/models.ts";
let dir = "";
let client: LspClient | undefined;
after(async () => {
  await client?.stop();
  if (dir) removeDir(dir);
});

interface Action { title: string; kind?: string; disabled?: { reason: string }; diagnostics?: { code?: string }[] }

test("a fresh drift diagnostic's quick fix is offered with or without the diagnostic in the request's context", async () => {
  dir = copyFixture("shop");
  ({ client } = await startServer({
    root: dir,
    initializationOptions: { trusted: false },
    capabilities: { textDocument: { codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ["quickfix", "source"] } }, resolveSupport: { properties: ["edit"] } } } },
  }));
  const c = client;
  await c.open(MODELS);
  await c.waitForDiagnostics(MODELS, () => true, "the first analysis");
  const text = readFileSync(path.join(dir, MODELS), "utf8");
  const changed = text.replace(/(\n\s+name = models\.CharField[^\n]*\n)/, "$1  weight = models.IntegerField({ null: true });\n");
  assert.notEqual(changed, text, "the fixture has a name field to add a field after");
  await c.change(MODELS, changed);
  const diags = await c.waitForDiagnostics(MODELS, (d) => d.some((x) => /weight/.test(x.message)), "the weight drift");
  const drift = diags.find((x) => /weight/.test(x.message))!;
  const ask = (diagnostics: unknown[]): Promise<Action[]> => c.request<Action[]>("textDocument/codeAction", {
    textDocument: { uri: c.uri(MODELS) },
    range: { start: drift.range.start, end: drift.range.start },
    context: { diagnostics, only: ["quickfix"], triggerKind: 1 },
  });
  for (const [what, context] of [["with the diagnostic", [drift]], ["with an empty context", []]] as const) {
    const actions = await ask([...context]);
    const make = actions.find((a) => a.title === "Make migration for 'shop'");
    assert.ok(make, `${what}: ${JSON.stringify(actions.map((a) => a.title))}`);
    assert.equal(make.kind, "quickfix");
    assert.equal(make.disabled, undefined, what);
    assert.equal(make.diagnostics?.[0]?.code, "drift-add-field", what);
  }
  const elsewhere = await c.request<Action[]>("textDocument/codeAction", {
    textDocument: { uri: c.uri(MODELS) }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    context: { diagnostics: [], only: ["quickfix"] },
  });
  assert.deepEqual(elsewhere.map((a) => a.title), [], "no quick fix away from the drift");
});

test("a client with the tsmigrate.makeMigrations command gets it in the quick fix and the source action (one way to make a migration)", async () => {
  const d2 = copyFixture("shop");
  const { client: c } = await startServer({
    root: d2,
    initializationOptions: { trusted: false, clientCommands: true },
    capabilities: { textDocument: { codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ["quickfix", "source"] } }, resolveSupport: { properties: ["edit"] } } } },
  });
  try {
    await c.open(MODELS);
    const text = readFileSync(path.join(d2, MODELS), "utf8");
    await c.change(MODELS, text.replace(/(\n\s+name = models\.CharField[^\n]*\n)/, "$1  weight = models.IntegerField({ null: true });\n"));
    const diags = await c.waitForDiagnostics(MODELS, (d) => d.some((x) => /weight/.test(x.message)), "the weight drift");
    const drift = diags.find((x) => /weight/.test(x.message))!;
    const actions = await c.request<(Action & { command?: { command: string; arguments?: unknown[] }; edit?: unknown })[]>("textDocument/codeAction", {
      textDocument: { uri: c.uri(MODELS) }, range: drift.range, context: { diagnostics: [drift] },
    });
    const makes = actions.filter((a) => a.title === "Make migration for 'shop'");
    assert.deepEqual(makes.map((a) => a.kind).sort(), ["quickfix", "source.tsmigrate.makeMigrations"]);
    for (const a of makes) {
      assert.deepEqual(a.command, { title: "Make migration for 'shop'", command: "tsmigrate.makeMigrations", arguments: [{ apps: ["shop"] }] });
      assert.equal(a.edit, undefined);
    }
  } finally {
    await c.stop();
    removeDir(d2);
  }
});
