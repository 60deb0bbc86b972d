// Callable defaults end to end (makemigrations + migrate on SQLite): the
// issue's "adding a NOT NULL UUID field with a random-UUID default to a
// table of 1,000 rows gives 1,000 distinct values". A deliberate difference
// from Django 3.2, which calls `uuid.uuid4` once and gives every row the
// same value (so a unique UUID field cannot even be added to a filled table).
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, test } from "node:test";
import Database from "better-sqlite3";
import { cleanTemps, copyFixture, ensureBuilt, list, tsmigrate } from "./helpers";

before(ensureBuilt);
after(cleanTemps);

function ok(dir: string, ...args: string[]): string {
  const r = tsmigrate(dir, ...args);
  assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

function addFields(dir: string, lines: string[]): void {
  const models = path.join(dir, "shop/models.ts");
  fs.writeFileSync(models, fs.readFileSync(models, "utf8").replace(/\n}\n$/, `\n${lines.map((l) => `  ${l}\n`).join("")}}\n`));
}

/** The shop fixture migrated, with 1,000 products. */
function filledShop(): string {
  const dir = copyFixture("shop");
  ok(dir, "makemigrations");
  ok(dir, "migrate");
  const db = new Database(path.join(dir, "db.sqlite3"));
  db.exec(`WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 1000)
    INSERT INTO shop_product (name, price, stock) SELECT 'p' || x, 1, 0 FROM n`);
  db.close();
  return dir;
}

test("a NOT NULL unique UUID field with a random-UUID default on 1,000 rows: 1,000 distinct version 4 UUIDs", () => {
  const dir = filledShop();
  addFields(dir, [
    "uid = models.UUIDField({ default: () => crypto.randomUUID(), unique: true });",
    "ref = models.CharField({ maxLength: 36, default: crypto.randomUUID });",
    "created = models.DateTimeField({ default: () => new Date() });",
  ]);
  assert.match(ok(dir, "makemigrations", "--noinput"), /- Add field uid to product\n/);
  const file = list(path.join(dir, "shop/migrations")).find((f) => f.startsWith("0003_"))!;
  const text = fs.readFileSync(path.join(dir, "shop/migrations", file), "utf8");
  assert.match(text, /field: models\.UUIDField\(\{ default: \(\) => crypto\.randomUUID\(\), unique: true \}\)/);
  assert.match(text, /field: models\.CharField\(\{ default: crypto\.randomUUID, maxLength: 36 \}\)/);
  assert.match(text, /field: models\.DateTimeField\(\{ default: \(\) => new Date\(\) \}\)/);
  const sql = ok(dir, "sqlmigrate", "shop", file.replace(/\.ts$/, ""));
  assert.match(sql, /"created" datetime NOT NULL,\n\s+"ref" varchar\(36\) NOT NULL,\n\s+"uid" char\(32\) NOT NULL UNIQUE\n/, "no database DEFAULT for a callable");
  assert.match(sql, /randomblob\(/, "existing rows filled by SQLite per row");
  ok(dir, "migrate");

  const db = new Database(path.join(dir, "db.sqlite3"), { readonly: true });
  const rows = db.prepare("SELECT uid, ref, created FROM shop_product").all() as { uid: string; ref: string; created: string }[];
  db.close();
  assert.equal(rows.length, 1000);
  assert.equal(new Set(rows.map((r) => r.uid)).size, 1000);
  assert.equal(new Set(rows.map((r) => r.ref)).size, 1000);
  for (const r of rows) {
    // Django's UUIDField storage on SQLite: 32 lowercase hex digits; a CharField: the canonical 8-4-4-4-12 form.
    assert.match(r.uid, /^[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$/);
    assert.match(r.ref, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.match(r.created, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  }
  assert.equal(ok(dir, "makemigrations", "--check"), "No changes detected\n", "the migration reads back as the models");
  ok(dir, "migrate", "shop", "0002", "--allow-destructive");
  ok(dir, "migrate");
});

test("a NOT NULL field with any other callable default: without a terminal, exit 3 with the question, nothing written", () => {
  const dir = filledShop();
  addFields(dir, ['code = models.CharField({ maxLength: 40, default: () => "c-" + Math.random() });']);
  for (const args of [["makemigrations"], ["makemigrations", "--noinput"]]) {
    const r = tsmigrate(dir, ...args);
    assert.equal(r.code, 3, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, /non-nullable field 'code' to product/);
    assert.match(r.stderr, /Its default is a function \(\(\) => "c-" \+ Math\.random\(\)\) that tsmigrate never runs/);
    assert.deepEqual(list(path.join(dir, "shop/migrations")), ["0001_initial.ts", "0002_product_stock.ts"]);
  }
});
