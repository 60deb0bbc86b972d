/**
 * SQL literals as Django writes them: Python's number formatting, Django's
 * value preparation per field type (`get_prep_value`, `get_db_prep_save`)
 * and the SQLite backend's `quote_value`
 * (`django/db/backends/sqlite3/schema.py`). Vendor-neutral: PostgreSQL
 * quotes strings and numbers the same way.
 */

/** A value already prepared for SQL: a string, a number in Python's text form, a boolean, NULL or bytes. */
export type SqlLiteral =
  | { readonly kind: "string"; readonly value: string }
  | { readonly kind: "number"; readonly text: string }
  | { readonly kind: "bool"; readonly value: boolean }
  | { readonly kind: "null" }
  | { readonly kind: "raw"; readonly sql: string };

/** Django's `quote_name`: `"name"` (a name already quoted is kept; embedded `"` doubled). */
export function quoteName(name: string): string {
  if (name.length >= 2 && name.startsWith('"') && name.endsWith('"')) return name;
  return `"${name.replace(/"/g, '""')}"`;
}

/** A string as an SQL literal: `'it''s'`. */
export function quoteString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/**
 * Django's SQLite `quote_value`: booleans as 1/0, numbers as written, strings
 * quoted with `''` escaping, NULL; `raw` is passed through (CURRENT_TIMESTAMP).
 */
export function renderLiteral(lit: SqlLiteral): string {
  switch (lit.kind) {
    case "string": return quoteString(lit.value);
    case "number": return lit.text;
    case "bool": return lit.value ? "1" : "0";
    case "null": return "NULL";
    case "raw": return lit.sql;
  }
}

/**
 * Python's `repr(float)`: the shortest round-tripping digits, `.0` on
 * integral values, scientific form (`1e-07`, `1e+16`) when the decimal
 * exponent is below -4 or at least 16.
 */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const sign = x < 0 ? "-" : "";
  const [mant, expText] = Math.abs(x).toExponential().split("e") as [string, string];
  const digits = mant.replace(".", "");
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : String(Math.abs(exp));
    return `${sign}${m}e${exp < 0 ? "-" : "+"}${e}`;
  }
  let text: string;
  if (exp < 0) text = `0.${"0".repeat(-exp - 1)}${digits}`;
  else if (digits.length <= exp + 1) text = `${digits}${"0".repeat(exp + 1 - digits.length)}.0`;
  else text = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  return sign + text;
}

/** A decimal number as sign, digit string (no leading zeros) and exponent: value = digits × 10^exp. */
interface Dec {
  neg: boolean;
  digits: bigint;
  exp: number;
}

/** The exact decimal value of a finite double (Python's `Decimal.from_float`). */
function exactDecimal(x: number): Dec {
  const neg = x < 0 || Object.is(x, -0);
  let v = Math.abs(x);
  if (Number.isInteger(v)) return { neg, digits: BigInt(v), exp: 0 };
  let e = 0;
  while (!Number.isInteger(v)) {
    v *= 2;
    e++;
  }
  // |x| = v / 2^e = v * 5^e / 10^e
  return normalize({ neg, digits: BigInt(v) * 5n ** BigInt(e), exp: -e });
}

function normalize(d: Dec): Dec {
  let { digits, exp } = d;
  while (digits !== 0n && digits % 10n === 0n && exp < 0) {
    digits /= 10n;
    exp++;
  }
  return { neg: d.neg, digits, exp };
}

/** Rounds `d` (half to even) so that it has `places` digits after the point (exp = -places). */
function roundToExp(d: Dec, targetExp: number): Dec {
  if (d.exp >= targetExp) return { neg: d.neg, digits: d.digits * 10n ** BigInt(d.exp - targetExp), exp: targetExp };
  const div = 10n ** BigInt(targetExp - d.exp);
  let q = d.digits / div;
  const r = d.digits % div;
  const twice = r * 2n;
  if (twice > div || (twice === div && q % 2n === 1n)) q += 1n;
  return { neg: d.neg, digits: q, exp: targetExp };
}

/** Python's `Context(prec).create_decimal_from_float(x)`: exact, or rounded to `prec` significant digits. */
function decimalFromFloat(x: number, prec: number): Dec {
  const d = exactDecimal(x);
  const len = d.digits.toString().length;
  if (len <= prec) return d;
  return roundToExp(d, d.exp + (len - prec));
}

