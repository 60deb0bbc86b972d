import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import type { ProjectConfig } from "../../server/src/engine/config";
import { TsMigrateError } from "../../server/src/engine/errors";
import { loadModels, parseModelFile, resolveModels } from "../../server/src/engine/source/models";
import { CallValue, valueKey } from "../../server/src/engine/values";

const ROOT = "/proj";

/** A config for apps `labels`, each at /proj/<label>/models.ts. */
function config(labels: string[], defaultAutoField: ProjectConfig["defaultAutoField"] = "BigAutoField"): ProjectConfig {
  return {
    root: ROOT,
    apps: labels.map((label) => ({
      label, dir: `${ROOT}/${label}`, modelsFile: `${ROOT}/${label}/models.ts`, migrationsDir: `${ROOT}/${label}/migrations`,
    })),
    databases: { default: { engine: "sqlite", name: `${ROOT}/db.sqlite3` } },
    defaultAutoField,
  };
}

/** Loads apps from texts: { label: models.ts text }. */
function load(apps: Record<string, string>, auto?: ProjectConfig["defaultAutoField"]) {
  const cfg = config(Object.keys(apps), auto);
  return resolveModels(Object.entries(apps).map(([label, text]) => parseModelFile(label, `${ROOT}/${label}/models.ts`, text)), cfg);
}

/** `[code, line, column, message]` of each error. */
function summary(errors: readonly TsMigrateError[]): [string, number | undefined, number | undefined, string][] {
  return errors.map((e) => [e.code, e.location?.line, e.location?.column, e.message]);
}

const ID = { type: "BigAutoField", options: { autoCreated: true, primaryKey: true, serialize: false, verboseName: "ID" } };

const SHOP = `import { models } from "tsmigrate";

export class Category extends models.Model {
  name = models.CharField({ maxLength: 50 });
  description = models.TextField({ blank: true });
}

export class Product extends models.Model {
  name = models.CharField({ maxLength: 100, unique: true });
  tags = models.ManyToManyField("Tag");
  price = models.DecimalField({ maxDigits: 8, decimalPlaces: 2 });
  stock = models.IntegerField({ default: 0 });
  category = models.ForeignKey(Category, { onDelete: models.CASCADE, null: true, relatedName: "products" });
  helper = "not a field";
  untyped: string;
  computed = compute(1);

  static Meta = {
    dbTable: "shop_product",
    ordering: ["name", "-category__name"],
    indexes: [models.Index({ fields: ["name", "-price"], name: "shop_prod_name_idx" }), models.Index({ fields: ["-price", "name"] })],
    constraints: [models.UniqueConstraint({ fields: ["name", "category"], name: "uniq_name_category" })],
    uniqueTogether: ["name", "category"],
  };
}

class Tag extends models.Model {
  label = models.SlugField();
}

class NotAModel {
  x = models.CharField({ maxLength: 1 });
}
`;

test("the product contract's example: fields, implicit id, relations, Meta, index names", () => {
  const r = load({ shop: SHOP });
  assert.deepEqual(summary(r.errors), []);
  assert.deepEqual([...r.state.models.keys()], ["shop.category", "shop.product", "shop.tag"]);
  const p = r.state.get("shop", "Product")!;
  assert.equal(p.name, "Product");
  assert.deepEqual([...p.fields.keys()], ["id", "name", "price", "stock", "category", "tags"]);
  assert.deepEqual(p.fields.get("id"), ID);
  assert.deepEqual(p.fields.get("category"), {
    type: "ForeignKey", options: { to: "shop.category", onDelete: "CASCADE", null: true, relatedName: "products" },
  });
  assert.deepEqual(p.fields.get("tags"), { type: "ManyToManyField", options: { to: "shop.tag" } });
  assert.deepEqual(p.fields.get("stock"), { type: "IntegerField", options: { default: 0 } });
  assert.equal(valueKey(p.options as never), valueKey({
    dbTable: "shop_product",
    ordering: ["name", "-category__name"],
    indexes: [
      { name: "shop_prod_name_idx", fields: ["name", "-price"] },
      // Django 3.2 names this index shop_produc_price_e0cdf7_idx (checked with makemigrations).
      { name: "shop_produc_price_e0cdf7_idx", fields: ["-price", "name"] },
    ],
    constraints: [{ kind: "UniqueConstraint", name: "uniq_name_category", fields: ["name", "category"] }],
    uniqueTogether: [["name", "category"]],
  }));
  const loc = r.locations.get("shop.product")!;
  assert.deepEqual([loc.model.line, loc.model.column], [8, 14]);
  assert.deepEqual([loc.fields.get("stock")!.line, loc.fields.get("stock")!.column], [12, 3]);
  assert.deepEqual([loc.fields.get("id")!.line], [8]);
  assert.equal(loc.meta!.line, 18);
  assert.equal(loc.indexes.get("shop_produc_price_e0cdf7_idx")!.line, 21);
  assert.equal(loc.constraints.get("uniq_name_category")!.line, 22);
});

