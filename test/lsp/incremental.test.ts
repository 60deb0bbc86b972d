/**
 * What the language server reads again after an edit:
 * - an unsaved change to a shared constants file (`choices.ts`, imported by
 *   `models.ts`) makes it read the models again: the drift follows the
 *   buffer, and goes away when the buffer is back to the saved text;
 * - an edit to one class of a models file reads that class again and reuses
 *   every other one (`tsmigrate/serverStats`), from the class's text alone
 *   when the edit lies inside its body (a line added outside every class
 *   parses the whole file), and the diagnostics of a class that only moved
 *   follow it to its new lines.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import type { MakeMigrationsResult, ServerStatsResult } from "../../server/src/protocol";
import { type Diag, type LspClient, removeDir, startServer } from "./harness";

const CHOICES = `export const NAME_LENGTH = 40;
export const KINDS = [["a", "A"], ["b", "B"]] as const;
export enum Size {
  Small = "s",
  Large = "l",
}
`;

function models(n: number, chain = false): string {
  const classes = Array.from({ length: n }, (_, i) => `export class Item${i} extends models.Model {${chain && i > 0 ? `
  parent = models.ForeignKey(Item${i - 1}, { onDelete: models.CASCADE, null: true });` : ""}
  name = models.CharField({ maxLength: NAME_LENGTH });
  kind = models.CharField({ maxLength: 8, choices: KINDS, default: "a" });
  size = models.CharField({ maxLength: 1, choices: Size, default: Size.Small });
}
`);
  return `import { models } from "tsmigrate";\nimport { KINDS, NAME_LENGTH, Size } from "../common/choices";\n\n${classes.join("\n")}`;
}

/** A project with `shop/models.ts` (n models, each with a foreign key to the one before with `chain`) importing `common/choices.ts`, migrated. */
async function project(n: number, chain = false, env: Record<string, string> = {}): Promise<{ dir: string; client: LspClient }> {
  const dir = mkdtempSync(path.join(tmpdir(), "tsmigrate-lsp-imports-"));
  mkdirSync(path.join(dir, "shop"), { recursive: true });
  mkdirSync(path.join(dir, "common"), { recursive: true });
  writeFileSync(path.join(dir, "common/choices.ts"), CHOICES);
  writeFileSync(path.join(dir, "shop/models.ts"), models(n, chain));
  const { client } = await startServer({ root: dir, env, initializationOptions: { trusted: false } });
  const made = await client.request<MakeMigrationsResult>("tsmigrate/makeMigrations", {});
  mkdirSync(path.join(dir, "shop", "migrations"), { recursive: true });
  for (const f of made.files) writeFileSync(f.path, f.content);
  await client.watched(made.files.map((f) => ({ file: f.path, type: 1 as const })));
  return { dir, client };
}

const drift = (d: Diag[]): string[] => d.filter((x) => String(x.code).startsWith("drift-")).map((x) => x.message).sort();

test("an unsaved change to an imported constants file makes the server read the models that import it again", async () => {
  const { dir, client } = await project(3);
  try {
    await client.open("common/choices.ts", CHOICES);
    // Open, so that its (empty) diagnostics are published whether or not the server saw the drift before the
    // migrations were written (a file that never had any gets none published).
    await client.open("shop/models.ts", models(3));
    await client.waitForDiagnostics("shop/models.ts", (d) => drift(d).length === 0, "no drift once migrated");

    await client.change("common/choices.ts", CHOICES.replace("NAME_LENGTH = 40", "NAME_LENGTH = 60"));
    const d1 = await client.waitForDiagnostics("shop/models.ts", (d) => drift(d).length === 3, "AlterField for each model");
    assert.ok(drift(d1).every((m) => m.startsWith("Alter field name on item")), drift(d1).join("\n"));

    await client.change("common/choices.ts", CHOICES.replace(`["b", "B"]`, `["b", "B"], ["c", "C"]`).replace(`Large = "l"`, `Large = "l",\n  Huge = "h"`));
    const d2 = await client.waitForDiagnostics("shop/models.ts", (d) => drift(d).length === 6, "choices changes are AlterField too");
    assert.deepEqual(new Set(drift(d2).map((m) => m.split(" on ")[0])), new Set(["Alter field kind", "Alter field size"]));

    await client.change("common/choices.ts", CHOICES);
    await client.waitForDiagnostics("shop/models.ts", (d) => drift(d).length === 0, "no drift with the saved text again");
  } finally {
    await client.stop();
    removeDir(dir);
  }
});

