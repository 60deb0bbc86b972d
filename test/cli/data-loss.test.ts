// `migrate` lists what a plan destroys (counted on the database) before
// running it: on a pseudo-terminal it asks "Continue? [y/N]"; without one,
// or with --noinput, exit 3 with the list and nothing run, unless
// --allow-destructive. `makemigrations` prints the same warnings under the
// operations it writes.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, test } from "node:test";
import Database from "better-sqlite3";
import { cleanTemps, copyFixture, ensureBuilt, tsmigrate, tsmigrateTty } from "./helpers";

before(ensureBuilt);
after(cleanTemps);

const HEADER = `import { migrations, models } from "tsmigrate";\n\n`;
const LEGACY = `${HEADER}export default migrations.Migration({
  dependencies: [["shop", "0001_initial"]],
  operations: [
    migrations.AddField({ modelName: "product", name: "stock", field: models.IntegerField({ default: 0 }) }),
    migrations.AddField({ modelName: "product", name: "legacyCode", field: models.CharField({ maxLength: 20, null: true }) }),
  ],
});
`;

/** The shop fixture migrated to 0002 (with a legacy_code column), 3 products, 2 of them with a legacy code. */
function migratedShop(): string {
  const dir = copyFixture("shop");
  fs.writeFileSync(path.join(dir, "shop/migrations/0002_legacy.ts"), LEGACY);
  const m = tsmigrate(dir, "migrate");
  assert.equal(m.code, 0, m.stderr);
  const db = new Database(path.join(dir, "db.sqlite3"));
  db.exec("INSERT INTO shop_product (name, price, stock, legacyCode) VALUES ('a', 1, 1, 'L1'), ('b', 2, 2, 'L2'), ('c', 3, 3, NULL)");
  db.close();
  return dir;
}

function columns(dir: string): string[] {
  const db = new Database(path.join(dir, "db.sqlite3"), { readonly: true });
  try {
    return (db.prepare(`PRAGMA table_info("shop_product")`).all() as { name: string }[]).map((r) => r.name);
  } finally {
    db.close();
  }
}

const LIST =
  "This migration plan destroys data:\n" +
  "  - shop.0002_legacy (unapply): drops column shop_product.legacyCode: 2 non-null values\n" +
  "  - shop.0002_legacy (unapply): drops column shop_product.stock: 3 non-null values\n";

test("without a terminal, or with --noinput: exit 3 with the list, nothing run", () => {
  const dir = migratedShop();
  for (const extra of [[], ["--noinput"]]) {
    const r = tsmigrate(dir, "migrate", "shop", "0001", ...extra);
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stderr, `${LIST}Nothing was run. Confirm on a terminal, or pass --allow-destructive to run it anyway.\n`);
    assert.doesNotMatch(r.stdout, /Unapplying/);
    assert.deepEqual(columns(dir), ["id", "name", "price", "stock", "legacyCode"]);
  }
});

test("--allow-destructive runs it, the list on stderr", () => {
  const dir = migratedShop();
  const r = tsmigrate(dir, "migrate", "shop", "0001", "--noinput", "--allow-destructive");
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, new RegExp(LIST.replace(/[.()]/g, "\\$&")));
  assert.match(r.stdout, /Unapplying shop\.0002_legacy\.\.\. OK\n/);
  assert.deepEqual(columns(dir), ["id", "name", "price"]);
});

test("on a terminal: the list, then 'Continue? [y/N]'; no keeps everything (exit 1), yes runs", () => {
  const dir = migratedShop();
  const no = tsmigrateTty(dir, "[y/N]", "n", "migrate", "shop", "0001");
  assert.equal(no.code, 1, no.output);
  assert.ok(no.output.includes(`${LIST}Continue? [y/N] n\nMigrate cancelled: nothing was changed.\n`), no.output);
  assert.deepEqual(columns(dir), ["id", "name", "price", "stock", "legacyCode"]);

  const yes = tsmigrateTty(dir, "[y/N]", "y", "migrate", "shop", "0001");
  assert.equal(yes.code, 0, yes.output);
  assert.match(yes.output, /Continue\? \[y\/N\] y\nOperations to perform:[\s\S]*Unapplying shop\.0002_legacy\.\.\. OK\n/);
  assert.deepEqual(columns(dir), ["id", "name", "price"]);
});

test("a plan over empty tables loses nothing and asks nothing", () => {
  const dir = copyFixture("shop");
  fs.writeFileSync(path.join(dir, "shop/migrations/0002_legacy.ts"), LEGACY);
  assert.equal(tsmigrate(dir, "migrate").code, 0);
  const r = tsmigrate(dir, "migrate", "shop", "zero", "--no-backup");
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, "");
});

test("makemigrations prints what each operation it writes destroys, under it", () => {
  const dir = migratedShop();
  const models = path.join(dir, "shop/models.ts");
  fs.writeFileSync(models, fs.readFileSync(models, "utf8")
    .replace(/\n\s*stock = [^\n]*/, "")
    .replace(`name = models.CharField({ maxLength: 100, unique: true });`, `name = models.CharField({ maxLength: 30, unique: true });`));
  const r = tsmigrate(dir, "makemigrations", "--noinput");
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /    - Remove field legacyCode from product\n      ! drops column shop_product\.legacyCode\n/);
  assert.match(r.stdout, /    - Remove field stock from product\n      ! drops column shop_product\.stock\n/);
  assert.match(r.stdout, /    - Alter field name on product\n      ! narrows column shop_product\.name \(max_length 100 → 30\)\n/);

  // And migrate counts them.
  const m = tsmigrate(dir, "migrate");
  assert.equal(m.code, 3);
  assert.match(m.stderr, /drops column shop_product\.legacyCode: 2 non-null values\n/);
  assert.doesNotMatch(m.stderr, /narrows column/, "no name is longer than 30: nothing lost, not listed");
});
