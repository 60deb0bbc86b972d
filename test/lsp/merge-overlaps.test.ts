/**
 * The editor's conflict diagnostic and "Merge migrations" action carry the
 * warnings `makemigrations --merge` prints when both branches touch the
 * same thing (engine/merge.ts); branches that do not overlap get none.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { copyFixture, type Diag, type LspClient, removeDir, startServer } from "./harness";

let dir: string;
let client: LspClient;

/** A migration of app shop after 0001_initial holding `operations`. */
function branch(operations: string): string {
  return `import { migrations, models } from "tsmigrate";\n\nexport default migrations.Migration({\n` +
    `  dependencies: [["shop", "0001_initial"]],\n  operations: [\n    ${operations},\n  ],\n});\n`;
}

const ALTER_PRICE_DIGITS = 'migrations.AlterField({ modelName: "product", name: "price", field: models.DecimalField({ maxDigits: 10, decimalPlaces: 2 }) })';
const ALTER_PRICE_NULL = 'migrations.AlterField({ modelName: "product", name: "price", field: models.DecimalField({ maxDigits: 8, decimalPlaces: 2, null: true }) })';
const A = "shop/migrations/0002_a.ts";
const B = "shop/migrations/0002_b.ts";

before(async () => {
  dir = copyFixture("shop");
  writeFileSync(path.join(dir, A), branch(ALTER_PRICE_DIGITS));
  writeFileSync(path.join(dir, B), branch(ALTER_PRICE_NULL));
  ({ client } = await startServer({ root: dir }));
});

after(async () => {
  await client.stop();
  removeDir(dir);
});

test("overlapping branches: the conflict diagnostic lists them and 'Merge migrations' names them", async () => {
  const diags = await client.waitForDiagnostics(A, (d) => d.some((x) => x.code === "conflict"), "conflict on branch a");
  const conflict = diags.find((x) => x.code === "conflict")!;
  assert.equal(conflict.message,
    "Conflicting migrations detected; multiple leaf nodes in the migration graph: (0002_a, 0002_b in shop). " +
    "To fix them run 'tsmigrate makemigrations --merge'\n" +
    "Both branches touch shop.product.price: 0002_a: Alter field price on product (maxDigits=10); " +
    "0002_b: Alter field price on product (null=true) — check the merged result.");
  const actions = await client.request<{ title: string }[]>("textDocument/codeAction",
    { textDocument: { uri: client.uri(A) }, range: conflict.range, context: { diagnostics: [conflict] } });
  assert.ok(actions.some((a) => a.title === "Merge migrations for 'shop' (both branches touch shop.product.price: check the merged result)"),
    actions.map((a) => a.title).join(", "));
});

test("branches that touch different things: no overlap line, the plain title", async () => {
  writeFileSync(path.join(dir, B), branch('migrations.AddField({ modelName: "product", name: "weight", field: models.IntegerField({ null: true }) })'));
  await client.watched([{ file: B, type: 2 }]);
  const diags = await client.waitForDiagnostics(A, (d: Diag[]) => d.some((x) => x.code === "conflict" && !x.message.includes("Both branches")),
    "the conflict without overlaps");
  const conflict = diags.find((x) => x.code === "conflict")!;
  const actions = await client.request<{ title: string }[]>("textDocument/codeAction",
    { textDocument: { uri: client.uri(A) }, range: conflict.range, context: { diagnostics: [conflict] } });
  assert.ok(actions.some((a) => a.title === "Merge migrations for 'shop'"), actions.map((a) => a.title).join(", "));
});
