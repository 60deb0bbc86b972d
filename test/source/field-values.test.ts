import assert from "node:assert/strict";
import { test } from "node:test";
import { ts } from "ts-morph";
import { FIELD_TYPES, type FieldType } from "../../server/src/engine/fields";
import {
  LABEL_CONTEXT, constraintFromValue, constraintToValue, fieldFromCall, fieldToCall, indexFromValue, indexToValue,
} from "../../server/src/engine/source/field-values";
import { parseSource, readValue } from "../../server/src/engine/source/read";
import { type ConstraintState, type FieldState, makeField } from "../../server/src/engine/state";
import { CallValue, RefValue, type Value, valueKey } from "../../server/src/engine/values";
import { errorsOf } from "../errors-of";

/** Reads the initializer of the first `const` of `text` (file /m/0001.ts). */
function read(text: string): Value {
  const sf = parseSource("/m/0001.ts", text);
  const st = sf.statements[0] as ts.VariableStatement;
  return readValue(st.declarationList.declarations[0]!.initializer!, sf);
}

const SAMPLES: Record<FieldType, Record<string, Value>> = {
  AutoField: { primaryKey: true },
  BigAutoField: { autoCreated: true, primaryKey: true, serialize: false, verboseName: "ID" },
  SmallAutoField: { primaryKey: true, dbColumn: "pk_col" },
  BooleanField: { default: false },
  CharField: { maxLength: 10, unique: true, choices: [["a", "A"], ["b", "B"]], dbCollation: "nocase" },
  TextField: { blank: true, helpText: "text" },
  SlugField: { maxLength: 40, allowUnicode: true },
  EmailField: { maxLength: 100, null: true },
  URLField: { verboseName: "home page" },
  UUIDField: { unique: true, editable: false },
  IntegerField: { default: -1 },
  BigIntegerField: { dbIndex: true },
  SmallIntegerField: { choices: [["group", [[1, "one"], [2, "two"]]]] },
  PositiveIntegerField: { null: true, blank: true },
  PositiveBigIntegerField: { default: 0 },
  PositiveSmallIntegerField: { unique: true },
  FloatField: { default: 1.5 },
  DecimalField: { maxDigits: 8, decimalPlaces: 2, default: "0.00" },
  DateField: { autoNowAdd: true },
  DateTimeField: { autoNow: true, dbTablespace: "fast" },
  TimeField: { null: true },
  DurationField: { default: 1000000 },
  BinaryField: { maxLength: 10, editable: true },
  JSONField: { default: { a: [1, null] }, errorMessages: { invalid: "bad" } },
  GenericIPAddressField: { protocol: "IPv4", unpackIpv4: true },
  FileField: { uploadTo: "files/", maxLength: 255 },
  ImageField: { uploadTo: "img/", widthField: "w", heightField: "h" },
  ForeignKey: { to: "shop.category", onDelete: "SET_NULL", null: true, relatedName: "products", dbIndex: false, toField: "code" },
  OneToOneField: { to: "auth.user", onDelete: "CASCADE", parentLink: true, relatedQueryName: "profile" },
  ManyToManyField: { to: "shop.tag", through: "shop.tagging", throughFields: ["product", "tag"], blank: true, dbTable: "pt" },
};

test("round trip fieldToCall -> fieldFromCall for every field type", () => {
  assert.deepEqual(Object.keys(SAMPLES).sort(), [...FIELD_TYPES].sort());
  for (const type of FIELD_TYPES) {
    const field = makeField(type, SAMPLES[type]);
    const call = fieldToCall(field);
    assert.equal(call.callee, `models.${type}`);
    const back = fieldFromCall(call, LABEL_CONTEXT);
    assert.equal(valueKey(back.options), valueKey(field.options), type);
    assert.equal(back.type, type);
  }
});

test("fieldToCall writes the target first, onDelete as models.X first, other options sorted", () => {
  const call = fieldToCall(makeField("ForeignKey", { to: "shop.category", relatedName: "p", null: true, onDelete: "CASCADE" }));
  assert.equal(call.args[0], "shop.category");
  const opts = call.args[1] as Record<string, Value>;
  assert.deepEqual(Object.keys(opts), ["onDelete", "null", "relatedName"]);
  assert.ok(opts.onDelete instanceof RefValue && opts.onDelete.name === "models.CASCADE");
  assert.deepEqual(fieldToCall(makeField("IntegerField", {})).args, []);
  const m2m = fieldToCall(makeField("ManyToManyField", { to: "shop.tag" }));
  assert.deepEqual(m2m.args, ["shop.tag"]);
});