test("an edit to one class reads that class again and reuses the others; moved classes keep their diagnostics in place", async () => {
  const { dir, client } = await project(40);
  try {
    const file = "shop/models.ts";
    let text = models(40);
    await client.open(file, text);
    await client.waitForDiagnostics(file, (d) => drift(d).length === 0, "migrated");
    // A field added to Item30 (drift), then a line added to Item2: Item30 moves down one line.
    text = text.replace("export class Item30 extends models.Model {\n", "export class Item30 extends models.Model {\n  extra = models.IntegerField({ null: true });\n");
    await client.change(file, text);
    const before = await client.waitForDiagnostics(file, (d) => drift(d).length === 1, "AddField extra");
    const s1 = await client.request<ServerStatsResult>("tsmigrate/serverStats", {});
    assert.deepEqual([s1.classesRead, s1.classesReused, s1.quickReads], [1, 39, 1], "read from the edited class alone");

    text = text.replace("export class Item2 extends models.Model {\n", "export class Item2 extends models.Model {\n  other = models.IntegerField({ null: true });\n");
    await client.change(file, text);
    const after = await client.waitForDiagnostics(file, (d) => drift(d).length === 2, "AddField other too");
    const s2 = await client.request<ServerStatsResult>("tsmigrate/serverStats", {});
    assert.deepEqual([s2.classesRead, s2.classesReused, s2.quickReads], [1, 39, 1]);

    const extraBefore = before.find((d) => d.message.includes("extra"))!;
    const extraAfter = after.find((d) => d.message.includes("extra"))!;
    assert.equal(extraAfter.range.start.line, extraBefore.range.start.line + 1, "the reused class's diagnostic moved with it");
    assert.equal(text.split("\n")[extraAfter.range.start.line]!.trim().startsWith("extra ="), true);
    // A line added outside every class: the whole file is parsed again, and every class is still reused.
    text = text.replace("export class Item5 extends models.Model {\n", "\nexport class Item5 extends models.Model {\n");
    await client.change(file, text);
    // A code action analyses first.
    await client.request("textDocument/codeAction", {
      textDocument: { uri: client.uri(file) }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [] },
    });
    const s3 = await client.request<ServerStatsResult>("tsmigrate/serverStats", {});
    assert.deepEqual([s3.classesRead, s3.classesReused, s3.quickReads], [0, 40, 0]);
  } finally {
    await client.stop();
    removeDir(dir);
  }
});

test("an edit to a model of a chain of foreign keys resolves that model and its target only, as a full resolution would", async () => {
  const { dir, client } = await project(30, true, { TSMIGRATE_LSP_VERIFY: "1" });
  try {
    const file = "shop/models.ts";
    let text = models(30, true);
    await client.open(file, text);
    await client.waitForDiagnostics(file, (d) => drift(d).length === 0, "migrated");
    // Item20 names Item19, which names Item18: Item20 and Item19 are resolved again, Item18 is read as a stub.
    text = text.replace("export class Item20 extends models.Model {\n", "export class Item20 extends models.Model {\n  extra = models.IntegerField({ null: true });\n");
    await client.change(file, text);
    await client.waitForDiagnostics(file, (d) => drift(d).length === 1, "AddField extra");
    const stats = await client.request<ServerStatsResult>("tsmigrate/serverStats", {});
    assert.equal(stats.modelsResolved, 2);
    // A relation to a model further down the chain with a misspelt option: the error, as a full resolution gives it.
    text = text.replace("  extra = models.IntegerField({ null: true });\n", "  extra = models.ForeignKey(Item5, { onDelete: models.CASCADE, nul: true });\n");
    await client.change(file, text);
    const d = await client.waitForDiagnostics(file, (x) => x.some((y) => y.message.includes("nul")), "the unknown option");
    assert.equal(d.filter((y) => y.severity === 1).length, 1, JSON.stringify(d));
    const mismatches = client.notifications.filter((n) => n.method === "window/logMessage")
      .map((n) => (n.params as { message: string }).message).filter((m) => m.startsWith("incremental mismatch"));
    assert.deepEqual(mismatches, []);
  } finally {
    await client.stop();
    removeDir(dir);
  }
});
