// Static evaluation of model values through the type checker (source/evaluate.ts).
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import type { ProjectConfig } from "../../server/src/engine/config";
import { choiceLabel } from "../../server/src/engine/source/evaluate";
import { loadModels } from "../../server/src/engine/source/models";
import { tempProject } from "../temp-project";

/** Writes `files` (relative path -> text) into a fresh folder and loads app `shop` from it. */
function load(files: Record<string, string>) {
  const root = tempProject("tsm-eval-", files);
  const dir = path.join(root, "shop");
  const cfg: ProjectConfig = {
    root, apps: [{ label: "shop", dir, modelsFile: path.join(dir, "models.ts"), migrationsDir: path.join(dir, "migrations") }],
    databases: { default: { engine: "sqlite", name: path.join(root, "db.sqlite3") } }, defaultAutoField: "BigAutoField",
  };
  const r = loadModels(cfg);
  fs.rmSync(root, { recursive: true, force: true });
  return r;
}

const HEAD = `import { models } from "tsmigrate";\n`;

test("Django's Choices labels from member names", () => {
  assert.equal(choiceLabel("SUPER_ADMIN"), "Super Admin");
  assert.equal(choiceLabel("Regular"), "Regular");
  assert.equal(choiceLabel("inReview"), "Inreview");
  assert.equal(choiceLabel("A1_b"), "A1 B");
});

test("const enums, static readonly members, IntegerChoices, element access, object spreads in options", () => {
  const r = load({
    "shop/models.ts": HEAD + `
import { Sizes } from "./sizes";
const enum Level { Low = 1, High = Low + 9 }
class Limits { static readonly NAME = 30; static readonly NAMES = ["a", "b"] as const; }
const Grade = models.IntegerChoices({ Bad: 1, Good: [5, "Very good"] });
const common = { null: true, blank: true } as const;
export class Product extends models.Model {
  name = models.CharField({ maxLength: Limits.NAME, default: Limits.NAMES[1] });
  level = models.IntegerField({ default: Level.High });
  grade = models.IntegerField({ choices: Grade.choices, default: Grade.Good });
  note = models.TextField({ ...common, helpText: \`max \${Sizes.note} chars\` });
}
`,
    "shop/sizes.ts": `export const Sizes = { note: 2 ** 10 } satisfies Record<string, number>;\n`,
  });
  assert.deepEqual(r.errors.map((e) => e.format()), []);
  const p = r.state.get("shop", "product")!;
  assert.deepEqual(p.fields.get("name")!.options, { maxLength: 30, default: "b" });
  assert.deepEqual(p.fields.get("level")!.options, { default: 10 });
  assert.deepEqual(p.fields.get("grade")!.options, { choices: [[1, "Bad"], [5, "Very good"]], default: 5 });
  assert.deepEqual(p.fields.get("note")!.options, { null: true, blank: true, helpText: "max 1024 chars" });
});

test("Meta inheritance: multi-level spreads, a Meta referred to, abstract never inherited", () => {
  const r = load({
    "shop/models.ts": HEAD + `
abstract class Base extends models.Model {
  created = models.DateField({ null: true });
  static Meta = { abstract: true, ordering: ["-created"], getLatestBy: "created" };
}
abstract class Named extends Base {
  name = models.CharField({ maxLength: 20 });
  static Meta = { ...Base.Meta, abstract: true, verboseName: "thing" };
}
export class Product extends Named {
  static Meta = { ...Named.Meta, dbTable: "shop_products" };
}
export class Tag extends Base {
  static Meta = Base.Meta;
}
export class Plain extends Named {}
`,
  });
  assert.deepEqual(r.errors.map((e) => e.format()), []);
  assert.deepEqual(r.state.get("shop", "product")!.options,
    { ordering: ["-created"], getLatestBy: "created", verboseName: "thing", dbTable: "shop_products" });
  assert.deepEqual(r.state.get("shop", "tag")!.options, { ordering: ["-created"], getLatestBy: "created" });
  // No Meta of its own: the abstract parent's, without abstract (Django's ModelBase).
  assert.deepEqual(r.state.get("shop", "plain")!.options, { ordering: ["-created"], getLatestBy: "created", verboseName: "thing" });
});

