/**
 * Fuzz: thousands of random edits (deletions, insertions of fragments) to
 * models files through incremental `didChange`, with a seeded PRNG so that
 * a failure reproduces (TSMIGRATE_FUZZ_SEED replays one,
 * TSMIGRATE_FUZZ_EDITS changes the count). Every request sent in between
 * gets an answer (a result or a JSON-RPC error, never silence), the server
 * never exits, and its copy of each buffer stays in step with ours.
 *
 * The second test runs the server with TSMIGRATE_LSP_VERIFY=1 on a
 * generated three-app workspace, editing files of different apps in turn
 * (and saving now and then): the server checks each incremental analysis
 * against a full one and against a fresh read of every file with no cache,
 * and logs any difference, which fails the test. The third does the same on
 * one app of many classes (class-level reuse and resolution, classes that
 * move, a class naming another's static member, an abstract base whose Meta
 * is spread) while also editing the shared constants file it imports.
 */
import assert from "node:assert/strict";
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { generateWorkspace } from "../../bench/lsp";
import type { MakeMigrationsResult } from "../../server/src/protocol";
import { copyFixture, type LspClient, prng, removeDir, startServer } from "./harness";

const SEED = Number(process.env.TSMIGRATE_FUZZ_SEED ?? 20240611);
const EDITS = Number(process.env.TSMIGRATE_FUZZ_EDITS ?? 3000);

const FRAGMENTS = [
  "models.", "CharField({", "IntegerField(", "ForeignKey(", "})", "}", "{", ")", "(", "\"", "'", "`", ";", ",", ":",
  "\n", "  ", "maxLength: 5", "default: 0", "null: true", "onDelete: models.CASCADE", "class X extends models.Model {\n",
  "static Meta = {", "indexes: [models.Index({ fields: [\"name\"] })]", "export ", "= ", "stock", "name", "//", "/*", "*/",
  "${", "\\", "models.ManyToManyField(\"Tag\")", "price = models.DecimalField({ maxDigits: 8, decimalPlaces: 2 });\n",
  "unknownOption: 1", "models.NoSuchField()", "import { models } from \"tsmigrate\";\n", "...", "as const", "<T>",
  "x = models.BooleanField({ default: false });\n", "ordering: [\"-name\"]", "\"app00.Item001\"", "parent",
];

function positionAt(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset);
  const line = (before.match(/\n/g) ?? []).length;
  return { line, character: offset - (before.lastIndexOf("\n") + 1) };
}

interface FuzzStats {
  answered: number;
  errors: number;
}

/**
 * Applies `edits` random edits to `files` (relative paths, opened first; runs
 * of 20 edits to one file, picked from `files`, where a path may be repeated
 * to be picked more often), asking for a hover and code actions every
 * `every` edits (requests analyse first); with `save`, a file is written to
 * disk and saved now and then. Returns how many requests were answered and
 * how many of them with an error.
 */
async function fuzz(
  client: LspClient, root: string, files: string[], edits: number, seed: number, save: boolean, every: number,
): Promise<FuzzStats> {
  const texts = new Map<string, string>();
  const originals = new Map<string, string>();
  for (const f of new Set(files)) {
    const t = readFileSync(path.join(root, f), "utf8");
    texts.set(f, t);
    originals.set(f, t);
    await client.open(f, t);
  }
  const rand = prng(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)]!;
  const stats: FuzzStats = { answered: 0, errors: 0 };
  let file = files[0]!;
  for (let i = 0; i < edits; i++) {
    if (i % 20 === 0) file = pick(files);
    const text = texts.get(file)!;
    const r = rand();
    let start: number;
    let end: number;
    let insert: string;
    if (r < 0.45 && text.length > 0) {
      start = Math.floor(rand() * text.length);
      end = Math.min(text.length, start + 1 + Math.floor(rand() * 12));
      insert = "";
    } else if (r < 0.9) {
      start = end = Math.floor(rand() * (text.length + 1));
      insert = pick(FRAGMENTS);
    } else if (r < 0.97) {
      start = Math.floor(rand() * (text.length + 1));
      end = Math.min(text.length, start + Math.floor(rand() * 40));
      insert = pick(FRAGMENTS);
    } else {
      // Back to a sane file now and then, so that later edits hit real code again.
      start = 0;
      end = text.length;
      insert = originals.get(file)!;
    }
    const range = { start: positionAt(text, start), end: positionAt(text, end) };
    const next = text.slice(0, start) + insert + text.slice(end);
    texts.set(file, next);
    await client.edit(file, range, insert);
    if (save && rand() < 0.02) {
      writeFileSync(path.join(root, file), next);
      await client.save(file);
    }
    if (i % every === 0) {
      const pos = positionAt(next, Math.floor(rand() * (next.length + 1)));
      const uri = client.uri(file);
      const requests = [
        client.request("textDocument/hover", { textDocument: { uri }, position: pos }),
        client.request("textDocument/codeAction", { textDocument: { uri }, range: { start: pos, end: pos }, context: { diagnostics: [] } }),
      ];
      for (const req of requests) {
        try {
          await req;
        } catch (e) {
          // A JSON-RPC error is an answer too; only the server dying is a failure.
          assert.ok(e instanceof Error && "code" in e, `unexpected failure: ${String(e)}`);
          stats.errors++;
        }
        stats.answered++;
      }
      assert.equal(client.exited, undefined, `server exited after edit ${i} (seed ${seed})`);
    }
  }
  return stats;
}

