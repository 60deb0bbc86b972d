// The data-loss analysis (engine/data-loss.ts) for each operation kind,
// checked against the SQL `sqlmigrate` prints for the same migration
// (PostgreSQL's, where drops are plain DROP TABLE / DROP COLUMN statements):
// every table or column the analysis names is dropped or altered by that
// SQL, and every DROP in the SQL is named. Then the counts on a live SQLite
// database, worded as the CLI prints them.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, test } from "node:test";
import { openSqlite } from "../server/src/engine/backends/sqlite/base";
import { schemaEditorFor } from "../server/src/engine/backends/editors";
import { loadConfig } from "../server/src/engine/config";
import { countLosses, describeLoss, describePlannedLoss, migrationLosses, planLosses } from "../server/src/engine/data-loss";
import { collectSql, MigrationExecutor } from "../server/src/engine/executor";
import { MigrationLoader } from "../server/src/engine/loader";
import type { DataLoss } from "../server/src/engine/operations/base";
import { destructiveSql } from "../server/src/engine/operations/special";

const HEADER = `import { migrations, models } from "tsmigrate";\n\n`;
const ID = `["id", models.BigAutoField({ autoCreated: true, primaryKey: true, serialize: false, verboseName: "ID" })]`;
const migration = (deps: string | undefined, ops: string): string =>
  `${HEADER}export default migrations.Migration({\n  ${deps ? `dependencies: [["shop", "${deps}"]],` : "initial: true,"}\n  operations: [\n    ${ops}\n  ],\n});\n`;

/** One migration per operation kind, in a chain. */
export const FILES: Record<string, string> = {
  "0001_initial": migration(undefined, `
    migrations.CreateModel({ name: "Tag", fields: [${ID}, ["name", models.CharField({ maxLength: 30 })]] }),
    migrations.CreateModel({ name: "Product", fields: [${ID},
      ["name", models.CharField({ maxLength: 100 })],
      ["legacyCode", models.CharField({ maxLength: 50, null: true, dbColumn: "legacy_code" })],
      ["price", models.DecimalField({ maxDigits: 8, decimalPlaces: 2, default: 0 })],
      ["qty", models.IntegerField({ default: 0 })],
      ["note", models.TextField({ null: true })],
      ["memo", models.TextField({ null: true })],
      ["tags", models.ManyToManyField("shop.tag")],
    ] }),`),
  "0002_remove_legacy": migration("0001_initial", `migrations.RemoveField({ modelName: "product", name: "legacyCode" }),`),
  "0003_remove_tags": migration("0002_remove_legacy", `migrations.RemoveField({ modelName: "product", name: "tags" }),`),
  "0004_narrow": migration("0003_remove_tags", `
    migrations.AlterField({ modelName: "product", name: "name", field: models.CharField({ maxLength: 20 }) }),
    migrations.AlterField({ modelName: "product", name: "qty", field: models.SmallIntegerField({ default: 0 }) }),
    migrations.AlterField({ modelName: "product", name: "price", field: models.DecimalField({ maxDigits: 4, decimalPlaces: 2, default: 0 }) }),
    migrations.AlterField({ modelName: "product", name: "note", field: models.TextField({ default: "" }) }),
    migrations.RenameField({ modelName: "product", oldName: "memo", newName: "remark" }),`),
  "0005_separate": migration("0004_narrow", `migrations.SeparateDatabaseAndState({
      databaseOperations: [migrations.RemoveField({ modelName: "product", name: "note" })],
      stateOperations: [migrations.RemoveField({ modelName: "product", name: "note" })],
    }),`),
  "0006_runsql": migration("0005_separate", `migrations.RunSQL({ sql: "DELETE FROM shop_tag WHERE name = 'old'", reverseSql: "" }),`),
  "0007_delete_tag": migration("0006_runsql", `migrations.DeleteModel({ name: "Tag" }),`),
  "0008_add_stock": migration("0007_delete_tag", `migrations.AddField({ modelName: "product", name: "stock", field: models.IntegerField({ null: true }) }),`),
};

const root = fs.mkdtempSync(path.join(os.tmpdir(), "tsm-loss-"));
after(() => fs.rmSync(root, { recursive: true, force: true }));
fs.mkdirSync(path.join(root, "shop/migrations"), { recursive: true });
fs.writeFileSync(path.join(root, "shop/models.ts"), `import { models } from "tsmigrate";\n`);
for (const [name, text] of Object.entries(FILES)) fs.writeFileSync(path.join(root, "shop/migrations", `${name}.ts`), text);
const loader = new MigrationLoader(loadConfig({ project: root }));
loader.load();
loader.throwIfErrors();

