// Callable defaults (`default: () => crypto.randomUUID()`, `crypto.randomUUID`,
// `() => new Date()`): read from model files, written to and read back from
// migration files as written (never called), no database DEFAULT, and the
// autodetector's questions. Deliberate difference from Django: a well-known
// callable fills existing rows per row (see test/cli/callable-defaults.test.ts);
// any other callable asks for a one-off default instead of copying one value.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { functionValue, normalizeFunctionSource, wellKnownCallable } from "../server/src/engine/callables";
import { readMigrationFile } from "../server/src/engine/loader-file";
import { AddField } from "../server/src/engine/operations/fields";
import { SQLITE_FLAVOR } from "../server/src/engine/backends/sqlite/features";
import { columnDefinition } from "../server/src/engine/backends/base/columns";
import { QuestionError } from "../server/src/engine/errors";
import { NonInteractiveQuestioner } from "../server/src/engine/questioner";
import { RefValue } from "../server/src/engine/values";
import { projectFunctionRef } from "../server/src/engine/callables";
import type { ProjectConfig } from "../server/src/engine/config";
import { loadModels } from "../server/src/engine/source/models";
import type { Migration } from "../server/src/engine/migration";

/** The one migration of app shop in `changes`. */
function changesOf(changes: Map<string, Migration[]>): Migration {
  return changes.get("shop")![0]!;
}
import { writeMigration } from "../server/src/engine/writer";
import { ScriptedQuestioner, assertReaches, detect, modelsState, summary } from "./autodetector-helpers";

const BASE = `export class Item extends models.Model {\n  name = models.CharField({ maxLength: 10 });\n}\n`;
const withField = (line: string) => BASE.replace("\n}\n", `\n  ${line}\n}\n`);

describe("callable defaults: reading model files", () => {
  it("reads arrows (normalized), named functions and const arrows as written, never their result", () => {
    const state = modelsState({
      shop: `const newCode = () => "c-" + Math.random();\n` + withField(
        "uid = models.UUIDField({ default: ()=>crypto.randomUUID( ) /* fresh */ });\n" +
        "  ref = models.CharField({ maxLength: 36, default: crypto.randomUUID });\n" +
        "  at = models.DateTimeField({ default: () => new Date() });\n" +
        "  code = models.CharField({ maxLength: 40, default: newCode });"),
    });
    const f = state.get("shop", "item")!.fields;
    assert.deepEqual(f.get("uid")!.options.default, functionValue("() => crypto.randomUUID()"));
    assert.equal((f.get("uid")!.options.default as unknown as { args: string[] }).args[0], "() => crypto.randomUUID()");
    assert.deepEqual(f.get("ref")!.options.default, new RefValue("crypto.randomUUID"));
    assert.deepEqual(f.get("at")!.options.default, functionValue("() => new Date()"));
    assert.equal((f.get("code")!.options.default as unknown as { args: string[] }).args[0], '() => "c-" + Math.random()');
  });

  it("normalizes formatting and comments but not meaning", () => {
    assert.equal(normalizeFunctionSource("() =>   crypto.randomUUID( ) // x"), "() => crypto.randomUUID()");
    assert.equal(normalizeFunctionSource("function () { return new Date(); }"), normalizeFunctionSource("function(){return new Date()}"));
    assert.equal(normalizeFunctionSource("() => { return [1, 2]; }"), normalizeFunctionSource("() => {\n  // two\n  return [1,  2];\n}"));
    assert.notEqual(normalizeFunctionSource("() => new Date()"), normalizeFunctionSource("() => Date.now()"));
  });

  it("knows the well-known callables only for fields they fit", () => {
    assert.equal(wellKnownCallable(functionValue("() => crypto.randomUUID()"), "UUIDField"), "uuid4");
    assert.equal(wellKnownCallable(new RefValue("crypto.randomUUID"), "CharField"), "uuid4");
    assert.equal(wellKnownCallable(functionValue("() => new Date()"), "DateField"), "now");
    assert.equal(wellKnownCallable(new RefValue("Date.now"), "BigIntegerField"), undefined);
    assert.equal(wellKnownCallable(functionValue("() => crypto.randomUUID()"), "IntegerField"), undefined);
    assert.equal(wellKnownCallable(functionValue('() => "x"'), "CharField"), undefined);
    assert.equal(wellKnownCallable("literal", "CharField"), undefined);
  });
});