function serverLog(client: LspClient): string[] {
  return client.notifications.filter((n) => n.method === "window/logMessage").map((n) => (n.params as { message: string }).message);
}

test(`the server survives ${EDITS} random edits to models.ts (seed ${SEED})`, async () => {
  const dir = copyFixture("shop");
  const { client } = await startServer({ root: dir });
  try {
    // Migrations first, so that edits produce AddField/AlterField/RemoveField drift, not only CreateModel.
    const made = await client.request<MakeMigrationsResult>("tsmigrate/makeMigrations", {});
    mkdirSync(path.join(dir, "shop", "migrations"), { recursive: true });
    for (const f of made.files) writeFileSync(f.path, f.content);
    await client.watched(made.files.map((f) => ({ file: f.path, type: 1 as const })));
    const file = "shop/models.ts";
    const original = readFileSync(path.join(dir, file), "utf8");
    await client.open(file, original);
    // The diagnostics of the untouched file: after the fuzz and a restore, the server must be back to exactly these.
    await client.waitForDiagnostics(file, (d) => !d.some((x) => String(x.code).startsWith("drift-")), "no drift before the fuzz");
    const initial = JSON.stringify(client.diagnostics.get(client.uri(file)));

    const stats = await fuzz(client, dir, [file], EDITS, SEED, false, 10);
    assert.equal(client.exited, undefined);
    assert.equal(stats.answered, Math.ceil(EDITS / 10) * 2, "every request was answered");
    assert.ok(stats.errors < stats.answered, "most requests succeed");

    // The server's copy of the buffer matches ours: restoring the text restores the diagnostics.
    await client.change(file, original);
    await client.waitFor(() => JSON.stringify(client.diagnostics.get(client.uri(file))) === initial || undefined,
      "the initial diagnostics after restoring the file");
    assert.deepEqual(serverLog(client).filter((m) => /uncaught|unhandled|\[(hover|codeAction)\]/.test(m)), []);
  } finally {
    await client.stop();
    removeDir(dir);
  }
});

/**
 * Runs the server with TSMIGRATE_LSP_VERIFY=1 on `dir` (made by `prepare`),
 * fuzzes `files` with `seed`, and fails on any "incremental mismatch" the
 * server logged (each incremental step checked against a full one).
 */
async function verifyIncremental(prepare: (dir: string) => void, files: string[], seed: number): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), "tsmigrate-lsp-verify-"));
  prepare(dir);
  const { client } = await startServer({ root: dir, env: { TSMIGRATE_LSP_VERIFY: "1" } });
  try {
    await client.open(files[0]!);
    await client.waitForDiagnostics(files[0]!, (d) => d.some((x) => x.code === "drift-add-field"), "the generated drift");
    const edits = Math.max(300, Math.floor(EDITS / 5));
    const stats = await fuzz(client, dir, files, edits, seed, true, 2);
    assert.equal(stats.answered, Math.ceil(edits / 2) * 2);
    // A last request makes sure the final analysis ran (requests analyse first).
    await client.request("textDocument/codeAction", {
      textDocument: { uri: client.uri(files[0]!) }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [] },
    });
    const mismatches = serverLog(client).filter((m) => m.startsWith("incremental mismatch"));
    assert.deepEqual(mismatches, []);
  } finally {
    await client.stop();
    removeDir(dir);
  }
}

test(`incremental analysis matches a full one over random edits to three apps (seed ${SEED + 1})`, async () => {
  await verifyIncremental((dir) => generateWorkspace(dir, { apps: 3, modelsPerApp: 6 }), ["app00/models.ts", "app01/models.ts", "app02/models.ts"], SEED + 1);
});

const RICH = `
export class Stamped extends models.Model {
  created = models.DateTimeField({ autoNowAdd: true });
  static Meta = { abstract: true, ordering: ["-created"] };
}

export class Note extends Stamped {
  text = models.CharField({ maxLength: NAME_LENGTH });
  item = models.ForeignKey(Item001, { onDelete: models.CASCADE, relatedName: "notes" });
  static Meta = { ...Stamped.Meta, dbTable: "app_note" };
}

export class Tag extends models.Model {
  static readonly LABELS = [["x", "X"], ["y", "Y"]] as const;
  label = models.CharField({ maxLength: 4, choices: Tag.LABELS });
  items = models.ManyToManyField("Item002", { relatedName: "tags" });
  static Meta = { ordering: ["label"] };
}

export class Pin extends models.Model {
  label = models.CharField({ maxLength: 4, choices: Tag.LABELS, default: Kind.Basic });
  item = models.ForeignKey("Item003", { onDelete: models.CASCADE });
  static Meta = { indexes: [models.Index({ fields: ["label"], name: "pin_label" })] };
}
`;

test(`class-level analysis matches a full one and a fresh read over random edits to one app and its constants (seed ${SEED + 2})`, async () => {
  await verifyIncremental((dir) => {
    generateWorkspace(dir, { apps: 1, modelsPerApp: 24 });
    appendFileSync(path.join(dir, "app00/models.ts"), RICH);
  }, ["app00/models.ts", "app00/models.ts", "app00/models.ts", "common/constants.ts"], SEED + 2);
});
