// makemigrations with answers given up front: --rename (a field, a model),
// --default (a one-off default as a TypeScript literal), --answers FILE,
// with and without a terminal. Answered questions are never asked; an
// answer that matches no question is exit 2 naming it; a question left
// unanswered without a terminal is exit 3 naming the flag that answers it;
// --json lists the questions and their answers. Renames keep the data.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, test } from "node:test";
import Database from "better-sqlite3";
import { cleanTemps, copyFixture, ensureBuilt, list, REPO, type Run, tsmigrate } from "./helpers";

ensureBuilt();
after(cleanTemps);

/** The shop fixture migrated to 0002_product_stock, with one product row; its migrations folder. */
function migratedShop(): { dir: string; migrations: string } {
  const dir = copyFixture("shop");
  assert.equal(tsmigrate(dir, "makemigrations").code, 0);
  const migrate = tsmigrate(dir, "migrate");
  assert.equal(migrate.code, 0, migrate.stderr);
  const db = new Database(path.join(dir, "db.sqlite3"));
  db.prepare("INSERT INTO shop_product (name, price, stock) VALUES ('lamp', 12.5, 7)").run();
  db.close();
  return { dir, migrations: path.join(dir, "shop/migrations") };
}

/** Rewrites shop/models.ts with `body` as Product's class body (and `extra` before it). */
function models(dir: string, body: string, className = "Product", extra = ""): void {
  fs.writeFileSync(path.join(dir, "shop/models.ts"),
    `import { models } from "tsmigrate";\n${extra}\nexport class ${className} extends models.Model {\n${body}\n}\n`);
}

const NAME_PRICE = '  name = models.CharField({ maxLength: 100, unique: true });\n  price = models.DecimalField({ maxDigits: 8, decimalPlaces: 2 });';
/** stock renamed to quantity, and a NOT NULL weight without a default. */
const RENAMED_WITH_WEIGHT = `${NAME_PRICE}\n  quantity = models.IntegerField({ default: 0 });\n  weight = models.IntegerField();`;

function rows(dir: string, sql: string): unknown[] {
  const db = new Database(path.join(dir, "db.sqlite3"), { readonly: true });
  try {
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
}

test("--rename and --default answer the questions without a terminal; the renamed column keeps its data", () => {
  const { dir, migrations } = migratedShop();
  models(dir, RENAMED_WITH_WEIGHT);
  const r = tsmigrate(dir, "makemigrations", "--rename", "shop.product.stock=quantity", "--default", "shop.product.weight=3");
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, "");
  assert.equal(r.stdout, "Migrations for 'shop':\n  shop/migrations/0003_rename_stock_product_quantity_product_weight.ts\n" +
    "    - Rename field stock on product to quantity\n    - Add field weight to product\n");
  const text = fs.readFileSync(path.join(migrations, "0003_rename_stock_product_quantity_product_weight.ts"), "utf8");
  assert.match(text, /field: models\.IntegerField\(\{ default: 3 \}\),\s+preserveDefault: false/);
  assert.equal(tsmigrate(dir, "migrate").code, 0);
  assert.deepEqual(rows(dir, "SELECT name, quantity, weight FROM shop_product"), [{ name: "lamp", quantity: 7, weight: 3 }]);
  assert.equal(tsmigrate(dir, "makemigrations", "--check").code, 0, "nothing left to migrate");
});

test("--rename app.Old=New renames a model; its rows stay", () => {
  const { dir } = migratedShop();
  models(dir, `${NAME_PRICE}\n  stock = models.IntegerField({ default: 0 });`, "Item");
  const r = tsmigrate(dir, "makemigrations", "--rename", "shop.Product=Item");
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /    - Rename model Product to Item\n/);
  assert.equal(tsmigrate(dir, "migrate").code, 0);
  assert.deepEqual(rows(dir, "SELECT name, stock FROM shop_item"), [{ name: "lamp", stock: 7 }]);
});

