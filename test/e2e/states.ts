/**
 * End-to-end scenarios of issue 13's states, each in a code-server of its
 * own (run.ts calls {@link statesScenario} after its main flow, in the same
 * Chromium):
 *   A. an untrusted workspace (workspace trust on, the folder not trusted):
 *      migrations "unknown", the reason on the database row, the status bar
 *      `?` with the reason; the database commands of a migration's menu
 *      shown disabled; models that do not parse make the status show the
 *      error count, never the all-clear check;
 *   B. a project without the `tsmigrate` package (no node_modules; a
 *      package.json without it; TypeScript's validation on) whose database
 *      cannot be read (PostgreSQL on a closed port): the reason on the row
 *      and in the status; the offer to add the package to devDependencies
 *      (accepted: package.json gets it); no "Cannot find module 'tsmigrate'"
 *      in the Problems panel while TypeScript checks the models against the
 *      bundled declarations (a wrong option type is reported); the hover on
 *      a field shows its column and the SQL of its pending change; a
 *      TypeScript error in a migration file decorates its editor tab, not
 *      its row in the Migrations view.
 * Screenshots go to test-results/e2e/ (states-*.png).
 */
import assert from "node:assert/strict";
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { installExtension, prepareDirs, startCodeServer, TYPING_SETTINGS } from "./codeserver";
import { goToLine, hoverWord, openFile, openMigrationsView, openWorkbench, row, until, waitForRow } from "./workbench";

const ROOT = resolve(__dirname, "../..");

/** run.ts's step runner: runs and records one named check, rethrowing its error. */
export type Step = (page: Page, name: string, body: () => Promise<void>) => Promise<void>;

/** What run.ts hands the scenarios. */
export interface ScenarioContext {
  readonly vsix: string;
  /** A scratch folder for the scenarios' projects and code-server folders. */
  readonly scratch: string;
  /** test-results/e2e. */
  readonly results: string;
  readonly browser: BrowserContext;
  readonly step: Step;
}

/** The tsmigrate status bar item's accessible label (its tooltip). */
async function statusLabel(page: Page): Promise<string> {
  return (await page.locator(".part.statusbar [aria-label^='tsmigrate:']").first().getAttribute("aria-label")) ?? "";
}

/** Waits until the tsmigrate status bar item's label matches `pattern`; returns the label. */
function waitForStatus(page: Page, pattern: RegExp, timeoutMs = 60_000): Promise<string> {
  return until(`the status bar matching ${pattern}`, async () => {
    const label = await statusLabel(page);
    return pattern.test(label) ? label : undefined;
  }, timeoutMs);
}

/**
 * Starts a code-server on a copy of test-fixtures/shop (made by `prepare`)
 * and opens it in a new page; runs `body`; stops the server.
 */
async function withCodeServer(
  ctx: ScenarioContext, name: string, settings: Record<string, unknown>, trust: boolean,
  prepare: (project: string) => void, body: (page: Page, project: string) => Promise<void>,
): Promise<void> {
  const base = join(ctx.scratch, name);
  const project = join(base, "shop");
  cpSync(join(ROOT, "test-fixtures", "shop"), project, { recursive: true, filter: (src) => !/\.sqlite3(-\w+)?$/.test(src) && !src.includes("node_modules") });
  prepare(project);
  const dirs = prepareDirs(base, { ...TYPING_SETTINGS, ...settings });
  installExtension(dirs, ctx.vsix);
  const server = await startCodeServer(dirs, project, 60_000, [], { workspaceTrust: trust });
  const page = await ctx.browser.newPage();
  try {
    await openWorkbench(page, `${server.url}/?folder=${encodeURIComponent(project)}`);
    await body(page, project);
  } finally {
    await page.close().catch(() => undefined);
    await server.stop();
    const logs = join(ctx.results, "logs", name);
    mkdirSync(logs, { recursive: true });
    cpSync(dirs.log, join(logs, "code-server.log"));
  }
}

