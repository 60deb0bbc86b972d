/**
 * The end-to-end test of the VS Code extension, in a real VS Code:
 * code-server (test/e2e/setup.sh installs it) driven by Playwright in
 * Debian's Chromium. It installs the built .vsix, opens a copy of
 * test-fixtures/shop (0001_initial, models one step ahead: see
 * test-fixtures/README.md) and checks, as a user would see it:
 *   1. the Migrations view lists the app's migrations as pending, says the
 *      database is not created yet, and the status bar counts them;
 *   2. "Apply Up to Here" makes them applied, and the SQLite file has the tables;
 *   3. adding a field in models.ts shows a drift squiggle;
 *   4. its quick fix (offered at the first Ctrl+. once the squiggle shows;
 *      the time is printed) creates the migration file, opens it, shows the
 *      same "Created ..." notification as the view's button, its CodeLenses
 *      say "pending" / "Apply up to here" / "Show SQL", and the view shows it
 *      pending;
 *   5. applying it adds the column;
 *   6. "Roll Back to Here" on 0001 asks (naming the column that is lost) and
 *      makes the later migration pending again;
 *   7. hovering an operation in a migration file shows its SQL;
 *   8. "Show Backwards SQL" opens a read-only SQL document;
 *   9. makemigrations' questions in the editor, and the quick fix's latency (questions.ts);
 *  10. a server that cannot start shows the welcome view with a log button.
 * Screenshots of the view, the dialog, the drift and the hover go to
 * test-results/e2e/, with the logs (CI keeps that folder as its artifacts:
 * see .ci/run). Exit code 0 when every check passed.
 * Then test/e2e/states.ts's scenarios run, each in a code-server of its own:
 * an untrusted workspace, models that do not parse, a database that cannot
 * be read, a project without the tsmigrate package, the hover on a field.
 *
 * Run: npm run test:e2e (setup, package, grammar check, this), or after those:
 *      node_modules/.bin/node --import tsx test/e2e/run.ts [--vsix file] [--fixture dir] [--keep] [--debug-trace]
 */
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import Database from "better-sqlite3";
import type { Page } from "playwright-core";
import { assertInstalled, installExtension, prepareDirs, startCodeServer, TYPING_SETTINGS, type CodeServer, type CodeServerDirs } from "./codeserver";
import { statesScenario } from "./states";
import {
  answerDialog, contextMenu, goToLine, hoverWord, launchBrowser, pointAt, openFile, openMigrationsView, openWorkbench, row, rows, until, waitForRow,
} from "./workbench";
import { questionSteps } from "./questions";

const ROOT = resolve(__dirname, "../..");
const RESULTS = join(ROOT, "test-results", "e2e");
/** The project the test opens a copy of (`--fixture <dir>` to use another with the same shape). */
const FIXTURE = (() => {
  const i = process.argv.indexOf("--fixture");
  return i >= 0 ? resolve(process.argv[i + 1]!) : join(ROOT, "test-fixtures", "shop");
})();

/** The newest out/*.vsix, or the one given with --vsix. */
function findVsix(argv: string[]): string {
  const i = argv.indexOf("--vsix");
  if (i >= 0) return resolve(argv[i + 1]!);
  const dir = join(ROOT, "out");
  const found = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".vsix")).map((f) => join(dir, f)) : [];
  if (found.length === 0) throw new Error("no .vsix in out/: run `npm run package` first");
  return found.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0]!;
}

/** Copies the fixture into `dest` without a database; returns the app's migration names, sorted (at least 0001). */
function prepareProject(dest: string): string[] {
  cpSync(FIXTURE, dest, { recursive: true, filter: (src) => !/\.sqlite3(-\w+)?$/.test(src) && !src.includes("node_modules") });
  const dir = join(dest, "shop", "migrations");
  const names = existsSync(dir) ? readdirSync(dir).filter((f) => /^\d{4}_\w+\.ts$/.test(f)).map((f) => f.replace(/\.ts$/, "")).sort() : [];
  if (names.length < 1) throw new Error(`${relative(ROOT, FIXTURE)}/shop/migrations holds no migration (this test needs 0001_initial)`);
  return names;
}

/** Tables of the SQLite database `file` (none when it does not exist). */
function tables(file: string): string[] {
  if (!existsSync(file)) return [];
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
  } finally {
    db.close();
  }
}

/** Column names of `table` in the SQLite database `file`. */
function columns(file: string, table: string): string[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare(`PRAGMA table_info("${table}")`).all() as { name: string }[]).map((r) => r.name);
  } finally {
    db.close();
  }
}

