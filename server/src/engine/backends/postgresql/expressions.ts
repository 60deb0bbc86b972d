/**
 * PostgreSQL's deparsed expressions (`pg_get_expr`, `pg_get_indexdef`) in
 * the canonical form of `base/sqltokens.ts`, so that a CHECK, a partial
 * index's WHERE or a DEFAULT reads the way the SQL tsmigrate writes reads
 * on SQLite (`"price" >= 0`, `"status" IN ('a', 'b')`) and inspectdb's
 * `conditionToQ` can turn it back into a `models.Q`. PostgreSQL stores
 * `CHECK ("status" IN ('a', 'b'))` on a varchar column as
 * `((status)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[]))`;
 * this removes the casts, the redundant parentheses and the ARRAY form.
 * Both sides of a drift comparison go through the same function, so what
 * it cannot simplify still compares equal when equal.
 */
import { canonicalSql, matchParen, type SqlToken, tokenize } from "../base/sqltokens";

/** Words that continue a multi-word type name after a cast's first word (`character varying`, `timestamp with time zone`). */
const TYPE_CONTINUATION = new Set(["VARYING", "PRECISION", "WITH", "WITHOUT", "TIME", "ZONE"]);

/** Types whose cast turns a quoted literal (`'-1'::integer`) into a number. */
const NUMERIC_TYPES = new Set(["INTEGER", "BIGINT", "SMALLINT", "NUMERIC", "REAL", "DOUBLE", "INT", "INT2", "INT4", "INT8", "DECIMAL"]);

/**
 * `ARRAY[...]` as `ARRAY(...)` and array type suffixes (`text[]`) dropped,
 * outside quotes: the shared tokenizer reads `[...]` as an SQLite quoted
 * identifier.
 */
function unbracket(sql: string): string {
  let out = "";
  const stack: boolean[] = [];
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < sql.length && !(sql[j] === c && sql[j + 1] !== c)) j += sql[j] === c ? 2 : 1;
      out += sql.slice(i, j + 1);
      i = j;
    } else if (c === "[" && sql[i + 1] === "]") i++;
    else if (c === "[") {
      const array = /ARRAY\s*$/i.test(out);
      stack.push(array);
      out += array ? "(" : c;
    } else if (c === "]") out += stack.pop() ? ")" : c;
    else out += c;
  }
  return out;
}

/** The index after a cast's type name starting at `i` (words, then an optional `(n[, m])`). */
function skipTypeName(t: readonly SqlToken[], i: number): { end: number; first: string } {
  const first = t[i]?.value ?? "";
  let j = i + 1;
  while (t[j]?.kind === "word" && TYPE_CONTINUATION.has(t[j]!.value)) j++;
  if (t[j]?.kind === "punct" && t[j]!.text === "(" && t[j + 1]?.kind === "number") j = matchParen(t, j) + 1;
  return { end: j, first };
}

/** The tokens with every `::type` cast removed; a numeric cast of a quoted number makes it a number. */
function dropCasts(t: readonly SqlToken[]): SqlToken[] {
  const out: SqlToken[] = [];
  for (let i = 0; i < t.length; i++) {
    if (t[i]!.text === ":" && t[i + 1]?.text === ":") {
      const { end, first } = skipTypeName(t, i + 2);
      const prev = out[out.length - 1];
      if (prev?.kind === "string" && NUMERIC_TYPES.has(first) && /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(prev.value)) {
        out[out.length - 1] = { kind: "number", text: prev.value, value: prev.value };
      }
      i = end - 1;
      continue;
    }
    out.push(t[i]!);
  }
  return out;
}

const isOpen = (t: SqlToken | undefined) => t?.kind === "punct" && t.text === "(";

/**
 * Parentheses that change nothing removed: around a single token (not a
 * call's), around a parenthesised group, around the whole expression;
 * `(-1)` becomes the number `-1`.
 */
function dropParens(tokens: readonly SqlToken[]): SqlToken[] {
  let t = [...tokens];
  for (let changed = true; changed;) {
    changed = false;
    for (let i = 0; i < t.length; i++) {
      if (!isOpen(t[i])) continue;
      const close = matchParen(t, i);
      const before = t[i - 1];
      const call = before?.kind === "word" && !["AND", "OR", "NOT"].includes(before.value);
      const inner = t.slice(i + 1, close);
      const neg = inner.length === 2 && inner[0]!.text === "-" && inner[1]!.kind === "number";
      const single = inner.length === 1 && inner[0]!.kind !== "punct";
      const group = isOpen(inner[0]) && matchParen(inner, 0) === inner.length - 1;
      const whole = i === 0 && close === t.length - 1;
      if (call || !(single || neg || group || whole)) continue;
      const replacement = neg ? [{ kind: "number" as const, text: `-${inner[1]!.text}`, value: `-${inner[1]!.text}` }] : inner;
      t = [...t.slice(0, i), ...replacement, ...t.slice(close + 1)];
      changed = true;
      break;
    }
  }
  return t;
}

/** `x = ANY ((ARRAY(a, b)))` (any number of parentheses) as `x IN (a, b)`. */
function anyToIn(tokens: readonly SqlToken[]): SqlToken[] {
  const t = [...tokens];
  for (let i = 0; i < t.length; i++) {
    if (t[i]!.text !== "=" || t[i + 1]?.value !== "ANY" || !isOpen(t[i + 2])) continue;
    const close = matchParen(t, i + 2);
    let a = i + 2;
    while (isOpen(t[a + 1])) a++;
    const depth = a - (i + 2);
    if (t[a + 1]?.value !== "ARRAY" || !isOpen(t[a + 2]) || matchParen(t, a + 2) !== close - depth - 1) continue;
    const items = t.slice(a + 3, close - depth - 1);
    t.splice(i, close + 1 - i, { kind: "word", text: "IN", value: "IN" }, t[i + 2]!, ...items, t[close]!);
  }
  return t;
}

/** The canonical text (`base/sqltokens.ts`'s `canonicalSql`) of a PostgreSQL-deparsed expression. */
export function canonicalPgSql(sql: string): string {
  return canonicalSql(dropParens(anyToIn(dropParens(dropCasts(tokenize(unbracket(sql)))))));
}