test("fieldFromCall from source text: defaults dropped, label lowercased, onDelete by name", () => {
  const f = fieldFromCall(read(`const f = models.ForeignKey("Shop.Category", { onDelete: models.PROTECT, dbIndex: true });`) as CallValue, LABEL_CONTEXT);
  assert.deepEqual(f, { type: "ForeignKey", options: { to: "shop.category", onDelete: "PROTECT" } });
  const s: FieldState = fieldFromCall(read(`const f = models.SlugField({ maxLength: 50 });`) as CallValue, LABEL_CONTEXT);
  assert.deepEqual(s.options, {});
});

/** [source of the call, expected codes, line, column, message pattern] */
const FIELD_ERRORS: [string, string[], number, number, RegExp][] = [
  ["models.CharFeild({ maxLength: 1 })", ["unknown-field-type"], 1, 11, /did you mean models\.CharField/],
  ["models.CharField({\n  maxLen: 5 })", ["unknown-option", "missing-option"], 2, 3, /unknown option maxLen for CharField \(did you mean maxLength\?\)/],
  ["models.CharField({})", ["missing-option"], 1, 28, /maxLength.*fields\.E120/],
  ["models.CharField()", ["missing-option"], 1, 11, /maxLength/],
  ["models.CharField({ maxLength: 0 })", ["bad-option"], 1, 30, /positive integer \(fields\.E121\)/],
  ["models.CharField({ maxLength: \"10\" })", ["bad-option"], 1, 30, /positive integer/],
  ["models.DecimalField({ maxDigits: 2, decimalPlaces: 3 })", ["bad-option"], 1, 33, /fields\.E134/],
  ["models.DecimalField({})", ["missing-option", "missing-option"], 1, 31, /maxDigits.*E132/],
  ["models.AutoField()", ["missing-option"], 1, 11, /primaryKey: true \(fields\.E100\)/],
  ["models.ForeignKey(\"shop.a\", { null: true })", ["missing-option"], 1, 39, /onDelete/],
  ["models.ForeignKey(\"shop.a\", { onDelete: \"CASCADE\" })", ["bad-option"], 1, 41, /onDelete must be one of models\.CASCADE/],
  ["models.ForeignKey(\"shop.a\", { onDelete: models.SET_NULL })", ["bad-option"], 1, 51, /fields\.E320/],
  ["models.ForeignKey(\"shop.a\", { onDelete: models.SET_DEFAULT })", ["bad-option"], 1, 51, /fields\.E321/],
  ["models.ForeignKey(Category, { onDelete: models.CASCADE })", ["bad-option"], 1, 29, /model label string "app\.model"/],
  ["models.ForeignKey()", ["missing-option", "missing-option"], 1, 11, /target model as first argument/],
  ["models.IntegerField({ default: models.F(\"x\") })", ["bad-option"], 1, 42, /literal value/],
  ["models.IntegerField({ primaryKey: true, null: true })", ["bad-option"], 1, 51, /fields\.E007/],
  ["models.DateField({ autoNow: true, default: \"2020-01-01\" })", ["bad-option"], 1, 45, /fields\.E160/],
  ["models.ForeignKey(\"a.b\", { onDelete: models.CASCADE, relatedName: \"has space\" })", ["bad-option"], 1, 64, /fields\.E306/],
  ["models.ManyToManyField(\"a.b\", { unique: true })", ["bad-option"], 1, 43, /fields\.E330/],
  ["models.GenericIPAddressField({ blank: true })", ["bad-option"], 1, 42, /fields\.E150/],
  ["models.BooleanField({ null: \"yes\" })", ["bad-option"], 1, 33, /true or false/],
  ["models.IntegerField({ choices: [1, 2] })", ["bad-option"], 1, 42, /fields\.E005/],
  ["models.IntegerField(5)", ["bad-option"], 1, 31, /options must be an object literal/],
  ["models.ForeignKey(\"a.b\", { to: \"a.c\", onDelete: models.CASCADE })", ["unknown-option"], 1, 38, /first argument/],
];

test("every field error kind, located at the option", () => {
  for (const [src, codes, line, column, msg] of FIELD_ERRORS) {
    const call = read(`const f = ${src};`) as CallValue;
    const errs = errorsOf(() => fieldFromCall(call, LABEL_CONTEXT));
    assert.deepEqual(errs.map((e) => e.code), codes, src);
    assert.equal(errs[0]!.location?.file, "/m/0001.ts", src);
    assert.equal(errs[0]!.location?.line, line, src);
    assert.equal(errs[0]!.location?.column, column, src);
    assert.match(errs[0]!.message, msg, src);
  }
});

