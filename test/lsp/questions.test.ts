/**
 * makemigrations' questions asked in the editor (issue 13): a client that
 * announces `askQuestions` gets "Make migration" enabled when a question must
 * be answered, and `tsmigrate/makeMigrations` asks each question through the
 * server → client request `tsmigrate/askQuestion` (typed in protocol.ts), in
 * the terminal's words: a one-off default typed as a TypeScript literal
 * (asked again with the reason while it is not one), a rename picked from
 * "Rename price → cost (keeps the data)" / "Remove price and add cost (data
 * in price is lost)". Cancelling writes nothing. A client without the
 * capability keeps the disabled action with its reason.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import {
  type AskQuestionParams, type AskQuestionResult, type InitializationOptions, type MakeMigrationsResult, RequestTypes, ServerRequestTypes,
} from "../../server/src/protocol";
import { copyFixture, type LspClient, removeDir, startServer } from "./harness";

const MODELS = "shop/models.ts";

interface Action { title: string; kind?: string; disabled?: { reason: string }; command?: { command: string; arguments?: unknown[] } }

/**
 * Runs `body` against a server on a copy of test-fixtures/shop whose models
 * are changed by `edit`, with `options`; `answer` answers each askQuestion
 * (every question asked is recorded in `asked`).
 */
async function withServer(
  edit: (models: string) => string, options: Partial<InitializationOptions>,
  body: (c: LspClient, asked: AskQuestionParams[], answer: (fn: (q: AskQuestionParams) => AskQuestionResult) => void) => Promise<void>,
): Promise<void> {
  const dir = copyFixture("shop");
  const file = path.join(dir, MODELS);
  writeFileSync(file, edit(readFileSync(file, "utf8")));
  const { client } = await startServer({ root: dir, initializationOptions: { trusted: true, ...options } });
  const asked: AskQuestionParams[] = [];
  let answerer: (q: AskQuestionParams) => AskQuestionResult = () => null;
  client.conn.onRequest(ServerRequestTypes["tsmigrate/askQuestion"], (q: AskQuestionParams) => {
    asked.push(q);
    return answerer(q);
  });
  try {
    await client.open(MODELS);
    await client.waitForDiagnostics(MODELS, (d) => d.length > 0, "drift");
    await body(client, asked, (fn) => (answerer = fn));
  } finally {
    await client.stop();
    removeDir(dir);
  }
}

const addWeight = (text: string): string => text.replace(/\n}\n$/, "\n  weight = models.IntegerField();\n}\n");
const renamePrice = (text: string): string => text.replace("price = ", "cost = ");
const ASKS: Partial<InitializationOptions> = { clientCommands: true, askQuestions: true };

function make(c: LspClient): Promise<MakeMigrationsResult> {
  return c.send(RequestTypes["tsmigrate/makeMigrations"], { apps: ["shop"] });
}

async function makeAction(c: LspClient): Promise<Action | undefined> {
  const diags = c.diagnostics.get(c.uri(MODELS)) ?? [];
  const weight = diags.find((d) => /weight/.test(d.message)) ?? diags[0]!;
  const actions = await c.request<Action[]>("textDocument/codeAction", {
    textDocument: { uri: c.uri(MODELS) }, range: weight.range, context: { diagnostics: [weight], only: ["quickfix"] },
  });
  return actions.find((a) => a.title === "Make migration for 'shop'");
}

