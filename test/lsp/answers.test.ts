/**
 * The language server's makemigrations with answers given up front
 * (`tsmigrate/makeMigrations`'s `answers`, the same JSON as
 * `makemigrations --answers FILE`): the questions come back listed, no file
 * is proposed while one is unanswered, answered ones shape the migration,
 * and an answer that matches no question is BadInput naming it.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { ErrorCodes, type MakeMigrationsParams, type MakeMigrationsResult, RequestTypes } from "../../server/src/protocol";
import { copyFixture, type LspClient, removeDir, startServer } from "./harness";

let dir: string;
let client: LspClient;

before(async () => {
  dir = copyFixture("shop");
  const models = path.join(dir, "shop/models.ts");
  // price renamed to cost (same definition: a rename candidate), weight NOT NULL without a default.
  writeFileSync(models, readFileSync(models, "utf8").replace("price = ", "cost = ")
    .replace(/\n}\n$/, "\n  weight = models.IntegerField();\n}\n"));
  ({ client } = await startServer({ root: dir }));
});

after(async () => {
  await client.stop();
  removeDir(dir);
});

const send = (params: MakeMigrationsParams): Promise<MakeMigrationsResult> => client.send(RequestTypes["tsmigrate/makeMigrations"], params);

test("with empty answers: every question listed, unanswered ones flagged, no file proposed", async () => {
  const r = await send({ answers: {} });
  assert.deepEqual(r.files, []);
  assert.deepEqual(r.questions?.map((q) => [q.kind, q.key, q.flag, q.answeredBy, q.answer]), [
    ["renameField", "shop.product.price", "--rename shop.product.price=cost", "unanswered", undefined],
    ["notNullAddition", "shop.product.cost", "--default shop.product.cost=VALUE", "unanswered", undefined],
    ["notNullAddition", "shop.product.weight", "--default shop.product.weight=VALUE", "unanswered", undefined],
  ]);
  assert.equal(r.questions?.[0]?.question, "Did you rename product.price to product.cost (a DecimalField)? [y/N]");
});

test("with every question answered: the migration renames and uses the one-off default", async () => {
  const r = await send({ answers: { renames: { "shop.product.price": "cost" }, defaults: { "shop.product.weight": "0" } } });
  assert.deepEqual(r.questions?.map((q) => [q.key, q.answeredBy, q.answer]), [
    ["shop.product.price", "answers", "yes"],
    ["shop.product.weight", "answers", "0"],
  ]);
  assert.equal(r.files.length, 1);
  assert.deepEqual(r.files[0]!.description, ["Rename field price on product to cost", "Add field stock to product", "Add field weight to product"]);
  assert.match(r.files[0]!.content, /migrations\.RenameField\(\{ modelName: "product", oldName: "price", newName: "cost" \}\)/);
  assert.match(r.files[0]!.content, /name: "weight",\s+field: models\.IntegerField\(\{ default: 0 \}\),\s+preserveDefault: false/);
});

test("an answer that matches no question, or a malformed one, is BadInput naming it", async () => {
  await assert.rejects(send({ answers: { renames: { "shop.product.price": "cost", "shop.Product": "Item" }, defaults: { "shop.product.weight": "0" } } }),
    (e: { code: number; message: string }) => e.code === ErrorCodes.BadInput &&
      /This answer matches no question makemigrations asked: renames\["shop\.Product"\] in the answers\./.test(e.message));
  await assert.rejects(send({ answers: { defaults: { "shop.product.weight": "zero" } } }),
    (e: { code: number; message: string }) => e.code === ErrorCodes.BadInput &&
      /defaults\["shop\.product\.weight"\] in the answers: the default is not a TypeScript literal/.test(e.message));
});