describe("callable defaults: migration files and SQL", () => {
  const FILE = `import { migrations, models } from "tsmigrate";

export default migrations.Migration({
  dependencies: [["shop", "0001_initial"]],
  operations: [
    migrations.AddField({
      modelName: "item",
      name: "uid",
      field: models.UUIDField({ default: () => crypto.randomUUID(), unique: true }),
    }),
    migrations.AddField({
      modelName: "item",
      name: "ref",
      field: models.CharField({ default: crypto.randomUUID, maxLength: 36 }),
    }),
  ],
});
`;

  it("writes the function as written and reads it back byte for byte", () => {
    const m = readMigrationFile("shop", "/p/shop/migrations/0002_x.ts", FILE);
    assert.equal(writeMigration(m), FILE);
    const uid = (m.operations[0] as AddField).field;
    assert.deepEqual(uid.options.default, functionValue("() => crypto.randomUUID()"));
  });

  it("the checksum ignores the function's formatting, not its text", () => {
    const sum = readMigrationFile("shop", "/p/0002_x.ts", FILE).checksum();
    const spaced = FILE.replace("() => crypto.randomUUID()", "()=>crypto.randomUUID( ) /* new id */");
    assert.equal(readMigrationFile("shop", "/p/0002_x.ts", spaced).checksum(), sum);
    const other = FILE.replace("() => crypto.randomUUID()", "() => crypto.randomUUID().toUpperCase()");
    assert.notEqual(readMigrationFile("shop", "/p/0002_x.ts", other).checksum(), sum);
  });

  it("gives the column no database DEFAULT (as Django)", () => {
    const state = modelsState({ shop: withField("uid = models.UUIDField({ default: () => crypto.randomUUID() });") });
    const model = state.get("shop", "item")!;
    assert.equal(columnDefinition({ model, state, flavor: SQLITE_FLAVOR }, "uid", model.fields.get("uid")!), "char(32) NOT NULL");
  });

  it("SQLite's per-row expressions: a version 4 UUID in the field's storage form, the current time as autoNow", () => {
    assert.match(SQLITE_FLAVOR.perRowDefaultSql("uuid4", "UUIDField")!, /randomblob/);
    assert.doesNotMatch(SQLITE_FLAVOR.perRowDefaultSql("uuid4", "UUIDField")!, /'-'/);
    assert.match(SQLITE_FLAVOR.perRowDefaultSql("uuid4", "CharField")!, /'-'/);
    assert.equal(SQLITE_FLAVOR.perRowDefaultSql("now", "DateTimeField"), "CURRENT_TIMESTAMP");
    assert.equal(SQLITE_FLAVOR.perRowDefaultSql("now", "DateField"), "CURRENT_DATE");
    assert.equal(SQLITE_FLAVOR.perRowDefaultSql("now", "TimeField"), "CURRENT_TIME");
  });
});

