import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ts } from "ts-morph";
import { readMigrationFile } from "../server/src/engine/loader-file";
import { Migration } from "../server/src/engine/migration";
import type { Operation } from "../server/src/engine/operations/base";
import {
  AddConstraint, AddField, AddIndex, AlterField, AlterIndexTogether, AlterModelOptions, AlterModelTable,
  AlterUniqueTogether, CreateModel, DeleteModel, RemoveConstraint, RemoveField, RemoveIndex, RenameField, RenameIndex,
  RenameModel, RunCode, RunSQL, SeparateDatabaseAndState, operationFromCall,
} from "../server/src/engine/operations/index";
import { parseSource, readValue, syntaxErrors } from "../server/src/engine/source/read";
import { makeField } from "../server/src/engine/state";
import { CallValue, RefValue, type Value, isObjectValue } from "../server/src/engine/values";
import { serializeValue, writeMigration } from "../server/src/engine/writer";

const id = makeField("BigAutoField", { autoCreated: true, primaryKey: true, serialize: false, verboseName: "ID" });

const EXAMPLE = `import { migrations, models } from "tsmigrate";

export default migrations.Migration({
  initial: true,
  dependencies: [["shop", "0001_initial"]],
  operations: [
    migrations.CreateModel({
      name: "Product",
      fields: [
        ["id", models.BigAutoField({ autoCreated: true, primaryKey: true, serialize: false, verboseName: "ID" })],
        ["name", models.CharField({ maxLength: 100, unique: true })],
      ],
      options: { ordering: ["name"] },
    }),
    migrations.AddField({ modelName: "product", name: "stock", field: models.IntegerField({ default: 0 }) }),
  ],
});
`;

function example(): Migration {
  return new Migration("shop", "0002_x", {
    initial: true,
    dependencies: [["shop", "0001_initial"]],
    operations: [
      new CreateModel("Product", [["id", id], ["name", makeField("CharField", { maxLength: 100, unique: true })]], { ordering: ["name"] }),
      new AddField("product", "stock", makeField("IntegerField", { default: 0 })),
    ],
  });
}

/** Every operation kind, with values that exercise the printer. */
function everything(): Operation[] {
  const fk = makeField("ForeignKey", { to: "shop.category", onDelete: "SET_NULL", null: true, relatedName: "products_with_a_rather_long_related_name" });
  return [
    new CreateModel("Product", [["id", id], ["category", fk], ["price", makeField("DecimalField", { maxDigits: 8, decimalPlaces: 2 })]], {
      ordering: ["-price"], uniqueTogether: [["category", "price"]], verboseName: "product",
      constraints: [{ kind: "CheckConstraint", name: "price_gte_0", check: new CallValue("models.Q", [{ price__gte: 0 }]) }],
    }),
    new DeleteModel("Tag"),
    new RenameModel("Category", "Kind"),
    new AlterModelTable("product", "products"),
    new AlterModelTable("product", null),
    new AlterUniqueTogether("product", [["a", "b"], ["c", "d"]]),
    new AlterIndexTogether("product", null),
    new AlterModelOptions("product", { ordering: ["name"], verboseNamePlural: "things" }),
    new AddField("product", "sku", makeField("CharField", { maxLength: 10, default: "sku \"quoted\"\n" }), false),
    new RemoveField("product", "sku"),
    new AlterField("product", "price", makeField("DecimalField", { maxDigits: 10, decimalPlaces: 2, default: -1.5 })),
    new RenameField("product", "price", "cost"),
    new AddIndex("product", { name: "cost_idx", fields: ["-cost"], condition: new CallValue("models.Q", [{ cost__gt: 0 }]) }),
    new RemoveIndex("product", "cost_idx"),
    new RenameIndex("product", "a_idx", undefined, ["a", "b"]),
    new AddConstraint("product", { kind: "UniqueConstraint", name: "u", fields: ["a"], deferrable: "DEFERRED" }),
    new RemoveConstraint("product", "u"),
    new RunSQL(["INSERT INTO shop_product (cost) VALUES (1)", "UPDATE shop_product SET cost = 2"], "DELETE FROM shop_product", [], true),
    new RunCode(new CallValue("function", ["async (apps, schemaEditor) => {\n  await schemaEditor.execute(\"SELECT 1\");\n}"]),
      new CallValue("function", ["() => {}"])),
    new SeparateDatabaseAndState([new RunSQL("ALTER TABLE x RENAME TO y")], [new RenameModel("X", "Y"), new DeleteModel("Z")]),
  ];
}

/** Parses a written file and rebuilds its operations as the loader would. */
function readBack(text: string): { body: Record<string, Value>; operations: Operation[] } {
  const sf = parseSource("/p/shop/migrations/0002_x.ts", text);
  assert.deepEqual(syntaxErrors(sf).map((e) => e.message), []);
  const exp = sf.statements.find(ts.isExportAssignment)!;
  const v = readValue(exp.expression, sf, {
    custom: (node) => (ts.isArrowFunction(node) || ts.isFunctionExpression(node) ? new CallValue("function", [node.getText(sf)]) : undefined),
  });
  assert.ok(v instanceof CallValue && v.callee === "migrations.Migration");
  const body = v.args[0];
  assert.ok(isObjectValue(body));
  const operations = (body.operations as readonly Value[]).map((c) => operationFromCall(c as CallValue));
  return { body: body as Record<string, Value>, operations };
}

