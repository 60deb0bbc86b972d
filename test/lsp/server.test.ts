/**
 * LSP-level tests: the server runs as its own process (`--stdio`) and the
 * test speaks JSON-RPC to it, on a copy of test-fixtures/shop.
 */
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import { ErrorCodes, type MakeMigrationsResult } from "../../server/src/protocol";
import { copyFixture, type Diag, type LspClient, positionOf, removeDir, startServer } from "./harness";

interface CodeAction {
  title: string;
  kind?: string;
  isPreferred?: boolean;
  disabled?: { reason: string };
  diagnostics?: Diag[];
  edit?: {
    documentChanges?: ({ kind: "create"; uri: string } | { textDocument: { uri: string }; edits: { range: Diag["range"]; newText: string }[] })[];
    changes?: Record<string, { range: Diag["range"]; newText: string }[]>;
  };
}

const MODELS = "shop/models.ts";

function applyTextEdits(text: string, edits: { range: Diag["range"]; newText: string }[]): string {
  const lines = text.split("\n");
  const offset = (p: { line: number; character: number }): number =>
    lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

/** The created files of a code action's WorkspaceEdit: path -> content. */
function createdFiles(action: CodeAction): Map<string, string> {
  const out = new Map<string, string>();
  for (const ch of action.edit?.documentChanges ?? []) {
    if ("kind" in ch && ch.kind === "create") out.set(fileURLToPath(ch.uri), "");
    else if ("textDocument" in ch) {
      const file = fileURLToPath(ch.textDocument.uri);
      out.set(file, applyTextEdits(out.get(file) ?? "", ch.edits));
    }
  }
  return out;
}

/** Inserts `line` after the line holding `anchor`; returns the new text and the 0-based line of the insertion. */
function insertAfter(text: string, anchor: string, line: string): { text: string; line: number } {
  const at = positionOf(text, anchor);
  const lines = text.split("\n");
  lines.splice(at.line + 1, 0, line);
  return { text: lines.join("\n"), line: at.line + 1 };
}

const drift = (d: Diag[]): Diag[] => d.filter((x) => String(x.code).startsWith("drift-"));

describe("drift, quick fix, hovers (shop)", () => {
  let dir: string;
  let client: LspClient;
  let init: { capabilities: Record<string, unknown> };
  let original: string;

  before(async () => {
    dir = copyFixture("shop");
    original = readFileSync(path.join(dir, MODELS), "utf8");
    const started = await startServer({ root: dir });
    client = started.client;
    init = started.init as typeof init;
    await client.open(MODELS, original);
    await client.waitForDiagnostics(MODELS, () => true, "first diagnostics");
  });

  after(async () => {
    await client?.stop();
    removeDir(dir);
  });

  test("initialize announces hovers, code actions and incremental sync, and registers file watchers", async () => {
    assert.equal(init.capabilities.hoverProvider, true);
    assert.ok(init.capabilities.codeActionProvider);
    assert.deepEqual((init.capabilities.textDocumentSync as { change: number }).change, 2);
    const reg = await client.waitFor(() => client.registrations.find((r) => r.method === "workspace/didChangeWatchedFiles"), "watcher registration");
    const globs = (reg.registerOptions as { watchers: { globPattern: string }[] }).watchers.map((w) => w.globPattern);
    assert.ok(globs.includes("**/models.ts") && globs.includes("**/tsmigrate.config.json"), globs.join(", "));
  });

  test("the fixture's drift shows on its models, in Django's words; tsmigrate/makeMigrations proposes exactly that", async () => {
    // The fixture's models have a field (stock) that its migrations lack.
    const diags = await client.waitForDiagnostics(MODELS, (d) => drift(d).length > 0, "initial drift");
    const stock = drift(diags).find((d) => d.message === "Add field stock to product — not in any migration");
    assert.ok(stock, JSON.stringify(diags));
    assert.equal(stock.code, "drift-add-field");
    assert.equal(stock.source, "tsmigrate");
    assert.equal(stock.range.start.line, positionOf(original, "stock =").line);
    const result = await client.request<MakeMigrationsResult>("tsmigrate/makeMigrations", {});
    assert.ok(result.files.length >= 1);
    assert.deepEqual(result.files.flatMap((f) => f.description).sort(),
      drift(diags).map((d) => d.message.replace(/ — not in any migration$/, "")).sort());
    const f = result.files[0]!;
    assert.equal(path.dirname(f.path), path.join(dir, "shop", "migrations"));
    assert.match(path.basename(f.path), /^\d{4}_product_stock\.ts$/);
    assert.match(f.content, /migrations\.AddField\(/);
    for (const file of result.files) {
      mkdirSync(path.dirname(file.path), { recursive: true });
      writeFileSync(file.path, file.content);
    }
    await client.watched(result.files.map((file) => ({ file: file.path, type: 1 as const })));
    await client.waitForDiagnostics(MODELS, (d) => drift(d).length === 0, "no drift once the migration exists");
  });

  test("an unsaved edit that adds a field shows drift on that field; the quick fix makes the migration; saving clears it", async () => {
    const edited = insertAfter(original, "export class Product extends models.Model {", "  stock2 = models.IntegerField({ default: 0 });");
    await client.change(MODELS, edited.text);
    const diags = await client.waitForDiagnostics(MODELS, (d) => drift(d).length === 1, "drift after adding stock2");
    const d = drift(diags)[0]!;
    assert.equal(d.message, "Add field stock2 to product — not in any migration");
    assert.equal(d.code, "drift-add-field");
    assert.equal(d.source, "tsmigrate");
    assert.equal(d.range.start.line, edited.line);
    assert.equal(d.range.start.character, 2);

    const actions = await client.request<CodeAction[]>("textDocument/codeAction", {
      textDocument: { uri: client.uri(MODELS) }, range: d.range, context: { diagnostics: [d] },
    });
    const fix = actions.find((a) => a.title === "Make migration for 'shop'");
    assert.ok(fix, `actions: ${actions.map((a) => a.title).join(", ")}`);
    assert.equal(fix.kind, "quickfix");
    const files = createdFiles(fix);
    assert.equal(files.size, 1);
    const [file, content] = [...files][0]!;
    assert.equal(path.dirname(file), path.join(dir, "shop", "migrations"));
    assert.match(path.basename(file), /^\d{4}_product_stock2\.ts$/);
    assert.match(content, /migrations\.AddField\(/);
    assert.match(content, /"stock2"/);

    // As a source action on the file, too.
    const source = await client.request<CodeAction[]>("textDocument/codeAction", {
      textDocument: { uri: client.uri(MODELS) }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ["source"] },
    });
    assert.ok(source.some((a) => a.title === "Make migration for 'shop'" && a.kind?.startsWith("source")));

    // Apply the edit as an editor would (file created with its content), then save the models.
    writeFileSync(file, content);
    await client.watched([{ file, type: 1 }]);
    writeFileSync(path.join(dir, MODELS), edited.text);
    await client.save(MODELS);
    await client.waitForDiagnostics(MODELS, (x) => drift(x).length === 0, "drift cleared after the migration");
  });

  test("hover over an operation shows its SQL; over Migration(...) the whole sqlmigrate output", async () => {
    const migrations = readdirSync(path.join(dir, "shop", "migrations")).filter((f) => /^\d{4}_product_stock2\.ts$/.test(f));
    assert.equal(migrations.length, 1);
    const rel = `shop/migrations/${migrations[0]}`;
    const text = readFileSync(path.join(dir, rel), "utf8");
    const op = positionOf(text, "migrations.AddField", 12);
    const h = await client.hover(rel, op.line, op.character);
    assert.ok(h, "a hover over AddField");
    assert.match(h, /```sql\n/);
    assert.match(h, /"stock2" integer/);
    assert.match(h, /shop_product/);
    const call = positionOf(text, "migrations.Migration", 12);
    const whole = await client.hover(rel, call.line, call.character);
    assert.ok(whole);
    assert.match(whole, /BEGIN;/);
    assert.match(whole, /-- Add field stock2 to product/);
    assert.match(whole, /Backwards/);
    assert.match(whole, /COMMIT;/);
  });

  test("hover over a model class: CREATE TABLE when in sync, pending SQL when not", async () => {
    const text = readFileSync(path.join(dir, MODELS), "utf8");
    const cls = positionOf(text, "class Product", 8);
    const h = await client.hover(MODELS, cls.line, cls.character);
    assert.ok(h);
    assert.match(h, /no pending changes/);
    assert.match(h, /CREATE TABLE\s+"shop_product"/);
    const edited = insertAfter(text, "export class Product extends models.Model {", "  sku = models.CharField({ maxLength: 10 });");
    await client.change(MODELS, edited.text);
    await client.waitForDiagnostics(MODELS, (d) => drift(d).some((x) => x.message.startsWith("Add field sku")), "drift for sku");
    const h2 = await client.hover(MODELS, cls.line, cls.character);
    assert.ok(h2);
    assert.match(h2, /Add field sku to product/);
    assert.match(h2, /"sku" varchar\(10\)/);
  });

  test("a NOT NULL field without a default gets 'Add a default' and 'Make it nullable'", async () => {
    const text = client.diagnostics.get(client.uri(MODELS))!;
    const d = drift(text).find((x) => x.message.startsWith("Add field sku"))!;
    const actions = await client.request<CodeAction[]>("textDocument/codeAction", {
      textDocument: { uri: client.uri(MODELS) }, range: d.range, context: { diagnostics: [d] },
    });
    const current = readFileSync(path.join(dir, MODELS), "utf8");
    const withSku = insertAfter(current, "export class Product extends models.Model {", "  sku = models.CharField({ maxLength: 10 });").text;
    const addDefault = actions.find((a) => a.title === 'Add a default (sku: "")');
    const nullable = actions.find((a) => a.title === "Make it nullable (sku)");
    assert.ok(addDefault && nullable, actions.map((a) => a.title).join(", "));
    const apply = (a: CodeAction): string => applyTextEdits(withSku, a.edit!.changes![client.uri(MODELS)]!);
    assert.match(apply(addDefault), /sku = models\.CharField\(\{ maxLength: 10, default: "" \}\);/);
    assert.match(apply(nullable), /sku = models\.CharField\(\{ maxLength: 10, null: true \}\);/);
    // No migration with an invented default: the action is disabled and the request refused, naming the field.
    const make = actions.find((a) => a.title === "Make migration for 'shop'");
    assert.match(make?.disabled?.reason ?? "", /sku is NOT NULL with no default/);
    await assert.rejects(client.request("tsmigrate/makeMigrations", {}), (e: { message: string }) => /non-nullable field 'sku'/.test(e.message));
  });

  test("half-typed code gets syntax diagnostics, no crash, and other files keep theirs", async () => {
    // Drift on the models buffer (sku), then a broken migration buffer: the drift must stay.
    const before = drift(client.diagnostics.get(client.uri(MODELS)) ?? []);
    assert.ok(before.length > 0);
    const migration = "shop/migrations/0001_initial.ts";
    const migText = readFileSync(path.join(dir, migration), "utf8");
    await client.open(migration, migText);
    const broken = migText.replace("operations: [", "operations: [[");
    await client.change(migration, broken);
    // One summary (TypeScript reports the syntax error itself: test/lsp/syntax-errors.test.ts).
    const errs = await client.waitForDiagnostics(migration, (d) => d.some((x) => x.code === "syntax"), "the migration's syntax summary");
    const at = positionOf(broken, "operations: [[");
    assert.ok(errs.every((e) => e.range.start.line < at.line), JSON.stringify(errs));
    assert.deepEqual(drift(client.diagnostics.get(client.uri(MODELS)) ?? []).map((d) => d.message), before.map((d) => d.message));

    // Half-typed models: one syntax summary, and the server keeps answering.
    const current = readFileSync(path.join(dir, MODELS), "utf8");
    const half = insertAfter(current, "export class Product extends models.Model {", "  weight = models.FloatField({ null: ");
    await client.change(MODELS, half.text);
    const syn = await client.waitForDiagnostics(MODELS, (d) => d.some((x) => x.code === "syntax"), "syntax error diagnostics");
    assert.ok(syn.every((x) => x.source === "tsmigrate"));
    const h = await client.hover(MODELS, 0, 0);
    assert.equal(h, undefined);
    assert.equal(client.exited, undefined);
    await client.change(migration, migText);
    await client.waitForDiagnostics(migration, (d) => d.length === 0, "the migration error cleared");
  });

  test("a migration file with a parse error gets one summary naming its line, not a copy of TypeScript's error", async () => {
    const migration = "shop/migrations/0001_initial.ts";
    const migText = readFileSync(path.join(dir, migration), "utf8");
    const at = positionOf(migText, "operations:");
    const broken = migText.replace("operations:", "operations:: ");
    await client.change(migration, broken);
    const errs = await client.waitForDiagnostics(migration, (d) => d.some((x) => x.code === "syntax"), "the syntax summary");
    assert.equal(errs.length, 1, JSON.stringify(errs));
    assert.equal(errs[0]!.range.start.line, 0);
    assert.match(errs[0]!.message, new RegExp(`the first at line ${at.line + 1}\\)`));
    await client.change(migration, migText);
    await client.waitForDiagnostics(migration, (d) => d.length === 0, "cleared");
  });

  test("what the engine rejects is a diagnostic where it is, with a stable code; drift of those fields is not shown", async () => {
    const current = readFileSync(path.join(dir, MODELS), "utf8");
    const lines = [
      "  code = models.CharField();",
      "  cost = models.DecimalField({ decimalPlaces: 2 });",
      "  kind = models.NoSuchField();",
      "  weight = models.FloatField({ colour: \"red\" });",
      "  maker = models.ForeignKey(\"Maker\", { onDelete: models.CASCADE });",
    ];
    const bad = insertAfter(current, "export class Product extends models.Model {", lines.join("\n"));
    await client.change(MODELS, bad.text);
    const diags = await client.waitForDiagnostics(MODELS, (d) => d.filter((x) => x.severity === 1).length === 5, "five errors");
    const errors = diags.filter((x) => x.severity === 1).map((x) => [x.code, x.range.start.line, x.source]);
    assert.deepEqual(errors, [
      ["missing-option", bad.line, "tsmigrate"],
      ["missing-option", bad.line + 1, "tsmigrate"],
      ["unknown-field-type", bad.line + 2, "tsmigrate"],
      ["unknown-option", bad.line + 3, "tsmigrate"],
      ["unknown-model", bad.line + 4, "tsmigrate"],
    ]);
    const byCode = (c: string): Diag => diags.find((x) => x.code === c)!;
    assert.match(byCode("missing-option").message, /CharField requires option maxLength/);
    assert.match(byCode("unknown-option").message, /unknown option colour for FloatField/);
    assert.match(byCode("unknown-model").message, /unknown model "Maker"/);
    assert.deepEqual(drift(diags), [], "no 'Add field code' and the like next to the errors");

    // With errors in the models, making a migration is refused (as Django's system checks refuse it).
    const withDrift = insertAfter(bad.text, "export class Product extends models.Model {", "  extra = models.IntegerField({ default: 1 });");
    await client.change(MODELS, withDrift.text);
    const d2 = await client.waitForDiagnostics(MODELS, (d) => drift(d).length === 1, "drift next to the errors");
    const actions = await client.request<(CodeAction & { disabled?: { reason: string } })[]>("textDocument/codeAction", {
      textDocument: { uri: client.uri(MODELS) }, range: drift(d2)[0]!.range, context: { diagnostics: drift(d2) },
    });
    const make = actions.find((a) => a.title === "Make migration for 'shop'");
    assert.ok(make?.disabled, JSON.stringify(actions));
    assert.match(make.disabled.reason, /^Fix these 5 errors first: shop\/models\.ts:\d+: CharField requires option maxLength/);
    assert.equal(make.edit, undefined);
    await assert.rejects(client.request("tsmigrate/makeMigrations", {}), (e: { code: number; message: string }) =>
      e.code === ErrorCodes.BadInput && /Fix these 5 errors first/.test(e.message));

    // A migration depending on one that does not exist.
    const migration = "shop/migrations/0001_initial.ts";
    const migText = readFileSync(path.join(dir, migration), "utf8");
    const broken = migText.replace("dependencies: []", 'dependencies: [["shop", "0099_nope"]]');
    await client.change(migration, broken);
    const md = await client.waitForDiagnostics(migration, (d) => d.some((x) => x.code === "missing-dependency"), "a missing-dependency diagnostic");
    const dep = md.find((x) => x.code === "missing-dependency")!;
    assert.equal(dep.range.start.line, positionOf(broken, '["shop", "0099_nope"]').line);
    assert.match(dep.message, /0099_nope/);
    await client.change(migration, migText);
    await client.change(MODELS, current);
    await client.waitForDiagnostics(migration, (d) => d.length === 0, "cleared");
  });

  test("a handler that throws is answered with a JSON-RPC error, logged, and the server stays up", async () => {
    await assert.rejects(client.request("textDocument/hover", { position: { line: 0, character: 0 } }),
      (e: { code: number }) => e.code === -32603);
    await assert.rejects(client.request("tsmigrate/sqlmigrate", {}), (e: { code: number }) => e.code === ErrorCodes.BadInput);
    await assert.rejects(client.request("tsmigrate/sqlmigrate", { app: "shop", name: "0999" }),
      (e: { code: number; message: string }) => e.code === ErrorCodes.BadInput && /Cannot find a migration matching '0999' from app 'shop'/.test(e.message));
    const logged = client.notifications.filter((n) => n.method === "window/logMessage").map((n) => (n.params as { message: string }).message);
    assert.ok(logged.some((m) => m.startsWith("[hover]")), logged.join("\n"));
    const text = readFileSync(path.join(dir, MODELS), "utf8");
    const cls = positionOf(text, "class Product", 8);
    assert.match((await client.hover(MODELS, cls.line, cls.character)) ?? "", /CREATE TABLE/);
    assert.equal(client.exited, undefined);
  });
});