/** Rows of tsmigrate_migrations (app.name), or [] when the table does not exist. */
function appliedRecords(file: string): string[] {
  if (!tables(file).includes("tsmigrate_migrations")) return [];
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare("SELECT app, name FROM tsmigrate_migrations ORDER BY app, name").all() as { app: string; name: string }[]).map((r) => `${r.app}.${r.name}`);
  } finally {
    db.close();
  }
}

/** Copies code-server's and the extension host's logs into test-results. */
function collectLogs(dirs: CodeServerDirs): void {
  const logs = join(RESULTS, "logs");
  mkdirSync(logs, { recursive: true });
  if (existsSync(dirs.log)) cpSync(dirs.log, join(logs, "code-server.log"));
  const walk = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".log")) cpSync(full, join(logs, relative(join(dirs.userData, "logs"), full).replace(/[\\/]/g, "__")));
    }
  };
  walk(join(dirs.userData, "logs"));
}

const steps: { name: string; ok: boolean; ms: number; error?: string }[] = [];

/** Runs one named check; records it; rethrows its error (later checks depend on earlier ones). */
async function step(page: Page, name: string, body: () => Promise<void>): Promise<void> {
  const started = Date.now();
  process.stdout.write(`- ${name} ... `);
  try {
    await body();
    steps.push({ name, ok: true, ms: Date.now() - started });
    console.log(`ok (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } catch (error) {
    steps.push({ name, ok: false, ms: Date.now() - started, error: String(error) });
    console.log("FAILED");
    await page.screenshot({ path: join(RESULTS, "failure.png") }).catch(() => undefined);
    console.log(`  rows: ${JSON.stringify(await rows(page).catch(() => []))}`);
    throw error;
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  assertInstalled();
  const vsix = findVsix(argv);
  rmSync(RESULTS, { recursive: true, force: true });
  mkdirSync(RESULTS, { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), "tsmigrate-e2e-"));
  const project = join(scratch, "shop");
  const migrations = prepareProject(project);
  const first = migrations[0]!;
  const last = migrations.at(-1)!;
  const dbFile = join(project, "db.sqlite3");
  console.log(`vsix: ${relative(ROOT, vsix)}\nproject: ${project} (migrations: ${migrations.join(", ")})`);

  const dirs = prepareDirs(scratch, {
    // Only tsmigrate's diagnostics in the editor: no TypeScript squiggles to tell apart.
    "typescript.validate.enable": false,
    ...TYPING_SETTINGS,
    "tsmigrate.trace.server": "verbose",
  });
  installExtension(dirs, vsix);
  const serverOverride = argv.indexOf("--server-bundle");
  if (serverOverride >= 0) {
    // Debugging aid: run the installed extension with another dist/server.js (e.g. a protocol stub).
    const [installed] = readdirSync(dirs.extensions).filter((d) => d.startsWith("tsmigrate."));
    cpSync(resolve(argv[serverOverride + 1]!), join(dirs.extensions, installed!, "dist", "server.js"));
  }
  let server: CodeServer | undefined;
  const browser = await launchBrowser(join(scratch, "chromium"));
  try {
    // `--debug-trace` logs everything at trace level (the LSP messages land in test-results/e2e/logs).
    server = await startCodeServer(dirs, project, 60_000, argv.includes("--debug-trace") ? ["--log", "trace"] : []);
    const page = browser.pages()[0] ?? (await browser.newPage());
    await openWorkbench(page, `${server.url}/?folder=${encodeURIComponent(project)}`);

    await step(page, "the view lists the app's migrations as pending", async () => {
      await openMigrationsView(page);
      for (const name of migrations) {
        const r = await waitForRow(page, name, /pending/, 90_000);
        assert.equal(r.icon, "circle-large-outline", `${name}'s icon`);
      }
      await waitForRow(page, "shop", /0 applied, \d+ pending/);
      await waitForRow(page, "Database 'default' not created yet", /migrate creates it/);
      const status = page.locator(".part.statusbar [aria-label^='tsmigrate:']").first();
      await until("the status bar counting the pending migrations", async () =>
        new RegExp(`${migrations.length} pending migrations?`).test((await status.getAttribute("aria-label")) ?? ""), 30_000);
      await page.locator(".part.sidebar").screenshot({ path: join(RESULTS, "view-pending.png") });
      await page.locator(".part.statusbar").screenshot({ path: join(RESULTS, "status-pending.png") });
    });

    await step(page, `"Apply Up to Here" on ${last} applies the migrations and creates the tables`, async () => {
      await contextMenu(page, row(page, last), "Apply Up to Here");
      for (const name of migrations) {
        const r = await waitForRow(page, name, /applied (just now|\d+ min ago)/);
        assert.equal(r.icon, "pass-filled", `${name}'s icon`);
      }
      const t = await until("tables in db.sqlite3", async () => (tables(dbFile).includes("shop_product") ? tables(dbFile) : undefined), 15_000);
      assert.ok(t.includes("tsmigrate_migrations"), `tables: ${t.join(", ")}`);
      assert.deepEqual(appliedRecords(dbFile), migrations.map((m) => `shop.${m}`));
      await page.locator(".part.sidebar").screenshot({ path: join(RESULTS, "view-applied.png") });
    });

    const modelsFile = join(project, "shop", "models.ts");
    await step(page, "adding a field in models.ts shows a drift squiggle", async () => {
      const lines = readFileSync(modelsFile, "utf8").split("\n");
      const lastField = lines.reduce((at, line, i) => (/^\s+\w+ = models\.\w+\(/.test(line) ? i : at), -1);
      assert.ok(lastField >= 0, "a field line in models.ts");
      await openFile(page, "shop/models.ts");
      await goToLine(page, lastField + 1);
      await page.keyboard.press("Enter");
      await page.keyboard.insertText("weight = models.IntegerField({ null: true });");
      await page.keyboard.press("Control+S");
      await until("models.ts saved with the new field", async () => readFileSync(modelsFile, "utf8").includes("weight = models.IntegerField({ null: true });"), 15_000);
      await page.locator(".editor-instance .squiggly-warning").first().waitFor({ timeout: 60_000 });
      const text = await hoverWord(page, "weight", /not in any migration/i);
      assert.match(text, /weight/i);
      const status = page.locator(".part.statusbar [aria-label^='tsmigrate:']").first();
      assert.match((await status.getAttribute("aria-label")) ?? "", /model changes? not in any migration/);
      await page.screenshot({ path: join(RESULTS, "drift.png") });
      await page.keyboard.press("Escape");
    });

    let created = "";
    await step(page, "the quick fix creates the migration file and the view shows it pending", async () => {
      const before = new Set(readdirSync(join(project, "shop", "migrations")));
      const fix = page.locator(".action-widget .monaco-list-row", { hasText: /Make migration/i }).first();
      // While VS Code's TypeScript extension starts (it does as models.ts opens), Ctrl+. says "No code
      // actions available" though our server answers in tens of ms (test/e2e/quickfix-timeline.ts traces it).
      // Retry, and print how long the first Ctrl+. took to show the fix (a figure, not a pass/fail); the
      // bound on "offered at once", with TypeScript started, is asserted in questions.ts.
      const asked = Date.now();
      let attempts = 0;
      await until("the quick fix in the Ctrl+. menu", async () => {
        attempts++;
        await page.keyboard.press("Escape");
        const at = await pointAt(page, "weight");
        await page.mouse.click(at.x, at.y);
        await page.keyboard.press("Control+.");
        return fix.waitFor({ timeout: 8_000 }).then(() => true, () => false);
      }, 90_000);
      console.log(`(quick fix shown ${Date.now() - asked} ms after the first Ctrl+., ${attempts} attempt${attempts === 1 ? "" : "s"}) `);
      await page.screenshot({ path: join(RESULTS, "quick-fix.png") });
      // The menu's pointer block swallows clicks: hovering an entry focuses it, Enter runs it.
      const box = (await fix.boundingBox())!;
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.keyboard.press("Enter");
      created = await until("a new migration file", async () => readdirSync(join(project, "shop", "migrations")).find((f) => !before.has(f) && f.endsWith(".ts")), 30_000);
      // The same outcome as the view's Make Migrations button: the file open, a "Created ..." notification.
      await page.locator(".tabs-container .tab.active", { hasText: created }).waitFor({ timeout: 30_000 });
      await page.locator(".notification-toast", { hasText: `Created ${created}` }).first().waitFor({ timeout: 30_000 });
      // Its CodeLenses: the state on the database, Apply up to here, Show SQL.
      const lenses = page.locator(".editor-instance .monaco-editor .codelens-decoration").first();
      await until("the new migration's CodeLenses", async () => {
        const t = (await lenses.textContent().catch(() => "")) ?? "";
        return /pending/.test(t) && /Apply up to here/.test(t) && /Show SQL/.test(t);
      }, 30_000);
      await page.screenshot({ path: join(RESULTS, "migration-lenses.png") });
      const content = await until("the new file's content on disk", async () => {
        const text = readFileSync(join(project, "shop", "migrations", created), "utf8");
        if (text.includes("AddField")) return text;
        await page.keyboard.press("Control+K").then(() => page.keyboard.press("s")); // File: Save All
        return undefined;
      }, 30_000);
      assert.match(content, /migrations\.AddField\(\{\s*modelName: "product",\s*name: "weight"/);
      await openMigrationsView(page);
      const r = await waitForRow(page, created.replace(/\.ts$/, ""), /pending/);
      assert.equal(r.icon, "circle-large-outline");
      await page.locator(".part.sidebar").screenshot({ path: join(RESULTS, "view-new-migration.png") });
    });

    await step(page, '"Apply Up to Here" on the new migration adds the column', async () => {
      const name = created.replace(/\.ts$/, "");
      await contextMenu(page, row(page, name), "Apply Up to Here");
      await waitForRow(page, name, /applied/);
      assert.ok(columns(dbFile, "shop_product").includes("weight"), `columns: ${columns(dbFile, "shop_product").join(", ")}`);
      assert.deepEqual(appliedRecords(dbFile), [...migrations, name].map((m) => `shop.${m}`));
    });

    await step(page, `"Roll Back to Here" on ${first} asks, naming what is lost, then makes the later migration pending`, async () => {
      const name = created.replace(/\.ts$/, "");
      await contextMenu(page, row(page, first), "Roll Back to Here");
      const dialog = await answerDialog(page, "Roll Back", join(RESULTS, "rollback-dialog.png"));
      assert.match(dialog, new RegExp(`Roll back shop to ${first}\\?`), dialog);
      assert.match(dialog, new RegExp(`shop\\.${name}`), "the dialog names what it unapplies");
      assert.match(dialog, /may destroy data.*weight/, "the dialog names the column it drops");
      await waitForRow(page, name, /pending/);
      await waitForRow(page, first, /applied/);
      assert.deepEqual(appliedRecords(dbFile), [`shop.${first}`]);
      assert.ok(!columns(dbFile, "shop_product").includes("weight"), "the column is gone");
      await page.locator(".part.sidebar").screenshot({ path: join(RESULTS, "view-rolled-back.png") });
    });

    await step(page, "hovering an operation in a migration file shows its SQL", async () => {
      await openFile(page, `shop/migrations/${created}`);
      const text = await hoverWord(page, "AddField", /shop_product/, '"weight"');
      assert.match(text, /Add field weight to product/, text);
      assert.match(text, /(CREATE TABLE|ALTER TABLE)[^;]*"weight"/i, text);
      await page.screenshot({ path: join(RESULTS, "hover-sql.png") });
    });

    await step(page, '"Show Backwards SQL" opens the SQL of unapplying it in a read-only SQL editor', async () => {
      const name = created.replace(/\.ts$/, "");
      await openMigrationsView(page);
      await contextMenu(page, row(page, name), "Show Backwards SQL");
      await page.locator(".tabs-container .tab.active", { hasText: `${name}.backwards.sql` }).waitFor({ timeout: 30_000 });
      const editor = page.locator(".editor-instance .monaco-editor").first();
      await until("SQL in the document", async () => /shop_product/.test((await editor.locator(".view-lines").textContent()) ?? ""), 30_000);
      // The language indicator in the status bar: the document is SQL.
      await page.locator(".part.statusbar .statusbar-item", { hasText: /^(MS )?SQL$/ }).first().waitFor({ timeout: 15_000 });
      await page.screenshot({ path: join(RESULTS, "show-sql.png") });
    });

    await questionSteps({ page, project, results: RESULTS, step });

    await step(page, "a server that cannot start shows the welcome view with a button to its log", async () => {
      // A Node that does not exist: the setting change restarts the server, which fails to spawn.
      mkdirSync(join(project, ".vscode"), { recursive: true });
      writeFileSync(join(project, ".vscode", "settings.json"), JSON.stringify({ "tsmigrate.nodePath": "/nonexistent/node22/bin/node" }));
      const sidebar = await openMigrationsView(page);
      const welcome = sidebar.locator(".welcome-view-content", { hasText: "did not start" });
      await welcome.waitFor({ timeout: 60_000 });
      await welcome.locator(".monaco-button", { hasText: "Show Log" }).click();
      await page.locator(".part.panel .monaco-editor .view-line", { hasText: "/nonexistent/node22/bin/node" }).first().waitFor({ timeout: 30_000 });
      await page.screenshot({ path: join(RESULTS, "server-failed.png") });
    });

    await statesScenario({ vsix, scratch, results: RESULTS, browser, step });
  } finally {
    await browser.close().catch(() => undefined);
    await server?.stop();
    collectLogs(dirs);
    if (argv.includes("--keep") || steps.some((s) => !s.ok)) console.log(`scratch kept: ${scratch}`);
    else rmSync(scratch, { recursive: true, force: true });
  }
}

main().then(
  () => {
    console.log(`\nartifacts in ${relative(process.cwd(), RESULTS)}/`);
    console.log(`e2e: ${steps.length} passed, 0 failed`);
  },
  (error: unknown) => {
    console.error(`\ne2e FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    console.error(`artifacts and logs in ${relative(process.cwd(), RESULTS)}/`);
    console.log(`e2e: ${steps.filter((s) => s.ok).length} passed, ${steps.filter((s) => !s.ok).length || 1} failed`);
    process.exitCode = 1;
  },
);
