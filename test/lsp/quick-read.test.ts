/**
 * The language server's quick read (lsp/classCache.ts `quick`): an edit
 * inside one class's body is read from that class alone, without parsing
 * the whole models file. Random edits of the kinds typing makes (a field
 * line added or removed, an option's value changed, a blank line, a
 * half-typed call mended by the next edit, a line added outside any class,
 * a change to a static member another class names) run with
 * TSMIGRATE_LSP_VERIFY=1, where the server checks every analysis against a
 * full one and a fresh read of every file with no cache and logs any
 * difference: the test fails on one, and checks that both paths ran (the
 * quick read for most edits, the whole parse for the others).
 */
import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { generateWorkspace } from "../../bench/lsp";
import type { ServerStatsResult } from "../../server/src/protocol";
import { type LspClient, prng, removeDir, startServer } from "./harness";

const SEED = Number(process.env.TSMIGRATE_FUZZ_SEED ?? 7021);
const EDITS = 240;

/** Classes that name each other's static members and spread an abstract base's Meta. */
const LINKED = `
export class Dated extends models.Model {
  made = models.DateTimeField({ autoNowAdd: true });
  static Meta = { abstract: true, ordering: ["-made"] };
}

export class Label extends models.Model {
  static readonly COLOURS = [["r", "Red"], ["g", "Green"]] as const;
  colour = models.CharField({ maxLength: 2, choices: Label.COLOURS });
}

export class Sticker extends Dated {
  colour = models.CharField({ maxLength: 2, choices: Label.COLOURS, default: Kind.Basic });
  static Meta = { ...Dated.Meta, dbTable: "app_sticker" };
}
`;

/** One edit of a text: the range replaced and its replacement. */
interface Edit {
  readonly start: number;
  readonly end: number;
  readonly insert: string;
}

/** The offsets just after each class's opening line. */
function bodies(text: string): number[] {
  return [...text.matchAll(/^export class \w+ extends [\w.]+ \{\n/gm)].map((m) => m.index! + m[0].length);
}

const insertAt = (at: number, insert: string): Edit => ({ start: at, end: at, insert });

/**
 * The next random edit of `text` (see the module comment), and the edit
 * that mends it when it leaves a half-typed call.
 */
function nextEdit(text: string, rand: () => number, k: number): [Edit, Edit?] {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)]!;
  const r = rand();
  const added = [...text.matchAll(/^ {2}quick\d+ = models\.IntegerField\(\{ null: true \}\);\n/gm)];
  if (r < 0.3 || added.length === 0) {
    // A field line added at the top of a class body, now and then typed as a half-typed call first.
    const at = pick(bodies(text));
    const line = `  quick${k} = models.IntegerField({ null: true });\n`;
    if (rand() < 0.7) return [insertAt(at, line)];
    // Cut inside the call's braces: the class does not parse until the rest is typed.
    const cut = line.indexOf("({") + 4;
    return [insertAt(at, line.slice(0, cut)), insertAt(at + cut, line.slice(cut))];
  }
  if (r < 0.5) {
    const m = pick(added);
    return [{ start: m.index!, end: m.index! + m[0].length, insert: "" }];
  }
  if (r < 0.7) {
    const m = pick([...text.matchAll(/maxLength: (\d+)/g)]);
    const at = m.index! + "maxLength: ".length;
    return [{ start: at, end: at + m[1]!.length, insert: String(2 + Math.floor(rand() * 90)) }];
  }
  if (r < 0.8) return [insertAt(pick(bodies(text)), "\n")];
  // A static member another class names (Sticker's choices are Label.COLOURS).
  if (r < 0.88) return [insertAt(text.indexOf(`["g", "Green"]`), `["b${k}", "Blue"], `)];
  // Outside every class: a line before a class header (a whole parse).
  const header = pick(bodies(text));
  return [insertAt(text.lastIndexOf("\n", header - 2) + 1, "\n")];
}

/** The 0-based line and character of `offset` in `text`. */
function position(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset);
  return { line: before.split("\n").length - 1, character: offset - (before.lastIndexOf("\n") + 1) };
}

async function stats(client: LspClient, file: string): Promise<ServerStatsResult> {
  // A code action analyses first: the stats are then those of this edit's analysis.
  await client.request("textDocument/codeAction", {
    textDocument: { uri: client.uri(file) }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [] },
  });
  return client.request<ServerStatsResult>("tsmigrate/serverStats", {});
}

test(`edits inside class bodies are read from the edited class alone and match a full analysis and a fresh read (seed ${SEED})`, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "tsmigrate-lsp-quick-"));
  generateWorkspace(dir, { apps: 1, modelsPerApp: 30 });
  appendFileSync(path.join(dir, "app00/models.ts"), LINKED);
  const file = "app00/models.ts";
  const { client } = await startServer({ root: dir, env: { TSMIGRATE_LSP_VERIFY: "1" } });
  try {
    let text = readFileSync(path.join(dir, file), "utf8");
    await client.open(file, text);
    await client.waitForDiagnostics(file, (d) => d.some((x) => x.code === "drift-add-field"), "the generated drift");
    const rand = prng(SEED);
    let quick = 0;
    let whole = 0;
    const edits: Edit[] = [];
    for (let k = 0; k < EDITS; k++) {
      if (edits.length === 0) edits.push(...nextEdit(text, rand, k).filter((e) => e !== undefined));
      const edit = edits.shift()!;
      const range = { start: position(text, edit.start), end: position(text, edit.end) };
      text = text.slice(0, edit.start) + edit.insert + text.slice(edit.end);
      await client.edit(file, range, edit.insert);
      const s = await stats(client, file);
      if (s.quickReads > 0) quick++;
      else whole++;
    }
    const mismatches = client.notifications.filter((n) => n.method === "window/logMessage")
      .map((n) => (n.params as { message: string }).message).filter((m) => m.startsWith("incremental mismatch"));
    assert.deepEqual(mismatches, []);
    assert.ok(quick > EDITS / 2, `most edits were read from the edited class alone (${quick} of ${EDITS})`);
    assert.ok(whole > EDITS / 20, `some edits needed the whole file parsed (${whole} of ${EDITS})`);
  } finally {
    await client.stop();
    removeDir(dir);
  }
});
