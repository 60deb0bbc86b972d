/**
 * Autodetector cases. Expected operations and dependencies come from
 * running Django 3.2's makemigrations on the same models (names as Django
 * 4.0+ writes them).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { detectChangesSync, detectDrift, suggestName } from "../server/src/engine/autodetector";
import { QuestionError } from "../server/src/engine/errors";
import { Migration } from "../server/src/engine/migration";
import type { AddField, AlterField, CreateModel } from "../server/src/engine/operations/index";
import { RunSQL } from "../server/src/engine/operations/index";
import { DriftQuestioner, NonInteractiveQuestioner } from "../server/src/engine/questioner";
import { ModelState, ProjectState, makeField } from "../server/src/engine/state";
import { CLOCK, ScriptedQuestioner, assertReaches, detect, modelsState, summary } from "./autodetector-helpers";

const EMPTY = new ProjectState();

const SHOP_V1 = `
export class Category extends models.Model { name = models.CharField({ maxLength: 50 }); description = models.TextField({ blank: true }); }
export class Product extends models.Model {
  name = models.CharField({ maxLength: 100 });
  category = models.ForeignKey(Category, { onDelete: models.CASCADE });
}`;

describe("autodetector: initial migrations", () => {
  it("creates models with FK and M2M folded back, then indexes, constraints, unique_together (as Django)", async () => {
    const to = modelsState({ shop: `
export class Category extends models.Model { name = models.CharField({ maxLength: 50 }); description = models.TextField({ blank: true }); }
export class Product extends models.Model {
  name = models.CharField({ maxLength: 100, unique: true });
  price = models.DecimalField({ maxDigits: 8, decimalPlaces: 2 });
  stock = models.IntegerField({ default: 0 });
  category = models.ForeignKey(Category, { onDelete: models.CASCADE, null: true, relatedName: "products" });
  tags = models.ManyToManyField("Tag");
  static Meta = {
    ordering: ["name"],
    indexes: [models.Index({ fields: ["name", "-price"], name: "shop_prod_name_idx" })],
    constraints: [models.UniqueConstraint({ fields: ["name", "category"], name: "uniq_name_category" })],
    uniqueTogether: [["name", "category"]],
  };
}
export class Tag extends models.Model { name = models.CharField({ maxLength: 20 }); }` });
    const changes = await detect(EMPTY, to);
    assert.deepEqual(summary(changes), {
      shop: [{
        name: "0001_initial", dependencies: [],
        operations: [
          "Create model Category", "Create model Tag", "Create model Product",
          "Create index shop_prod_name_idx on field(s) name, -price of model product",
          "Create constraint uniq_name_category on model product",
          "Alter unique_together for product (1 constraint(s))",
        ],
      }],
    });
    const m = changes.get("shop")![0]!;
    assert.equal(m.initial, true);
    const product = m.operations[2] as CreateModel;
    assert.deepEqual(product.fields.map(([n]) => n), ["id", "name", "price", "stock", "category", "tags"]);
    assert.deepEqual(product.options, { ordering: ["name"] });
    assertReaches(EMPTY, to, changes);
  });

  it("makes an app's migration depend on the other app's (new or existing) migration", async () => {
    const to = modelsState({
      shop: `export class Product extends models.Model { name = models.CharField({ maxLength: 100 }); }`,
      accounts: `export class Profile extends models.Model {
        favorite = models.ForeignKey("shop.Product", { onDelete: models.SET_NULL, null: true });
        wishlist = models.ManyToManyField("shop.Product", { relatedName: "+" });
      }`,
    });
    const both = await detect(EMPTY, to);
    assert.deepEqual(summary(both), {
      shop: [{ name: "0001_initial", dependencies: [], operations: ["Create model Product"] }],
      accounts: [{ name: "0001_initial", dependencies: ["shop.0001_initial"], operations: ["Create model Profile"] }],
    });
    assertReaches(EMPTY, to, both);
    // shop already migrated up to 0003: accounts depends on shop's leaf.
    const shopOnly = modelsState({ shop: `export class Product extends models.Model { name = models.CharField({ maxLength: 100 }); }` });
    const later = await detect(shopOnly, to, undefined, { shop: "0003_product_sku" });
    assert.deepEqual(summary(later), {
      accounts: [{ name: "0001_initial", dependencies: ["shop.0003_product_sku"], operations: ["Create model Profile"] }],
    });
  });

  it("cuts a cross-app FK cycle into a second migration (Django 4: 0002_initial)", async () => {
    const to = modelsState({
      a: `export class A extends models.Model { b = models.ForeignKey("b.B", { onDelete: models.CASCADE, relatedName: "+" }); }`,
      b: `export class B extends models.Model { a = models.ForeignKey("a.A", { onDelete: models.CASCADE, relatedName: "+" }); }`,
    });
    const changes = await detect(EMPTY, to);
    assert.deepEqual(summary(changes), {
      a: [
        { name: "0001_initial", dependencies: [], operations: ["Create model A"] },
        { name: "0002_initial", dependencies: ["a.0001_initial", "b.0001_initial"], operations: ["Add field b to a"] },
      ],
      b: [{ name: "0001_initial", dependencies: ["a.0001_initial"], operations: ["Create model B"] }],
    });
    assertReaches(EMPTY, to, changes);
  });

  it("handles O2O, self references and unmanaged models", async () => {
    const to = modelsState({ shop: `
export class Node extends models.Model { parent = models.ForeignKey("self", { onDelete: models.CASCADE, null: true }); }
export class Detail extends models.Model { node = models.OneToOneField(Node, { onDelete: models.CASCADE }); }
export class Legacy extends models.Model { name = models.CharField({ maxLength: 5 }); static Meta = { managed: false, dbTable: "legacy" }; }` });
    const changes = await detect(EMPTY, to);
    assert.deepEqual(summary(changes).shop![0]!.operations, ["Create model Legacy", "Create model Node", "Create model Detail"]);
    const node = changes.get("shop")![0]!.operations[1] as CreateModel;
    assert.deepEqual(node.fields.map(([n, f]) => [n, f.options.to]), [["id", undefined], ["parent", "shop.node"]]);
    assertReaches(EMPTY, to, changes);
  });
});

describe("autodetector: changes", () => {
  it("detects options, removed/added/altered fields, unique_together, indexes and db_table in Django's order", async () => {
    const from = modelsState({ shop: SHOP_V1 });
    const to = modelsState({ shop: `
export class Category extends models.Model { name = models.CharField({ maxLength: 50 }); static Meta = { dbTable: "cats" }; }
export class Product extends models.Model {
  name = models.CharField({ maxLength: 200 });
  category = models.ForeignKey(Category, { onDelete: models.CASCADE });
  stock = models.IntegerField({ default: 0 });
  static Meta = { ordering: ["name"], uniqueTogether: [["name", "category"]], indexes: [models.Index({ fields: ["stock"], name: "prod_stock_idx" })] };
}` });
    const changes = await detect(from, to, undefined, { shop: "0001_initial" });
    assert.deepEqual(summary(changes), {
      shop: [{
        name: "0002_alter_product_options_remove_category_description_and_more",
        dependencies: ["shop.0001_initial"],
        operations: [
          "Change Meta options on product", "Remove field description from category", "Add field stock to product",
          "Alter field name on product", "Alter unique_together for product (1 constraint(s))",
          "Create index prod_stock_idx on field(s) stock of model product", "Rename table for category to cats",
        ],
      }],
    });
    assert.equal(changes.get("shop")![0]!.initial, false);
    assertReaches(from, to, changes);
  });

  it("names a single-operation migration after it, and removes indexes and constraints", async () => {
    const from = modelsState({ shop: `export class Order extends models.Model {
      number = models.IntegerField();
      static Meta = { indexes: [models.Index({ fields: ["number"], name: "order_number_idx" })],
        constraints: [models.CheckConstraint({ check: models.Q({ number__gte: 0 }), name: "number_gte_0" })] };
    }` });
    const to = modelsState({ shop: `export class Order extends models.Model { number = models.IntegerField(); stock = models.IntegerField({ default: 0 }); }` });
    const changes = await detect(from, to, undefined, { shop: "0007_x" });
    assert.deepEqual(summary(changes).shop, [{
      name: "0008_remove_order_number_gte_0_and_more",
      dependencies: ["shop.0007_x"],
      operations: ["Remove constraint number_gte_0 from model order", "Remove index order_number_idx from order", "Add field stock to order"],
    }]);
    const one = await detect(to, modelsState({ shop: `export class Order extends models.Model { number = models.IntegerField(); }` }),
      undefined, { shop: "0008_x" });
    assert.deepEqual(summary(one).shop?.map((m) => m.name), ["0009_remove_order_stock"]);
    assertReaches(from, to, changes);
  });

  it("deletes a model after removing the relations to it (as Django)", async () => {
    const from = modelsState({ shop: `
export class Category extends models.Model { name = models.CharField({ maxLength: 50 }); parent = models.ForeignKey("self", { onDelete: models.CASCADE, null: true }); }
export class Tag extends models.Model { name = models.CharField({ maxLength: 50 }); }
export class Product extends models.Model {
  name = models.CharField({ maxLength: 100 }); category = models.ForeignKey(Category, { onDelete: models.CASCADE }); tags = models.ManyToManyField(Tag);
  static Meta = { uniqueTogether: [["name", "category"]] };
}` });
    const to = modelsState({ shop: `
export class Tag extends models.Model { name = models.CharField({ maxLength: 50 }); }
export class Product extends models.Model { name = models.CharField({ maxLength: 100 }); tags = models.ManyToManyField(Tag); }` });
    const changes = await detect(from, to, undefined, { shop: "0001_initial" });
    assert.deepEqual(summary(changes).shop, [{
      name: "0002_alter_product_unique_together_and_more",
      dependencies: ["shop.0001_initial"],
      operations: ["Alter unique_together for product (0 constraint(s))", "Remove field category from product", "Delete model Category"],
    }]);
    assertReaches(from, to, changes);
  });

  it("turns an M2M <-> concrete change into remove + add", async () => {
    const from = modelsState({ shop: `export class Tag extends models.Model {} export class Product extends models.Model { tags = models.ManyToManyField(Tag); }` });
    const to = modelsState({ shop: `export class Tag extends models.Model {} export class Product extends models.Model { tags = models.ForeignKey(Tag, { onDelete: models.CASCADE, null: true }); }` });
    const changes = await detect(from, to, undefined, { shop: "0001_initial" });
    assert.deepEqual(summary(changes).shop![0]!.operations, ["Remove field tags from product", "Add field tags to product"]);
    assertReaches(from, to, changes);
  });

  it("keeps --name, trims to the requested apps, and finds nothing when nothing changed", async () => {
    const from = modelsState({ shop: SHOP_V1, blog: `export class Post extends models.Model {}` });
    const to = modelsState({
      shop: SHOP_V1.replace("description = models.TextField({ blank: true });", ""),
      blog: `export class Post extends models.Model { title = models.CharField({ maxLength: 9, default: "" }); }`,
    });
    const named = await detect(from, to, undefined, { shop: "0001_initial", blog: "0004_y" }, { name: "cleanup", apps: ["shop"] });
    assert.deepEqual(summary(named), {
      shop: [{ name: "0002_cleanup", dependencies: ["shop.0001_initial"], operations: ["Remove field description from category"] }],
    });
    assert.deepEqual(summary(await detect(to, to, undefined, { shop: "0002_x" })), {});
  });
});

describe("autodetector: questions", () => {
  const before = `
export class Category extends models.Model { name = models.CharField({ maxLength: 50 }); }
export class Product extends models.Model { name = models.CharField({ maxLength: 100 }); stock = models.IntegerField(); category = models.ForeignKey(Category, { onDelete: models.CASCADE }); }`;
  const after = `
export class Kind extends models.Model { name = models.CharField({ maxLength: 50 }); }
export class Product extends models.Model { name = models.CharField({ maxLength: 100 }); quantity = models.IntegerField(); category = models.ForeignKey(Kind, { onDelete: models.CASCADE }); }`;

  it("asks about renamed models and fields; yes gives RenameModel and RenameField", async () => {
    const from = modelsState({ shop: before });
    const to = modelsState({ shop: after });
    const q = new ScriptedQuestioner({ renameModel: true, renameField: true });
    const changes = await detect(from, to, q, { shop: "0001_initial" });
    assert.deepEqual(q.asked, ["renameModel shop.Category -> Kind", "renameField product.stock -> quantity (IntegerField)"]);
    assert.deepEqual(summary(changes).shop, [{
      name: "0002_rename_category_kind_rename_stock_product_quantity",
      dependencies: ["shop.0001_initial"],
      operations: ["Rename model Category to Kind", "Rename field stock on product to quantity"],
    }]);
    assertReaches(from, to, changes);
  });

  it("no to the renames gives remove + add", async () => {
    const from = modelsState({ shop: before });
    const to = modelsState({ shop: after });
    const q = new ScriptedQuestioner({ notNullAddition: 0 });
    const changes = await detect(from, to, q, { shop: "0001_initial" });
    assert.deepEqual(q.asked.at(-1), "notNullAddition product.quantity");
    assert.deepEqual(summary(changes).shop![0]!.operations, [
      "Create model Kind", "Remove field stock from product", "Add field quantity to product",
      "Alter field category on product", "Delete model Category",
    ]);
    assertReaches(from, to, changes);
  });

  it("--noinput stops on a rename question instead of dropping data", async () => {
    const from = modelsState({ shop: before });
    const to = modelsState({ shop: before.replace("stock", "quantity") });
    await assert.rejects(detect(from, to, new NonInteractiveQuestioner(), { shop: "0001_initial" }), (e: unknown) => {
      assert.ok(e instanceof QuestionError);
      assert.equal(e.exitCode, 3);
      assert.match(e.message, /^Did you rename product\.stock to product\.quantity \(a IntegerField\)\? \[y\/N\]/);
      return true;
    });
  });

  it("asks for one-off defaults: NOT NULL added, NULL made NOT NULL", async () => {
    const from = modelsState({ shop: `export class Product extends models.Model { name = models.CharField({ maxLength: 100 }); code = models.CharField({ maxLength: 10, null: true }); }` });
    const to = modelsState({ shop: `export class Product extends models.Model { name = models.CharField({ maxLength: 100 }); code = models.CharField({ maxLength: 10 }); sku = models.CharField({ maxLength: 10 }); }` });
    const q = new ScriptedQuestioner({ notNullAddition: "x", notNullAlteration: { kind: "default", value: "y" } });
    const changes = await detect(from, to, q, { shop: "0001_initial" });
    assert.deepEqual(q.asked, ["notNullAddition product.sku", "notNullAlteration product.code"]);
    assert.deepEqual(summary(changes).shop, [{
      name: "0002_product_sku_alter_product_code", dependencies: ["shop.0001_initial"],
      operations: ["Add field sku to product", "Alter field code on product"],
    }]);
    const [add, alter] = changes.get("shop")![0]!.operations as [AddField, AlterField];
    assert.deepEqual([add.preserveDefault, add.field.options.default], [false, "x"]);
    assert.deepEqual([alter.preserveDefault, alter.field.options.default], [false, "y"]);
    assertReaches(from, to, changes);
    for (const answer of ["ignore"] as const) {
      const ignoring = await detect(from, to, new ScriptedQuestioner({ notNullAddition: 0, notNullAlteration: { kind: answer } }), { shop: "0001_initial" });
      assert.equal((ignoring.get("shop")![0]!.operations[1] as AlterField).preserveDefault, true);
    }
    await assert.rejects(detect(from, to, new NonInteractiveQuestioner(), { shop: "0001_initial" }),
      (e: unknown) => e instanceof QuestionError && /non-nullable field 'sku' to product/.test(e.message));
  });

  it("needs no default for nullable, defaulted, blank text, autoNow fields", async () => {
    const from = modelsState({ shop: `export class P extends models.Model {}` });
    const to = modelsState({ shop: `export class P extends models.Model {
      a = models.IntegerField({ null: true }); b = models.IntegerField({ default: 1 }); c = models.TextField({ blank: true });
      d = models.DateTimeField({ autoNowAdd: true }); e = models.DateField({ autoNow: true }); }` });
    const changes = await detect(from, to, new NonInteractiveQuestioner(), { shop: "0001_initial" });
    assert.deepEqual(summary(changes).shop![0]!.operations.length, 5);
  });
});

describe("autodetector: naming and helpers", () => {
  it("names auto_<timestamp> when an operation has no fragment", () => {
    const m = new Migration("shop", "x", { operations: [new RunSQL("SELECT 1")] });
    assert.equal(suggestName(m, CLOCK), "auto_20261121_0636");
  });

  it("detectDrift never asks and detectChangesSync gives the same as detectChanges", async () => {
    const from = modelsState({ shop: `export class P extends models.Model { a = models.IntegerField(); }` });
    const to = modelsState({ shop: `export class P extends models.Model { b = models.IntegerField(); c = models.BooleanField(); }` });
    const drift = detectDrift(from, to);
    assert.deepEqual(drift.get("shop")!.map((o) => o.describe()), ["Remove field a from p", "Add field b to p", "Add field c to p"]);
    assert.deepEqual((drift.get("shop")![2] as AddField).field.options.default, false);
    const sync = detectChangesSync(from, to, new DriftQuestioner(), { leaves: () => "0001_initial", now: CLOCK });
    const asyncResult = await detect(from, to, new DriftQuestioner(), { shop: "0001_initial" });
    assert.deepEqual(summary(sync), summary(asyncResult));
  });

  it("handles an FK chain of 300 models (detect + optimize)", () => {
    const id = makeField("BigAutoField", { autoCreated: true, primaryKey: true, serialize: false, verboseName: "ID" });
    const models: ModelState[] = [];
    for (let i = 0; i < 300; i++) {
      const fields: [string, ReturnType<typeof makeField>][] = [["id", id]];
      if (i > 0) fields.push(["prev", makeField("ForeignKey", { to: `shop.m${i - 1}`, onDelete: "CASCADE" })]);
      models.push(new ModelState("shop", `M${i}`, fields));
    }
    const to = new ProjectState(models);
    const changes = detectChangesSync(EMPTY, to, new DriftQuestioner(), { leaves: () => undefined, now: CLOCK });
    const ops = changes.get("shop")!.flatMap((m) => m.operations);
    assert.equal(ops.filter((o) => o.kind === "CreateModel").length, 300);
    assert.ok(ops.length < 310, `the optimizer folds the FKs back (${ops.length} operations)`);
    assertReaches(EMPTY, to, changes);
  });
});