test("indexes: round trip, missing name in migrations, bad names and conditions", () => {
  const idx = { name: "shop_prod_name_idx", fields: ["name", "-price"], condition: new CallValue("models.Q", [{ price__gt: 0 }]) };
  const v = indexToValue(idx);
  assert.equal(v.callee, "models.Index");
  assert.equal(valueKey(indexFromValue(v) as unknown as Value), valueKey(idx as unknown as Value));
  const cases: [string, string, RegExp, number][] = [
    [`models.Index({ fields: ["a"] })`, "missing-option", /needs a name/, 24],
    [`models.Index({ fields: [], name: "x" })`, "bad-option", /non-empty array/, 34],
    [`models.Index({ fields: ["a"], name: "_x" })`, "bad-option", /models\.E033/, 41],
    [`models.Index({ fields: ["a"], name: "${"x".repeat(31)}" })`, "bad-option", /models\.E034/, 41],
    [`models.Index({ fields: ["a"], name: "x", condition: "a > 1" })`, "bad-option", /expected a condition models\.Q/, 52],
    [`models.Index({ fields: ["a"], name: "x", opclasses: [] })`, "unknown-option", /unknown option opclasses/, 52],
    [`models.Index(["a"])`, "bad-option", /one options object/, 11],
  ];
  for (const [src, code, msg, column] of cases) {
    const errs = errorsOf(() => indexFromValue(read(`const f = ${src};`)));
    assert.equal(errs[0]!.code, code, src);
    assert.match(errs[0]!.message, msg, src);
    assert.equal(errs[0]!.location?.column, column, src);
  }
  assert.equal(indexFromValue(read(`const f = models.Index({ fields: ["a"] });`), { requireName: false }).name, "");
});

test("constraints: round trip and errors", () => {
  const all: ConstraintState[] = [
    { kind: "UniqueConstraint", name: "u1", fields: ["a", "b"] },
    { kind: "UniqueConstraint", name: "u2", fields: ["a"], deferrable: "DEFERRED" },
    { kind: "UniqueConstraint", name: "u3", fields: ["a"], condition: new CallValue("models.Q", [{ b: true }]) },
    {
      kind: "CheckConstraint", name: "c1",
      check: new CallValue("models.Q.or", [new CallValue("models.Q", [{ a__gte: 0 }]),
        new CallValue("models.Q.not", [new CallValue("models.Q", [{ a: new CallValue("models.F", ["b"]) }])])]),
    },
  ];
  for (const c of all) {
    const back = constraintFromValue(constraintToValue(c));
    assert.equal(valueKey(back as unknown as Value), valueKey(c as unknown as Value));
  }
  const d = constraintToValue(all[1]!);
  assert.equal(((d.args[0] as Record<string, Value>).deferrable as RefValue).name, "models.Deferrable.DEFERRED");
  const cases: [string, string, RegExp][] = [
    [`models.UniqueConstraint({ fields: ["a"] })`, "bad-option", /name must be a non-empty string/],
    [`models.UniqueConstraint({ fields: ["a"], name: "u", deferrable: "DEFERRED" })`, "bad-option", /models\.Deferrable\.DEFERRED/],
    [`models.UniqueConstraint({ fields: ["a"], name: "u", condition: models.Q({ a: 1 }), deferrable: models.Deferrable.DEFERRED })`,
      "bad-option", /cannot be deferred/],
    [`models.CheckConstraint({ name: "c" })`, "missing-option", /requires check/],
    [`models.CheckConstraint({ check: models.Q({}), name: "c" })`, "bad-option", /non-empty object of lookups/],
    [`models.CheckConstraint({ check: models.Q.not(models.Q({ a: 1 }), models.Q({ b: 1 })), name: "c" })`, "bad-option", /takes one/],
    [`models.CheckConstraint({ check: models.Q({ a__: 1 }), name: "c" })`, "bad-option", /not a lookup/],
    [`models.CheckConstraint({ check: models.Q({ a: models.G("b") }), name: "c" })`, "bad-option", /models\.F/],
    [`models.Check({ check: 1, name: "c" })`, "bad-option", /expected models\.UniqueConstraint/],
  ];
  for (const [src, code, msg] of cases) {
    const errs = errorsOf(() => constraintFromValue(read(`const f = ${src};`)));
    assert.equal(errs[0]!.code, code, src);
    assert.match(errs[0]!.message, msg, src);
    assert.equal(errs[0]!.location?.line, 1, src);
  }
});
