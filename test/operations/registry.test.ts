import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ts } from "ts-morph";
import { MultipleErrors, TsMigrateError } from "../../server/src/engine/errors";
import type { Operation } from "../../server/src/engine/operations/base";
import { AddField, CreateModel, RenameIndex, RunCode, RunSQL, SeparateDatabaseAndState, operationFromCall } from "../../server/src/engine/operations/index";
import { parseSource, readValue } from "../../server/src/engine/source/read";
import { CallValue, type Value } from "../../server/src/engine/values";

const FILE = "/p/shop/migrations/0002_x.ts";

/** Reads `code` (one expression, on line 1 after `x = `) as the loader does (functions kept as text). */
function read(code: string): CallValue {
  const sf = parseSource(FILE, `x = ${code};`);
  const stmt = sf.statements[0] as ts.ExpressionStatement;
  const expr = (stmt.expression as ts.BinaryExpression).right;
  const v = readValue(expr, sf, {
    custom: (node) => (ts.isArrowFunction(node) || ts.isFunctionExpression(node) ? new CallValue("function", [node.getText(sf)]) : undefined),
  });
  assert.ok(v instanceof CallValue);
  return v;
}

const op = (code: string): Operation => operationFromCall(read(code));

/** The error operationFromCall raises for `code`: [code, column, message] of each problem. */
function problems(code: string): [string, number, string][] {
  try {
    op(code);
  } catch (e) {
    const list = e instanceof MultipleErrors ? e.errors : [e as TsMigrateError];
    return list.map((x) => [x.code, x.location?.column ?? -1, x.message]);
  }
  assert.fail("expected an error");
}

