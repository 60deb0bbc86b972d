// `tsmigrate squashmigrations` end to end on copies of the shop fixture with
// a history made by makemigrations (add field, alter field, new model with
// a foreign key and an index) plus a hand-written one-off default: the
// squash file, its replayed state against the originals', the schema of a
// fresh database migrated with it against one migrated with the originals,
// a database that applied the originals, one-off defaults (Django #26223),
// a RenameModel squash (Django #32263), names and errors.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { openSqlite } from "../../server/src/engine/backends/sqlite/base";
import { snapshotSchema } from "../../server/src/engine/backends/sqlite/introspection";
import { loadConfig } from "../../server/src/engine/config";
import { MigrationLoader } from "../../server/src/engine/loader";
import type { MigrationKey } from "../../server/src/engine/migration";
import { stateKey } from "../../server/src/engine/squash";
import type { ProjectState } from "../../server/src/engine/state";
import { cleanTemps, copyFixture, ensureBuilt, list, REPO, tsmigrate } from "./helpers";

before(ensureBuilt);
after(cleanTemps);

const MODELS_STEP_3 = `import { models } from "tsmigrate";

export class Category extends models.Model {
  title = models.CharField({ maxLength: 50 });
}

export class Product extends models.Model {
  name = models.CharField({ maxLength: 100, unique: true });
  price = models.DecimalField({ maxDigits: 8, decimalPlaces: 2 });
  stock = models.IntegerField({ default: 5 });
  category = models.ForeignKey(Category, { onDelete: models.CASCADE, null: true });
  SKU

  static Meta = { indexes: [models.Index({ fields: ["name", "price"], name: "shop_name_price_idx" })] };
}
`;

/** 0005: a NOT NULL field whose default "x" fills existing rows only (what makemigrations writes after the one-off question). */
const ONE_OFF = `import { migrations, models } from "tsmigrate";

export default migrations.Migration({
  dependencies: [["shop", "0004_category_product_shop_name_price_idx_and_more"]],
  operations: [
    migrations.AddField({
      modelName: "product",
      name: "sku",
      field: models.CharField({ maxLength: 20, default: "x" }),
      preserveDefault: false,
    }),
  ],
});
`;

const HISTORY = [
  "0001_initial.ts", "0002_product_stock.ts", "0003_alter_product_stock.ts",
  "0004_category_product_shop_name_price_idx_and_more.ts", "0005_product_sku.ts",
];

function ok(dir: string, ...args: string[]): string {
  const r = tsmigrate(dir, ...args);
  // migrate's backup note (test/cli/backup.test.ts covers it) aside, nothing on stderr.
  const stderr = r.stderr.replace(/^Backed up database '[^']*' to [^\n]*\n {2}To restore it: [^\n]*\n/, "");
  assert.equal(stderr, "", `tsmigrate ${args.join(" ")}: ${r.stderr}`);
  assert.equal(r.code, 0, `tsmigrate ${args.join(" ")} exit ${r.code}`);
  return r.stdout;
}

/** A copy of the shop fixture with five migrations (see the file's header). */
function history(): string {
  const dir = copyFixture("shop");
  const models = path.join(dir, "shop", "models.ts");
  ok(dir, "makemigrations");
  fs.writeFileSync(models, fs.readFileSync(models, "utf8").replace("default: 0", "default: 5"));
  ok(dir, "makemigrations");
  fs.writeFileSync(models, MODELS_STEP_3.replace("  SKU\n", ""));
  ok(dir, "makemigrations");
  fs.writeFileSync(path.join(dir, "shop", "migrations", "0005_product_sku.ts"), ONE_OFF);
  fs.writeFileSync(models, MODELS_STEP_3.replace("SKU", 'sku = models.CharField({ maxLength: 20 });'));
  assert.deepEqual(list(path.join(dir, "shop", "migrations")), HISTORY);
  assert.equal(ok(dir, "makemigrations", "--check"), "No changes detected\n");
  return dir;
}

/** A new copy of the fixture holding `dir`'s app folder (models and migrations), without a database. */
function sibling(dir: string): string {
  const other = copyFixture("shop");
  fs.rmSync(path.join(other, "shop"), { recursive: true });
  fs.cpSync(path.join(dir, "shop"), path.join(other, "shop"), { recursive: true });
  return other;
}