test("Django's default index name on a FK column (checked against Django 3.2)", () => {
  const r = load({ shop: `import { models } from "tsmigrate";
export class Category extends models.Model {}
export class Product extends models.Model {
  category = models.ForeignKey(Category, { onDelete: models.CASCADE });
  static Meta = { indexes: [models.Index({ fields: ["category"] })] };
}` });
  assert.deepEqual(r.errors, []);
  assert.equal(r.state.get("shop", "product")!.options.indexes![0]!.name, "shop_produc_categor_d249e3_idx");
});

test("abstract bases: fields first, Meta inherited minus abstract, overrides, %(class)s names", () => {
  const r = load({ blog: `import { models } from "tsmigrate";
abstract class Base extends models.Model {
  created = models.DateTimeField({ autoNowAdd: true });
  title = models.CharField({ maxLength: 10 });
  owner = models.ForeignKey("self", { onDelete: models.CASCADE, null: true, relatedName: "%(app_label)s_%(class)s_set" });
  static Meta: models.Meta = {
    abstract: true,
    ordering: ["-created"],
    indexes: [models.Index({ fields: ["created"], name: "%(class)s_created" })],
  };
}
abstract class Titled extends Base {
  title = models.CharField({ maxLength: 200 });
  static Meta: models.Meta = { abstract: true, ordering: ["title"] };
}
export class Post extends Titled {
  body = models.TextField();
}
export class Page extends Base {
  slug = models.SlugField();
  static Meta = { verboseName: "page" };
}
` });
  assert.deepEqual(summary(r.errors), []);
  assert.deepEqual([...r.state.models.keys()], ["blog.post", "blog.page"]);
  const post = r.state.get("blog", "post")!;
  // Django orders by field creation: inherited copies keep their place, an override comes after them.
  assert.deepEqual([...post.fields.keys()], ["id", "created", "owner", "title", "body"]);
  assert.deepEqual(post.fields.get("title")!.options, { maxLength: 200 });
  assert.deepEqual(post.fields.get("owner")!.options.to, "blog.post");
  assert.deepEqual(post.fields.get("owner")!.options.relatedName, "blog_post_set");
  assert.deepEqual(post.options, { ordering: ["title"] });
  const page = r.state.get("blog", "page")!;
  assert.deepEqual([...page.fields.keys()], ["id", "created", "title", "owner", "slug"]);
  assert.deepEqual(page.options, { verboseName: "page" });
  // Inherited field locations point into the base class.
  assert.equal(r.locations.get("blog.page")!.fields.get("created")!.line, 3);
  const base = load({ blog: `import { models } from "tsmigrate";
abstract class Base extends models.Model {
  created = models.DateTimeField();
  static Meta: models.Meta = { abstract: true, indexes: [models.Index({ fields: ["created"], name: "%(class)s_created" })] };
}
export class Note extends Base {}` });
  assert.deepEqual(base.errors, []);
  assert.deepEqual(base.state.get("blog", "note")!.options, { indexes: [{ name: "note_created", fields: ["created"] }] });
});

test("implicit id follows defaultAutoField; an explicit primary key replaces it; two are an error", () => {
  const r = load({ a: `import { models } from "tsmigrate";
export class A extends models.Model { x = models.IntegerField(); }
export class B extends models.Model { code = models.CharField({ maxLength: 5, primaryKey: true }); }
export class C extends models.Model {
  a = models.IntegerField({ primaryKey: true });
  b = models.IntegerField({ primaryKey: true });
}` }, "AutoField");
  assert.deepEqual(r.state.get("a", "A")!.fields.get("id"), { ...ID, type: "AutoField" });
  assert.deepEqual([...r.state.get("a", "B")!.fields.keys()], ["code"]);
  assert.deepEqual(summary(r.errors), [["bad-option", 6, 3,
    "The model cannot have more than one field with primaryKey: true (models.E026): a, b"]]);
});

