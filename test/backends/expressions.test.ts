/**
 * Q conditions compiled to SQL, compared with Django 3.2: every expected
 * string below is what Django 3.2's `CheckConstraint(check=Q(...))`
 * produced on SQLite (`constraint_sql` under `schema_editor(collect_sql=True)`,
 * the code `sqlmigrate` runs) for the same model and the Python Q in the comment.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { compileCondition, qFromValue } from "../../server/src/engine/backends/expressions";
import { SQLITE_FLAVOR } from "../../server/src/engine/backends/sqlite/features";
import { TsMigrateError } from "../../server/src/engine/errors";
import { ProjectState } from "../../server/src/engine/state";
import { CallValue, type Value } from "../../server/src/engine/values";
import { F, f, model, Q, Qnot, Qor } from "./fixtures";

const Qand = (...args: Value[]) => new CallValue("models.Q.and", args);

// class M(models.Model): i = IntegerField(); j = IntegerField(null=True); d = DecimalField(8, 2); f = FloatField();
//   s = CharField(10); b = BooleanField(); day = DateField(); u = UUIDField()
const m = model("shop", "M", [
  ["i", f("IntegerField")], ["j", f("IntegerField", { null: true })], ["d", f("DecimalField", { maxDigits: 8, decimalPlaces: 2 })],
  ["f", f("FloatField")], ["s", f("CharField", { maxLength: 10 })], ["b", f("BooleanField")], ["day", f("DateField")],
  ["u", f("UUIDField")],
]);
// class Cat(models.Model): name = CharField(10); class P(models.Model): i; j (null); cat = ForeignKey(Cat, CASCADE, null=True)
const cat = model("shop", "Cat", [["name", f("CharField", { maxLength: 10 })]]);
const p = model("shop", "P", [
  ["i", f("IntegerField")], ["j", f("IntegerField", { null: true })],
  ["cat", f("ForeignKey", { to: "shop.cat", onDelete: "CASCADE", null: true })],
]);
const state = new ProjectState([m, cat, p]);
const sqlFor = (q: Value, on = m) => compileCondition(q, { model: on, state, flavor: SQLITE_FLAVOR });

/** [Python Q, our Q, Django's CHECK body]. */
const CASES: [string, Value, string][] = [
  ["Q(i=5)", Q({ i: 5 }), '"i" = 5'],
  ["Q(j=None)", Q({ j: null }), '"j" IS NULL'],
  ['Q(s__iexact="Ab")', Q({ s__iexact: "Ab" }), `"s" LIKE 'Ab' ESCAPE '\\'`],
  ["Q(i__gt=1)", Q({ i__gt: 1 }), '"i" > 1'],
  ["Q(i__in=[3, 1, 2, 1])", Q({ i__in: [3, 1, 2, 1] }), '"i" IN (3, 1, 2)'],
  ['Q(s__in=["a", "b"])', Q({ s__in: ["a", "b"] }), `"s" IN ('a', 'b')`],
  ["Q(j__isnull=True)", Q({ j__isnull: true }), '"j" IS NULL'],
  ["Q(j__isnull=False)", Q({ j__isnull: false }), '"j" IS NOT NULL'],
  ["Q(i__range=(1, 5))", Q({ i__range: [1, 5] }), '"i" BETWEEN 1 AND 5'],
  ['Q(s__startswith="a%b_")', Q({ s__startswith: "a%b_" }), `"s" LIKE 'a\\%b\\_%' ESCAPE '\\'`],
  ['Q(s__endswith="x")', Q({ s__endswith: "x" }), `"s" LIKE '%x' ESCAPE '\\'`],
  [`Q(s__contains="x'y")`, Q({ s__contains: "x'y" }), `"s" LIKE '%x''y%' ESCAPE '\\'`],
  ['Q(s__icontains="x")', Q({ s__icontains: "x" }), `"s" LIKE '%x%' ESCAPE '\\'`],
  ['Q(s__istartswith="x")', Q({ s__istartswith: "x" }), `"s" LIKE 'x%' ESCAPE '\\'`],
  ['Q(s__iendswith="x")', Q({ s__iendswith: "x" }), `"s" LIKE '%x' ESCAPE '\\'`],
  ["Q(i=1) | Q(i=2)", Qor(Q({ i: 1 }), Q({ i: 2 })), '("i" = 1 OR "i" = 2)'],
  ["Q(i=1) | Q(i=2) | Q(j=3)", Qor(Q({ i: 1 }), Q({ i: 2 }), Q({ j: 3 })), '("i" = 1 OR "i" = 2 OR "j" = 3)'],
  ["~Q(i=1)", Qnot(Q({ i: 1 })), 'NOT ("i" = 1)'],
  ["~Q(i=1, j=2)", Qnot(Q({ i: 1, j: 2 })), 'NOT ("i" = 1 AND "j" = 2 AND "j" IS NOT NULL)'],
  ["Q(i=1) & (Q(j=2) | Q(j=3))", Qand(Q({ i: 1 }), Qor(Q({ j: 2 }), Q({ j: 3 }))), '("i" = 1 AND ("j" = 2 OR "j" = 3))'],
  ['Q(Q(i=1) | Q(j=2), s="x")', Q(Qor(Q({ i: 1 }), Q({ j: 2 })), { s: "x" }), '(("i" = 1 OR "j" = 2) AND "s" = \'x\')'],
  ['Q(i__gt=F("j"))', Q({ i__gt: F("j") }), '"i" > "j"'],
  ["Q(b=True)", Q({ b: true }), '"b"'],
  ["Q(b=False)", Q({ b: false }), 'NOT "b"'],
  ["Q(b__in=[True])", Q({ b__in: [true] }), '"b" IN (1)'],
  ["Q(d__gte=0.1)", Q({ d__gte: 0.1 }), `"d" >= '0.10000000'`],
  ["Q(d__gte=1.5)", Q({ d__gte: 1.5 }), `"d" >= '1.5'`],
  ['Q(d__gte="0.10")', Q({ d__gte: "0.10" }), `"d" >= '0.10'`],
  ["Q(f__gte=0)", Q({ f__gte: 0 }), '"f" >= 0.0'],
  ["Q(f__gte=1e-7)", Q({ f__gte: 1e-7 }), '"f" >= 1e-07'],
  ["Q(f__lt=1e16)", Q({ f__lt: 1e16 }), '"f" < 1e+16'],
  ["Q(f__lt=2.5)", Q({ f__lt: 2.5 }), '"f" < 2.5'],
  ['Q(day__gte="2020-01-01")', Q({ day__gte: "2020-01-01" }), `"day" >= '2020-01-01'`],
  ['Q(u="12345678-1234-5678-1234-567812345678")', Q({ u: "12345678-1234-5678-1234-567812345678" }), `"u" = '12345678123456781234567812345678'`],
  ["Q(i__gt=-1)", Q({ i__gt: -1 }), '"i" > -1'],
  [`Q(s="it's")`, Q({ s: "it's" }), `"s" = 'it''s'`],
  ["Q(i__in=[1, None])", Q({ i__in: [1, null] }), '"i" IN (1)'],
  ["~(Q(i=1) | Q(j=2))", Qnot(Qor(Q({ i: 1 }), Q({ j: 2 }))), 'NOT (("i" = 1 OR ("j" = 2 AND "j" IS NOT NULL)))'],
  ["Q(i=1) & ~Q(j=2)", Qand(Q({ i: 1 }), Qnot(Q({ j: 2 }))), '("i" = 1 AND NOT ("j" = 2 AND "j" IS NOT NULL))'],
  ['Q(s="a", j=2, i=1)', Q({ s: "a", j: 2, i: 1 }), '("i" = 1 AND "j" = 2 AND "s" = \'a\')'],
  ["Q(i__lte=4)", Q({ i__lte: 4 }), '"i" <= 4'],
  ["Q(i__lt=4)", Q({ i__lt: 4 }), '"i" < 4'],
  ["Q(i__gte=4)", Q({ i__gte: 4 }), '"i" >= 4'],
  ['Q(s__gt="m")', Q({ s__gt: "m" }), `"s" > 'm'`],
  ['Q(i=F("j"))', Q({ i: F("j") }), '"i" = "j"'],
  ["Q(d__range=(0, 10))", Q({ d__range: [0, 10] }), `"d" BETWEEN '0' AND '10'`],
  ['(Q(i=1) & Q(j=2)) | Q(s="x")', Qor(Q({ i: 1, j: 2 }), Q({ s: "x" })), '(("i" = 1 AND "j" = 2) OR "s" = \'x\')'],
  ["~~Q(i=1)", Qnot(Qnot(Q({ i: 1 }))), 'NOT (NOT ("i" = 1))'],
];

