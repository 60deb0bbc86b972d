// The executor against a temp SQLite file: apply, roll back to a target,
// zero, fake, fake-initial, a failing RunSQL leaving everything as it was,
// modified-checksum detection, the migrate lock, and sqlmigrate's SQL.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, test } from "node:test";
import { openSqlite, type SqliteConnection } from "../server/src/engine/backends/sqlite/base";
import { loadConfig } from "../server/src/engine/config";
import type { TsMigrateError } from "../server/src/engine/errors";
import { MigrationExecutor, type ProgressEvent } from "../server/src/engine/executor";
import { MigrationLoader } from "../server/src/engine/loader";
import { MigrationRecorder } from "../server/src/engine/recorder";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const f of cleanups.splice(0)) f();
});

const HEADER = `import { migrations, models } from "tsmigrate";\n\n`;
const M0001 = `${HEADER}export default migrations.Migration({
  initial: true,
  operations: [
    migrations.CreateModel({
      name: "Product",
      fields: [
        ["id", models.BigAutoField({ autoCreated: true, primaryKey: true, serialize: false, verboseName: "ID" })],
        ["name", models.CharField({ maxLength: 100, unique: true })],
      ],
    }),
  ],
});
`;
const M0002 = (dflt = 0) => `${HEADER}export default migrations.Migration({
  dependencies: [["shop", "0001_initial"]],
  operations: [
    migrations.AddField({ modelName: "product", name: "stock", field: models.IntegerField({ default: ${dflt} }) }),
  ],
});
`;
const M0003_BAD = `${HEADER}export default migrations.Migration({
  dependencies: [["shop", "0002_product_stock"]],
  operations: [
    migrations.AddField({ modelName: "product", name: "note", field: models.TextField({ null: true }) }),
    migrations.RunSQL({ sql: "INSERT INTO no_such_table VALUES (1)", reverseSql: "" }),
  ],
});
`;

interface Setup {
  root: string;
  db: string;
  loader: MigrationLoader;
  conn: SqliteConnection;
  write(name: string, text: string): void;
  executor(): Promise<MigrationExecutor>;
  columns(table: string): string[];
  tables(): string[];
  records(): string[];
}

function setup(files: Record<string, string>): Setup {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "tsm-exec-"));
  fs.mkdirSync(path.join(root, "shop/migrations"), { recursive: true });
  fs.writeFileSync(path.join(root, "shop/models.ts"), `import { models } from "tsmigrate";\n`);
  const write = (name: string, text: string) => fs.writeFileSync(path.join(root, "shop/migrations", `${name}.ts`), text);
  for (const [name, text] of Object.entries(files)) write(name, text);
  const db = path.join(root, "db.sqlite3");
  const conn = openSqlite("default", db);
  cleanups.push(() => {
    void conn.close();
    fs.rmSync(root, { recursive: true, force: true });
  });
  const loader = new MigrationLoader(loadConfig({ project: root }));
  return {
    root, db, loader, conn, write,
    executor: async () => {
      loader.load();
      loader.throwIfErrors();
      return MigrationExecutor.open(conn, loader);
    },
    columns: (table) => conn.querySync<{ name: string }>(`PRAGMA table_info("${table}")`).map((r) => r.name),
    tables: () => conn.querySync<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").map((r) => r.name),
    records: () => conn.querySync<{ app: string; name: string }>(`SELECT app, name FROM tsmigrate_migrations ORDER BY id`).map((r) => `${r.app}.${r.name}`),
  };
}

test("applies every migration, recording each with its checksum", async () => {
  const s = setup({ "0001_initial": M0001, "0002_product_stock": M0002() });
  const ex = await s.executor();
  const events: string[] = [];
  const onProgress = (e: ProgressEvent) => events.push(`${e.action} ${e.migration.name}${e.fake ? " fake" : ""}`);
  await ex.migrate(ex.loader.graph.leafNodes().map((k) => [k[0], k[1]]), { onProgress });
  assert.deepEqual(events, [
    "apply_start 0001_initial", "apply_success 0001_initial", "apply_start 0002_product_stock", "apply_success 0002_product_stock",
  ]);
  assert.deepEqual(s.columns("shop_product"), ["id", "name", "stock"]);
  assert.deepEqual(s.records(), ["shop.0001_initial", "shop.0002_product_stock"]);
  const applied = await new MigrationRecorder(s.conn).appliedMigrations();
  assert.equal(applied.get("shop.0002_product_stock")!.checksum, s.loader.getMigration("shop", "0002_product_stock").checksum());
  assert.ok(applied.get("shop.0001_initial")!.applied instanceof Date);
  assert.deepEqual(s.tables().filter((t) => t.startsWith("tsmigrate_lock")), ["tsmigrate_lock"]);
  assert.equal(s.conn.querySync("SELECT * FROM tsmigrate_lock").length, 0, "lock released");
});

test("rolls back to 0001, then to zero", async () => {
  const s = setup({ "0001_initial": M0001, "0002_product_stock": M0002() });
  let ex = await s.executor();
  await ex.migrate([["shop", "0002_product_stock"]]);
  ex = await s.executor();
  assert.deepEqual(ex.migrationPlan([["shop", "0001_initial"]]).map((p) => [p.migration.name, p.backwards]), [["0002_product_stock", true]]);
  await ex.migrate([["shop", "0001_initial"]]);
  assert.deepEqual(s.columns("shop_product"), ["id", "name"]);
  assert.deepEqual(s.records(), ["shop.0001_initial"]);
  await ex.migrate([["shop", null]]);
  assert.ok(!s.tables().includes("shop_product"));
  assert.deepEqual(s.records(), []);
});

