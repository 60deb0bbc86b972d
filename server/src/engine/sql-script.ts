/**
 * A run of SQL statements (no RunCode) as one script: their texts joined by
 * {@link SCRIPT_SEPARATOR}, which a driver running a string of several
 * statements (SQLite's `exec`) runs as the statements one after the other,
 * with no JavaScript between two of them. The statement cache stores a
 * migration's statements so (statement-cache.ts) and gives them back
 * without a string or object per statement; the executor hands a script to
 * the backend at once (`Connection.executeScriptSync`).
 *
 * Joined, a statement could run differently than alone when its text does
 * not end where it ends (a block comment or quote left open, a trigger's
 * body): such statements make the script not {@link SqlScript.joinable},
 * and the backend then runs them one by one.
 */
import type { Statement } from "./executor-sql";

/** Between two statements of a script: a line holding only `;` (a statement ending in a `--` comment still ends). */
export const SCRIPT_SEPARATOR = "\n;\n";

/**
 * True when `sql` ends where its text ends, however it is followed: no
 * block comment (`/*`, which SQLite lets run to the end of the input), no
 * trigger (whose body holds `;`), and an even number of each quote (a
 * string or quoted name not left open). Conservative: a quote inside a
 * comment, or the word "trigger" in a name, only makes a script run
 * statement by statement.
 */
export function selfContained(sql: string): boolean {
  if (sql.includes("/*") || /trigger/i.test(sql)) return false;
  let single = 0;
  let double = 0;
  let back = 0;
  let bracket = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql.charCodeAt(i);
    if (c === 39) single++;
    else if (c === 34) double++;
    else if (c === 96) back++;
    else if (c === 91 || c === 93) bracket++;
  }
  return single % 2 === 0 && double % 2 === 0 && back % 2 === 0 && bracket % 2 === 0;
}

/** SQL statements as one script (see the module comment). */
export class SqlScript {
  /**
   * @param text the statements joined by {@link SCRIPT_SEPARATOR}
   * @param ops each statement's operation index (-1: deferred work)
   * @param starts each statement's offset in `text`
   * @param joinable true when every statement is {@link selfContained}: the text may run as one string
   */
  constructor(
    readonly text: string,
    private readonly ops: readonly number[],
    private readonly starts: readonly number[],
    readonly joinable: boolean,
  ) {}

  /**
   * The script of `statements`.
   * @throws Error (a bug of ours) when one of them is RunCode's
   */
  static of(statements: readonly Statement[]): SqlScript {
    const starts: number[] = [];
    let at = 0;
    let joinable = true;
    for (const s of statements) {
      if (s.code !== undefined) throw new Error("RunCode has no place in a SQL script");
      starts.push(at);
      at += s.sql.length + SCRIPT_SEPARATOR.length;
      joinable &&= selfContained(s.sql);
    }
    return new SqlScript(statements.map((s) => s.sql).join(SCRIPT_SEPARATOR), statements.map((s) => s.op), starts, joinable);
  }

  /** How many statements. */
  get length(): number {
    return this.starts.length;
  }

  /** The text of statement `i`. */
  sql(i: number): string {
    return this.text.slice(this.starts[i], this.end(i));
  }

  /** Where statement `i` ends in the text. */
  private end(i: number): number {
    return i + 1 < this.starts.length ? this.starts[i + 1]! - SCRIPT_SEPARATOR.length : this.text.length;
  }

  /** Statement `i` with its operation. */
  statement(i: number): Statement {
    return { sql: this.sql(i), op: this.ops[i]! };
  }

  /** Every statement. */
  statements(): Statement[] {
    return this.starts.map((_, i) => this.statement(i));
  }

  /** Each statement's operation index and length, in order (`[op, length, op, length, ...]`), as the statement cache stores them. */
  layout(): number[] {
    return this.ops.flatMap((op, i) => [op, this.end(i) - this.starts[i]!]);
  }
}
