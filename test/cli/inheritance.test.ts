// Model inheritance through the CLI: multi-table children and proxies as
// Django 3.2 writes them (the schemas and data are compared with Django by
// histories 25-27 of test/django/histories.test.ts), and the errors for what
// is not read: a parent changed on an existing model, a proxy with fields,
// an abstract model extending a concrete one, Meta.appLabel, a NUL in a
// default. Each error is exit 2 with file:line:column where the cause is in
// a file, and nothing written.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { cleanTemps, copyFixture, ensureBuilt, list, tsmigrate } from "./helpers";

before(ensureBuilt);
after(cleanTemps);

const HEAD = `import { models } from "tsmigrate";\n\n`;
const PRODUCT = `export class Product extends models.Model {
  name = models.CharField({ maxLength: 100, unique: true });
  price = models.DecimalField({ maxDigits: 8, decimalPlaces: 2 });
  stock = models.IntegerField({ default: 0 });
}
`;

/** The shop fixture (Product, migrated by 0001) with `models` as shop/models.ts. */
function shop(models: string): string {
  const dir = copyFixture("shop");
  fs.writeFileSync(path.join(dir, "shop/models.ts"), HEAD + models);
  return dir;
}

/** makemigrations must fail with exit 2, print nothing on stdout and write nothing; returns stderr's lines. */
function failing(dir: string): string[] {
  const r = tsmigrate(dir, "makemigrations");
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.equal(r.stdout, "");
  assert.deepEqual(list(path.join(dir, "shop/migrations")), ["0001_initial.ts"]);
  return r.stderr.trim().split("\n");
}

test("a multi-table child: Django's parent link, bases, and a table of its own fields only", () => {
  const dir = shop(PRODUCT + `
export class Book extends Product {
  isbn = models.CharField({ maxLength: 13 });
}

export class Sale extends Product {
  static Meta = { proxy: true, ordering: ["-price"] };
}
`);
  const r = tsmigrate(dir, "makemigrations");
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /- Create model Book\n\s+- Create proxy model Sale\n/);
  const file = path.join(dir, "shop/migrations", list(path.join(dir, "shop/migrations"))[1]!);
  const text = fs.readFileSync(file, "utf8");
  assert.match(text, /"product_ptr",\n\s+models\.OneToOneField\("shop\.product", \{\n\s+onDelete: models\.CASCADE,\n\s+autoCreated: true,\n\s+parentLink: true,\n\s+primaryKey: true,\n\s+serialize: false,/);
  assert.match(text, /\["isbn", models\.CharField\(\{ maxLength: 13 \}\)\],\n\s+\],\n\s+bases: \["shop\.product"\],/);
  assert.match(text, /name: "Sale",\n\s+fields: \[\],\n\s+options: \{ ordering: \["-price"\], proxy: true \},\n\s+bases: \["shop\.product"\],/);
  const sql = tsmigrate(dir, "sqlmigrate", "shop", "0002");
  assert.equal(sql.code, 0, sql.stderr);
  assert.match(sql.stdout, /CREATE TABLE "shop_book" \(\n\s+"product_ptr_id" bigint NOT NULL PRIMARY KEY REFERENCES "shop_product" \("id"\) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,\n\s+"isbn" varchar\(13\) NOT NULL\n\);/);
  assert.doesNotMatch(sql.stdout, /shop_sale/, "a proxy has no table");
  assert.equal(tsmigrate(dir, "migrate").code, 0);
  assert.equal(tsmigrate(dir, "makemigrations", "--check").code, 0, "the migrations read back equal the models");
});

test("adding a parent to an existing model is an error naming the model (Django 3.2 does not detect it)", () => {
  const dir = shop(`export class Base extends models.Model {
  code = models.CharField({ maxLength: 5 });
}
` + PRODUCT.replace("extends models.Model", "extends Base"));
  const lines = failing(dir);
  assert.equal(lines.length, 1, lines.join("\n"));
  assert.match(lines[0]!, /the parent of a model changed: shop\.Product \(extends models\.Model in the migrations, shop\.base in the models\)\. Changing the class a model extends .* is not supported: Django's makemigrations does not detect it either\. Remove the model in one migration and add it back/);
});

test("a proxy declaring fields, a proxy of nothing, an abstract model extending a concrete one", () => {
  const dir = shop(PRODUCT + `
export class Sale extends Product {
  discount = models.IntegerField({ default: 0 });
  static Meta = { proxy: true };
}

export class Loose extends models.Model {
  static Meta = { proxy: true };
}

export class Mixin extends Product {
  static Meta = { abstract: true };
}

export class Special extends Mixin {}
`);
  const lines = failing(dir);
  assert.equal(lines.length, 3, lines.join("\n"));
  assert.match(lines[0]!, /^shop\/models\.ts:10:3: Proxy model 'Sale' contains model fields/);
  assert.match(lines[1]!, /^shop\/models\.ts:14:14: Proxy model 'Loose' has no non-abstract model base class \(models\.E017\)/);
  assert.match(lines[2]!, /^shop\/models\.ts:18:28: the abstract model Mixin extends the concrete model Product/);
});

test("a proxy's Meta cannot describe a table", () => {
  const dir = shop(PRODUCT + `
export class Sale extends Product {
  static Meta = { proxy: true, dbTable: "sales" };
}
`);
  const lines = failing(dir);
  assert.equal(lines.length, 1, lines.join("\n"));
  assert.match(lines[0]!, /^shop\/models\.ts:10:32: Meta\.dbTable: proxy model 'Sale' has no table of its own/);
});

test("Meta.appLabel says the app is the folder; a NUL in a default is refused before anything is written", () => {
  const dir = shop(PRODUCT.replace(`stock = models.IntegerField({ default: 0 });`,
    `stock = models.IntegerField({ default: 0 });\n  note = models.CharField({ maxLength: 5, default: "a\\0b" });\n  static Meta = { appLabel: "catalog" };`));
  const lines = failing(dir);
  assert.equal(lines.length, 2, lines.join("\n"));
  assert.match(lines[0]!, /^shop\/models\.ts:7:43: CharField option default must be a value the database can store: a string with a NUL character/);
  assert.match(lines[1]!, /^shop\/models\.ts:8:19: Meta\.appLabel: a model's app is the folder of its models\.ts \(here "shop"\)/);
});
