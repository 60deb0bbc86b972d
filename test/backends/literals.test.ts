/**
 * SQL literal formatting against Python's own output (values printed by
 * Python 3 `repr`, `json.dumps`, `decimal` and Django 3.2's `format_number`).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  decimalLookupText, decimalSaveText, pythonFloatRepr, pythonJsonDumps, quoteName, uuidHex,
} from "../../server/src/engine/backends/base/literals";

test("Python float repr", () => {
  const cases: [number, string][] = [
    [0, "0.0"], [1, "1.0"], [-2.5, "-2.5"], [1e-7, "1e-07"], [1e16, "1e+16"], [123456789012345.6, "123456789012345.6"],
    [0.0001, "0.0001"], [1e22, "1e+22"], [0.1 + 0.2, "0.30000000000000004"], [5e-324, "5e-324"],
    [1.7976931348623157e308, "1.7976931348623157e+308"],
  ];
  for (const [x, py] of cases) assert.equal(pythonFloatRepr(x), py, String(x));
});

test("Decimal from float (prec 8) and Django's format_number(value, 8, 2)", () => {
  const cases: [number | string, string, string][] = [
    [0.1, "0.10000000", "0.10"], [1.5, "1.5", "1.50"], [2 / 3, "0.66666667", "0.67"], [123.456, "123.45600", "123.46"],
    [0, "0", "0.00"], ["2.675", "2.675", "2.68"], ["-1.005", "-1.005", "-1.00"],
  ];
  for (const [v, lookup, save] of cases) {
    assert.equal(decimalLookupText(v, 8), lookup, `lookup ${v}`);
    assert.equal(decimalSaveText(v, 8, 2), save, `save ${v}`);
  }
  assert.equal(decimalLookupText("abc", 8), undefined);
});

test("json.dumps with Python's separators and ensure_ascii", () => {
  assert.equal(pythonJsonDumps({ a: [1, "é", null, true, 1.5, 'q"'] }), '{"a": [1, "\\u00e9", null, true, 1.5, "q\\""]}');
});

test("names and UUIDs", () => {
  assert.equal(quoteName("a"), '"a"');
  assert.equal(quoteName('"a"'), '"a"');
  assert.equal(quoteName('a"b'), '"a""b"');
  assert.equal(uuidHex("12345678-1234-5678-1234-56781234567A"), "1234567812345678123456781234567a");
  assert.equal(uuidHex("not-a-uuid"), "not-a-uuid");
});
