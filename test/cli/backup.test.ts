// Backups before `migrate` on SQLite: made next to the database when a plan
// runs on a database holding tables, named after the first migration,
// restorable with the printed command; the newest `backups.keep` kept;
// none with --no-backup, with nothing to apply, or on a new database.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, test } from "node:test";
import Database from "better-sqlite3";
import { cleanTemps, copyFixture, ensureBuilt, tsmigrate } from "./helpers";

before(ensureBuilt);
after(cleanTemps);

const STOCK = `import { migrations, models } from "tsmigrate";

export default migrations.Migration({
  dependencies: [["shop", "0001_initial"]],
  operations: [
    migrations.AddField({ modelName: "product", name: "stock", field: models.IntegerField({ default: 0 }) }),
  ],
});
`;

const backups = (dir: string): string[] => fs.readdirSync(dir).filter((f) => f.startsWith("db.sqlite3.bak-")).sort();

function rows(dir: string): unknown[] {
  const db = new Database(path.join(dir, "db.sqlite3"), { readonly: true });
  try {
    return db.prepare("SELECT name, price FROM shop_product ORDER BY id").all();
  } finally {
    db.close();
  }
}

test("migrate backs up first; the printed command restores the rows after the database is broken", () => {
  const dir = copyFixture("shop");
  const first = tsmigrate(dir, "migrate");
  assert.equal(first.code, 0, first.stderr);
  assert.doesNotMatch(first.stderr, /Backed up/, "a new database has nothing to back up");
  assert.deepEqual(backups(dir), []);
  const db = new Database(path.join(dir, "db.sqlite3"));
  db.exec("INSERT INTO shop_product (name, price) VALUES ('tea', 2.5), ('cake', 4)");
  db.close();

  fs.writeFileSync(path.join(dir, "shop/migrations/0002_product_stock.ts"), STOCK);
  const m = tsmigrate(dir, "migrate");
  assert.equal(m.code, 0, m.stderr);
  const [bak] = backups(dir);
  assert.match(bak ?? "", /^db\.sqlite3\.bak-\d{8}T\d{6}\.\d{3}Z-before-shop\.0002_product_stock$/);
  const restore = /\n {2}To restore it: (cp .*)\n/.exec(m.stderr)?.[1];
  assert.ok(m.stderr.startsWith(`Backed up database 'default' to ${bak}\n`), m.stderr);
  assert.ok(restore, m.stderr);

  // Break it by hand: the table is gone.
  const broken = new Database(path.join(dir, "db.sqlite3"));
  broken.exec("DROP TABLE shop_product");
  broken.close();
  const r = spawnSync("sh", ["-c", restore], { cwd: dir, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(rows(dir), [{ name: "tea", price: 2.5 }, { name: "cake", price: 4 }]);
  const status = tsmigrate(dir, "showmigrations");
  assert.equal(status.stdout, "shop\n [X] 0001_initial\n [ ] 0002_product_stock\n", "the backup is the database before the migration");
});

test("the newest backups.keep are kept; none with --no-backup or with nothing to apply", () => {
  const dir = copyFixture("shop");
  const cfg = path.join(dir, "tsmigrate.config.json");
  fs.writeFileSync(cfg, JSON.stringify({ ...JSON.parse(fs.readFileSync(cfg, "utf8")), backups: { keep: 2 } }));
  fs.writeFileSync(path.join(dir, "shop/migrations/0002_product_stock.ts"), STOCK);
  assert.equal(tsmigrate(dir, "migrate", "shop", "0001").code, 0);
  for (let i = 0; i < 3; i++) {
    assert.equal(tsmigrate(dir, "migrate").code, 0);
    assert.equal(tsmigrate(dir, "migrate", "shop", "0001", "--allow-destructive").code, 0);
  }
  const kept = backups(dir);
  assert.equal(kept.length, 2, kept.join("\n"));
  assert.match(kept[1]!, /-before-shop\.0002_product_stock$/, "the newest: before unapplying 0002");

  const none = tsmigrate(dir, "migrate", "--no-backup");
  assert.equal(none.code, 0, none.stderr);
  assert.doesNotMatch(none.stderr, /Backed up/);
  assert.deepEqual(backups(dir), kept);
  const nothing = tsmigrate(dir, "migrate");
  assert.match(nothing.stdout, /No migrations to apply/);
  assert.deepEqual(backups(dir), kept);
});

test("a bad backups entry is exit 2 naming the key", () => {
  const dir = copyFixture("shop");
  const cfg = path.join(dir, "tsmigrate.config.json");
  fs.writeFileSync(cfg, JSON.stringify({ ...JSON.parse(fs.readFileSync(cfg, "utf8")), backups: { keep: 0 } }, null, 2));
  const r = tsmigrate(dir, "migrate");
  assert.equal(r.code, 2);
  assert.match(r.stderr, /tsmigrate\.config\.json:\d+:\d+: tsmigrate\.config\.json: backups: expected \{ "keep": N \}/);
});
