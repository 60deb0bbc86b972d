import assert from "node:assert/strict";
import { test } from "node:test";
import { ts } from "ts-morph";
import { TsMigrateError } from "../../server/src/engine/errors";
import {
  locationOf, memberLocation, nodeLocation, parseSource, readValue, syntaxErrors, valueLocation,
} from "../../server/src/engine/source/read";
import { CallValue, RefValue, type Value } from "../../server/src/engine/values";

/** Reads the initializer of the first `const` in `text`. */
function read(text: string, opts?: Parameters<typeof readValue>[2]): Value {
  const sf = parseSource("/p/f.ts", text);
  const st = sf.statements[0] as ts.VariableStatement;
  return readValue(st.declarationList.declarations[0]!.initializer!, sf, opts);
}

function readError(text: string): TsMigrateError {
  try {
    read(text);
  } catch (e) {
    assert.ok(e instanceof TsMigrateError);
    return e;
  }
  assert.fail("expected an error");
}

test("literals", () => {
  assert.equal(read(`const x = "a\\"b";`), 'a"b');
  assert.equal(read("const x = `tpl`;"), "tpl");
  assert.equal(read("const x = 'q';"), "q");
  assert.equal(read("const x = 42.5;"), 42.5);
  assert.equal(read("const x = -3;"), -3);
  assert.equal(read("const x = 0x10;"), 16);
  assert.equal(read("const x = 1_000;"), 1000);
  assert.equal(read("const x = true;"), true);
  assert.equal(read("const x = false;"), false);
  assert.equal(read("const x = null;"), null);
  assert.deepEqual(read(`const x = (["a", 1, [null]] as const);`), ["a", 1, [null]]);
  assert.deepEqual(read(`const x = { a: 1, "b-c": "d", 3: true, e: { f: [] } } satisfies object;`),
    { a: 1, "b-c": "d", 3: true, e: { f: [] } });
});

test("calls and references", () => {
  const v = read(`const x = models.ForeignKey("shop.category", { onDelete: models.CASCADE, null: true });`);
  assert.ok(v instanceof CallValue);
  assert.equal(v.callee, "models.ForeignKey");
  assert.equal(v.args[0], "shop.category");
  const opts = v.args[1] as Record<string, Value>;
  assert.ok(opts.onDelete instanceof RefValue);
  assert.equal(opts.onDelete.name, "models.CASCADE");
  assert.equal(opts.null, true);
  const q = read(`const x = models.Q.or(models.Q({ a__gte: 0 }), Category);`) as CallValue;
  assert.equal(q.callee, "models.Q.or");
  assert.equal((q.args[0] as CallValue).callee, "models.Q");
  assert.equal((q.args[1] as RefValue).name, "Category");
});

test("rename maps the models alias", () => {
  const v = read(`const x = m.CharField({ d: m.CASCADE });`, { rename: (n) => n.replace(/^m\./, "models.") }) as CallValue;
  assert.equal(v.callee, "models.CharField");
  assert.equal(((v.args[0] as Record<string, Value>).d as RefValue).name, "models.CASCADE");
});

test("locations of calls, objects, arrays and members (1-based, with end)", () => {
  const v = read(`const x =\n  models.CharField({ maxLength: 10,\n    unique: true });`) as CallValue;
  assert.deepEqual(locationOf(v), { file: "/p/f.ts", line: 2, column: 3, endLine: 3, endColumn: 20 });
  const opts = v.args[0]!;
  assert.deepEqual(locationOf(opts), { file: "/p/f.ts", line: 2, column: 20, endLine: 3, endColumn: 19 });
  assert.deepEqual(memberLocation(opts, "unique"), { file: "/p/f.ts", line: 3, column: 5, endLine: 3, endColumn: 17 });
  assert.deepEqual(valueLocation(opts, "maxLength"), { file: "/p/f.ts", line: 2, column: 22, endLine: 2, endColumn: 35 });
  assert.equal(locationOf("str"), undefined);
  const arr = read(`const x = [1,\n "two"];`);
  assert.equal(memberLocation(arr, 1)?.line, 2);
  assert.equal(memberLocation(arr, 1)?.column, 2);
});

test("nodeLocation skips leading comments", () => {
  const sf = parseSource("/p/f.ts", "/* c */ const a = 1;");
  assert.deepEqual(nodeLocation(sf.statements[0]!, sf), { file: "/p/f.ts", line: 1, column: 9, endLine: 1, endColumn: 21 });
});

test("unsupported syntax is an error at the node saying what was expected", () => {
  const cases: [string, number, number, RegExp][] = [
    ["const x = { ...a };", 1, 13, /spread/],
    ["const x = [1, () => 2];", 1, 15, /function/],
    ["const x = `a${b}`;", 1, 11, /template/],
    ["const x = {\n  [k]: 1 };", 2, 3, /computed/],
    ["const x = a[0];", 1, 11, /element access/],
    ["const x = 1 + 2;", 1, 11, /expression/],
    ["const x = new Foo();", 1, 11, /new/],
    ["const x = { a: 1, a: 2 };", 1, 19, /duplicate key/],
  ];
  for (const [text, line, column, what] of cases) {
    const e = readError(text);
    assert.equal(e.code, "unsupported-syntax", text);
    assert.equal(e.location?.line, line, text);
    assert.equal(e.location?.column, column, text);
    assert.match(e.message, what, text);
    if (!/duplicate/.test(e.message)) assert.match(e.message, /expected a literal value \(string, number, boolean, null, array, object\) or a models\.\* call/);
  }
});

test("custom reader accepts otherwise unsupported nodes", () => {
  const v = read("const x = { code: () => 1 };", {
    custom: (n) => (ts.isArrowFunction(n) ? new CallValue("function", [n.getText()]) : undefined),
  }) as Record<string, Value>;
  assert.equal((v.code as CallValue).callee, "function");
  assert.deepEqual((v.code as CallValue).args, ["() => 1"]);
});

test("syntaxErrors reports parse diagnostics with their position", () => {
  const sf = parseSource("/p/f.ts", "const a = 1;\nclass X {\n  a = models.CharField({ maxLength: 1 );\n}");
  const errs = syntaxErrors(sf);
  assert.ok(errs.length >= 1);
  assert.equal(errs[0]!.code, "syntax");
  assert.equal(errs[0]!.location?.line, 3);
  assert.match(errs[0]!.message, /syntax error: ',' expected/);
});