/** Scenario A: an untrusted workspace. */
async function untrusted(ctx: ScenarioContext): Promise<void> {
  const settings = {
    "security.workspace.trust.enabled": true,
    "security.workspace.trust.startupPrompt": "never",
    "security.workspace.trust.banner": "never",
    "typescript.validate.enable": false,
  };
  await withCodeServer(ctx, "untrusted", settings, true, () => undefined, async (page) => {
    await ctx.step(page, "untrusted: migrations unknown, the reason on the database row, the status `?` with the reason", async () => {
      await openMigrationsView(page);
      await waitForRow(page, "Database 'default' not read", /workspace not trusted: trust it to apply migrations/, 90_000);
      await waitForRow(page, "0001_initial", /unknown/);
      const label = await waitForStatus(page, /migrations unknown: workspace not trusted/);
      assert.doesNotMatch(label, /pending migration/, "nothing called pending");
      const text = (await page.locator(".part.statusbar [aria-label^='tsmigrate:']").first().textContent()) ?? "";
      assert.match(text, /\?/, `the status text shows "?": ${text}`);
      await page.locator(".part.sidebar").screenshot({ path: join(ctx.results, "states-untrusted-view.png") });
      await page.locator(".part.statusbar").screenshot({ path: join(ctx.results, "states-untrusted-status.png") });
    });

    await ctx.step(page, "untrusted: a migration's database commands are shown disabled, its SQL enabled", async () => {
      await row(page, "0001_initial").click({ button: "right" });
      const menu = page.locator(".monaco-menu");
      const entry = (label: string) => menu.locator(".action-item", { hasText: label }).first();
      await entry("Apply Up to Here").waitFor({ timeout: 15_000 });
      for (const label of ["Apply Up to Here", "Fake Apply Up to Here"]) {
        const disabled = await entry(label).evaluate((e) => e.classList.contains("disabled") || e.querySelector(".action-label.disabled, .action-menu-item.disabled") !== null);
        assert.ok(disabled, `${label} is shown disabled`);
      }
      const sqlDisabled = await entry("Show SQL").evaluate((e) => e.classList.contains("disabled"));
      assert.equal(sqlDisabled, false, "Show SQL stays enabled (no database needed)");
      await page.screenshot({ path: join(ctx.results, "states-untrusted-menu.png") });
      await page.keyboard.press("Escape");
    });

    await ctx.step(page, "models that do not parse: the status shows the error count, never the all-clear check", async () => {
      await openFile(page, "shop/models.ts");
      await goToLine(page, 4);
      await page.keyboard.press("Enter");
      await page.keyboard.insertText("  weight = models.FloatField({ null: ");
      const label = await waitForStatus(page, /1 error in the models or migrations/);
      assert.doesNotMatch(label, /all migrations applied/);
      await page.locator(".part.statusbar").screenshot({ path: join(ctx.results, "states-errors-status.png") });
    });
  });
}

/** Scenario B's project: PostgreSQL on a closed port, a package.json without tsmigrate, no node_modules. */
function withoutPackage(project: string): void {
  writeFileSync(join(project, "tsmigrate.config.json"), JSON.stringify({
    apps: ["shop"], databases: { default: { engine: "postgresql", url: "postgres://tsmigrate@127.0.0.1:1/shop" } },
  }, null, 2));
  writeFileSync(join(project, "package.json"), `${JSON.stringify({ name: "shop", private: true, devDependencies: { typescript: "^5.9.0" } }, null, 2)}\n`);
  writeFileSync(join(project, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true, module: "NodeNext", moduleResolution: "NodeNext", noEmit: true } }, null, 2));
}

/** The Problems panel's text (opens it unless shown: its key binding toggles it when focused). */
async function problems(page: Page): Promise<string> {
  const panel = page.locator(".part.panel .markers-panel");
  if (!(await panel.isVisible())) await page.keyboard.press("Control+Shift+M");
  await panel.waitFor({ timeout: 15_000 });
  return ((await panel.textContent()) ?? "").replace(/\s+/g, " ");
}