/** [Python Q, our Q, Django's CHECK body] on model P (foreign key, pk). */
const FK_CASES: [string, Value, string][] = [
  ["Q(cat=5)", Q({ cat: 5 }), '"cat_id" = 5'],
  ["Q(cat_id__gt=1)", Q({ cat_id__gt: 1 }), '"cat_id" > 1'],
  ["~Q(cat=5)", Qnot(Q({ cat: 5 })), 'NOT ("cat_id" = 5 AND "cat_id" IS NOT NULL)'],
  ["Q(pk__gt=0)", Q({ pk__gt: 0 }), '"id" > 0'],
  ['~Q(i__gt=F("j"))', Qnot(Q({ i__gt: F("j") })), 'NOT ("i" > "j" AND "j" IS NOT NULL)'],
  ["Q(i=1) & Q(i=1)", Qand(Q({ i: 1 }), Q({ i: 1 })), '("i" = 1 AND "i" = 1)'],
  ["Q(cat__isnull=False) | Q(i__in=[2])", Qor(Q({ cat__isnull: false }), Q({ i__in: [2] })), '("cat_id" IS NOT NULL OR "i" IN (2))'],
  ["~Q(j__isnull=True)", Qnot(Q({ j__isnull: true })), 'NOT ("j" IS NULL)'],
  ["~Q(j__isnull=False)", Qnot(Q({ j__isnull: false })), 'NOT ("j" IS NOT NULL)'],
  ["~Q(j=None)", Qnot(Q({ j: null })), 'NOT ("j" IS NULL)'],
];