function analyse(name: string, backwards: boolean): { losses: DataLoss[]; sql: string } {
  const m = loader.getMigration("shop", name);
  const losses = migrationLosses(m, loader.projectState(m.key, false), backwards);
  const sql = collectSql(loader, m, backwards, (emit) => schemaEditorFor("postgresql", emit)).join("\n");
  return { losses, sql };
}

/** Every loss is in the SQL, and every DROP of the SQL is a loss. */
function agreesWithSql(losses: readonly DataLoss[], sql: string): void {
  const named = new Set<string>();
  for (const l of losses) {
    if (l.kind === "drop-table") {
      assert.match(sql, new RegExp(`DROP TABLE "${l.table}"`), `${describeLoss(l)} in\n${sql}`);
      named.add(`table ${l.table}`);
    } else if (l.kind === "drop-column") {
      assert.match(sql, new RegExp(`ALTER TABLE "${l.table}" DROP COLUMN "${l.column}"`), `${describeLoss(l)} in\n${sql}`);
      named.add(`column ${l.table}.${l.column}`);
    } else if (l.kind === "narrow") {
      assert.match(sql, new RegExp(`ALTER TABLE "${l.table}" ALTER COLUMN "${l.column}" (TYPE|SET NOT NULL)`), `${describeLoss(l)} in\n${sql}`);
    } else {
      assert.ok(destructiveSql(sql), `${describeLoss(l)}: its SQL is destructive`);
    }
  }
  for (const [, table] of sql.matchAll(/DROP TABLE "([^"]+)"/g)) assert.ok(named.has(`table ${table}`), `DROP TABLE ${table} is named`);
  for (const [, table, column] of sql.matchAll(/ALTER TABLE "([^"]+)" DROP COLUMN "([^"]+)"/g)) {
    assert.ok(named.has(`column ${table}.${column}`), `DROP COLUMN ${table}.${column} is named`);
  }
}

const EXPECTED: Record<string, { forwards: string[]; backwards: string[] }> = {
  "0001_initial": {
    forwards: [],
    backwards: ["drops table shop_product", "drops table shop_product_tags", "drops table shop_tag"],
  },
  "0002_remove_legacy": { forwards: ["drops column shop_product.legacy_code"], backwards: [] },
  // A many-to-many field has no column: its join table goes.
  "0003_remove_tags": { forwards: ["drops table shop_product_tags"], backwards: [] },
  "0004_narrow": {
    forwards: [
      "narrows column shop_product.name (max_length 100 → 20)",
      "narrows column shop_product.qty (IntegerField → SmallIntegerField)",
      "narrows column shop_product.price (max_digits 8, decimal_places 2 → 4, 2)",
      "narrows column shop_product.note (NULL → NOT NULL)",
    ],
    backwards: [],
  },
  // Only the database operations count; the state operations touch no table.
  "0005_separate": { forwards: ["drops column shop_product.note"], backwards: [] },
  "0006_runsql": { forwards: ["may destroy data: RunSQL (DELETE FROM shop_tag WHERE name = 'old')"], backwards: [] },
  "0007_delete_tag": { forwards: ["drops table shop_tag"], backwards: [] },
  "0008_add_stock": { forwards: [], backwards: ["drops column shop_product.stock"] },
};

for (const [name, expected] of Object.entries(EXPECTED)) {
  test(`data loss of ${name}, forwards and backwards, agrees with sqlmigrate's SQL`, () => {
    for (const backwards of [false, true]) {
      const { losses, sql } = analyse(name, backwards);
      assert.deepEqual(losses.map((l) => describeLoss(l)), backwards ? expected.backwards : expected.forwards, `${name} backwards=${backwards}`);
      agreesWithSql(losses, sql);
    }
  });
}