test("--answers FILE gives the same answers as JSON; --json lists the questions and the answers used", () => {
  const { dir } = migratedShop();
  models(dir, RENAMED_WITH_WEIGHT);
  const file = path.join(dir, "answers.json");
  fs.writeFileSync(file, JSON.stringify({ renames: { "shop.product.stock": "quantity" }, defaults: { "shop.product.weight": "-1" } }));
  const r = tsmigrate(dir, "makemigrations", "--answers", "answers.json", "--json", "--dry-run");
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(out.changes.shop[0].operations, ["Rename field stock on product to quantity", "Add field weight to product"]);
  assert.deepEqual(out.questions, [
    {
      kind: "renameField", key: "shop.product.stock", question: "Did you rename product.stock to product.quantity (a IntegerField)? [y/N]",
      flag: "--rename shop.product.stock=quantity", answeredBy: "answers", answer: "yes",
    },
    {
      kind: "notNullAddition", key: "shop.product.weight",
      question: "A one-off default for the non-nullable field 'weight' added to product without a default?",
      flag: "--default shop.product.weight=VALUE", answeredBy: "answers", answer: "-1",
    },
  ]);
  // Flags and file together; the same answer twice is fine, a different one is exit 2.
  assert.equal(tsmigrate(dir, "makemigrations", "--answers", "answers.json", "--rename", "shop.product.stock=quantity", "--dry-run").code, 0);
  const clash = tsmigrate(dir, "makemigrations", "--answers", "answers.json", "--default", "shop.product.weight=2", "--dry-run");
  assert.equal(clash.code, 2);
  assert.equal(clash.stderr, '--default shop.product.weight=2: shop.product.weight is already answered by defaults["shop.product.weight"] in answers.json\n');
});

test("an answer that matches no question: exit 2 naming it, nothing written", () => {
  const { dir, migrations } = migratedShop();
  models(dir, RENAMED_WITH_WEIGHT);
  const before = list(migrations);
  const r = tsmigrate(dir, "makemigrations", "--rename", "shop.product.stock=quantity", "--default", "shop.product.weight=0",
    "--rename", "shop.product.price=cost", "--default", "shop.product.name=\"x\"");
  assert.equal(r.code, 2);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /^These answers match no question makemigrations asked: --rename shop\.product\.price=cost, --default shop\.product\.name="x"\.\n/);
  assert.deepEqual(list(migrations), before);
  // With no changes at all, too.
  const none = copyFixture("shop");
  assert.equal(tsmigrate(none, "makemigrations").code, 0);
  const unchanged = tsmigrate(none, "makemigrations", "--rename", "shop.Product=Item");
  assert.equal(unchanged.code, 2);
  assert.match(unchanged.stderr, /^This answer matches no question makemigrations asked: --rename shop\.Product=Item\./);
});

test("malformed answers are exit 2 naming the flag or file", () => {
  const { dir } = migratedShop();
  const cases: [string[], string][] = [
    [["--rename", "shop.product.stock"], "--rename shop.product.stock: expected app.model.old_name=new_name or app.OldModel=NewModel\n"],
    [["--rename", "stock=quantity"], "--rename stock=quantity: expected app.model.old_name=new_name (a field) or app.OldModel=NewModel (a model)\n"],
    [["--rename", "shop.product.stock=2x"], "--rename shop.product.stock=2x: the new name '2x' is not an identifier\n"],
    [["--default", "shop.product.weight=abc"], "--default shop.product.weight=abc: the default is not a TypeScript literal: expected a literal: a string, number, boolean, null, array or object\n"],
    [["--answers", "missing.json"], "--answers missing.json: cannot read the file (ENOENT)\n"],
  ];
  for (const [args, message] of cases) {
    const r = tsmigrate(dir, "makemigrations", ...args);
    assert.equal(r.code, 2, args.join(" "));
    assert.equal(r.stderr, message);
  }
  fs.writeFileSync(path.join(dir, "bad.json"), JSON.stringify({ renames: { "shop.product.stock": 3 } }));
  const bad = tsmigrate(dir, "makemigrations", "--answers", "bad.json");
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr, 'renames["shop.product.stock"] in bad.json: expected the new name (a string) or null\n');
  fs.writeFileSync(path.join(dir, "bad.json"), JSON.stringify({ rename: {} }));
  assert.equal(tsmigrate(dir, "makemigrations", "--answers", "bad.json").stderr, 'bad.json: unknown key "rename" (expected "renames" and "defaults")\n');
});