describe("operationFromCall", () => {
  it("builds every operation kind", () => {
    const calls = [
      `migrations.CreateModel({ name: "Product", fields: [["id", models.BigAutoField({ autoCreated: true, primaryKey: true, serialize: false, verboseName: "ID" })], ["name", models.CharField({ maxLength: 100 })]], options: { ordering: ["name"], uniqueTogether: [["name"]], indexes: [models.Index({ fields: ["name"], name: "n_idx" })] } })`,
      `migrations.DeleteModel({ name: "Tag" })`,
      `migrations.RenameModel({ oldName: "A", newName: "B" })`,
      `migrations.AlterModelTable({ name: "a", table: null })`,
      `migrations.AlterUniqueTogether({ name: "a", uniqueTogether: ["x", "y"] })`,
      `migrations.AlterIndexTogether({ name: "a", indexTogether: [["x"]] })`,
      `migrations.AlterModelOptions({ name: "a", options: { verboseName: "A", ordering: [] } })`,
      `migrations.AddField({ modelName: "p", name: "c", field: models.ForeignKey("shop.category", { onDelete: models.CASCADE }), preserveDefault: false })`,
      `migrations.RemoveField({ modelName: "p", name: "c" })`,
      `migrations.AlterField({ modelName: "p", name: "c", field: models.IntegerField({ null: true }) })`,
      `migrations.RenameField({ modelName: "p", oldName: "a", newName: "b" })`,
      `migrations.AddIndex({ modelName: "p", index: models.Index({ fields: ["a"], name: "a_idx" }) })`,
      `migrations.RemoveIndex({ modelName: "p", name: "a_idx" })`,
      `migrations.RenameIndex({ modelName: "p", newName: "b_idx", oldFields: ["a", "b"] })`,
      `migrations.AddConstraint({ modelName: "p", constraint: models.CheckConstraint({ check: models.Q({ a__gte: 0 }), name: "c" }) })`,
      `migrations.RemoveConstraint({ modelName: "p", name: "c" })`,
      `migrations.RunSQL({ sql: ["INSERT 1"], reverseSql: migrations.RunSQL.noop, elidable: true })`,
      `migrations.RunCode({ code: (apps, schemaEditor) => { return; }, atomic: false })`,
      `migrations.SeparateDatabaseAndState({ stateOperations: [migrations.RemoveField({ modelName: "p", name: "c" })] })`,
    ];
    const kinds = calls.map((c) => op(c).kind);
    assert.deepEqual(kinds, [
      "CreateModel", "DeleteModel", "RenameModel", "AlterModelTable", "AlterUniqueTogether", "AlterIndexTogether",
      "AlterModelOptions", "AddField", "RemoveField", "AlterField", "RenameField", "AddIndex", "RemoveIndex", "RenameIndex",
      "AddConstraint", "RemoveConstraint", "RunSQL", "RunCode", "SeparateDatabaseAndState",
    ]);
    const cm = op(calls[0]!) as CreateModel;
    assert.deepEqual(cm.fields.map(([n, f]) => [n, f.type]), [["id", "BigAutoField"], ["name", "CharField"]]);
    assert.deepEqual(cm.options.indexes, [{ name: "n_idx", fields: ["name"] }]);
    const add = op(calls[7]!) as AddField;
    assert.equal(add.preserveDefault, false);
    assert.deepEqual(add.field.options, { to: "shop.category", onDelete: "CASCADE" });
    assert.deepEqual((op(calls[13]!) as RenameIndex).oldFields, ["a", "b"]);
    const sql = op(calls[16]!) as RunSQL;
    assert.equal(sql.reverseSql, "");
    assert.equal(sql.elidable, true);
    assert.equal(((op(calls[17]!) as RunCode).code as CallValue).args[0], "(apps, schemaEditor) => { return; }");
    assert.equal((op(calls[18]!) as SeparateDatabaseAndState).stateOperations[0]!.kind, "RemoveField");
  });

  it("sets the operation's location to the call", () => {
    const o = op(`migrations.DeleteModel({ name: "Tag" })`);
    assert.deepEqual([o.location?.file, o.location?.line, o.location?.column], [FILE, 1, 5]);
  });

  it("rejects an unknown operation, with a suggestion", () => {
    const [[code, column, message]] = problems(`migrations.AddFeild({ modelName: "p" })`) as [[string, number, string]];
    assert.equal(code, "bad-migration");
    assert.equal(column, 5);
    assert.match(message, /unknown operation migrations\.AddFeild \(did you mean migrations\.AddField\?\)/);
  });

  it("reports missing, unknown and mistyped arguments where they are written", () => {
    const src = `migrations.AddField({ modelName: 3, nam: "x", preserveDefault: "no" })`;
    const col = (text: string) => "x = ".length + src.indexOf(text) + 1;
    const got = problems(src);
    assert.deepEqual(got.map(([c, column]) => [c, column]), [
      ["bad-migration", col("nam:")], // unknown argument: the property
      ["bad-migration", col("modelName")], // wrong type: the property
      ["bad-migration", col("migrations")], // name missing: the call
      ["bad-migration", col("migrations")], // field missing
      ["bad-migration", col("preserveDefault")],
    ]);
    assert.match(got[0]![2], /unknown argument "nam" \(did you mean name\?\)/);
    assert.match(got[1]![2], /"modelName" must be a non-empty string, found 3/);
    assert.match(got[2]![2], /missing argument "name"/);
  });

  it("passes on field errors located at the option", () => {
    const src = `migrations.AddField({ modelName: "p", name: "x", field: models.CharField({ maxLenght: 3 }) })`;
    const got = problems(src);
    const column = "x = ".length + src.indexOf("maxLenght") + 1;
    assert.ok(got.some(([code, col]) => code === "unknown-option" && col === column), JSON.stringify(got));
  });

  it("rejects bad RenameIndex and RunSQL arguments", () => {
    assert.match(problems(`migrations.RenameIndex({ modelName: "p", newName: "x" })`)[0]![2], /requires one of oldName and oldFields/);
    assert.match(problems(`migrations.RunSQL({ sql: 3 })`)[0]![2], /"sql" must be an SQL string or an array of SQL strings/);
    assert.match(problems(`migrations.RunCode({ code: "x" })`)[0]![2], /"code" must be a function/);
    assert.match(problems(`migrations.CreateModel({ name: "A", fields: [["id"]] })`)[0]![2], /fields\[0\] must be a \["name", models\.XField\(\.\.\.\)\] pair/);
    assert.match(problems(`migrations.CreateModel({ name: "A", fields: [], options: { colour: 1 } })`)[0]![2], /unknown option "colour"/);
  });

  it("round-trips through deconstruct()", () => {
    const src = `migrations.AlterField({ modelName: "p", name: "c", field: models.DecimalField({ decimalPlaces: 2, maxDigits: 8, null: true }), preserveDefault: false })`;
    const a = op(src);
    const b = operationFromCall(new CallValue(`migrations.${a.deconstruct().name}`, [a.deconstruct().args as Value]));
    assert.deepEqual(b.deconstruct(), a.deconstruct());
  });
});
