/**
 * Hovers show the engine's data-loss analysis: a column dropped inside
 * SeparateDatabaseAndState is named (the old editor warning missed it),
 * and a many-to-many field removed names its join table, not a column.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { copyFixture, type LspClient, positionOf, removeDir, startServer } from "./harness";

const HEADER = `import { migrations, models } from "tsmigrate";\n\n`;
const M0002 = `${HEADER}export default migrations.Migration({
  dependencies: [["shop", "0001_initial"]],
  operations: [
    migrations.CreateModel({ name: "Tag", fields: [["id", models.BigAutoField({ autoCreated: true, primaryKey: true, serialize: false, verboseName: "ID" })]] }),
    migrations.AddField({ modelName: "product", name: "tags", field: models.ManyToManyField("shop.tag") }),
    migrations.AddField({ modelName: "product", name: "legacy", field: models.CharField({ maxLength: 10, null: true }) }),
  ],
});
`;
const M0003 = `${HEADER}export default migrations.Migration({
  dependencies: [["shop", "0002_tags"]],
  operations: [
    migrations.SeparateDatabaseAndState({
      databaseOperations: [migrations.RemoveField({ modelName: "product", name: "legacy" })],
      stateOperations: [migrations.RemoveField({ modelName: "product", name: "legacy" })],
    }),
    migrations.RemoveField({ modelName: "product", name: "tags" }),
  ],
});
`;

describe("data loss in hovers", () => {
  let dir: string;
  let client: LspClient;

  before(async () => {
    dir = copyFixture("shop");
    writeFileSync(path.join(dir, "shop/migrations/0002_tags.ts"), M0002);
    writeFileSync(path.join(dir, "shop/migrations/0003_losses.ts"), M0003);
    client = (await startServer({ root: dir })).client;
  });

  after(async () => {
    await client?.stop();
    removeDir(dir);
  });

  test("SeparateDatabaseAndState's dropped column and a many-to-many's join table", async () => {
    const rel = "shop/migrations/0003_losses.ts";
    const text = readFileSync(path.join(dir, rel), "utf8");
    const sep = positionOf(text, "migrations.SeparateDatabaseAndState", 12);
    const h = (await client.hover(rel, sep.line, sep.character)) ?? "";
    assert.match(h, /Data loss when applied:\*\*\n- drops column shop_product\.legacy\n/, h);
    const whole = (await client.hover(rel, positionOf(text, "migrations.Migration", 12).line, positionOf(text, "migrations.Migration", 12).character)) ?? "";
    assert.match(whole, /- drops column shop_product\.legacy\n- drops table shop_product_tags\n/, whole);
    assert.doesNotMatch(whole, /column shop_product\.tags/, "a many-to-many field has no column");
  });

  test("a model class with a pending removal: the hover says what applying it would drop", async () => {
    const models = "shop/models.ts";
    const text = readFileSync(path.join(dir, models), "utf8").replace(/\n\s*price = [^\n]*/, "");
    await client.open(models, text);
    const at = positionOf(text, "class Product", 6);
    const h = (await client.hover(models, at.line, at.character)) ?? "";
    assert.match(h, /Remove field price from product/, h);
    assert.match(h, /Data loss when applied:\*\*\n- drops column shop_product\.price/, h);
  });

  test("unapplying an AddField: the hover says what rolling back drops", async () => {
    const rel = "shop/migrations/0002_tags.ts";
    const text = readFileSync(path.join(dir, rel), "utf8");
    const at = positionOf(text, `name: "legacy"`, 0);
    const h = (await client.hover(rel, at.line, at.character)) ?? "";
    assert.doesNotMatch(h, /Data loss when applied/);
    assert.match(h, /Data loss when unapplied:\*\*\n- drops column shop_product\.legacy/, h);
  });
});
