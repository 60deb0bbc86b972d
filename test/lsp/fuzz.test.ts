/**
 * Fuzz: thousands of random edits (deletions, insertions of fragments) to
 * the shop fixture's `models.ts` through incremental `didChange`, with a
 * seeded PRNG so that a failure reproduces (set TSMIGRATE_FUZZ_SEED to
 * replay one). Every request sent in between gets an answer (a result or a
 * JSON-RPC error, never silence), and the server never exits.
 */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { after, before, test } from "node:test";
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
];

function positionAt(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset);
  const line = (before.match(/\n/g) ?? []).length;
  return { line, character: offset - (before.lastIndexOf("\n") + 1) };
}

let dir: string;
let client: LspClient;

before(async () => {
  dir = copyFixture("shop");
  ({ client } = await startServer({ root: dir }));
  // Migrations first, so that edits produce AddField/AlterField/RemoveField drift, not only CreateModel.
  const made = await client.request<MakeMigrationsResult>("tsmigrate/makeMigrations", {});
  mkdirSync(path.join(dir, "shop", "migrations"), { recursive: true });
  for (const f of made.files) writeFileSync(f.path, f.content);
  await client.watched(made.files.map((f) => ({ file: f.path, type: 1 as const })));
});

after(async () => {
  await client?.stop();
  removeDir(dir);
});

test(`the server survives ${EDITS} random edits to models.ts (seed ${SEED})`, async () => {
  const file = "shop/models.ts";
  const original = readFileSync(path.join(dir, file), "utf8");
  let text = original;
  await client.open(file, text);
  // The diagnostics of the untouched file: after the fuzz and a restore, the server must be back to exactly these.
  await client.waitFor(() => client.diagnostics.has(client.uri(file)) || undefined, "initial diagnostics");
  await new Promise((r) => setTimeout(r, 300));
  const initial = JSON.stringify(client.diagnostics.get(client.uri(file)));
  const rand = prng(SEED);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)]!;
  let answered = 0;
  let errors = 0;
  for (let i = 0; i < EDITS; i++) {
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
      insert = original;
    }
    const range = { start: positionAt(text, start), end: positionAt(text, end) };
    text = text.slice(0, start) + insert + text.slice(end);
    await client.edit(file, range, insert);
    if (i % 10 === 0) {
      const offset = Math.floor(rand() * (text.length + 1));
      const pos = positionAt(text, offset);
      const uri = client.uri(file);
      const requests = [
        client.request("textDocument/hover", { textDocument: { uri }, position: pos }),
        client.request("textDocument/codeAction", {
          textDocument: { uri }, range: { start: pos, end: pos }, context: { diagnostics: [] },
        }),
      ];
      for (const req of requests) {
        try {
          await req;
        } catch (e) {
          // A JSON-RPC error is an answer too; only the server dying is a failure.
          assert.ok(e instanceof Error && "code" in e, `unexpected failure: ${String(e)}`);
          errors++;
        }
        answered++;
      }
      assert.equal(client.exited, undefined, `server exited after edit ${i} (seed ${SEED})`);
    }
  }
  // The server is alive and its copy of the buffer matches ours: restoring the text restores the diagnostics.
  assert.equal(client.exited, undefined);
  assert.equal(answered, Math.ceil(EDITS / 10) * 2, "every request was answered");
  await client.change(file, original);
  await client.waitFor(() => JSON.stringify(client.diagnostics.get(client.uri(file))) === initial || undefined,
    "the initial diagnostics after restoring the file");
  assert.ok(errors < answered, "most requests succeed");
  const logged = client.notifications.filter((n) => n.method === "window/logMessage").map((n) => (n.params as { message: string }).message);
  if (process.env.TSMIGRATE_FUZZ_VERBOSE) console.error(`${errors} error answers; server log:\n${logged.join("\n")}`);
});
