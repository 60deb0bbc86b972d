/**
 * A measuring tool, not a test: the timeline of one Ctrl+. on a fresh drift
 * squiggle in a real VS Code (code-server), for issue 13's "the quick fix is
 * there when the squiggle is". It opens a copy of test-fixtures/shop, waits
 * for tsmigrate's server (the status bar item), opens models.ts, types a
 * field, saves, and at the squiggle presses Ctrl+. once, printing every
 * change of the menu ("Make migration for 'shop'", or "No code actions
 * available") with the time since start. `--typescript-ready` first waits
 * 30 s after opening models.ts, so that VS Code's TypeScript extension has
 * started and loaded the project. LSP traces (every codeAction request to
 * tsmigrate's server, with its triggerKind and time) and tsserver's request
 * log land in the printed logs folder. What it showed is in
 * client/README.md ("Quick fix latency").
 *
 * Run after `npm run test:e2e` (setup and .vsix):
 *   node_modules/.bin/node --import tsx test/e2e/quickfix-timeline.ts [--typescript-ready]
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Page } from "playwright-core";
import { assertInstalled, installExtension, prepareDirs, startCodeServer } from "./codeserver";
import { goToLine, launchBrowser, openFile, openWorkbench, pointAt } from "./workbench";

const ROOT = resolve(__dirname, "../..");

/** Prints each change of the Ctrl+. menu (rows and message) for up to `ms`, until "Make migration" is listed. */
async function watchMenu(page: Page, log: (m: string) => void, ms: number): Promise<void> {
  let last = "";
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const rows = await page.locator(".action-widget .monaco-list-row").allTextContents().catch(() => []);
    const message = await page.locator(".monaco-editor-overlaymessage").allTextContents().catch(() => []);
    const now = JSON.stringify({ rows, message });
    if (now !== last) log(now);
    last = now;
    if (rows.some((t) => /Make migration/.test(t))) return;
    await page.waitForTimeout(100);
  }
  log(`no "Make migration" within ${ms / 1000} s`);
}

async function main(): Promise<void> {
  assertInstalled();
  const scratch = mkdtempSync(join(tmpdir(), "tsmigrate-timeline-"));
  const project = join(scratch, "shop");
  cpSync(join(ROOT, "test-fixtures/shop"), project, { recursive: true });
  const dirs = prepareDirs(scratch, {
    "typescript.validate.enable": false, "typescript.tsserver.trace": "verbose", "tsmigrate.trace.server": "verbose",
    "editor.autoClosingBrackets": "never", "editor.quickSuggestions": { other: false, comments: false, strings: false },
  });
  const out = join(ROOT, "out");
  const vsix = existsSync(out) ? readdirSync(out).find((f) => f.endsWith(".vsix")) : undefined;
  if (vsix === undefined) throw new Error("no .vsix in out/: run `npm run package` first");
  installExtension(dirs, join(out, vsix));
  const server = await startCodeServer(dirs, project, 60_000, ["--log", "trace"]);
  const browser = await launchBrowser(join(scratch, "chromium"));
  const t0 = Date.now();
  const log = (m: string): void => console.log(`${((Date.now() - t0) / 1000).toFixed(2)} s  ${m}`);
  try {
    const page = browser.pages()[0] ?? (await browser.newPage());
    await openWorkbench(page, `${server.url}/?folder=${encodeURIComponent(project)}`);
    await page.locator(".part.statusbar [aria-label^='tsmigrate:']").first().waitFor({ timeout: 90_000 });
    log("tsmigrate's status shown (its server has analysed the project)");
    await openFile(page, "shop/models.ts");
    log("models.ts open (VS Code's TypeScript extension starts now)");
    if (process.argv.includes("--typescript-ready")) await page.waitForTimeout(30_000);
    await goToLine(page, 6);
    await page.keyboard.press("Enter");
    await page.keyboard.insertText("weight = models.IntegerField({ null: true });");
    await page.keyboard.press("Control+S");
    await page.locator(".editor-instance .squiggly-warning").first().waitFor({ timeout: 60_000 });
    log("drift squiggle shown");
    const at = await pointAt(page, "weight");
    await page.mouse.click(at.x, at.y);
    await page.keyboard.press("Control+.");
    log("Ctrl+. pressed");
    await watchMenu(page, log, 30_000);
  } finally {
    await browser.close().catch(() => undefined);
    await server.stop();
    const logs = join(ROOT, "test-results", "quickfix-timeline");
    rmSync(logs, { recursive: true, force: true });
    cpSync(join(dirs.userData, "logs"), logs, { recursive: true });
    rmSync(scratch, { recursive: true, force: true });
    console.log(`logs (LSP trace in exthost*/tsmigrate.tsmigrate, tsserver's in vscode.typescript-language-features): ${logs}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
