/**
 * A CHECK or partial-index WHERE read back as a `models.Q(...)` of the
 * model language: comparisons of a column with a literal or another column
 * (`models.F`), IS [NOT] NULL, IN, BETWEEN, joined by AND / OR / NOT. This
 * is the inverse of the SQL Django writes for a `Q` (`WhereNode.as_sql`);
 * anything else is `undefined`, and inspectdb writes a TODO comment.
 */
import { type SqlToken, splitTopLevel, tokenize } from "../backends/base/sqltokens";

const COMPARISONS: Readonly<Record<string, string>> = { "=": "", "==": "", ">": "__gt", ">=": "__gte", "<": "__lt", "<=": "__lte" };

/** A recursive-descent reader over tokens; `fields` maps a column to its field name. */
class ConditionReader {
  private i = 0;
  /** The column of the last field read. */
  private column: string | undefined;

  constructor(
    private readonly t: readonly SqlToken[], private readonly fields: ReadonlyMap<string, string>,
    private readonly floats: ReadonlySet<string> = new Set(),
  ) {}

  read(): string | undefined {
    const q = this.or();
    return q !== undefined && this.i === this.t.length ? q : undefined;
  }

  private word(w: string): boolean {
    const t = this.t[this.i];
    if (t?.kind === "word" && t.value === w) { this.i++; return true; }
    return false;
  }

  private punct(p: string): boolean {
    const t = this.t[this.i];
    if (t && (t.kind === "punct" || t.kind === "op") && t.text === p) { this.i++; return true; }
    return false;
  }

  private joined(next: () => string | undefined, op: "AND" | "OR"): string | undefined {
    const parts = [next()];
    while (this.word(op)) parts.push(next());
    if (parts.some((p) => p === undefined)) return undefined;
    return parts.length === 1 ? parts[0] : `models.Q.${op.toLowerCase()}(${parts.join(", ")})`;
  }

  private or(): string | undefined {
    return this.joined(() => this.and(), "OR");
  }

  private and(): string | undefined {
    return this.joined(() => this.not(), "AND");
  }

  private not(): string | undefined {
    if (this.word("NOT")) {
      const q = this.not();
      return q === undefined ? undefined : `models.Q.not(${q})`;
    }
    if (this.punct("(")) {
      const q = this.or();
      return this.punct(")") ? q : undefined;
    }
    return this.lookup();
  }

  private field(): string | undefined {
    const t = this.t[this.i];
    if (!t || (t.kind !== "ident" && t.kind !== "word")) return undefined;
    const column = t.kind === "ident" ? t.value : t.text;
    const name = this.fields.get(column);
    if (name !== undefined) { this.i++; this.column = column; }
    return name;
  }

  private literal(): string | undefined {
    const t = this.t[this.i];
    let sign = "";
    if (t && t.kind === "op" && t.text === "-") { sign = "-"; this.i++; }
    const v = this.t[this.i];
    if (!v) return undefined;
    this.i++;
    // A float field's value is written as a Python float ("0.0"): an integer literal there has no Q.
    if (v.kind === "number") return this.column !== undefined && this.floats.has(this.column) && !/[.eE]/.test(v.text) ? undefined : sign + v.text;
    if (sign) return undefined;
    if (v.kind === "string") return JSON.stringify(v.value);
    if (v.kind === "word" && (v.value === "TRUE" || v.value === "FALSE")) return v.value.toLowerCase();
    this.i--;
    const f = this.field();
    return f === undefined ? undefined : `models.F(${JSON.stringify(f)})`;
  }

  private q(lookup: string, value: string): string {
    return `models.Q({ ${lookup}: ${value} })`;
  }

  private lookup(): string | undefined {
    const f = this.field();
    if (f === undefined) return undefined;
    const op = this.t[this.i];
    if (op && op.kind === "op" && COMPARISONS[op.text] !== undefined) {
      this.i++;
      const v = this.literal();
      return v === undefined ? undefined : this.q(`${f}${COMPARISONS[op.text]}`, v);
    }
    if (this.word("IS")) {
      const negated = this.word("NOT");
      return this.word("NULL") ? this.q(`${f}__isnull`, negated ? "false" : "true") : undefined;
    }
    if (this.word("BETWEEN")) {
      const a = this.literal();
      const b = this.word("AND") ? this.literal() : undefined;
      return a === undefined || b === undefined ? undefined : this.q(`${f}__range`, `[${a}, ${b}]`);
    }
    if (this.word("IN")) return this.inList(f);
    return undefined;
  }

  private inList(f: string): string | undefined {
    const open = this.i;
    if (!this.punct("(")) return undefined;
    let depth = 1;
    let close = open + 1;
    for (; close < this.t.length && depth > 0; close++) {
      const t = this.t[close]!;
      if (t.kind === "punct" && t.text === "(") depth++;
      if (t.kind === "punct" && t.text === ")") depth--;
    }
    const items = splitTopLevel(this.t.slice(open + 1, close - 1)).map((part) => new ConditionReader(part, new Map()).value());
    this.i = close;
    return items.some((v) => v === undefined) ? undefined : this.q(`${f}__in`, `[${items.join(", ")}]`);
  }

  /** The whole token list as one literal. */
  value(): string | undefined {
    const v = this.literal();
    return this.i === this.t.length ? v : undefined;
  }
}

/**
 * `models.Q(...)` source for a condition's SQL text (`"price" >= 0`), or
 * undefined when it is not one a `Q` writes. `columns` maps column names to
 * field names; `floats` names the FloatField columns, whose values a `Q`
 * writes as Python floats (`0.0`), so an integer literal compared with one
 * has no `Q` that writes the same SQL.
 */
export function conditionToQ(sql: string, columns: ReadonlyMap<string, string>, floats?: ReadonlySet<string>): string | undefined {
  return new ConditionReader(tokenize(sql), columns, floats).read();
}
