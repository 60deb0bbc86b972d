/**
 * Playwright helpers for VS Code's web workbench (code-server), by the
 * workbench's own CSS classes (see /work/shared/notes/vscode-e2e.md):
 * the Migrations view's rows, context menus, modal dialogs, the command
 * palette, editors and hovers.
 */
import { chromium, type BrowserContext, type Locator, type Page } from "playwright-core";

/** Chromium flags that keep Debian's Chromium quiet and offline. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Launches headless Chromium with a fresh profile in `profileDir`. */
export async function launchBrowser(profileDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 900 },
  });
}

/** Polls `check` every 250 ms until it returns a value other than undefined/false; throws `what` after `timeoutMs`. */
export async function until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last !== undefined ? ` (last error: ${String(last)})` : ""}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Opens `url` and waits for the workbench to be ready. */
export async function openWorkbench(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.locator(".monaco-workbench").waitFor({ timeout: 60_000 });
  await page.locator(".part.activitybar").waitFor({ timeout: 60_000 });
}

/** Shows the Migrations view (clicks its activity-bar icon unless the side bar already shows it). */
export async function openMigrationsView(page: Page): Promise<Locator> {
  const sidebar = page.locator(".part.sidebar");
  const title = sidebar.locator(".composite.title");
  if (!((await title.textContent().catch(() => "")) ?? "").toUpperCase().includes("MIGRATIONS")) {
    await page.locator('.part.activitybar [aria-label^="Migrations"]').first().click({ timeout: 60_000 });
  }
  await until("the Migrations view", async () => ((await title.textContent()) ?? "").toUpperCase().includes("MIGRATIONS"));
  return sidebar;
}

/** One row of the Migrations view as text and codicon. */
export interface RowInfo {
  text: string;
  icon: string | undefined;
}

/** The Migrations view's rows: text (label + description) and the first codicon id. */
export async function rows(page: Page): Promise<RowInfo[]> {
  return page.locator(".part.sidebar .monaco-list-row").evaluateAll((elements) =>
    elements.map((e) => {
      const icon = [...e.querySelectorAll("[class*='codicon-']")]
        .flatMap((i) => [...i.classList])
        .find((c) => c.startsWith("codicon-") && c !== "codicon-tree-item-expanded" && !c.startsWith("codicon-chevron"));
      return { text: (e.textContent ?? "").replace(/\s+/g, " ").trim(), icon: icon?.slice("codicon-".length) };
    }),
  );
}

/** The row whose text starts with `label`. */
export function row(page: Page, label: string): Locator {
  return page.locator(".part.sidebar .monaco-list-row", { hasText: label }).first();
}

/** Waits until the row starting with `label` has text matching `pattern`; returns it. */
export async function waitForRow(page: Page, label: string, pattern: RegExp, timeoutMs = 60_000): Promise<RowInfo> {
  return until(`row ${label} matching ${pattern}`, async () => (await rows(page)).find((r) => r.text.startsWith(label) && pattern.test(r.text)), timeoutMs);
}

/** Right-clicks `target` and picks `item` in its context menu. */
export async function contextMenu(page: Page, target: Locator, item: string): Promise<void> {
  await target.click({ button: "right" });
  const menu = page.locator(".monaco-menu");
  const entry = menu.locator(".action-item", { hasText: item }).first();
  await entry.waitFor({ timeout: 15_000 });
  // The menu ignores a click that lands while it is still being laid out: hover first (which
  // also focuses the entry), click, and fall back to Enter on the focused entry.
  await entry.hover();
  await page.waitForTimeout(150);
  await entry.click();
  if (!(await menu.first().waitFor({ state: "detached", timeout: 2_000 }).then(() => true, () => false))) {
    await entry.hover();
    await page.keyboard.press("Enter");
    await menu.first().waitFor({ state: "detached", timeout: 5_000 });
  }
}

/** Waits for the modal dialog, returns its text, and clicks the button labelled `button`; screenshots it first to `screenshot` when given. */
export async function answerDialog(page: Page, button: string, screenshot?: string): Promise<string> {
  const dialog = page.locator(".monaco-dialog-box");
  await dialog.waitFor({ timeout: 30_000 });
  const text = ((await dialog.textContent()) ?? "").replace(/\s+/g, " ");
  if (screenshot !== undefined) await page.screenshot({ path: screenshot });
  await dialog.locator(".monaco-button", { hasText: button }).first().click();
  await dialog.waitFor({ state: "detached", timeout: 15_000 });
  return text;
}