describe("writeMigration", () => {
  it("writes the documented example byte for byte", () => {
    assert.equal(writeMigration(example()), EXAMPLE);
  });

  it("is deterministic and imports models only when used", () => {
    assert.equal(writeMigration(example()), writeMigration(example()));
    const text = writeMigration(new Migration("shop", "0003_x", { dependencies: [["shop", "0002_x"]], operations: [new DeleteModel("Tag")] }));
    assert.equal(text, `import { migrations } from "tsmigrate";

export default migrations.Migration({
  dependencies: [["shop", "0002_x"]],
  operations: [
    migrations.DeleteModel({ name: "Tag" }),
  ],
});
`);
  });

  it("writes replaces, atomic and runBefore, and an empty migration", () => {
    const text = writeMigration(new Migration("shop", "0001_squashed_0002", {
      replaces: [["shop", "0001_initial"], ["shop", "0002_x"]], atomic: false, runBefore: [["other", "0001_initial"]],
    }));
    assert.equal(text, `import { migrations } from "tsmigrate";

export default migrations.Migration({
  replaces: [["shop", "0001_initial"], ["shop", "0002_x"]],
  atomic: false,
  dependencies: [],
  runBefore: [["other", "0001_initial"]],
  operations: [],
});
`);
  });

  it("breaks what does not fit in 120 columns and keeps every line within it when it can", () => {
    const text = writeMigration(new Migration("shop", "0002_x", { operations: everything() }));
    for (const line of text.split("\n")) {
      if (line.includes("await") || line.includes("async")) continue;
      assert.ok(line.length <= 120, `too long: ${line}`);
    }
    assert.ok(text.includes(`
        [
          "category",
          models.ForeignKey("shop.category", {
            onDelete: models.SET_NULL,
            null: true,
            relatedName: "products_with_a_rather_long_related_name",
          }),
        ],
        ["price", models.DecimalField({ decimalPlaces: 2, maxDigits: 8 })],
`));
    assert.ok(text.includes(`
    migrations.RunCode({
      code: async (apps, schemaEditor) => {
        await schemaEditor.execute("SELECT 1");
      },
      reverseCode: () => {},
    }),
`));
    assert.match(text, /\n {4}migrations\.SeparateDatabaseAndState\(\{\n {6}databaseOperations: \[\n {8}migrations\.RunSQL/);
  });

  it("round-trips: write, parse, operationFromCall, deconstruct equal", () => {
    const m = new Migration("shop", "0002_x", { dependencies: [["shop", "0001_initial"], ["other", "0003_y"]], operations: everything() });
    const { body, operations } = readBack(writeMigration(m));
    assert.deepEqual(body.dependencies, [["shop", "0001_initial"], ["other", "0003_y"]]);
    assert.equal(operations.length, m.operations.length);
    operations.forEach((op, i) => assert.deepEqual(op.deconstruct(), m.operations[i]!.deconstruct(), op.kind));
    const again = new Migration("shop", "0002_x", { dependencies: m.dependencies, operations });
    assert.equal(again.checksum(), m.checksum());
    assert.equal(writeMigration(again), writeMigration(m));
  });

  it("is read back by the migration loader with the same checksum", () => {
    const m = new Migration("shop", "0002_x", { dependencies: [["shop", "0001_initial"]], operations: everything() });
    const text = writeMigration(m);
    const back = readMigrationFile("shop", "/p/shop/migrations/0002_x.ts", text);
    assert.equal(back.checksum(), m.checksum());
    assert.equal(writeMigration(back), text);
  });
});

describe("serializeValue", () => {
  it("prints values as TypeScript literals", () => {
    assert.equal(serializeValue(null), "null");
    assert.equal(serializeValue("it's \"x\"\n"), '"it\'s \\"x\\"\\n"');
    assert.equal(serializeValue(-0), "0");
    assert.equal(serializeValue([1, 2.5, true]), "[1, 2.5, true]");
    assert.equal(serializeValue({ a: 1, "b-c": "d", 3: [] }), '{ "3": [], a: 1, "b-c": "d" }');
    assert.equal(serializeValue({}), "{}");
    assert.equal(serializeValue(new RefValue("models.CASCADE")), "models.CASCADE");
    assert.equal(serializeValue(new CallValue("models.F", ["x"])), 'models.F("x")');
  });

  it("breaks long values one item per line at the given indentation", () => {
    const long = Array.from({ length: 20 }, (_, i) => `field_number_${i}`);
    const text = serializeValue({ fields: long }, 1);
    assert.ok(text.startsWith("{\n    fields: [\n      \"field_number_0\",\n"));
    assert.ok(text.endsWith("\n    ],\n  }"));
  });
});
