/**
 * The evaluator's messages and folding: where a declaration is, how a value
 * is described in a message, the `unreadable-value` error, and constant
 * folding of `a op b` (numbers, and `+` on strings).
 */
import * as path from "node:path";
import { ts } from "ts-morph";
import { TsMigrateError } from "../errors";
import { CallValue, RefValue, type Value, isObjectValue } from "../values";
import { nodeLocation, positionLocation } from "./read";

/** Why a value is not run: the end of every `unreadable-value` message. */
export const READ_NOT_RUN = "model files are read, not run";

/** `file:line:column` of a declaration's name (the file relative to the working folder when inside it). */
export function where(decl: ts.Declaration): string {
  const sf = decl.getSourceFile();
  const named = (decl as { name?: ts.Node }).name ?? decl;
  const loc = positionLocation(sf, named.getStart(sf));
  const rel = path.relative(process.cwd(), loc.file);
  return `${rel && !rel.startsWith("..") ? rel : loc.file}:${loc.line}:${loc.column}`;
}

export function describe(v: Value): string {
  if (Array.isArray(v)) return "an array";
  if (v instanceof CallValue) return `${v.callee}(...)`;
  if (v instanceof RefValue) return v.name;
  if (isObjectValue(v)) return "an object";
  return JSON.stringify(v);
}

export function unreadable(node: ts.Node, sf: ts.SourceFile, why: string): TsMigrateError {
  return new TsMigrateError(`cannot read this value statically: ${why}; ${READ_NOT_RUN}`, {
    code: "unreadable-value", location: nodeLocation(node, sf),
  });
}

let numericMade: Partial<Record<ts.SyntaxKind, (a: number, b: number) => number>> | undefined;

/** The numeric operators folded, by token kind (made on first use: TypeScript loads lazily in the CLI). */
function numeric(): Partial<Record<ts.SyntaxKind, (a: number, b: number) => number>> {
  return (numericMade ??= {
    [ts.SyntaxKind.PlusToken]: (a, b) => a + b,
    [ts.SyntaxKind.MinusToken]: (a, b) => a - b,
    [ts.SyntaxKind.AsteriskToken]: (a, b) => a * b,
    [ts.SyntaxKind.SlashToken]: (a, b) => a / b,
    [ts.SyntaxKind.PercentToken]: (a, b) => a % b,
    [ts.SyntaxKind.AsteriskAsteriskToken]: (a, b) => a ** b,
  });
}

/** Folds `a op b` for numbers (+ - * / % **) and strings (+). */
export function fold(node: ts.BinaryExpression, a: Value, b: Value, sf: ts.SourceFile): Value {
  const op = node.operatorToken.kind;
  if (op === ts.SyntaxKind.PlusToken && (typeof a === "string" || typeof b === "string") &&
    ["string", "number"].includes(typeof a) && ["string", "number"].includes(typeof b)) {
    return String(a) + String(b);
  }
  const f = numeric()[op];
  if (f && typeof a === "number" && typeof b === "number") {
    const v = f(a, b);
    if (!Number.isFinite(v)) throw unreadable(node, sf, `${node.getText(sf)} is not a finite number`);
    return v;
  }
  throw unreadable(node, sf, `the operator ${ts.tokenToString(op)} is read only on number constants (and + on strings), found ${describe(a)} and ${describe(b)}`);
}