test("cross-app relations: imported class, \"app.Model\", models alias; through models", () => {
  const r = load({
    catalog: `import { models as m } from "tsmigrate";
export class Category extends m.Model {
  name = m.CharField({ maxLength: 50 });
}
export class Link extends m.Model {}
`,
    shop: `import { models } from "tsmigrate";
import { Category as Cat, Link } from "../catalog/models.js";
export class Product extends models.Model {
  category = models.ForeignKey(Cat, { onDelete: models.PROTECT });
  other = models.OneToOneField("catalog.Category", { onDelete: models.CASCADE });
  links = models.ManyToManyField(Cat, { through: Link });
}
`,
  });
  assert.deepEqual(summary(r.errors), []);
  const p = r.state.get("shop", "product")!;
  assert.equal(p.fields.get("category")!.options.to, "catalog.category");
  assert.equal(p.fields.get("other")!.options.to, "catalog.category");
  assert.deepEqual(p.fields.get("links")!.options, { to: "catalog.category", through: "catalog.link" });
  assert.deepEqual(r.state.get("catalog", "category")!.fields.get("name"), { type: "CharField", options: { maxLength: 50 } });
});

test("every error kind with its line and column; all errors collected", () => {
  const r = load({
    shop: `import { models } from "tsmigrate";
abstract class Base extends models.Model { static Meta: models.Meta = { abstract: true }; }
export class Product extends models.Model {
  a = models.CharFeild({ maxLength: 1 });
  b = models.CharField({ maxLength: 1, colour: "red" });
  c = models.CharField({});
  d = models.IntegerField({ default: models.F("x"), null: 1 });
  e = models.ForeignKey(Nope, { onDelete: models.CASCADE });
  f = models.ForeignKey("Nope", { onDelete: models.CASCADE });
  g = models.ForeignKey("zoo.Animal", { onDelete: models.CASCADE });
  h = models.ForeignKey(Base, { onDelete: models.CASCADE });
  i = models.IntegerField({ default: [...xs] });
  j_ = models.IntegerField();
  tags = models.ManyToManyField("Tag2");
  ok = models.IntegerField();
  static Meta = {
    dbTabel: "x",
    ordering: ["missing"],
    indexes: [models.Index({ fields: ["nope"] })],
    uniqueTogether: [["ok", "tags"]],
  };
}
export class Tag extends Base { static Meta = { proxy: true }; }
export class Tag2 extends models.Model {
  x = models.IntegerField(
}
`,
  });
  const s = summary(r.errors);
  const codes = s.map(([c, l, col]) => `${c}@${l}:${col}`);
  assert.deepEqual(codes, [
    "unknown-field-type@4:7",
    "unknown-option@5:40",
    "missing-option@6:24",
    "bad-option@7:38",
    "bad-option@7:53",
    "unknown-model@8:25",
    "unknown-model@9:25",
    "unknown-model@10:25",
    "unknown-model@11:25",
    "unsupported-syntax@12:39",
    "bad-field-name@13:3",
    "bad-meta@17:5",
    "bad-meta@18:16",
    "bad-meta@19:38",
    "bad-meta@20:21",
    "bad-model@23:14",
    "syntax@26:1",
  ], s.map((x) => x.join(" ")).join("\n"));
  const msg = (i: number) => s[i > 3 ? i + 1 : i]![3];
  assert.match(msg(0), /did you mean models\.CharField/);
  assert.match(msg(1), /unknown option colour for CharField/);
  assert.match(msg(2), /requires option maxLength/);
  assert.match(msg(4), /unknown model Nope; expected a model class, a model name of app shop/);
  assert.match(msg(5), /unknown model "Nope"/);
  assert.match(msg(6), /unknown app "zoo"/);
  assert.match(msg(7), /Base is abstract \(fields\.E300\)/);
  assert.match(msg(9), /fields\.E001/);
  assert.match(msg(10), /unknown Meta option dbTabel \(did you mean dbTable\?\)/);
  assert.match(msg(11), /nonexistent field, related field, or lookup 'missing' \(models\.E015\)/);
  assert.match(msg(12), /nonexistent field 'nope' \(models\.E012\)/);
  assert.match(msg(13), /ManyToManyFields are not permitted in 'uniqueTogether' \(models\.E013\)/);
  assert.match(msg(14), /Proxy model 'Tag' has no non-abstract model base class \(models\.E017\)/);
  // d: both bad values reported.
  assert.equal(r.errors.filter((e) => e.location?.line === 7).length, 2);
  // The model is still loaded with its good fields.
  const p = r.state.get("shop", "product")!;
  assert.deepEqual([...p.fields.keys()], ["id", "ok", "tags"]);
  assert.equal(r.state.get("shop", "tag2")!.fields.has("id"), true);
  assert.ok(r.errors.every((e) => e instanceof TsMigrateError && e.location?.file === "/proj/shop/models.ts"));
});