test("a question left unanswered without a terminal: exit 3, the message names the flag that answers it", () => {
  const { dir, migrations } = migratedShop();
  models(dir, RENAMED_WITH_WEIGHT);
  const before = list(migrations);
  for (const extra of [[], ["--noinput"]]) {
    const rename = tsmigrate(dir, "makemigrations", ...extra);
    assert.equal(rename.code, 3);
    assert.match(rename.stderr, /^Did you rename product\.stock to product\.quantity \(a IntegerField\)\? \[y\/N\]\n.*or pass --rename shop\.product\.stock=quantity /);
    const weight = tsmigrate(dir, "makemigrations", "--rename", "shop.product.stock=quantity", ...extra);
    assert.equal(weight.code, 3);
    assert.match(weight.stderr, /^It is impossible to add a non-nullable field 'weight' to product without specifying a default\..*or pass --default shop\.product\.weight=VALUE \(a TypeScript literal\)\.\n$/s);
  }
  models(dir, `${NAME_PRICE}\n  stock = models.IntegerField({ default: 0 });`, "Item");
  const model = tsmigrate(dir, "makemigrations", "--noinput");
  assert.equal(model.code, 3);
  assert.match(model.stderr, /^Did you rename the shop\.Product model to Item\? \[y\/N\]\n.*or pass --rename shop\.Product=Item /);
  assert.deepEqual(list(migrations), before);
});

/** util-linux `script`: runs the CLI on a pseudo-terminal, typing `input`. Fails (never skips) when it is missing. */
function onTerminal(dir: string, args: string[], input: string): Run {
  const quote = (s: string): string => `'${s.replace(/'/g, "'\\''")}'`;
  const cmd = [path.join(REPO, "node_modules", ".bin", "node"), path.join(REPO, "bin", "tsmigrate.js"), ...args].map(quote).join(" ");
  const r = spawnSync("script", ["-qec", cmd, "/dev/null"], { cwd: dir, input, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  if (r.error) throw new Error(`this test needs util-linux's \`script\` (Debian: apt-get install bsdutils): ${r.error.message}`);
  return { code: r.status, stdout: r.stdout.replace(/\r/g, ""), stderr: r.stderr };
}

test("on a terminal: answered questions are not asked, the others are; unmatched answers are exit 2", () => {
  const { dir, migrations } = migratedShop();
  models(dir, RENAMED_WITH_WEIGHT);
  const all = onTerminal(dir, ["makemigrations", "--rename", "shop.product.stock=quantity", "--default", "shop.product.weight=3"], "");
  assert.equal(all.code, 0, all.stdout);
  assert.doesNotMatch(all.stdout, /Did you rename|Select an option|>>>/);
  assert.match(all.stdout, /    - Rename field stock on product to quantity\n    - Add field weight to product\n/);
  fs.rmSync(path.join(migrations, "0003_rename_stock_product_quantity_product_weight.ts"));

  // The rename answered up front; the default asked on the terminal (option 1, then the literal).
  const some = onTerminal(dir, ["makemigrations", "--rename", "shop.product.stock=quantity"], "1\n5\n");
  assert.equal(some.code, 0, some.stdout);
  assert.doesNotMatch(some.stdout, /Did you rename/);
  assert.match(some.stdout, /You are trying to add a non-nullable field 'weight' to product without a default/);
  assert.match(fs.readFileSync(path.join(migrations, "0003_rename_stock_product_quantity_product_weight.ts"), "utf8"),
    /field: models\.IntegerField\(\{ default: 5 \}\),\s+preserveDefault: false/);
  fs.rmSync(path.join(migrations, "0003_rename_stock_product_quantity_product_weight.ts"));

  // The same answers from a file, and a model rename, on the terminal: nothing asked.
  fs.writeFileSync(path.join(dir, "answers.json"), JSON.stringify({ renames: { "shop.product.stock": "quantity" }, defaults: { "shop.product.weight": "3" } }));
  const file = onTerminal(dir, ["makemigrations", "--answers", "answers.json", "--dry-run"], "");
  assert.equal(file.code, 0, file.stdout);
  assert.doesNotMatch(file.stdout, /Did you rename|Select an option|>>>/);
  assert.match(file.stdout, /    - Rename field stock on product to quantity\n    - Add field weight to product\n/);

  const unmatched = onTerminal(dir, ["makemigrations", "--rename", "shop.product.stock=quantity", "--default", "shop.product.weight=3",
    "--rename", "shop.Category=ProductCategory"], "");
  assert.equal(unmatched.code, 2);
  assert.match(unmatched.stdout, /This answer matches no question makemigrations asked: --rename shop\.Category=ProductCategory\./);
  assert.deepEqual(list(migrations), ["0001_initial.ts", "0002_product_stock.ts"]);

  models(dir, `${NAME_PRICE}\n  stock = models.IntegerField({ default: 0 });`, "Item");
  const model = onTerminal(dir, ["makemigrations", "--rename", "shop.Product=Item", "--dry-run"], "");
  assert.equal(model.code, 0, model.stdout);
  assert.doesNotMatch(model.stdout, /Did you rename/);
  assert.match(model.stdout, /    - Rename model Product to Item\n/);
});