function schema(dir: string) {
  const conn = openSqlite("default", path.join(dir, "db.sqlite3"));
  try {
    return snapshotSchema(conn.db, { defaults: true, indexNames: true, onDelete: true });
  } finally {
    conn.db.close();
  }
}

/** The state at `node` of `dir`'s migrations, squashes not substituted (each node as written). */
function stateAt(dir: string, node: MigrationKey): ProjectState {
  const loader = new MigrationLoader(loadConfig({ project: dir }), { replaceMigrations: false }).load();
  loader.throwIfErrors();
  return loader.projectState(node);
}

const ADVICE = "  You should commit this migration but leave the old ones in place;\n" +
  "  the new migration will be used for new installs. Once you are sure\n" +
  "  all instances of the codebase have applied the migrations you squashed,\n" +
  "  you can delete them.\n";

test("squashes a whole history: same state and schema as the originals, applied originals stay consistent", () => {
  const dir = history();
  assert.match(ok(dir, "migrate"), /Applying shop\.0005_product_sku\.\.\. OK\n$/);
  const originalSchema = schema(dir);

  const squash = ok(dir, "squashmigrations", "shop", "0005", "--noinput");
  assert.equal(squash,
    "Will squash the following migrations:\n - 0001_initial\n - 0002_product_stock\n - 0003_alter_product_stock\n" +
    " - 0004_category_product_shop_name_price_idx_and_more\n - 0005_product_sku\n" +
    "Optimizing...\n  Optimized from 7 operations to 5 operations.\n" +
    "Created new squashed migration shop/migrations/0001_squashed_0005_product_sku.ts\n" + ADVICE);
  const name = "0001_squashed_0005_product_sku";
  const text = fs.readFileSync(path.join(dir, "shop", "migrations", `${name}.ts`), "utf8");
  assert.match(text, /replaces: \[\n {4}\["shop", "0001_initial"\],\n {4}\["shop", "0002_product_stock"\],\n {4}\["shop", "0003_alter_product_stock"\],\n/);
  assert.match(text, /\n {2}initial: true,\n {2}dependencies: \[\],\n/);
  assert.match(text, /\["stock", models\.IntegerField\(\{ default: 5 \}\)\]/);
  assert.match(text, /name: "sku",\n.*default: "x".*\n {6}preserveDefault: false,/);

  // The squash replays to the originals' state (the one-off default not kept).
  const squashState = stateAt(dir, ["shop", name]);
  assert.equal(stateKey(squashState), stateKey(stateAt(dir, ["shop", "0005_product_sku"])));
  assert.equal(squashState.get("shop", "product")!.fields.get("sku")!.options.default, undefined);

  // The database that applied the originals: nothing to do, the squash shows as applied.
  assert.equal(ok(dir, "showmigrations"), `shop\n [X] ${name} (5 squashed migrations)\n`);
  assert.equal(ok(dir, "migrate"),
    "Operations to perform:\n  Apply all migrations: shop\nRunning migrations:\n  No migrations to apply.\n");
  assert.equal(tsmigrate(dir, "migrate", "--check").code, 0);
  assert.equal(ok(dir, "makemigrations", "--check"), "No changes detected\n");

  // A fresh database migrated with the squash has the originals' schema.
  const fresh = sibling(dir);
  assert.equal(ok(fresh, "migrate"),
    `Operations to perform:\n  Apply all migrations: shop\nRunning migrations:\n  Applying shop.${name}... OK\n`);
  assert.deepEqual(schema(fresh), originalSchema);
  assert.equal(ok(fresh, "showmigrations"), `shop\n [X] ${name} (5 squashed migrations)\n`);
});

test("a squash from a start migration keeps a one-off default one-off (Django #26223)", () => {
  const dir = history();
  const originals = sibling(dir);
  const squash = ok(dir, "squashmigrations", "shop", "0003", "0005", "--noinput");
  const name = "0003_alter_product_stock_squashed_0005_product_sku";
  assert.match(squash, new RegExp(`^Will squash the following migrations:\n - 0003_alter_product_stock\n` +
    ` - 0004_category_product_shop_name_price_idx_and_more\n - 0005_product_sku\nOptimizing\\.\\.\\.\n`));
  assert.match(squash, new RegExp(`Created new squashed migration shop/migrations/${name}\\.ts\n`));
  const text = fs.readFileSync(path.join(dir, "shop", "migrations", `${name}.ts`), "utf8");
  assert.match(text, /\n {2}dependencies: \[\["shop", "0002_product_stock"\]\],\n/);
  assert.doesNotMatch(text, /initial/);
  assert.match(text, /preserveDefault: false/);
  assert.equal(stateKey(stateAt(dir, ["shop", name])), stateKey(stateAt(dir, ["shop", "0005_product_sku"])));

  // Rows that exist before the squash runs get the one-off default; the column keeps none.
  for (const d of [dir, originals]) {
    ok(d, "migrate", "shop", "0002");
    const conn = openSqlite("default", path.join(d, "db.sqlite3"));
    conn.db.prepare("INSERT INTO shop_product (name, price, stock) VALUES ('a', 1, 3)").run();
    conn.db.close();
  }
  assert.match(ok(dir, "migrate"), new RegExp(`Applying shop\\.${name}\\.\\.\\. OK\n$`));
  assert.match(ok(originals, "migrate"), /Applying shop\.0005_product_sku\.\.\. OK\n$/);
  assert.deepEqual(schema(dir), schema(originals));
  const conn = openSqlite("default", path.join(dir, "db.sqlite3"));
  assert.deepEqual(conn.db.prepare("SELECT name, stock, sku FROM shop_product").all(), [{ name: "a", stock: 3, sku: "x" }]);
  conn.db.close();
  const sku = schema(dir).tables.find((t) => t.name === "shop_product")!.columns.find((c) => c.name === "sku")!;
  assert.deepEqual(sku, { name: "sku", type: "varchar(20)", notNull: true, pk: 0, default: null });
});

test("--squashed-name names the squash as Django does; two squashes, one depending on the other's replaced migration", () => {
  const dir = history();
  assert.match(ok(dir, "squashmigrations", "shop", "0002", "--squashed-name", "base", "--noinput"),
    /Created new squashed migration shop\/migrations\/0001_base\.ts\n/);
  assert.match(ok(dir, "squashmigrations", "shop", "0003", "0004", "--squashed-name", "mid", "--no-input"),
    /Created new squashed migration shop\/migrations\/0003_mid\.ts\n/);
  const mid = fs.readFileSync(path.join(dir, "shop", "migrations", "0003_mid.ts"), "utf8");
  assert.match(mid, /dependencies: \[\["shop", "0002_product_stock"\]\]/);
  assert.equal(ok(dir, "migrate", "--plan"),
    "Planned operations:\nshop.0001_base\n    Create model Product\nshop.0003_mid\n    Alter field stock on product\n" +
    "    Create model Category\n    Create index shop_name_price_idx on field(s) name, price of model product\n" +
    "    Add field category to product\nshop.0005_product_sku\n    Add field sku to product\n");
  ok(dir, "migrate");
  assert.equal(ok(dir, "showmigrations"),
    "shop\n [X] 0001_base (2 squashed migrations)\n [X] 0003_mid (2 squashed migrations)\n [X] 0005_product_sku\n");
});

test("a squash after RenameModel keeps no relation to the old model (Django #32263)", () => {
  const dir = copyFixture("shop");
  const models = path.join(dir, "shop", "models.ts");
  fs.writeFileSync(models, `import { models } from "tsmigrate";

export class Category extends models.Model {
  title = models.CharField({ maxLength: 50 });
}

export class Product extends models.Model {
  name = models.CharField({ maxLength: 100, unique: true });
  price = models.DecimalField({ maxDigits: 8, decimalPlaces: 2 });
  category = models.ForeignKey(Category, { onDelete: models.CASCADE, null: true });
}
`);
  ok(dir, "makemigrations");
  fs.writeFileSync(path.join(dir, "shop", "migrations", "0003_rename_category_group.ts"), `import { migrations } from "tsmigrate";

export default migrations.Migration({
  dependencies: [["shop", "0002_category_product_category"]],
  operations: [
    migrations.RenameModel({ oldName: "Category", newName: "Group" }),
  ],
});
`);
  fs.writeFileSync(models, fs.readFileSync(models, "utf8").replace("class Category", "class Group").replace("ForeignKey(Category", "ForeignKey(Group"));
  assert.equal(ok(dir, "makemigrations", "--check"), "No changes detected\n");
  const originals = sibling(dir);
  ok(originals, "migrate");

  assert.match(ok(dir, "squashmigrations", "shop", "0003", "--noinput"), /Created new squashed migration/);
  const name = "0001_squashed_0003_rename_category_group";
  const squashState = stateAt(dir, ["shop", name]);
  assert.equal(stateKey(squashState), stateKey(stateAt(dir, ["shop", "0003_rename_category_group"])));
  assert.equal(squashState.get("shop", "product")!.fields.get("category")!.options.to, "shop.group");
  assert.match(ok(dir, "migrate"), new RegExp(`Applying shop\\.${name}\\.\\.\\. OK\n$`));
  assert.deepEqual(schema(dir), schema(originals));
  assert.equal(ok(dir, "makemigrations", "--check"), "No changes detected\n");
});

test("errors exit 2 with Django's messages and write nothing", () => {
  const dir = history();
  const folder = path.join(dir, "shop", "migrations");
  const fails = (args: string[], stderr: string | RegExp) => {
    const r = tsmigrate(dir, "squashmigrations", ...args, "--noinput");
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stdout}${r.stderr}`);
    if (typeof stderr === "string") assert.equal(r.stderr, stderr);
    else assert.match(r.stderr, stderr);
    assert.equal(r.stdout, "");
  };
  fails(["nope", "0001"], "No installed app with label 'nope'. Apps: shop.\n");
  fails(["shop", "0009"], "Cannot find a migration matching '0009' from app 'shop'.\n");
  fails(["shop", "000"], "More than one migration matches '000' in app 'shop'. Please be more specific.\n");
  fails(["shop", "0004", "0002"],
    "The migration 'shop.0004_category_product_shop_name_price_idx_and_more' cannot be found. " +
    "Maybe it comes after the migration 'shop.0002_product_stock'?\nHave a look at:\n  tsmigrate showmigrations shop\nto debug this issue.\n");
  fails(["shop", "0002", "--squashed-name", "a.b"], /letters, digits and _/);
  fails(["shop"], /needs the migration to squash up to/);
  assert.deepEqual(list(folder), HISTORY);

  ok(dir, "squashmigrations", "shop", "0003", "--noinput");
  fails(["shop", "0005"], /^You cannot squash squashed migrations! Please transition shop\.0001_squashed_0003_alter_product_stock to a normal migration first/);
  fails(["shop", "0002", "0003"],
    /^Migration shop\.0003_alter_product_stock is replaced by the squashed migration shop\.0001_squashed_0003_alter_product_stock, so it cannot be squashed again/);
  assert.deepEqual(list(folder), [...HISTORY.slice(0, 1), "0001_squashed_0003_alter_product_stock.ts", ...HISTORY.slice(1)]);
  // Squashing after an existing squash, from a start, is fine.
  assert.match(ok(dir, "squashmigrations", "shop", "0004", "0005", "--noinput"), /Optimizing\.\.\.\n  No optimizations possible\.\n/);
});

/** util-linux `script`, which gives the CLI a terminal (the prompt is only shown on one). */
const hasScript = spawnSync("script", ["--version"], { encoding: "utf8" }).status === 0;

test("on a terminal it asks first: no writes nothing, an unclear answer asks again, yes squashes", { skip: !hasScript && "no `script` command" }, () => {
  const dir = history();
  const run = (answers: string) => {
    const cmd = `${path.join(REPO, "node_modules", ".bin", "node")} ${path.join(REPO, "bin", "tsmigrate.js")} squashmigrations shop 0002`;
    const r = spawnSync("script", ["-qec", cmd, "/dev/null"], { cwd: dir, input: answers, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    return r.stdout.replace(/\r/g, "");
  };
  const no = run("n\n");
  // The terminal echoes the answers wherever they fall: look for the pieces, not their order with the echo.
  assert.match(no, /Will squash the following migrations:\n - 0001_initial\n - 0002_product_stock\n/);
  assert.equal(no.split("Do you wish to proceed? [yN] ").length, 2);
  assert.doesNotMatch(no, /Optimizing/);
  assert.deepEqual(list(path.join(dir, "shop", "migrations")), HISTORY);
  const yes = run("maybe\ny\n");
  assert.equal(yes.split("Do you wish to proceed? [yN] ").length, 3);
  assert.match(yes, /Optimizing\.\.\.\n  Optimized from 2 operations to 1 operations\.\n/);
  assert.ok(fs.existsSync(path.join(dir, "shop", "migrations", "0001_squashed_0002_product_stock.ts")));
});
