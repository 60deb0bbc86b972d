/**
 * End-to-end steps of makemigrations' questions asked in the editor (issue
 * 13), run by test/e2e/run.ts on its project (test-fixtures/shop, with the
 * earlier steps' migrations):
 *   1. quick fix latency: a NOT NULL field without a default is typed and
 *      saved; from the moment its drift squiggle shows, one Ctrl+. lists
 *      "Make migration" (the time is printed; it must be under 3 s);
 *   2. the one-off default: the action is enabled; running it opens an input
 *      box in the terminal's words; a value that is not a TypeScript literal
 *      is refused with the reason and asked again; a literal writes the
 *      migration with that default (`preserveDefault: false`);
 *   3. the rename: renaming the field and running the quick fix shows a quick
 *      pick "Rename height → tallness (keeps the data)" / "Remove height and
 *      add tallness (data in height is lost)"; picking the rename writes a
 *      RenameField.
 * Screenshots go to test-results/e2e/ (question-*.png).
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Locator, Page } from "playwright-core";
import { goToLine, openFile, pointAt, until } from "./workbench";

/** What run.ts hands over: its page, project, results folder and step runner. */
export interface ScenarioContext {
  page: Page;
  /** The project folder code-server has open. */
  project: string;
  /** test-results/e2e. */
  results: string;
  step(page: Page, name: string, body: () => Promise<void>): Promise<void>;
}

/** The generous bound on "offered at once": from the squiggle to the action listed. */
const QUICK_FIX_BOUND_MS = 3_000;

const MODELS = "shop/models.ts";

/** The app's migration files. */
function migrationFiles(project: string): string[] {
  return readdirSync(join(project, "shop", "migrations")).filter((f) => /^\d{4}_\w+\.ts$/.test(f));
}

/** Shows models.ts: its tab when it has one (the earlier steps opened it), else through Quick Open. */
async function showModels(page: Page): Promise<void> {
  const tab = page.locator(".tabs-container .tab", { hasText: "models.ts" }).first();
  if ((await tab.count()) === 0) return openFile(page, MODELS);
  await tab.click();
  await page.locator(".tabs-container .tab.active", { hasText: "models.ts" }).waitFor({ timeout: 15_000 });
  await page.locator(".editor-instance .monaco-editor .view-lines").first().waitFor({ timeout: 15_000 });
}

/** The 1-based line of models.ts holding `needle`. */
function lineOf(project: string, needle: string): number {
  const i = readFileSync(join(project, MODELS), "utf8").split("\n").findIndex((l) => l.includes(needle));
  assert.ok(i >= 0, `${needle} in models.ts`);
  return i + 1;
}

/** Replaces the editor's line `line` (1-based) with `text`, saves, and waits for the file on disk. */
async function replaceLine(ctx: ScenarioContext, line: number, text: string, insertAfter = false): Promise<void> {
  const { page } = ctx;
  await goToLine(page, line);
  if (insertAfter) await page.keyboard.press("Enter");
  else {
    await page.keyboard.press("Home");
    await page.keyboard.press("Shift+End");
  }
  await page.keyboard.insertText(text);
  await page.keyboard.press("Control+S");
  await until(`models.ts saved with ${text}`, async () => readFileSync(join(ctx.project, MODELS), "utf8").includes(text), 15_000);
}

/** The Ctrl+. menu's "Make migration" entry. */
function makeMigrationEntry(page: Page): Locator {
  return page.locator(".action-widget .monaco-list-row", { hasText: /Make migration/i }).first();
}

/**
 * Presses Ctrl+. on `word` until the menu lists "Make migration"; returns the
 * milliseconds from `since` and how many tries it took (each a fresh Ctrl+.;
 * the menu's "No code actions available" is recorded in `empty`).
 */
async function openQuickFix(page: Page, word: string, since: number): Promise<{ ms: number; tries: number; empty: number }> {
  let tries = 0;
  let empty = 0;
  const entry = makeMigrationEntry(page);
  await until("Make migration in the Ctrl+. menu", async () => {
    tries++;
    await page.keyboard.press("Escape");
    const at = await pointAt(page, word);
    await page.mouse.click(at.x, at.y);
    await page.keyboard.press("Control+.");
    const shown = await entry.waitFor({ timeout: 5_000 }).then(() => true, () => false);
    if (!shown && (await page.locator(".monaco-editor-overlaymessage", { hasText: "No code actions" }).count()) > 0) empty++;
    return shown;
  }, 60_000);
  return { ms: Date.now() - since, tries, empty };
}