describe("Q conditions compile as Django 3.2 compiles them on SQLite", () => {
  for (const [python, q, expected] of CASES) {
    test(python, () => assert.equal(sqlFor(q), expected));
  }
  for (const [python, q, expected] of FK_CASES) {
    test(`${python} (foreign key model)`, () => assert.equal(sqlFor(q, p), expected));
  }
});

describe("Q trees and errors", () => {
  test("keyword lookups are sorted like Python's Q(**kwargs); positional Qs come first", () => {
    const q = qFromValue(Q(Q({ z: 1 }), { b: 2, a: 3 }));
    assert.deepEqual(q.children.map((c) => ("lookup" in c ? c.lookup : "node")), ["node", "a", "b"]);
  });

  const fails = (q: Value, pattern: RegExp, on = m) => {
    assert.throws(() => sqlFor(q, on), (e: unknown) => e instanceof TsMigrateError && e.code === "bad-condition" && pattern.test(e.message));
  };
  test("unknown field", () => fails(Q({ nope__gt: 1 }), /has no field "nope"/));
  test("joins are refused as Django refuses them in constraints", () => fails(Q({ cat__name: "x" }), /joined field references/, p));
  test("an empty in list can never be true", () => fails(Q({ i__in: [] }), /can never be true/));
  test("an empty Q", () => fails(Q({}), /empty/));
  test("a value of the wrong type", () => fails(Q({ i__gt: "abc" }), /not a valid value for IntegerField/));
  test("None with gt", () => fails(Q({ i__gt: null }), /cannot use null/));
  test("not a Q at all", () => fails(new CallValue("models.Index", []), /expected a models\.Q/));
});