test("--fake records without touching the schema; --fake-initial skips existing tables", async () => {
  const s = setup({ "0001_initial": M0001, "0002_product_stock": M0002() });
  const ex = await s.executor();
  const events: string[] = [];
  await ex.migrate([["shop", "0001_initial"]], { fake: true, onProgress: (e) => events.push(`${e.action}${e.fake ? " fake" : ""}`) });
  assert.deepEqual(events, ["apply_start fake", "apply_success fake"]);
  assert.ok(!s.tables().includes("shop_product"));
  assert.deepEqual(s.records(), ["shop.0001_initial"]);
  await ex.migrate([["shop", null]], { fake: true });
  assert.deepEqual(s.records(), []);
  // Make the table for real, forget the record, then fake-initial finds it.
  await ex.migrate([["shop", "0001_initial"]]);
  await new MigrationRecorder(s.conn).flush();
  const fakes: boolean[] = [];
  await ex.migrate([["shop", "0002_product_stock"]], { fakeInitial: true, onProgress: (e) => e.action === "apply_success" && fakes.push(e.fake) });
  assert.deepEqual(fakes, [true, false], "0001 faked (table exists), 0002 applied");
  assert.deepEqual(s.columns("shop_product"), ["id", "name", "stock"]);
});

test("a failing statement rolls the migration back: schema and records unchanged", async () => {
  const s = setup({ "0001_initial": M0001, "0002_product_stock": M0002(), "0003_bad": M0003_BAD });
  const ex = await s.executor();
  await ex.migrate([["shop", "0002_product_stock"]]);
  const schemaBefore = s.conn.querySync("SELECT sql FROM sqlite_master ORDER BY name");
  await assert.rejects(ex.migrate([["shop", "0003_bad"]]), (e: TsMigrateError) => {
    assert.equal(e.code, "database");
    assert.match(e.message, /Applying shop\.0003_bad failed in operation "Raw SQL operation"/);
    assert.match(e.message, /no such table: no_such_table/);
    assert.match(e.message, /SQL: INSERT INTO no_such_table VALUES \(1\)/);
    assert.equal(e.location?.line, 7);
    return true;
  });
  assert.deepEqual(s.conn.querySync("SELECT sql FROM sqlite_master ORDER BY name"), schemaBefore);
  assert.deepEqual(s.columns("shop_product"), ["id", "name", "stock"]);
  assert.deepEqual(s.records(), ["shop.0001_initial", "shop.0002_product_stock"]);
  assert.equal(s.conn.querySync("SELECT * FROM tsmigrate_lock").length, 0, "lock released after failure");
});

test("an applied migration edited since is reported, and not unapplied unless faked", async () => {
  const s = setup({ "0001_initial": M0001, "0002_product_stock": M0002(0) });
  let ex = await s.executor();
  await ex.migrate([["shop", "0002_product_stock"]]);
  assert.deepEqual(ex.modifiedMigrations(), []);
  s.write("0002_product_stock", M0002(5));
  ex = await s.executor();
  assert.deepEqual(ex.modifiedMigrations().map((m) => m.migration.name), ["0002_product_stock"]);
  await assert.rejects(ex.migrate([["shop", "0001_initial"]]), (e: TsMigrateError) =>
    e.code === "modified-migration" && /shop\.0002_product_stock/.test(e.message));
  assert.deepEqual(s.columns("shop_product"), ["id", "name", "stock"]);
  // Fake it out and in again: the new checksum is recorded.
  await ex.migrate([["shop", "0001_initial"]], { fake: true });
  await ex.migrate([["shop", "0002_product_stock"]], { fake: true });
  ex = await s.executor();
  assert.deepEqual(ex.modifiedMigrations(), []);
});

test("the migrate lock: held by a live process is an error, by a dead one is taken over", async () => {
  const s = setup({ "0001_initial": M0001 });
  const ex = await s.executor();
  const rec = new MigrationRecorder(s.conn);
  const release = await rec.acquireLock();
  await assert.rejects(rec.acquireLock(), (e: TsMigrateError) => e.code === "locked" && /held by process \d+ on /.test(e.message));
  await assert.rejects(ex.migrate([["shop", "0001_initial"]]), (e: TsMigrateError) => e.code === "locked");
  await release();
  await rec.acquireLock(); // take it again, then pretend its owner died
  s.conn.executeSync(`UPDATE tsmigrate_lock SET pid = 2147483646`); // a pid that does not exist
  await ex.migrate([["shop", "0001_initial"]]);
  assert.deepEqual(s.records(), ["shop.0001_initial"]);
});

test("sqlFor prints Django's sqlmigrate shape", async () => {
  const s = setup({ "0001_initial": M0001, "0002_product_stock": M0002() });
  const ex = await s.executor();
  const sql = ex.sqlFor(s.loader.getMigration("shop", "0001_initial"));
  assert.deepEqual(sql.slice(0, 4), ["BEGIN;", "--", "-- Create model Product", "--"]);
  assert.match(sql[4]!, /^CREATE TABLE "shop_product" \("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "name" varchar\(100\) NOT NULL UNIQUE\);$/);
  assert.equal(sql[sql.length - 1], "COMMIT;");
  const back = ex.sqlFor(s.loader.getMigration("shop", "0002_product_stock"), true);
  assert.deepEqual(back.slice(0, 4), ["BEGIN;", "--", "-- Add field stock to product", "--"]);
  assert.equal(back.length, 6, back.join("\n"));
  assert.match(back[4]!, /^ALTER TABLE "shop_product" DROP COLUMN "stock";$|^CREATE TABLE "new__shop_product"/);
});