/** Parses a decimal string such as "-1.50" or "2e3"; undefined when it is not a number. */
function parseDecimal(s: string): Dec | undefined {
  const m = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(s);
  if (!m || (m[2] === "" && (m[3] ?? "") === "")) return undefined;
  const frac = m[3] ?? "";
  return { neg: m[1] === "-", digits: BigInt((m[2] ?? "") + frac || "0"), exp: Number(m[4] ?? 0) - frac.length };
}

/** Python's `str(Decimal)` (`to_sci_string`): plain digits unless the adjusted exponent is below -6 or exp > 0. */
function decimalToString(d: Dec): string {
  const sign = d.neg && d.digits !== 0n ? "-" : d.neg ? "-" : "";
  const ds = d.digits.toString();
  const adjusted = d.exp + ds.length - 1;
  if (d.exp <= 0 && adjusted >= -6) {
    if (d.exp === 0) return sign + ds;
    const places = -d.exp;
    const padded = ds.padStart(places + 1, "0");
    return `${sign}${padded.slice(0, padded.length - places)}.${padded.slice(padded.length - places)}`;
  }
  const m = ds.length > 1 ? `${ds[0]}.${ds.slice(1)}` : ds;
  return `${sign}${m}E${adjusted >= 0 ? "+" : "-"}${Math.abs(adjusted)}`;
}

/** Python's `"{:f}".format(Decimal)`: plain notation, never an exponent. */
function decimalToFixed(d: Dec): string {
  const sign = d.neg ? "-" : "";
  const ds = d.digits.toString();
  if (d.exp >= 0) return sign + ds + "0".repeat(d.exp);
  const places = -d.exp;
  const padded = ds.padStart(places + 1, "0");
  return `${sign}${padded.slice(0, padded.length - places)}.${padded.slice(padded.length - places)}`;
}

/**
 * `DecimalField.to_python(value)` then `str()`, as a lookup parameter: an
 * integer stays exact, a float is rounded to `maxDigits` significant digits
 * (Python's `create_decimal_from_float`), a string is kept as Decimal writes it.
 */
export function decimalLookupText(value: number | string, maxDigits: number): string | undefined {
  if (typeof value === "number") {
    if (Number.isInteger(value)) return decimalToString({ neg: value < 0, digits: BigInt(Math.abs(value)), exp: 0 });
    return decimalToString(decimalFromFloat(value, maxDigits));
  }
  const d = parseDecimal(value);
  return d ? decimalToString(d) : undefined;
}

/**
 * Django's `format_number(to_python(value), maxDigits, decimalPlaces)`
 * (`DecimalField.get_db_prep_save`): exactly `decimalPlaces` decimals.
 */
export function decimalSaveText(value: number | string, maxDigits: number, decimalPlaces: number): string | undefined {
  let d: Dec | undefined;
  if (typeof value === "number") {
    d = Number.isInteger(value) ? { neg: value < 0, digits: BigInt(Math.abs(value)), exp: 0 } : decimalFromFloat(value, maxDigits);
  } else d = parseDecimal(value);
  if (!d) return undefined;
  return decimalToFixed(roundToExp(d, -decimalPlaces));
}

/**
 * Python's `json.dumps(value)` with its default separators (`", "`,
 * `": "`) and `ensure_ascii`: the text Django's JSONField stores.
 */
export function pythonJsonDumps(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") return Number.isInteger(value) && Math.abs(value) < 1e16 ? String(value) : pythonFloatRepr(value);
  if (typeof value === "string") {
    return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  }
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(", ")}]`;
  const o = value as Record<string, unknown>;
  return `{${Object.keys(o).map((k) => `${pythonJsonDumps(k)}: ${pythonJsonDumps(o[k])}`).join(", ")}}`;
}

/** A UUID string as Django stores it on SQLite (`uuid.hex`: 32 lowercase hex digits), or the string unchanged if it is not a UUID. */
export function uuidHex(s: string): string {
  const hex = s.replace(/[{}-]/g, "").replace(/^urn:uuid:/i, "");
  return /^[0-9a-fA-F]{32}$/.test(hex) ? hex.toLowerCase() : s;
}
