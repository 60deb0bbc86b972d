/**
 * A second LSP client, for real: Neovim (Debian's `neovim`, installed by
 * scripts/ensure-system-deps.mjs and .ci/run) runs headless with
 * test/lsp/neovim/check.lua against the language server on a copy of
 * test-fixtures/tracker, and reports what its own LSP client got:
 * diagnostics, a hover, the code actions `vim.lsp.buf.code_action()` would
 * list, and, after `tsmigrate makemigrations` runs in a "terminal" (the
 * client is told nothing), the drift diagnostics cleared by the server's own
 * file watcher (Neovim 0.7 cannot register file watchers). The setup it
 * uses is the one docs/editors.md shows.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { after, test } from "node:test";
import { copyFixture, positionOf, REPO, removeDir } from "./harness";

const dirs: string[] = [];
after(() => {
  for (const d of dirs) removeDir(d);
});

test("Neovim's LSP client: diagnostics, hover, code actions, and a migration written from a terminal clears the drift", () => {
  const nvim = spawnSync("nvim", ["--version"], { encoding: "utf8" });
  assert.equal(nvim.status, 0, "Neovim is needed (Debian's neovim: scripts/ensure-system-deps.mjs installs it)");
  const dir = copyFixture("tracker");
  const scratch = mkdtempSync(path.join(tmpdir(), "tsmigrate-nvim-"));
  dirs.push(dir, scratch);
  const out = path.join(scratch, "results.jsonl");
  const models = readFileSync(path.join(dir, "src/tracker/models.ts"), "utf8");
  const at = positionOf(models, "class Category", 6);
  const tsx = ["--import", "tsx"];
  const result = spawnSync("nvim", ["--headless", "-u", "NONE", "-i", "NONE", "-n", "-c", `luafile ${path.join(REPO, "test/lsp/neovim/check.lua")}`], {
    // The repository: `--import tsx` in the server's and the CLI's command resolves from here.
    cwd: REPO,
    encoding: "utf8",
    timeout: 240_000,
    env: {
      ...process.env,
      HOME: scratch,
      XDG_CONFIG_HOME: scratch,
      XDG_STATE_HOME: scratch,
      XDG_DATA_HOME: scratch,
      TSM_ROOT: dir,
      TSM_OUT: out,
      TSM_LINE: String(at.line),
      TSM_COL: String(at.character),
      TSM_SERVER: JSON.stringify([process.execPath, ...tsx, path.join(REPO, "server/src/lsp/main.ts"), "--stdio"]),
      TSM_CLI: JSON.stringify([process.execPath, ...tsx, path.join(REPO, "server/src/cli/main.ts"), "makemigrations", "--project", dir]),
    },
  });
  const lines = readFileSync(out, "utf8").trim().split("\n").filter((l) => l !== "");
  const got = new Map(lines.map((l) => {
    const { key, value } = JSON.parse(l) as { key: string; value: unknown };
    return [key, value] as const;
  }));
  assert.equal(got.get("error"), undefined, `Neovim reported an error; stderr: ${result.stderr}`);
  const diagnostics = got.get("diagnostics") as string[];
  assert.ok(diagnostics.some((m) => m === "Create model Category — not in any migration"), JSON.stringify(diagnostics));
  assert.equal(got.get("watchRegistration"), false, "this Neovim cannot register file watchers (the fallback is what is tested)");
  assert.match(String(got.get("hover")), /tracker_category/, "the hover shows the model's SQL");
  assert.ok((got.get("codeActions") as string[]).includes("Make migration for 'tracker'"), JSON.stringify(got.get("codeActions")));
  const cli = got.get("cli") as { status: number; output: string };
  assert.equal(cli.status, 0, cli.output);
  assert.match(cli.output, /Migrations for 'tracker':/);
  const after = got.get("afterTerminal") as { cleared: boolean; diagnostics: string[] };
  assert.equal(after.cleared, true, `drift left after the migration was written: ${JSON.stringify(after.diagnostics)}`);
});
