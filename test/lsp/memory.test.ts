/**
 * The language server's memory stays flat: after 2,000 random edits to a
 * models file (fields added and removed in random classes, numbers changed)
 * its resident memory (as it is, no collection forced) and its V8 heap
 * (after a full garbage collection in the server process, `--expose-gc`,
 * `tsmigrate/serverStats`) are within 20% of what they were after the first
 * 200 edits. The heap grew by one parse tree per edit before the fix in
 * program.ts; the resident memory kept up to twice the live heap before the
 * server bounded V8's heap growth (lsp/main.ts).
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { type TestContext, test } from "node:test";
import { generateWorkspace } from "../../bench/lsp";
import type { ServerStatsResult } from "../../server/src/protocol";
import { type LspClient, prng, removeDir, startServer } from "./harness";

const EDITS = 2000;
const FIRST = 200;

function positionAt(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset);
  const line = (before.match(/\n/g) ?? []).length;
  return { line, character: offset - (before.lastIndexOf("\n") + 1) };
}

/** The resident memory as it is, then the stats after two full collections (the second frees what finalizers of the first released). */
async function settled(client: LspClient): Promise<ServerStatsResult & { rssAsIs: number }> {
  const { rss: rssAsIs } = await client.request<ServerStatsResult>("tsmigrate/serverStats", {});
  await client.request("tsmigrate/serverStats", { gc: true });
  const stats = await client.request<ServerStatsResult>("tsmigrate/serverStats", { gc: true });
  assert.ok(stats.gcRan, "the server runs with --expose-gc");
  return { ...stats, rssAsIs };
}

test(`the server's resident memory and heap after ${EDITS} random edits are within 20% of those after ${FIRST}`, async (t: TestContext) => {
  const dir = mkdtempSync(path.join(tmpdir(), "tsmigrate-lsp-memory-"));
  generateWorkspace(dir, { apps: 1, modelsPerApp: 60 });
  const { client } = await startServer({ root: dir, execArgv: ["--expose-gc"], initializationOptions: { trusted: false } });
  try {
    const file = "app00/models.ts";
    let text = readFileSync(path.join(dir, file), "utf8");
    await client.open(file, text);
    await client.waitForDiagnostics(file, (d) => d.some((x) => x.code === "drift-add-field"), "the generated drift", 120000);
    const rand = prng(20261206);
    const uri = client.uri(file);
    let at200: (ServerStatsResult & { rssAsIs: number }) | undefined;
    for (let i = 0; i < EDITS; i++) {
      const headers = [...text.matchAll(/extends models\.Model \{\n/g)];
      const r = rand();
      let start: number;
      let end: number;
      let insert: string;
      const added = [...text.matchAll(/^ {2}f\d+ = models\.IntegerField\(\{ default: \d+ \}\);\n/gm)];
      if (r < 0.45 || added.length === 0) {
        const h = headers[Math.floor(rand() * headers.length)]!;
        start = end = h.index + h[0].length;
        insert = `  f${i} = models.IntegerField({ default: ${i} });\n`;
      } else if (r < 0.9) {
        const a = added[Math.floor(rand() * added.length)]!;
        start = a.index;
        end = a.index + a[0].length;
        insert = "";
      } else {
        const nums = [...text.matchAll(/maxLength: NAME_LENGTH \+ (\d+)/g)];
        const n = nums[Math.floor(rand() * nums.length)]!;
        start = n.index + n[0].length - n[1]!.length;
        end = start + n[1]!.length;
        insert = String(Math.floor(rand() * 50));
      }
      const range = { start: positionAt(text, start), end: positionAt(text, end) };
      text = text.slice(0, start) + insert + text.slice(end);
      await client.edit(file, range, insert);
      // Requests analyse first: every edit is analysed.
      await client.request("textDocument/codeAction", { textDocument: { uri }, range, context: { diagnostics: [] } });
      if (i + 1 === FIRST) at200 = await settled(client);
    }
    const after = await settled(client);
    const mb = (n: number): string => `${(n / 1048576).toFixed(1)} MB`;
    const report = `after ${FIRST} edits: rss ${mb(at200!.rssAsIs)} (${mb(at200!.rss)} after a collection), heap ${mb(at200!.heapUsed)}; ` +
      `after ${EDITS}: rss ${mb(after.rssAsIs)} (${mb(after.rss)}), heap ${mb(after.heapUsed)}`;
    assert.ok(after.analyses >= EDITS, `every edit was analysed (${after.analyses} analyses)`);
    t.diagnostic(report);
    assert.ok(after.heapUsed <= at200!.heapUsed * 1.2, `heap grew more than 20%: ${report}`);
    assert.ok(after.rssAsIs <= at200!.rssAsIs * 1.2, `resident memory grew more than 20%: ${report}`);
  } finally {
    await client.stop();
    removeDir(dir);
  }
});