test("custom field helpers from another file: options merged, defaults from parameters", () => {
  const r = load({
    "shop/models.ts": HEAD + `
import { MoneyField, Code } from "../lib/fields";
export class Product extends models.Model {
  price = MoneyField();
  cost = MoneyField({ maxDigits: 8, null: true });
  code = Code(12);
}
`,
    "lib/fields.ts": HEAD + `
export const MoneyField = (o: object = {}) => models.DecimalField({ maxDigits: 12, decimalPlaces: 2, ...o });
export function Code(length: number) { return models.CharField({ maxLength: length, unique: true }); }
`,
  });
  assert.deepEqual(r.errors.map((e) => e.format()), []);
  const p = r.state.get("shop", "product")!;
  assert.deepEqual(p.fields.get("price"), { type: "DecimalField", options: { maxDigits: 12, decimalPlaces: 2 } });
  assert.deepEqual(p.fields.get("cost"), { type: "DecimalField", options: { maxDigits: 8, decimalPlaces: 2, null: true } });
  assert.deepEqual(p.fields.get("code"), { type: "CharField", options: { maxLength: 12, unique: true } });
});

test("unreadable values: a cycle, a destructured helper parameter, a helper that returns no field", () => {
  const r = load({
    "shop/models.ts": HEAD + `
const A: number = B;
const B: number = A;
const Bad = ({ n }: { n: number }) => models.CharField({ maxLength: n });
const NotAField = () => 3;
export class Product extends models.Model {
  a = models.IntegerField({ default: A });
  b = Bad({ n: 3 });
  c = NotAField();
}
`,
  });
  const msgs = r.errors.map((e) => `${e.location?.line}:${e.location?.column} ${e.code} ${e.message}`);
  assert.equal(msgs.length, 3, msgs.join("\n"));
  assert.match(msgs[0]!, /^4:19 unreadable-value cannot read this value statically: A refers to itself/);
  assert.match(msgs[1]!, /^5:14 unreadable-value .*destructured parameters cannot be read/);
  assert.match(msgs[2]!, /^10:7 unknown-field-type NotAField\(\.\.\.\) does not return a models\.\* field/);
});

test("Django details: a foreign key named by its column, Meta.appLabel, a NUL in a default", () => {
  const r = load({
    "shop/models.ts": HEAD + `
export class Category extends models.Model { name = models.CharField({ maxLength: 20 }); }
export class Product extends models.Model {
  category = models.ForeignKey(Category, { onDelete: models.CASCADE });
  code = models.CharField({ maxLength: 5 });
  note = models.CharField({ maxLength: 5, default: "a\\0b" });
  static Meta = {
    uniqueTogether: [["category_id", "code"]],
    indexes: [models.Index({ fields: ["-category_id"] })],
    appLabel: "catalog",
  };
}
`,
  });
  const msgs = r.errors.map((e) => `${e.location?.line}:${e.location?.column} ${e.message}`);
  assert.equal(msgs.length, 2, msgs.join("\n"));
  assert.match(msgs[0]!, /^7:43 CharField option default must be a value the database can store: a string with a NUL character/);
  assert.match(msgs[1]!, /^11:5 Meta\.appLabel: a model's app is the folder of its models\.ts \(here "shop"\)/);
  const p = r.state.get("shop", "product")!;
  assert.deepEqual(p.options.uniqueTogether, [["category", "code"]]);
  assert.deepEqual(p.options.indexes!.map((i) => i.fields), [["-category"]]);
});

test("an abstract base in a project file of no app is followed (its fields and Meta inherited)", () => {
  const r = load({
    "shop/models.ts": HEAD + `import { Stamped } from "../lib/base";\nexport class Post extends Stamped { title = models.CharField({ maxLength: 9 }); }\n`,
    "lib/base.ts": HEAD + `export abstract class Stamped extends models.Model {
  created = models.DateField({ null: true });
  static Meta = { abstract: true, ordering: ["created"] };
}\n`,
  });
  assert.deepEqual(r.errors.map((e) => e.format()), []);
  const p = r.state.get("shop", "post")!;
  assert.deepEqual([...p.fields.keys()], ["id", "created", "title"]);
  assert.deepEqual(p.options, { ordering: ["created"] });
});
