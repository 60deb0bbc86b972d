/**
 * Syntax errors are TypeScript's to report (issue 13, "no red noise"): over
 * JSON-RPC to a spawned server,
 * - a models file or a migration file that does not parse gets one tsmigrate
 *   diagnostic, a `syntax` warning on its first line saying what stands in,
 *   never a copy of the syntax error at its place (the editor's TypeScript
 *   shows that one); the status still counts the file as an error;
 * - a syntax error does not cascade: no drift from a history with a hole,
 *   no error in a later migration that needs the broken one, no "unknown
 *   model" in another app for a class the broken file lost.
 * Deliberately unlike the CLI, which prints the syntax error itself (no
 * TypeScript beside it there).
 */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { after, test } from "node:test";
import type { DidChangeStatusParams } from "../../server/src/protocol";
import { copyFixture, type Diag, type LspClient, positionOf, removeDir, startServer } from "./harness";

const dirs: string[] = [];
const clients: LspClient[] = [];
after(async () => {
  for (const c of clients) await c.stop();
  for (const d of dirs) removeDir(d);
});

async function server(dir: string): Promise<LspClient> {
  dirs.push(dir);
  const { client } = await startServer({ root: dir, initializationOptions: { trusted: false } });
  clients.push(client);
  return client;
}

/** The latest status notification once `pred` holds. */
function status(client: LspClient, pred: (s: DidChangeStatusParams) => boolean, what: string): Promise<DidChangeStatusParams> {
  return client.waitFor(() => {
    const s = client.notifications.filter((n) => n.method === "tsmigrate/didChangeStatus").at(-1)?.params as DidChangeStatusParams | undefined;
    return s !== undefined && pred(s) ? s : undefined;
  }, what);
}

/** Asserts `diags` is exactly one `syntax` warning on line 0 naming `line` (1-based) and saying `standIn`. */
function assertSummary(diags: readonly Diag[], line: number, standIn: RegExp): void {
  assert.equal(diags.length, 1, JSON.stringify(diags));
  const d = diags[0]!;
  assert.equal(d.code, "syntax");
  assert.equal(d.severity, 2, "a warning: the error itself is TypeScript's");
  assert.equal(d.range.start.line, 0);
  assert.match(d.message, new RegExp(`TypeScript reports (it|them); the first at line ${line}\\)`));
  assert.match(d.message, standIn);
}

const MODELS = "shop/models.ts";
const INITIAL = "shop/migrations/0001_initial.ts";

test("a models file typed into a syntax error: one summary, not the error; drift back once it parses", async () => {
  const c = await server(copyFixture("shop"));
  const text = readFileSync(path.join(c.root, MODELS), "utf8");
  await c.open(MODELS, text);
  await c.waitForDiagnostics(MODELS, (d) => d.some((x) => x.code === "drift-add-field"), "stock's drift");
  const broken = text.replace("stock = models.IntegerField({ default: 0 });", "stock = models.IntegerField({ default: 0 ;");
  const at = positionOf(broken, "0 ;", 2);
  await c.change(MODELS, broken);
  const diags = await c.waitForDiagnostics(MODELS, (d) => d.some((x) => x.code === "syntax"), "the syntax summary");
  assertSummary(diags, at.line + 1, /its last version that parsed stands in/);
  assert.ok(!diags.some((d) => d.range.start.line === at.line), "nothing at the syntax error's place");
  const s = await status(c, (x) => x.errorCount === 1, "the status counting the file as an error");
  assert.equal(s.errorCount, 1);
  await c.change(MODELS, text);
  await c.waitForDiagnostics(MODELS, (d) => d.length === 1 && d[0]!.code === "drift-add-field", "the drift back, the summary gone");
});

