/**
 * A small SQL tokenizer for reading SQLite's stored schema text
 * (`sqlite_master.sql`): string literals, quoted identifiers (`"x"`,
 * `` `x` ``, `[x]`), numbers, words, parentheses, commas and operators;
 * comments and whitespace dropped. Enough to find CHECK constraints, index
 * column lists and WHERE clauses, and to print them in one canonical form.
 */

/** One token: its kind and text (identifiers unquoted in `value`). */
export interface SqlToken {
  readonly kind: "string" | "ident" | "word" | "number" | "punct" | "op" | "blob";
  /** The source text. */
  readonly text: string;
  /** For identifiers: the name without quotes; for words: uppercased; else the text. */
  readonly value: string;
}

/** Splits SQL into tokens. Unterminated quotes run to the end of the text. */
export function tokenize(sql: string): SqlToken[] {
  const out: SqlToken[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "-" && sql[i + 1] === "-") {
      while (i < n && sql[i] !== "\n") i++;
      continue;
    }
    if (c === "/" && sql[i + 1] === "*") {
      const end = sql.indexOf("*/", i + 2);
      i = end < 0 ? n : end + 2;
      continue;
    }
    if (c === "'" || c === '"' || c === "`") {
      let j = i + 1;
      let value = "";
      while (j < n) {
        if (sql[j] === c) {
          if (sql[j + 1] === c) {
            value += c;
            j += 2;
            continue;
          }
          break;
        }
        value += sql[j];
        j++;
      }
      const text = sql.slice(i, Math.min(j + 1, n));
      out.push(c === "'" ? { kind: "string", text, value } : { kind: "ident", text, value });
      i = j + 1;
      continue;
    }
    if (c === "[") {
      const end = sql.indexOf("]", i + 1);
      const j = end < 0 ? n : end;
      out.push({ kind: "ident", text: sql.slice(i, j + 1), value: sql.slice(i + 1, j) });
      i = j + 1;
      continue;
    }
    if ((c === "x" || c === "X") && sql[i + 1] === "'") {
      const end = sql.indexOf("'", i + 2);
      const j = end < 0 ? n : end;
      const text = sql.slice(i, j + 1);
      out.push({ kind: "blob", text, value: text.toUpperCase() });
      i = j + 1;
      continue;
    }
    const num = /^(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|0[xX][0-9a-fA-F]+)/.exec(sql.slice(i, i + 64));
    if (num) {
      out.push({ kind: "number", text: num[0], value: num[0] });
      i += num[0].length;
      continue;
    }
    const word = /^[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*/.exec(sql.slice(i, i + 256));
    if (word) {
      out.push({ kind: "word", text: word[0], value: word[0].toUpperCase() });
      i += word[0].length;
      continue;
    }
    if (c === "(" || c === ")" || c === "," || c === ";" || c === ".") {
      out.push({ kind: "punct", text: c, value: c });
      i++;
      continue;
    }
    const op = /^(?:\|\||<<|>>|<=|>=|==|!=|<>|[-+*/%<>=~&|])/.exec(sql.slice(i, i + 2));
    const text = op ? op[0] : c;
    out.push({ kind: "op", text, value: text });
    i += text.length;
  }
  return out;
}

/** Index of the `)` matching the `(` at `open`, or the last index when unbalanced. */
export function matchParen(tokens: readonly SqlToken[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== "punct") continue;
    if (t.text === "(") depth++;
    else if (t.text === ")") {
      depth--;
      if (depth === 0) return i;
    }
  }
  return tokens.length - 1;
}

/** Splits tokens at top-level commas. */
export function splitTopLevel(tokens: readonly SqlToken[]): SqlToken[][] {
  const parts: SqlToken[][] = [[]];
  let depth = 0;
  for (const t of tokens) {
    if (t.kind === "punct" && t.text === "(") depth++;
    if (t.kind === "punct" && t.text === ")") depth--;
    if (depth === 0 && t.kind === "punct" && t.text === ",") parts.push([]);
    else parts[parts.length - 1]!.push(t);
  }
  return parts.filter((p) => p.length > 0);
}

/** Words that stay words (uppercased) in canonical text; any other bare word is an identifier unless a call. */
const KEYWORDS = new Set([
  "AND", "OR", "NOT", "IS", "NULL", "IN", "LIKE", "GLOB", "REGEXP", "MATCH", "ESCAPE", "BETWEEN", "CASE", "WHEN",
  "THEN", "ELSE", "END", "CAST", "AS", "COLLATE", "TRUE", "FALSE", "EXISTS", "DISTINCT", "CURRENT_TIMESTAMP",
  "CURRENT_DATE", "CURRENT_TIME", "ASC", "DESC", "ISNULL", "NOTNULL", "SELECT", "FROM", "WHERE",
]);

/**
 * The canonical text of an expression: identifiers double-quoted, keywords
 * and function names uppercased, one space between tokens except inside
 * parentheses and before commas. Equal expressions written differently
 * (`qty>=0`, `"qty" >= 0`) give equal text.
 */
export function canonicalSql(tokens: readonly SqlToken[]): string {
  let out = "";
  let prev: SqlToken | undefined;
  tokens.forEach((t, i) => {
    let text: string;
    if (t.kind === "ident") text = `"${t.value.replace(/"/g, '""')}"`;
    else if (t.kind === "word") {
      const next = tokens[i + 1];
      const isCall = next !== undefined && next.kind === "punct" && next.text === "(";
      text = KEYWORDS.has(t.value) || isCall ? t.value : `"${t.text}"`;
    } else text = t.text;
    const noSpace = prev === undefined
      || (prev.kind === "punct" && (prev.text === "(" || prev.text === "."))
      || (t.kind === "punct" && (t.text === ")" || t.text === "," || t.text === "."))
      || (t.kind === "punct" && t.text === "(" && prev.kind === "word" && !KEYWORDS.has(prev.value));
    out += (noSpace ? "" : " ") + text;
    prev = t;
  });
  return out;
}
