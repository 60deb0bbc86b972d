// makemigrations --merge looks at both branches: it lists each branch's
// operations (as Django does) and, beyond Django, warns before writing
// where two branches touch the same field, index, constraint or model;
// --merge --check exits 1 on such overlaps and writes nothing. migrate on a
// conflicted app stops with Django's message; after the merge it applies
// both branches.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, test } from "node:test";
import { cleanTemps, copyFixture, ensureBuilt, list, tsmigrate } from "./helpers";

ensureBuilt();
after(cleanTemps);

/** A hand-written migration of app shop depending on 0002_product_stock. */
function branch(name: string, operations: string[]): string {
  return `import { migrations, models } from "tsmigrate";

export default migrations.Migration({
  dependencies: [["shop", "0002_product_stock"]],
  operations: [
${operations.map((o) => `    ${o},`).join("\n")}
  ],
});
`;
}

/** The shop fixture at 0002_product_stock with two branches on top of it. */
function twoBranches(a: string[], b: string[]): { dir: string; migrations: string } {
  const dir = copyFixture("shop");
  const migrations = path.join(dir, "shop/migrations");
  assert.equal(tsmigrate(dir, "makemigrations").code, 0);
  fs.writeFileSync(path.join(migrations, "0003_a.ts"), branch("0003_a", a));
  fs.writeFileSync(path.join(migrations, "0003_b.ts"), branch("0003_b", b));
  return { dir, migrations };
}

const ALTER_PRICE_DIGITS = 'migrations.AlterField({ modelName: "product", name: "price", field: models.DecimalField({ maxDigits: 10, decimalPlaces: 2 }) })';
const ALTER_PRICE_NULL = 'migrations.AlterField({ modelName: "product", name: "price", field: models.DecimalField({ maxDigits: 8, decimalPlaces: 2, null: true }) })';
const ADD_WEIGHT = 'migrations.AddField({ modelName: "product", name: "weight", field: models.IntegerField({ null: true }) })';
const ADD_NAME_INDEX = 'migrations.AddIndex({ modelName: "product", index: models.Index({ fields: ["name"], name: "shop_prod_name_idx" }) })';
const REMOVE_STOCK = 'migrations.RemoveField({ modelName: "product", name: "stock" })';
const ALTER_STOCK = 'migrations.AlterField({ modelName: "product", name: "stock", field: models.IntegerField({ default: 5 }) })';

test("overlapping branches: warnings naming both changes, --check exits 1 and writes nothing", () => {
  const { dir, migrations } = twoBranches([ALTER_PRICE_DIGITS, ADD_WEIGHT, REMOVE_STOCK], [ALTER_PRICE_NULL, ADD_NAME_INDEX, ALTER_STOCK]);
  const before = list(migrations);
  const check = tsmigrate(dir, "makemigrations", "--merge", "--check");
  assert.equal(check.code, 1, check.stderr);
  assert.deepEqual(list(migrations), before, "--check writes nothing");
  assert.equal(check.stderr,
    "Warning: both branches touch shop.product.price: 0003_a: Alter field price on product (maxDigits=10); " +
    "0003_b: Alter field price on product (null=true) — check the merged result.\n" +
    "Warning: both branches touch shop.product.stock: 0003_a: Remove field stock from product; " +
    "0003_b: Alter field stock on product (default=5) — check the merged result.\n");
  assert.equal(check.stdout,
    "Merging shop\n  Branch 0003_a\n    - Alter field price on product\n    - Add field weight to product\n    - Remove field stock from product\n" +
    "  Branch 0003_b\n    - Alter field price on product\n" +
    "    - Create index shop_prod_name_idx on field(s) name of model product\n    - Alter field stock on product\n");
});

test("branches that touch different things: no warning, --check exits 0; migrate stops on the conflict, then applies both branches", () => {
  const { dir, migrations } = twoBranches([ADD_WEIGHT], [ADD_NAME_INDEX]);
  const conflicted = tsmigrate(dir, "migrate");
  assert.equal(conflicted.code, 2);
  assert.match(conflicted.stderr, /Conflicting migrations detected; multiple leaf nodes in the migration graph: \(0003_a, 0003_b in shop\)\.\nTo fix them run 'tsmigrate makemigrations --merge'/);
  const check = tsmigrate(dir, "makemigrations", "--merge", "--check");
  assert.equal(check.code, 0, check.stderr);
  assert.equal(check.stderr, "");
  const merge = tsmigrate(dir, "makemigrations", "--merge");
  assert.equal(merge.code, 0, merge.stderr);
  assert.ok(list(migrations).includes("0004_merge_0003_a_0003_b.ts"));
  const migrate = tsmigrate(dir, "migrate");
  assert.equal(migrate.code, 0, migrate.stderr);
  for (const name of ["0001_initial", "0002_product_stock", "0003_a", "0003_b", "0004_merge_0003_a_0003_b"]) {
    assert.match(migrate.stdout, new RegExp(`Applying shop\\.${name}\\.\\.\\. OK`));
  }
});

test("overlapping and non-overlapping changes in one merge: the warnings, the merge migration, and migrate applying both branches", () => {
  const { dir, migrations } = twoBranches([ALTER_PRICE_DIGITS, ADD_WEIGHT], [ALTER_PRICE_NULL, ADD_NAME_INDEX]);
  const merge = tsmigrate(dir, "makemigrations", "--merge");
  assert.equal(merge.code, 0, merge.stderr);
  assert.equal(merge.stderr, "Warning: both branches touch shop.product.price: 0003_a: Alter field price on product (maxDigits=10); " +
    "0003_b: Alter field price on product (null=true) — check the merged result.\n");
  assert.match(merge.stdout, /\nCreated new merge migration .*0004_merge_0003_a_0003_b\.ts\n$/);
  assert.equal(fs.readFileSync(path.join(migrations, "0004_merge_0003_a_0003_b.ts"), "utf8"),
    'import { migrations } from "tsmigrate";\n\nexport default migrations.Migration({\n' +
    '  dependencies: [["shop", "0003_a"], ["shop", "0003_b"]],\n  operations: [],\n});\n');
  const migrate = tsmigrate(dir, "migrate");
  assert.equal(migrate.code, 0, migrate.stderr);
  for (const name of ["0003_a", "0003_b"]) assert.match(migrate.stdout, new RegExp(`  Applying shop\\.${name}\\.\\.\\. OK\n`));
  assert.match(migrate.stdout, /  Applying shop\.0004_merge_0003_a_0003_b\.\.\. OK\n$/);
  const show = tsmigrate(dir, "showmigrations", "shop");
  assert.deepEqual(show.stdout.split("\n").filter((l) => l.startsWith(" ")).sort(),
    [" [X] 0001_initial", " [X] 0002_product_stock", " [X] 0003_a", " [X] 0003_b", " [X] 0004_merge_0003_a_0003_b"]);
  // Both branches' schema is there: branch a's column, branch b's index.
  const sql = tsmigrate(dir, "sqlmigrate", "shop", "0003_b");
  assert.match(sql.stdout, /CREATE INDEX "shop_prod_name_idx"/);
  assert.match(tsmigrate(dir, "sqlmigrate", "shop", "0003_a").stdout, /"weight" integer NULL/);
});