/** Scenario B: no tsmigrate package, a database that cannot be read. */
async function noPackage(ctx: ScenarioContext): Promise<void> {
  await withCodeServer(ctx, "no-package", {}, false, withoutPackage, async (page, project) => {
    await ctx.step(page, "a database that cannot be read: migrations unknown, the reason on the row and in the status", async () => {
      await openMigrationsView(page);
      await waitForRow(page, "Database 'default' not read", /ECONNREFUSED|connect/i, 90_000);
      await waitForRow(page, "0001_initial", /unknown/);
      await waitForStatus(page, /migrations unknown: .*(ECONNREFUSED|connect)/i);
      await page.locator(".part.sidebar").screenshot({ path: join(ctx.results, "states-db-error-view.png") });
    });

    await ctx.step(page, "the offer to add tsmigrate to devDependencies adds it to package.json", async () => {
      const toast = page.locator(".notification-toast", { hasText: /imports "tsmigrate", which package\.json does not list/ }).first();
      await toast.waitFor({ timeout: 60_000 });
      await page.screenshot({ path: join(ctx.results, "states-offer.png") });
      await toast.locator(".monaco-button", { hasText: "Add to devDependencies" }).first().click();
      const pkg = await until("tsmigrate in package.json's devDependencies", async () => {
        const json = JSON.parse(readFileSync(join(project, "package.json"), "utf8")) as { devDependencies?: Record<string, string> };
        return json.devDependencies?.tsmigrate !== undefined ? json : undefined;
      }, 30_000);
      assert.equal(pkg.devDependencies?.typescript, "^5.9.0", "the other dependencies kept");
      assert.match(pkg.devDependencies!.tsmigrate!, /^\^\d+\.\d+\.\d+/);
    });

    await ctx.step(page, "hover on a field: its column for the database and the SQL of its pending change", async () => {
      await openFile(page, "shop/models.ts");
      const text = await hoverWord(page, "stock", /ADD COLUMN/, "stock = models", 90_000);
      assert.match(text, /Product\.stock/);
      assert.match(text, /"stock" integer DEFAULT 0 NOT NULL/, text);
      assert.match(text, /Add field stock to product/, text);
      await page.screenshot({ path: join(ctx.results, "states-field-hover.png") });
      await page.mouse.move(1, 1);
    });

    await ctx.step(page, "without the package: no \"Cannot find module 'tsmigrate'\"; TypeScript checks the models against the bundled types", async () => {
      const models = readFileSync(join(project, "shop", "models.ts"), "utf8");
      const line = models.split("\n").findIndex((l) => l.includes("decimalPlaces: 2"));
      assert.ok(line >= 0, "the price field's line");
      await goToLine(page, line + 1);
      await page.keyboard.press("Home");
      await page.keyboard.press("Shift+End");
      await page.keyboard.insertText(models.split("\n")[line]!.replace("decimalPlaces: 2", 'decimalPlaces: "two"'));
      await openFile(page, "shop/migrations/0001_initial.ts");
      // TypeScript reports the wrong option type (its types came from somewhere) and no missing module.
      const text = await until("TypeScript's error in the Problems panel", async () => {
        const t = await problems(page);
        return /Type 'string' is not assignable to type 'number'/.test(t) ? t : undefined;
      }, 120_000);
      assert.doesNotMatch(text, /Cannot find module/, text);
      await page.screenshot({ path: join(ctx.results, "states-no-package-problems.png") });
    });

    await ctx.step(page, "TypeScript's error in a migration file does not paint its tree row", async () => {
      // An unused @ts-expect-error is TypeScript's error alone (tsmigrate reads no comments).
      // On the blank line 2, a new line then the comment (Enter inside a comment would continue it).
      await goToLine(page, 2);
      await page.keyboard.press("Enter");
      await page.keyboard.insertText("// @ts-expect-error");
      await until("TypeScript's error on the migration", async () => /Unused '@ts-expect-error' directive/.test(await problems(page)), 60_000);
      // The editor tab of the file is decorated with its problems (the selector finds decorations) ...
      const decorated = (selector: string) => page.locator(selector).first().evaluate((e) => e.querySelector("[class*='monaco-decoration-']") !== null || /monaco-decoration-/.test(e.className));
      await until("the tab decorated with the error", () => decorated(".tabs-container .tab:has-text('0001_initial.ts')"), 30_000);
      // ... the Migrations view's row of the same file is not: it has no resourceUri.
      await openMigrationsView(page);
      await waitForRow(page, "0001_initial", /unknown/);
      assert.equal(await decorated(".part.sidebar .monaco-list-row:has-text('0001_initial')"), false, "the row carries no problem decoration");
      await page.screenshot({ path: join(ctx.results, "states-row-not-red.png") });
    });
  });
}

/** Runs scenarios A and B (see the file's comment). */
export async function statesScenario(ctx: ScenarioContext): Promise<void> {
  await untrusted(ctx);
  await noPackage(ctx);
}