test("a one-off default: the action is enabled, the input asks in the terminal's words, the literal becomes the migration's default", async () => {
  await withServer(addWeight, ASKS, async (c, asked, answer) => {
    const action = await makeAction(c);
    assert.ok(action, "Make migration offered");
    assert.equal(action.disabled, undefined, "enabled for a client that answers questions");
    assert.deepEqual(action.command, { title: "Make migration for 'shop'", command: "tsmigrate.makeMigrations", arguments: [{ apps: ["shop"] }] });
    answer(() => ({ value: "7" }));
    const r = await make(c);
    assert.equal(asked.length, 1);
    const q = asked[0]!;
    assert.equal(q.type, "input");
    assert.equal(q.kind, "notNullAddition");
    assert.equal(q.key, "shop.product.weight");
    assert.equal(q.title, "Make migrations: product.weight");
    assert.match(q.prompt, /^You are trying to add a non-nullable field 'weight' to product without a default; we can't do that \(the database needs something to populate existing rows\)\.\nPlease enter the default value now, as a TypeScript literal/);
    assert.equal(r.cancelled, undefined);
    assert.deepEqual(r.questions?.map((x) => [x.key, x.answeredBy, x.answer]), [["shop.product.weight", "editor", "7"]]);
    assert.equal(r.files.length, 1);
    assert.match(r.files[0]!.content, /name: "weight",\s+field: models\.IntegerField\(\{ default: 7 \}\),\s+preserveDefault: false/);
  });
});

test("a one-off default that is not a TypeScript literal is asked again with the reason and the text typed", async () => {
  await withServer(addWeight, ASKS, async (c, asked, answer) => {
    const replies = [{ value: "zero" }, { value: "  " }, { value: '"heavy"' }];
    answer(() => replies.shift() ?? null);
    const r = await make(c);
    assert.equal(asked.length, 3);
    const [, second, third] = asked as { value?: string; error?: string }[];
    assert.equal(second!.value, "zero");
    assert.match(second!.error ?? "", /^Invalid input: expected a literal/);
    assert.match(third!.error ?? "", /^Please enter a value/);
    assert.match(r.files[0]!.content, /field: models\.IntegerField\(\{ default: "heavy" \}\)/);
  });
});

test("cancelling a question (Escape) writes nothing: cancelled, no file", async () => {
  await withServer(addWeight, ASKS, async (c, asked, answer) => {
    answer(() => null);
    const r = await make(c);
    assert.equal(asked.length, 1);
    assert.equal(r.cancelled, true);
    assert.deepEqual(r.files, []);
    // Typing `exit`, as in the terminal, quits too.
    answer(() => ({ value: "exit" }));
    assert.equal((await make(c)).cancelled, true);
  });
});

test("a possible rename is a pick: rename keeps the data (RenameField), remove + add is the other choice", async () => {
  await withServer(renamePrice, ASKS, async (c, asked, answer) => {
    answer((q) => (q.type === "pick" ? { choice: "rename" } : null));
    const renamed = await make(c);
    const q = asked[0]!;
    assert.equal(q.type, "pick");
    assert.equal(q.kind, "renameField");
    assert.equal(q.prompt, "Did you rename product.price to product.cost (a DecimalField)?");
    assert.deepEqual(q.type === "pick" ? q.choices : [], [
      { id: "rename", label: "Rename price → cost (keeps the data)" },
      { id: "no", label: "Remove price and add cost (data in price is lost)" },
    ]);
    assert.match(renamed.files[0]!.content, /migrations\.RenameField\(\{ modelName: "product", oldName: "price", newName: "cost" \}\)/);
    // "Remove and add": cost is then a NOT NULL field added without a default, whose one-off default is asked next.
    asked.length = 0;
    answer((q) => (q.type === "pick" ? { choice: "no" } : { value: "0" }));
    const replaced = await make(c);
    assert.deepEqual(asked.map((x) => [x.kind, x.key]), [["renameField", "shop.product.price"], ["notNullAddition", "shop.product.cost"]]);
    assert.match(replaced.files[0]!.content, /migrations\.RemoveField\(\{ modelName: "product", name: "price" \}\)/);
    assert.doesNotMatch(replaced.files[0]!.content, /RenameField/);
  });
});

test("a client without the capability keeps the disabled action with its reason and is never asked", async () => {
  for (const options of [{ clientCommands: true }, { askQuestions: true }, {}] as Partial<InitializationOptions>[]) {
    await withServer(addWeight, options, async (c, asked) => {
      const action = await makeAction(c);
      assert.ok(action, JSON.stringify(options));
      assert.match(action.disabled?.reason ?? "", /Product\.weight is NOT NULL with no default: use 'Add a default' or 'Make it nullable' first/, JSON.stringify(options));
      if (options.askQuestions !== true) {
        await assert.rejects(make(c), /impossible to add the non-nullable field 'weight'/);
        assert.equal(asked.length, 0);
      }
    });
  }
});

test("a nullable field made NOT NULL: a pick of one-off default / ignore / quit, in the terminal's words", async () => {
  const nullableWeight = (text: string): string => text.replace(/\n}\n$/, "\n  weight = models.IntegerField({ null: true });\n}\n");
  await withServer(nullableWeight, ASKS, async (c, asked, answer) => {
    // The migration with the nullable field first (as the client writes it), then the field made NOT NULL.
    const first = (await make(c)).files;
    assert.equal(first.length, 1);
    writeFileSync(first[0]!.path, first[0]!.content);
    await c.watched([{ file: first[0]!.path, type: 1 }]);
    const text = readFileSync(path.join(c.root, MODELS), "utf8").replace("IntegerField({ null: true })", "IntegerField()");
    await c.change(MODELS, text);
    await c.waitForDiagnostics(MODELS, (d) => d.some((x) => /Alter field weight/.test(x.message)), "the alteration drift");
    asked.length = 0;
    answer((q) => (q.type === "pick" ? { choice: "default" } : { value: "3" }));
    const withDefault = await make(c);
    const pick = asked[0]!;
    assert.equal(pick.kind, "notNullAlteration");
    assert.match(pick.prompt, /^You are trying to change the nullable field 'weight' on product to non-nullable without a default; we can't do that \(the database needs something to populate existing rows\)\.\nPlease select a fix:$/);
    assert.deepEqual(pick.type === "pick" ? pick.choices.map((x) => [x.id, x.label]) : [], [
      ["default", "Provide a one-off default now"], ["ignore", "Ignore for now"], ["quit", "Quit"],
    ]);
    assert.equal(asked[1]?.type, "input");
    assert.match(withDefault.files[0]!.content, /migrations\.AlterField\(\{\s*modelName: "product",\s*name: "weight",\s*field: models\.IntegerField\(\{ default: 3 \}\),\s*preserveDefault: false/);
    answer(() => ({ choice: "ignore" }));
    const ignored = await make(c);
    assert.match(ignored.files[0]!.content, /field: models\.IntegerField\(\),?\s*\}\)/);
    answer(() => ({ choice: "quit" }));
    assert.equal((await make(c)).cancelled, true);
  });
});

test("a possible rename, for a client without the capability: the action is disabled, naming the question and its flag", async () => {
  await withServer(renamePrice, { clientCommands: true }, async (c, asked) => {
    const action = await makeAction(c);
    assert.equal(action?.disabled?.reason,
      "Did you rename product.price to product.cost (a DecimalField)? Made here, it would be removed and added (its data lost): " +
      "answer in a terminal ('tsmigrate makemigrations'), or pass --rename shop.product.price=cost");
    assert.equal(asked.length, 0);
  });
});
