// RunCode (Django's RunPython): the function runs inside the migration's
// transaction, in order with the SQL around it, and reverseCode on rollback;
// a throwing function rolls the whole migration back.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { openSqlite } from "../server/src/engine/backends/sqlite/base";
import { loadConfig } from "../server/src/engine/config";
import { TsMigrateError } from "../server/src/engine/errors";
import { MigrationExecutor } from "../server/src/engine/executor";
import { MigrationLoader } from "../server/src/engine/loader";

const M0001 = `import { migrations, models } from "tsmigrate";

export default migrations.Migration({
  initial: true,
  operations: [
    migrations.CreateModel({
      name: "Product",
      fields: [
        ["id", models.BigAutoField({ autoCreated: true, primaryKey: true, serialize: false, verboseName: "ID" })],
        ["name", models.CharField({ maxLength: 100 })],
      ],
    }),
  ],
});
`;
const M0002 = (body: string) => `import { migrations, models } from "tsmigrate";

export default migrations.Migration({
  dependencies: [["shop", "0001_initial"]],
  operations: [
    migrations.AddField({ modelName: "product", name: "slug", field: models.CharField({ maxLength: 100, default: "" }) }),
    migrations.RunCode({
      code: async (ctx) => {
        ${body}
      },
      reverseCode: async (ctx) => {
        await ctx.execute("UPDATE shop_product SET name = upper(name)");
      },
    }),
  ],
});
`;

async function project(m0002: string) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "tsm-runcode-"));
  fs.mkdirSync(path.join(root, "shop/migrations"), { recursive: true });
  fs.writeFileSync(path.join(root, "shop/models.ts"), `import { models } from "tsmigrate";\n`);
  fs.writeFileSync(path.join(root, "shop/migrations/0001_initial.ts"), M0001);
  fs.writeFileSync(path.join(root, "shop/migrations/0002_slug.ts"), m0002);
  const conn = openSqlite("default", path.join(root, "db.sqlite3"));
  const loader = new MigrationLoader(loadConfig({ project: root }));
  loader.load();
  loader.throwIfErrors();
  const ex = await MigrationExecutor.open(conn, loader);
  await ex.migrate([["shop", "0001_initial"]]);
  conn.executeSync("INSERT INTO shop_product (name) VALUES ('Red Chair'), ('blue table')");
  return { conn, ex, rows: () => conn.querySync("SELECT name, slug FROM shop_product ORDER BY id") };
}

test("RunCode fills a new column after the AddField, and reverseCode runs on rollback", async () => {
  const { conn, ex, rows } = await project(M0002(`
        const products = await ctx.query<{ id: number; name: string }>("SELECT id, name FROM shop_product");
        for (const p of products) {
          await ctx.execute("UPDATE shop_product SET slug = ? WHERE id = ?", [p.name.toLowerCase().replace(/ /g, "-"), p.id]);
        }`));
  await ex.migrate([["shop", "0002_slug"]]);
  assert.deepEqual(rows(), [{ name: "Red Chair", slug: "red-chair" }, { name: "blue table", slug: "blue-table" }]);
  await ex.migrate([["shop", "0001_initial"]]);
  assert.deepEqual(conn.querySync("SELECT name FROM shop_product ORDER BY id"), [{ name: "RED CHAIR" }, { name: "BLUE TABLE" }]);
});

test("a RunCode that throws rolls the migration back: no column, no record", async () => {
  const { conn, ex } = await project(M0002(`
        await ctx.execute("UPDATE shop_product SET name = 'changed'");
        throw new Error("boom");`));
  await assert.rejects(ex.migrate([["shop", "0002_slug"]]), (e: unknown) => e instanceof TsMigrateError && /boom/.test(e.message));
  assert.deepEqual(conn.querySync<{ name: string }>("PRAGMA table_info(shop_product)").map((r) => r.name), ["id", "name"]);
  assert.deepEqual(conn.querySync("SELECT name FROM shop_product ORDER BY id"), [{ name: "Red Chair" }, { name: "blue table" }]);
  assert.deepEqual(conn.querySync("SELECT name FROM tsmigrate_migrations"), [{ name: "0001_initial" }]);
});
