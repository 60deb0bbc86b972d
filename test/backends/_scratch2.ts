import { compileCondition } from "../../server/src/engine/backends/expressions";
import { SQLITE_FLAVOR } from "../../server/src/engine/backends/sqlite/features";
import { ProjectState } from "../../server/src/engine/state";
import { F, Q, Qnot, Qor, f, model } from "./fixtures";
const m = model("shop", "M", [
  ["i", f("IntegerField")], ["j", f("IntegerField", { null: true })], ["d", f("DecimalField", { maxDigits: 8, decimalPlaces: 2 })],
  ["f", f("FloatField")], ["s", f("CharField", { maxLength: 10 })], ["b", f("BooleanField")], ["day", f("DateField")], ["u", f("UUIDField")],
]);
const state = new ProjectState([m]);
const c = (q: any) => { try { return compileCondition(q, { model: m, state, flavor: SQLITE_FLAVOR }); } catch (e: any) { return "ERR " + e.message; } };
const cases: Record<string, any> = {
 exact_int: Q({i: 5}), exact_none: Q({j: null}), iexact: Q({s__iexact: "Ab"}), gt: Q({i__gt: 1}), in: Q({i__in: [3,1,2,1]}), in_str: Q({s__in: ["a","b"]}),
 isnull_t: Q({j__isnull: true}), isnull_f: Q({j__isnull: false}), range: Q({i__range: [1,5]}), startswith: Q({s__startswith: "a%b_"}), endswith: Q({s__endswith: "x"}),
 contains: Q({s__contains: "x'y"}), icontains: Q({s__icontains: "x"}), istartswith: Q({s__istartswith: "x"}), iendswith: Q({s__iendswith: "x"}),
 or: Qor(Q({i:1}), Q({i:2})), or3: Qor(Q({i:1}), Q({i:2}), Q({j:3})), not: Qnot(Q({i:1})), not_multi: Qnot(Q({i:1, j:2})),
 and_or: new (Q({}).constructor as any)("models.Q.and", [Q({i:1}), Qor(Q({j:2}), Q({j:3}))]), q_args_kw: Q(Qor(Q({i:1}), Q({j:2})), {s: "x"}),
 F: Q({i__gt: F("j")}), bool_t: Q({b: true}), bool_f: Q({b: false}), bool_in: Q({b__in: [true]}), dec: Q({d__gte: 0.1}), dec2: Q({d__gte: 1.5}), dec3: Q({d__gte: "0.10"}),
 float0: Q({f__gte: 0}), float_small: Q({f__gte: 1e-7}), float_big: Q({f__lt: 1e16}), floatx: Q({f__lt: 2.5}), date_str: Q({day__gte: "2020-01-01"}),
 uuid: Q({u: "12345678-1234-5678-1234-567812345678"}), neg: Q({i__gt: -1}), str_exact: Q({s: "it's"}), empty_in: Q({i__in: [1, null]}),
 not_or: Qnot(Qor(Q({i:1}), Q({j:2}))), nested_not: new (Q({}).constructor as any)("models.Q.and", [Q({i:1}), Qnot(Q({j:2}))]),
 three_kw: Q({s: "a", j: 2, i: 1}), lte: Q({i__lte: 4}), lt: Q({i__lt: 4}), gte: Q({i__gte: 4}), s_gt: Q({s__gt: "m"}), exact_F: Q({i: F("j")}), range_dec: Q({d__range: [0, 10]}),
 or_and: Qor(Q({i: 1, j: 2}), Q({s: "x"})), double_not: Qnot(Qnot(Q({i: 1}))),
};
for (const [k, q] of Object.entries(cases)) console.log(k, "|", `CONSTRAINT "${k}" CHECK (${c(q)})`);
