import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PassThrough, Readable } from "node:stream";
import { QuestionError, TsMigrateError } from "../server/src/engine/errors";
import {
  DriftQuestioner, InteractiveQuestioner, NonInteractiveQuestioner, parseDefault,
} from "../server/src/engine/questioner";
import { ModelState, makeField } from "../server/src/engine/state";
import { functionValue } from "../server/src/engine/callables";

/** An interactive questioner fed `lines`, with everything it printed. */
function scripted(lines: string[]): { q: InteractiveQuestioner; out: () => string } {
  const input = Readable.from([lines.map((l) => `${l}\n`).join("")]);
  const output = new PassThrough();
  let text = "";
  output.on("data", (d: Buffer) => (text += d.toString()));
  return { q: new InteractiveQuestioner({ input, output }), out: () => text };
}

const int = makeField("IntegerField", {});
const category = new ModelState("shop", "Category", []);
const kind = new ModelState("shop", "ProductCategory", []);

describe("InteractiveQuestioner (Django 3.2 wording)", () => {
  it("asks rename questions, default no", async () => {
    const { q, out } = scripted(["", "maybe", "Y", "n"]);
    assert.equal(await q.askRenameField("product", "stock", "quantity", int), false);
    assert.equal(await q.askRenameModel(category, kind), true);
    assert.equal(await q.askRenameModel(category, kind), false);
    q.close();
    assert.equal(out(),
      "Did you rename product.stock to product.quantity (a IntegerField)? [y/N] " +
      "Did you rename the shop.Category model to ProductCategory? [y/N] Please answer yes or no: " +
      "Did you rename the shop.Category model to ProductCategory? [y/N] ");
  });

  it("offers the NOT NULL menu and reads a TypeScript literal", async () => {
    const { q, out } = scripted(["3", "1", "", "nope(", "'draft'"]);
    assert.equal(await q.askNotNullAddition("sku", "product", int), "draft");
    q.close();
    const text = out();
    assert.ok(text.startsWith(
      "You are trying to add a non-nullable field 'sku' to product without a default; we can't do that " +
      "(the database needs something to populate existing rows).\nPlease select a fix:\n" +
      " 1) Provide a one-off default now (will be set on all existing rows with a null value for this column)\n" +
      " 2) Quit, and let me add a default in models.ts\nSelect an option: Please select a valid option: "), text);
    assert.match(text, /Please enter some code, or 'exit' \(with no quotes\) to exit\.\n>>> Invalid input: /);
  });

  it("a callable default the database cannot compute: the menu says why a one-off default is asked", async () => {
    const field = makeField("CharField", { maxLength: 40, default: functionValue('() => "c-" + Math.random()') });
    const { q, out } = scripted(["1", "'legacy'"]);
    assert.equal(await q.askNotNullAddition("code", "product", field), "legacy");
    q.close();
    assert.match(out(), /without a default; we can't do that \(the database needs something to populate existing rows\)\.\n/);
    assert.match(out(), /\nIts default is a function \(\(\) => "c-" \+ Math\.random\(\)\) that tsmigrate never runs, .*same value, .*\nPlease select a fix:\n/);
  });

  it("NULL to NOT NULL: default, ignore or quit", async () => {
    let s = scripted(["1", "[1, 2]"]);
    assert.deepEqual(await s.q.askNotNullAlteration("code", "product", int), { kind: "default", value: [1, 2] });
    s.q.close();
    assert.match(s.out(), /^You are trying to change the nullable field 'code' on product to non-nullable without a default;/);
    assert.match(s.out(), / 2\) Ignore for now, and let me handle existing rows with NULL myself/);
    s = scripted(["2"]);
    assert.deepEqual(await s.q.askNotNullAlteration("code", "product", int), { kind: "ignore" });
    s.q.close();
    s = scripted(["3"]);
    await assert.rejects(s.q.askNotNullAlteration("code", "product", int),
      (e: unknown) => e instanceof TsMigrateError && e.exitCode === 3 && e.code === "quit");
    s.q.close();
    s = scripted(["1", "exit"]);
    await assert.rejects(s.q.askNotNullAddition("sku", "product", int), (e: unknown) => e instanceof TsMigrateError && e.exitCode === 3);
    s.q.close();
  });

  it("stops with a QuestionError at the end of input, and asks to merge", async () => {
    const s = scripted(["y"]);
    assert.equal(await s.q.askMerge("shop"), true);
    await assert.rejects(s.q.askRenameField("p", "a", "b", int), (e: unknown) => e instanceof QuestionError);
    s.q.close();
    assert.match(s.out(), /\nDo you want to merge these migration branches\? \[y\/N\] Did you rename/);
  });
});

describe("NonInteractiveQuestioner and DriftQuestioner", () => {
  it("--noinput raises QuestionError (exit 3) carrying the question", () => {
    const q = new NonInteractiveQuestioner();
    for (const ask of [
      () => q.askRenameField("product", "stock", "quantity", int),
      () => q.askRenameModel(category, kind),
      () => q.askNotNullAddition("sku", "product"),
      () => q.askNotNullAlteration("code", "product"),
    ]) {
      assert.throws(ask, (e: unknown) => e instanceof QuestionError && e.exitCode === 3 && e.message.length > 40);
    }
    assert.throws(() => q.askRenameModel(category, kind), /Did you rename the shop\.Category model to ProductCategory\? \[y\/N\]/);
    assert.equal(q.askMerge(), true);
  });

  it("the drift questioner never asks", () => {
    const q = new DriftQuestioner();
    assert.equal(q.askRenameField(), false);
    assert.equal(q.askRenameModel(), false);
    assert.equal(q.askNotNullAddition("a", "b", int), 0);
    assert.equal(q.askNotNullAddition("a", "b", makeField("CharField", { maxLength: 3 })), "");
    assert.deepEqual(q.askNotNullAlteration(), { kind: "ignore" });
  });

  it("parseDefault accepts literals only", () => {
    assert.equal(parseDefault("0"), 0);
    assert.equal(parseDefault("-1.5"), -1.5);
    assert.deepEqual(parseDefault('{ a: "x", b: [true, null] }'), { a: "x", b: [true, null] });
    assert.throws(() => parseDefault("Date.now()"), /literal/);
    assert.throws(() => parseDefault("1 +"), TsMigrateError);
  });
});