/** Runs the focused menu entry (the menu's pointer block swallows clicks: hover focuses, Enter runs). */
async function runEntry(page: Page, entry: Locator): Promise<void> {
  const box = (await entry.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.keyboard.press("Enter");
}

/** The visible quick input (quick pick or input box). */
function quickInput(page: Page): Locator {
  return page.locator(".quick-input-widget:visible");
}

/** Waits for a new migration file (not in `before`) whose content matches `pattern`; returns its name and text. */
async function newMigration(ctx: ScenarioContext, before: readonly string[], pattern: RegExp): Promise<{ name: string; text: string }> {
  const name = await until("a new migration file", async () => migrationFiles(ctx.project).find((f) => !before.includes(f)), 30_000);
  await ctx.page.locator(".tabs-container .tab.active", { hasText: name }).waitFor({ timeout: 30_000 });
  await ctx.page.locator(".notification-toast", { hasText: `Created ${name}` }).first().waitFor({ timeout: 30_000 });
  const text = await until(`${name} on disk matching ${pattern}`, async () => {
    const t = readFileSync(join(ctx.project, "shop", "migrations", name), "utf8");
    return pattern.test(t) ? t : undefined;
  }, 30_000);
  return { name, text };
}

/** Runs the question steps (see the module doc). */
export async function questionSteps(ctx: ScenarioContext): Promise<void> {
  const { page, results } = ctx;
  let before: string[] = [];

  await ctx.step(page, `a fresh drift squiggle's Ctrl+. lists "Make migration" within ${QUICK_FIX_BOUND_MS / 1000} s`, async () => {
    await showModels(page);
    before = migrationFiles(ctx.project);
    await replaceLine(ctx, lineOf(ctx.project, "stock = "), "height = models.IntegerField();", true);
    const squiggle = page.locator(".editor-instance .squiggly-warning").first();
    await squiggle.waitFor({ timeout: 60_000 });
    const shownAt = Date.now();
    const { ms, tries, empty } = await openQuickFix(page, "height", shownAt);
    console.log(`(quick fix listed ${ms} ms after the squiggle showed; ${tries} Ctrl+.${empty ? `, ${empty} "No code actions available"` : ""}) `);
    await page.screenshot({ path: join(results, "question-quick-fix.png") });
    assert.ok(ms < QUICK_FIX_BOUND_MS && tries === 1, `the quick fix took ${ms} ms and ${tries} Ctrl+. (bound ${QUICK_FIX_BOUND_MS} ms, one try)`);
  });

  await ctx.step(page, "Make migration asks for a one-off default in an input box, refuses a non-literal with the reason, writes the literal", async () => {
    await runEntry(page, makeMigrationEntry(page));
    const box = quickInput(page);
    await box.locator(".quick-input-title", { hasText: "Make migrations: product.height" }).waitFor({ timeout: 30_000 });
    assert.match((await box.textContent()) ?? "", /non-nullable field 'height' to product without a default/);
    await page.keyboard.insertText("zero");
    await page.screenshot({ path: join(results, "question-default.png") });
    await page.keyboard.press("Enter");
    await box.locator(".quick-input-message", { hasText: /Invalid input/ }).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(results, "question-default-invalid.png") });
    await page.keyboard.press("Control+A");
    await page.keyboard.insertText("5");
    await page.keyboard.press("Enter");
    const { name, text } = await newMigration(ctx, before, /AddField/);
    assert.match(text, /name: "height",\s+field: models\.IntegerField\(\{ default: 5 \}\),\s+preserveDefault: false/, `${name}:\n${text}`);
    await page.screenshot({ path: join(results, "question-default-written.png") });
  });

  await ctx.step(page, "a renamed field's Make migration asks rename or remove + add in a quick pick; the rename writes RenameField", async () => {
    await showModels(page);
    before = migrationFiles(ctx.project);
    await replaceLine(ctx, lineOf(ctx.project, "height = "), "tallness = models.IntegerField();");
    await page.locator(".editor-instance .squiggly-warning").first().waitFor({ timeout: 60_000 });
    await openQuickFix(page, "tallness", Date.now());
    await runEntry(page, makeMigrationEntry(page));
    const pick = quickInput(page);
    const rename = pick.locator(".monaco-list-row", { hasText: "Rename height → tallness (keeps the data)" });
    await rename.waitFor({ timeout: 30_000 });
    await pick.locator(".monaco-list-row", { hasText: "Remove height and add tallness (data in height is lost)" }).waitFor({ timeout: 5_000 });
    await page.screenshot({ path: join(results, "question-rename.png") });
    await rename.click();
    const { name, text } = await newMigration(ctx, before, /RenameField/);
    assert.match(text, /migrations\.RenameField\(\{ modelName: "product", oldName: "height", newName: "tallness" \}\)/, `${name}:\n${text}`);
  });
}