test("a migration that does not parse, with no earlier version: one summary, and no cascade in the next migration or the models", async () => {
  const dir = copyFixture("shop");
  const initial = readFileSync(path.join(dir, INITIAL), "utf8");
  writeFileSync(path.join(dir, "shop/migrations/0002_product_stock.ts"), `import { migrations, models } from "tsmigrate";

export default migrations.Migration({
  dependencies: [["shop", "0001_initial"]],
  operations: [migrations.AddField({ modelName: "product", name: "stock", field: models.IntegerField({ default: 0 }) })],
});
`);
  const broken = initial.replace("operations: [", "operations: [[,");
  writeFileSync(path.join(dir, INITIAL), broken);
  const c = await server(dir);
  await c.open(INITIAL);
  await c.open(MODELS);
  await c.open("shop/migrations/0002_product_stock.ts");
  const diags = await c.waitForDiagnostics(INITIAL, (d) => d.length > 0, "the migration's diagnostics");
  assertSummary(diags, broken.split("\n").length - 1, /this app's migrations from here on are not known, and no drift is shown/);
  const s = await status(c, (x) => x.errorCount === 1, "one error in the status");
  assert.equal(s.driftCount, 0, "no drift from a history with a hole");
  assert.deepEqual(c.diagnostics.get(c.uri(MODELS)) ?? [], [], "no 'Create model Product' drift");
  assert.deepEqual(c.diagnostics.get(c.uri("shop/migrations/0002_product_stock.ts")) ?? [], [], "no 'no model shop.product' in 0002");
  // Fixed: the history is whole again; 0002 holds stock, so the models match.
  await c.change(INITIAL, initial);
  await c.waitForDiagnostics(INITIAL, (d) => d.length === 0, "the summary gone");
  await status(c, (x) => x.errorCount === 0 && x.driftCount === 0, "no error, no drift");
});

test("an open migration typed into a syntax error: its last version stands in, the drift stays", async () => {
  const c = await server(copyFixture("shop"));
  const initial = readFileSync(path.join(c.root, INITIAL), "utf8");
  await c.open(MODELS);
  await c.open(INITIAL, initial);
  await c.waitForDiagnostics(MODELS, (d) => d.some((x) => x.code === "drift-add-field"), "stock's drift");
  const broken = initial.replace("operations:", "operations:: ");
  await c.change(INITIAL, broken);
  const diags = await c.waitForDiagnostics(INITIAL, (d) => d.some((x) => x.code === "syntax"), "the summary");
  assertSummary(diags, positionOf(broken, "operations::").line + 1, /its last version that parsed stands in/);
  assert.deepEqual((c.diagnostics.get(c.uri(MODELS)) ?? []).map((d) => d.code), ["drift-add-field"], "the models' drift unchanged");
});

test("a models file that lost a class to a syntax error: no 'unknown model' in the app that references it", async () => {
  const dir = copyFixture("shop");
  writeFileSync(path.join(dir, "tsmigrate.config.json"), JSON.stringify({ apps: ["shop", "orders"] }));
  mkdirSync(path.join(dir, "orders"));
  writeFileSync(path.join(dir, "orders/models.ts"), `import { models } from "tsmigrate";

export class Order extends models.Model {
  product = models.ForeignKey("shop.Product", { onDelete: models.CASCADE });
}
`);
  // The shop's models cut off inside the class header: the parser keeps no class Product.
  const models = readFileSync(path.join(dir, MODELS), "utf8");
  const cut = models.slice(0, models.indexOf("export class Product") + "export class Product extends models.Mo".length);
  writeFileSync(path.join(dir, MODELS), cut);
  const c = await server(dir);
  await c.open("orders/models.ts");
  await c.open(MODELS);
  const diags = await c.waitForDiagnostics(MODELS, (d) => d.length > 0, "the shop's diagnostics");
  assert.equal(diags.length, 1, JSON.stringify(diags));
  assert.equal(diags[0]!.code, "syntax");
  assert.match(diags[0]!.message, /until then no drift is shown in it/);
  await status(c, (x) => x.errorCount === 1, "one error: the broken file");
  const orders = c.diagnostics.get(c.uri("orders/models.ts")) ?? [];
  assert.ok(!orders.some((d) => d.code === "unknown-model"), JSON.stringify(orders));
});

test("a field the engine rejects: its error, and no 'Remove field' drift on its class", async () => {
  const c = await server(copyFixture("shop"));
  const text = readFileSync(path.join(c.root, MODELS), "utf8");
  await c.open(MODELS, text);
  await c.waitForDiagnostics(MODELS, (d) => d.some((x) => x.code === "drift-add-field"), "stock's drift");
  await c.change(MODELS, text.replace("decimalPlaces: 2", 'decimalPlaces: "two"'));
  const diags = await c.waitForDiagnostics(MODELS, (d) => d.some((x) => x.severity === 1), "the rejected option");
  assert.deepEqual(diags.map((d) => d.code).sort(), ["bad-option", "drift-add-field"], JSON.stringify(diags.map((d) => d.message)));
});
