/**
 * When a field's new definition may not hold every value of its column: the
 * narrowing part of the data-loss analysis (AlterField, both directions).
 * Vendor-independent: it compares the fields as the models declare them
 * (SQLite does not enforce a varchar's length, PostgreSQL does; the warning
 * is the same for both, as the model is).
 */
import { FIELD_SPECS } from "../fields";
import { type FieldState, fieldOption, isManyToMany } from "../state";
import type { DataLoss } from "./base";

/** How a column narrows: {@link DataLoss} `narrow` without its table and column. */
export type Narrowing = Pick<Extract<DataLoss, { kind: "narrow" }>, "what" | "lost">;

/** Internal types whose values are text, and the longest value each holds (TextField: unbounded). */
const TEXT_TYPES = new Set(["CharField", "TextField", "SlugField", "FileField"]);

/** Largest absolute value of each integer internal type (positive types hold half of it or the same range as their base). */
const INTEGER_LIMITS: Readonly<Record<string, number>> = {
  SmallIntegerField: 32767, PositiveSmallIntegerField: 32767, SmallAutoField: 32767,
  IntegerField: 2147483647, PositiveIntegerField: 2147483647, AutoField: 2147483647,
  BigIntegerField: Number.MAX_SAFE_INTEGER, PositiveBigIntegerField: Number.MAX_SAFE_INTEGER, BigAutoField: Number.MAX_SAFE_INTEGER,
};

/** Conversions that keep every value: into text, between dates, integer into decimal or float. */
const WIDENING = new Set(["DateField>DateTimeField", "BooleanField>IntegerField", "FloatField>TextField"]);

/**
 * How changing a column from `from` to `to` may lose values, or undefined
 * when every value fits: NULL → NOT NULL, a shorter `maxLength`, a smaller
 * integer type, fewer decimal digits, or a type change that converts values
 * (text into numbers, numbers into integers, date-times into dates...).
 * Many-to-many fields have no column: undefined.
 */
export function fieldNarrowing(from: FieldState, to: FieldState): Narrowing | undefined {
  if (isManyToMany(from) || isManyToMany(to)) return undefined;
  const typed = typeNarrowing(from, to);
  if (typed) return typed;
  if (fieldOption(from, "null") === true && fieldOption(to, "null") !== true) return { what: "NULL → NOT NULL", lost: { kind: "null" } };
  return undefined;
}

function typeNarrowing(from: FieldState, to: FieldState): Narrowing | undefined {
  const a = FIELD_SPECS[from.type].internalType;
  const b = FIELD_SPECS[to.type].internalType;
  if (TEXT_TYPES.has(a) && TEXT_TYPES.has(b)) return lengthNarrowing(from, to);
  if (a in INTEGER_LIMITS && b in INTEGER_LIMITS) {
    const limit = INTEGER_LIMITS[b]!;
    return limit < INTEGER_LIMITS[a]! ? { what: `${from.type} → ${to.type}`, lost: { kind: "outside", limit: limit + 1 } } : undefined;
  }
  if (a === "DecimalField" && b === "DecimalField") return decimalNarrowing(from, to);
  if (a === b || b === "TextField" || WIDENING.has(`${a}>${b}`)) return undefined;
  if (a in INTEGER_LIMITS && (b === "DecimalField" || b === "FloatField")) return undefined;
  if ((a === "ForeignKey" || a === "OneToOneField") && (b === "ForeignKey" || b === "OneToOneField")) return undefined;
  return { what: `${from.type} → ${to.type}`, lost: { kind: "nonNull" } };
}

function lengthNarrowing(from: FieldState, to: FieldState): Narrowing | undefined {
  const length = (f: FieldState): number => {
    const n = fieldOption(f, "maxLength");
    return FIELD_SPECS[f.type].internalType === "TextField" || typeof n !== "number" ? Infinity : n;
  };
  const [was, now] = [length(from), length(to)];
  if (now >= was) return undefined;
  const shown = (n: number): string => (n === Infinity ? "unlimited" : String(n));
  return { what: `max_length ${shown(was)} → ${now}`, lost: { kind: "longer", limit: now } };
}

function decimalNarrowing(from: FieldState, to: FieldState): Narrowing | undefined {
  const digits = (f: FieldState): [number, number] => {
    const d = fieldOption(f, "maxDigits");
    const p = fieldOption(f, "decimalPlaces");
    return [typeof d === "number" ? d : 0, typeof p === "number" ? p : 0];
  };
  const [[d1, p1], [d2, p2]] = [digits(from), digits(to)];
  const what = `max_digits ${d1}, decimal_places ${p1} → ${d2}, ${p2}`;
  if (d2 - p2 < d1 - p1) return { what, lost: { kind: "outside", limit: 10 ** (d2 - p2) } };
  if (p2 < p1) return { what, lost: { kind: "nonNull" } };
  return undefined;
}