test("half-typed code never throws: every prefix of a models file loads", () => {
  const text = SHOP + `export class Order extends models.Model {
  product = models.ForeignKey(Product, { onDelete: models.SET_NULL, null: true });
  static Meta = { constraints: [models.CheckConstraint({ check: models.Q.or(models.Q({ a__gt: 1 })), name: "c" })] };
}
`;
  for (let i = 0; i <= text.length; i++) {
    const r = load({ shop: text.slice(0, i) });
    for (const e of r.errors) assert.ok(e instanceof TsMigrateError && e.code !== "internal", `prefix ${i}: ${e.message}`);
  }
});

test("loadModels reads files, uses unsaved overrides, and treats a missing models.ts as no models", () => {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "tsm-models-")));
  const cfg: ProjectConfig = {
    ...config([]),
    root,
    apps: ["shop", "empty"].map((label) => ({
      label, dir: path.join(root, label), modelsFile: path.join(root, label, "models.ts"), migrationsDir: path.join(root, label, "migrations"),
    })),
  };
  fs.mkdirSync(path.join(root, "shop"));
  fs.writeFileSync(path.join(root, "shop/models.ts"), `import { models } from "tsmigrate";
export class A extends models.Model { x = models.IntegerField(); }`);
  const disk = loadModels(cfg);
  assert.deepEqual(disk.errors, []);
  assert.deepEqual([...disk.state.get("shop", "a")!.fields.keys()], ["id", "x"]);
  const edited = loadModels(cfg, new Map([[path.join(root, "shop/models.ts"), `import { models } from "tsmigrate";
export class A extends models.Model { x = models.IntegerField(); y = models.BooleanField({ default: true }); }`]]));
  assert.deepEqual([...edited.state.get("shop", "a")!.fields.keys()], ["id", "x", "y"]);
  assert.deepEqual(edited.state.appModels("empty"), []);
});

test("the type-check fixture loads (its one unknown app aside)", () => {
  const dir = path.resolve(__dirname, "../../test-fixtures/typecheck");
  const cfg: ProjectConfig = {
    ...config([]),
    root: dir,
    apps: ["catalog", "shop"].map((label) => ({
      label, dir: path.join(dir, label), modelsFile: path.join(dir, label, "models.ts"), migrationsDir: path.join(dir, label, "migrations"),
    })),
  };
  const r = loadModels(cfg);
  assert.deepEqual(r.errors.map((e) => e.message), [
    `unknown app "accounts" in "accounts.User"; installed apps: catalog, shop`,
  ]);
  const p = r.state.get("shop", "product")!;
  assert.deepEqual([...p.fields.keys()], ["id", "created", "updated", "name", "price", "stock", "status", "data", "category", "parent", "ip", "tags"]);
  assert.ok(p.options.constraints![1]!.kind === "CheckConstraint" && p.options.constraints![1]!.check instanceof CallValue);
  assert.deepEqual(p.options.permissions, [["can_sell", "Can sell"]]);
  assert.deepEqual([...r.state.get("shop", "tag")!.fields.keys()], ["id", "label"]);
});

test("uniqueTogether and indexTogether: null means none, as Django's None", () => {
  const r = load({ shop: `import { models } from "tsmigrate";
export class Product extends models.Model {
  name = models.CharField({ maxLength: 10 });
  static Meta = { uniqueTogether: null, indexTogether: null };
}` });
  assert.deepEqual(r.errors, []);
  const options = r.state.get("shop", "product")!.options;
  assert.equal(options.uniqueTogether, undefined);
  assert.equal(options.indexTogether, undefined);
});