/** Runs a command by its palette title ("tsmigrate: Refresh Migrations"). */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ timeout: 15_000 });
  await input.fill(`>${title}`);
  const pick = page.locator(".quick-input-widget .monaco-list-row", { hasText: title }).first();
  await pick.waitFor({ timeout: 15_000 });
  await page.keyboard.press("Enter");
}

/** Opens a workspace file through Quick Open by its relative path. */
export async function openFile(page: Page, relativePath: string): Promise<void> {
  await page.keyboard.press("Control+P");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ timeout: 15_000 });
  await input.fill(relativePath);
  const name = relativePath.split("/").pop()!;
  await page.locator(".quick-input-widget .monaco-list-row", { hasText: name }).first().waitFor({ timeout: 30_000 });
  await page.keyboard.press("Enter");
  await page.locator(`.tabs-container .tab.active`, { hasText: name }).waitFor({ timeout: 30_000 });
  await page.locator(".editor-instance .monaco-editor .view-lines").first().waitFor({ timeout: 30_000 });
}

/** Moves the cursor of the active editor to `line` (1-based), end of line. */
export async function goToLine(page: Page, line: number): Promise<void> {
  await page.locator(".editor-instance .monaco-editor .view-lines").first().click();
  await page.keyboard.press("Control+G");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ timeout: 15_000 });
  await input.fill(`:${line}`);
  await page.keyboard.press("Enter");
  await page.locator(".quick-input-widget").waitFor({ state: "hidden", timeout: 15_000 });
  await page.keyboard.press("End");
}

/**
 * The on-screen box of the first occurrence of `word` in the active editor's
 * visible lines (only lines whose text includes `onLine`, when given), or undefined.
 */
export async function wordBox(page: Page, word: string, onLine = ""): Promise<{ x: number; y: number; width: number; height: number } | undefined> {
  return page.evaluate(([w, only]) => {
    const editors = [...document.querySelectorAll(".editor-instance .monaco-editor")].filter((e) => (e as HTMLElement).offsetParent !== null);
    for (const editor of editors) {
      for (const line of editor.querySelectorAll(".view-line")) {
        if (!(line.textContent ?? "").replace(/\u00a0/g, " ").includes(only!)) continue;
        const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
          const text = (node.textContent ?? "").replace(/\u00a0/g, " ");
          const at = text.search(new RegExp(`\\b${w}\\b`));
          if (at < 0) continue;
          const range = document.createRange();
          range.setStart(node, at);
          range.setEnd(node, at + w.length);
          const r = range.getBoundingClientRect();
          return { x: r.x, y: r.y, width: r.width, height: r.height };
        }
      }
    }
    return undefined;
  }, [word, onLine] as const);
}

/** Moves the mouse onto `word` (on a line holding `onLine`) in the active editor; throws when it is not visible. */
export async function pointAt(page: Page, word: string, onLine = ""): Promise<{ x: number; y: number }> {
  const box = await until(`"${word}" in the editor`, () => wordBox(page, word, onLine), 15_000);
  const point = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  await page.mouse.move(point.x - 2, point.y);
  await page.mouse.move(point.x, point.y);
  return point;
}

/** Hovers `word` (on a line holding `onLine`) in the active editor until a hover widget's text matches `pattern`; returns that text. */
export async function hoverWord(page: Page, word: string, pattern: RegExp, onLine = "", timeoutMs = 30_000): Promise<string> {
  return until(
    `a hover over "${word}" matching ${pattern}`,
    async () => {
      await page.mouse.move(1, 1);
      await pointAt(page, word, onLine);
      const hover = page.locator(".monaco-hover:visible");
      await hover.first().waitFor({ timeout: 4_000 }).catch(() => undefined);
      await page.waitForTimeout(500); // a hover fills in as its providers answer
      const texts = await hover.allTextContents();
      return texts.map((t) => t.replace(/\s+/g, " ")).find((t) => pattern.test(t));
    },
    timeoutMs,
  );
}