test("backwards narrowing: unapplying a widening narrows", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tsm-loss-w-"));
  try {
    fs.mkdirSync(path.join(dir, "shop/migrations"), { recursive: true });
    fs.writeFileSync(path.join(dir, "shop/models.ts"), `import { models } from "tsmigrate";\n`);
    fs.writeFileSync(path.join(dir, "shop/migrations/0001_initial.ts"), migration(undefined,
      `migrations.CreateModel({ name: "P", fields: [${ID}, ["name", models.CharField({ maxLength: 10, null: true })]] }),`));
    fs.writeFileSync(path.join(dir, "shop/migrations/0002_wider.ts"), migration("0001_initial",
      `migrations.AlterField({ modelName: "p", name: "name", field: models.TextField({ null: true }) }),`));
    const l = new MigrationLoader(loadConfig({ project: dir }));
    l.load();
    const m = l.getMigration("shop", "0002_wider");
    const state = l.projectState(m.key, false);
    assert.deepEqual(migrationLosses(m, state, false), []);
    assert.deepEqual(migrationLosses(m, state, true).map((x) => describeLoss(x)), ["narrows column shop_p.name (max_length unlimited → 10)"]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("destructiveSql: drops, deletes, truncates, updates; not in comments or strings", () => {
  for (const s of ["DROP TABLE x", "delete from x", "TRUNCATE x", "UPDATE x SET a = 1", "ALTER TABLE x ALTER COLUMN a TYPE int", "REPLACE INTO x VALUES (1)"]) {
    assert.ok(destructiveSql(s), s);
  }
  for (const s of ["CREATE TABLE x (a int)", "INSERT INTO x VALUES ('drop table y')", "-- delete later\nSELECT 1", "CREATE OR REPLACE VIEW v AS SELECT 1"]) {
    assert.ok(!destructiveSql(s), s);
  }
});

test("counts on a live database: rows of a dropped table, non-null values of a column, values that do not fit", async () => {
  const db = path.join(root, "db.sqlite3");
  const conn = openSqlite("default", db);
  try {
    const ex = await MigrationExecutor.open(conn, loader);
    await ex.migrate([["shop", "0001_initial"]]);
    await conn.execute("INSERT INTO shop_tag (name) VALUES ('a'), ('b'), ('old')");
    await conn.atomic(async () => {
      for (let i = 0; i < 1204; i++) {
        await conn.execute(
        "INSERT INTO shop_product (name, legacy_code, price, qty, note) VALUES (?, ?, ?, ?, ?)",
          [i < 3 ? "a name longer than twenty" : `p${i}`, i < 1000 ? null : `L${i}`, i === 0 ? 12345.5 : 1, i === 1 ? 40000 : 1, i < 5 ? null : "n"],
        );
      }
    });
    await conn.execute("INSERT INTO shop_product_tags (product_id, tag_id) VALUES (1, 1), (1, 2), (2, 1)");
    await ex.refresh();
    const plan = ex.migrationPlan([["shop", "0007_delete_tag"]]);
    const counted = await countLosses(conn, planLosses(loader, plan));
    assert.deepEqual(counted.map(describePlannedLoss), [
      "shop.0002_remove_legacy: drops column shop_product.legacy_code: 204 non-null values",
      "shop.0003_remove_tags: drops table shop_product_tags: 3 rows",
      "shop.0004_narrow: narrows column shop_product.name (max_length 100 → 20): 3 values too long",
      "shop.0004_narrow: narrows column shop_product.qty (IntegerField → SmallIntegerField): 1 value out of range",
      "shop.0004_narrow: narrows column shop_product.price (max_digits 8, decimal_places 2 → 4, 2): 1 value out of range",
      "shop.0004_narrow: narrows column shop_product.note (NULL → NOT NULL): 5 NULL values",
      "shop.0005_separate: drops column shop_product.note: 1,199 non-null values",
      "shop.0006_runsql: may destroy data: RunSQL (DELETE FROM shop_tag WHERE name = 'old')",
      "shop.0007_delete_tag: drops table shop_tag: 3 rows",
    ]);
    // A loss naming a column the database does not have (yet): listed without a count.
    const missing = await countLosses(conn, [{ migration: "shop.x", backwards: false, loss: { kind: "drop-column", table: "shop_product", column: "nope" } }]);
    assert.deepEqual(missing.map(describePlannedLoss), ["shop.x: drops column shop_product.nope"]);
    const back = await countLosses(conn, planLosses(loader, ex.migrationPlan([["shop", null]])));
    assert.deepEqual(back.map(describePlannedLoss), [
      "shop.0001_initial (unapply): drops table shop_product: 1,204 rows",
      "shop.0001_initial (unapply): drops table shop_product_tags: 3 rows",
      "shop.0001_initial (unapply): drops table shop_tag: 3 rows",
    ]);
  } finally {
    await conn.close();
  }
});