describe("callable defaults: makemigrations", () => {
  const from = modelsState({ shop: BASE });

  it("a well-known callable needs no question: one AddField keeping the function", async () => {
    const to = modelsState({ shop: withField("uid = models.UUIDField({ default: () => crypto.randomUUID(), unique: true });") });
    const q = new ScriptedQuestioner();
    const changes = await detect(from, to, q);
    assert.deepEqual(q.asked, []);
    assert.deepEqual(summary(changes).shop![0]!.operations, ["Add field uid to item"]);
    const op = changes.get("shop")![0]!.operations[0] as AddField;
    assert.equal(op.preserveDefault, true);
    assertReaches(from, to, changes);
  });

  it("any other callable asks for a one-off default, then gives the field its function back", async () => {
    const to = modelsState({ shop: withField('code = models.CharField({ maxLength: 40, default: () => "c-" + Math.random() });') });
    const q = new ScriptedQuestioner({ notNullAddition: "legacy" });
    const changes = await detect(from, to, q);
    assert.deepEqual(q.asked, ["notNullAddition item.code"]);
    assert.deepEqual(summary(changes).shop![0]!.operations, ["Add field code to item", "Alter field code on item"]);
    const text = writeMigration(changes.get("shop")![0]!);
    assert.match(text, /default: "legacy", maxLength: 40 }\),\n {6}preserveDefault: false,/);
    assert.match(text, /default: \(\) => "c-" \+ Math\.random\(\), maxLength: 40/);
    assertReaches(from, to, changes);
  });

  it("a nullable field with any callable asks nothing (existing rows stay NULL unless the database computes it)", async () => {
    const to = modelsState({ shop: withField('code = models.CharField({ maxLength: 40, null: true, default: () => "x" });') });
    const q = new ScriptedQuestioner();
    await detect(from, to, q);
    assert.deepEqual(q.asked, []);
  });

  it("NULL to NOT NULL with an unknown callable asks too", async () => {
    const before = modelsState({ shop: withField("code = models.CharField({ maxLength: 40, null: true });") });
    const to = modelsState({ shop: withField('code = models.CharField({ maxLength: 40, default: () => "c-" + Math.random() });') });
    const q = new ScriptedQuestioner({ notNullAlteration: { kind: "default", value: "legacy" } });
    const changes = await detect(before, to, q);
    assert.deepEqual(q.asked, ["notNullAlteration item.code"]);
    assert.deepEqual(summary(changes).shop![0]!.operations, ["Alter field code on item", "Alter field code on item"]);
    assertReaches(before, to, changes);
  });

  it("the operation says whether it needs a one-off default (the editor's drift warning)", () => {
    const unknown = modelsState({ shop: withField('code = models.CharField({ maxLength: 40, default: () => "c-" + Math.random() });') });
    const known = modelsState({ shop: withField("code = models.UUIDField({ default: crypto.randomUUID });") });
    const add = (state: typeof from) => new AddField("item", "code", state.get("shop", "item")!.fields.get("code")!);
    assert.equal(add(unknown).needsDefault("shop", from, unknown), true);
    assert.equal(add(known).needsDefault("shop", from, known), false);
  });

  it("without a terminal the question names the function and why it is asked", () => {
    const to = modelsState({ shop: withField('code = models.CharField({ maxLength: 40, default: () => "c-" + Math.random() });') });
    const field = to.get("shop", "item")!.fields.get("code")!;
    assert.throws(() => new NonInteractiveQuestioner().askNotNullAddition("code", "item", field), (e: unknown) =>
      e instanceof QuestionError && /non-nullable field 'code' to item/.test(e.message) &&
      e.message.includes('Its default is a function (() => "c-" + Math.random()) that tsmigrate never runs'));
  });

  it("a project function declaration: its source goes into the migration and reads back equal", async () => {
    const fn = 'export function makeCode(): string {\n  // a code\n  return "c-" + Math.random();\n}\n';
    const to = modelsState({ shop: fn + withField("code = models.CharField({ maxLength: 40, null: true, default: makeCode });") });
    const declared = to.get("shop", "item")!.fields.get("code")!;
    assert.deepEqual(declared.options.default, functionValue('function makeCode(): string { return "c-" + Math.random(); }'));
    assert.equal((declared.options.default as unknown as { args: string[] }).args[0], 'function makeCode(): string {\n    return "c-" + Math.random();\n}');
    const changes = await detect(from, to, new ScriptedQuestioner());
    const m = changes.get("shop")![0]!;
    const text = writeMigration(m);
    assert.match(text, /default: function makeCode\(\): string \{\n {12}return "c-" \+ Math\.random\(\);\n {8}\},/);
    const back = readMigrationFile("shop", "/p/shop/migrations/0002_x.ts", text);
    assert.deepEqual((back.operations[0] as AddField).field, declared);
    assert.equal(back.checksum(), m.checksum());
    assert.equal(writeMigration(back), text);
  });

  it("a function exported by another project file: the migration imports it by name, never a copy, and reads back equal", async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "tsm-callables-"));
    const config = {
      root, defaultAutoField: "BigAutoField", databases: {},
      apps: [{ label: "shop", dir: `${root}/shop`, modelsFile: `${root}/shop/models.ts`, migrationsDir: `${root}/shop/migrations` }],
    } as unknown as ProjectConfig;
    fs.mkdirSync(path.join(root, "lib"));
    fs.mkdirSync(path.join(root, "shop"));
    fs.writeFileSync(path.join(root, "lib/tokens.ts"), 'export function newToken(): string {\n  return "t";\n}\nexport const newCode = () => "c";\n');
    fs.writeFileSync(path.join(root, "shop/models.ts"), 'import { models } from "tsmigrate";\nimport { newCode, newToken as token } from "../lib/tokens";\n' +
      withField("code = models.CharField({ maxLength: 40, null: true, default: token });\n  alt = models.CharField({ maxLength: 9, null: true, default: newCode });"));
    const loaded = loadModels(config);
    fs.rmSync(root, { recursive: true, force: true });
    assert.deepEqual(loaded.errors.map((e) => e.format()), []);
    const to = loaded.state;
    const declared = to.get("shop", "item")!.fields.get("code")!;
    assert.deepEqual(declared.options.default, projectFunctionRef("../lib/tokens", "newToken"));
    assert.deepEqual(to.get("shop", "item")!.fields.get("alt")!.options.default, projectFunctionRef("../lib/tokens", "newCode"));
    const m = changesOf(await detect(from, to, new ScriptedQuestioner()));
    const text = writeMigration(m);
    assert.match(text, /^import \{ migrations, models \} from "tsmigrate";\nimport \{ newCode, newToken \} from "\.\.\/\.\.\/lib\/tokens";\n/);
    assert.match(text, /default: newToken,/);
    assert.doesNotMatch(text, /return "t"/);
    const back = readMigrationFile("shop", `${root}/shop/migrations/0002_x.ts`, text);
    assert.deepEqual((back.operations.find((o) => (o as AddField).name === "code") as AddField).field, declared);
    assert.equal(back.checksum(), m.checksum());
    assert.equal(writeMigration(back), text);
  });

  it("an undeclared name or a built-in constant is still an error, not a callable", () => {
    assert.throws(() => modelsState({ shop: withField("uid = models.UUIDField({ default: makeId });") }), /makeId/);
    assert.throws(() => modelsState({ shop: withField("x = models.FloatField({ default: Math.PI });") }),
      /Math\.PI \(Math is not declared in this file nor imported; model files are read, not run\)/);
    const ok = modelsState({ shop: withField("at = models.DateTimeField({ default: Date.now });") });
    assert.deepEqual(ok.get("shop", "item")!.fields.get("at")!.options.default, new RefValue("Date.now"));
  });
});

