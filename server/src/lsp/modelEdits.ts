/**
 * Source edits to a `models.ts` buffer for quick fixes: add an option to a
 * field's options object ("Add a default", "Make it nullable"). Works on
 * the text with TypeScript's bare parser (never executed), so half-typed
 * files yield no edit rather than an error.
 */
import { ts } from "ts-morph";
import type { Range, TextEdit } from "vscode-languageserver";
import type { FieldType } from "../engine/fields";

/** Where a field is declared: the `name = models.X(...)` property of a class. */
export interface FieldDeclaration {
  readonly classNode: ts.ClassDeclaration;
  readonly property: ts.PropertyDeclaration;
  readonly call: ts.CallExpression;
  /** The options object literal, when the call has one. */
  readonly options?: ts.ObjectLiteralExpression;
}

/** The class `className` in `sf`, if declared at the top level. */
export function findClass(sf: ts.SourceFile, className: string): ts.ClassDeclaration | undefined {
  for (const st of sf.statements) {
    if (ts.isClassDeclaration(st) && st.name?.text === className) return st;
  }
  return undefined;
}

/** The declaration of field `fieldName` of class `className`, or undefined when absent or not a call. */
export function findField(sf: ts.SourceFile, className: string, fieldName: string): FieldDeclaration | undefined {
  const cls = findClass(sf, className);
  if (!cls) return undefined;
  for (const m of cls.members) {
    if (!ts.isPropertyDeclaration(m) || m.modifiers?.some((x) => x.kind === ts.SyntaxKind.StaticKeyword)) continue;
    const name = ts.isIdentifier(m.name) || ts.isStringLiteral(m.name) ? m.name.text : undefined;
    if (name !== fieldName || !m.initializer) continue;
    let init: ts.Expression = m.initializer;
    while (ts.isParenthesizedExpression(init) || ts.isAsExpression(init)) init = init.expression;
    if (!ts.isCallExpression(init)) return undefined;
    const options = [...init.arguments].reverse().find(ts.isObjectLiteralExpression);
    return { classNode: cls, property: m, call: init, options };
  }
  return undefined;
}

function rangeAt(sf: ts.SourceFile, pos: number, end = pos): Range {
  const s = sf.getLineAndCharacterOfPosition(pos);
  const e = sf.getLineAndCharacterOfPosition(end);
  return { start: { line: s.line, character: s.character }, end: { line: e.line, character: e.character } };
}

/**
 * A text edit that sets option `key` to the source text `valueText` on field
 * `fieldName` of class `className`: replaces an existing `key: ...`, else
 * appends to the options object, else adds an options object to the call.
 * Undefined when the field cannot be found (half-typed code).
 */
export function setFieldOptionEdit(
  text: string, className: string, fieldName: string, key: string, valueText: string,
): TextEdit | undefined {
  const sf = ts.createSourceFile("models.ts", text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const decl = findField(sf, className, fieldName);
  if (!decl) return undefined;
  const { call, options } = decl;
  if (options) {
    for (const p of options.properties) {
      if (ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) && p.name.text === key) {
        return { range: rangeAt(sf, p.initializer.getStart(sf), p.initializer.getEnd()), newText: valueText };
      }
    }
    const props = options.properties;
    if (props.length === 0) {
      return { range: rangeAt(sf, options.getStart(sf), options.getEnd()), newText: `{ ${key}: ${valueText} }` };
    }
    const last = props[props.length - 1]!;
    const multiline = sf.getLineAndCharacterOfPosition(options.getStart(sf)).line !==
      sf.getLineAndCharacterOfPosition(options.getEnd()).line;
    if (multiline) {
      const lineStart = text.lastIndexOf("\n", last.getStart(sf)) + 1;
      const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
      const comma = props.hasTrailingComma ? "" : ",";
      return { range: rangeAt(sf, last.getEnd() + (props.hasTrailingComma ? 1 : 0)), newText: `${comma}\n${indent}${key}: ${valueText}${props.hasTrailingComma ? "," : ""}` };
    }
    return { range: rangeAt(sf, last.getEnd()), newText: `, ${key}: ${valueText}` };
  }
  const args = call.arguments;
  if (args.length === 0) {
    const open = call.getEnd() - 1; // the closing parenthesis
    return { range: rangeAt(sf, open), newText: `{ ${key}: ${valueText} }` };
  }
  const lastArg = args[args.length - 1]!;
  return { range: rangeAt(sf, lastArg.getEnd()), newText: `, { ${key}: ${valueText} }` };
}

/**
 * A sensible literal default for a field type, as source text, or undefined
 * when the type has no natural "empty" value (relations, dates, UUIDs, files).
 */
export function suggestedDefault(type: FieldType): string | undefined {
  switch (type) {
    case "IntegerField": case "BigIntegerField": case "SmallIntegerField":
    case "PositiveIntegerField": case "PositiveBigIntegerField": case "PositiveSmallIntegerField":
    case "FloatField": case "DurationField": case "DecimalField":
      return "0";
    case "BooleanField":
      return "false";
    case "CharField": case "TextField": case "SlugField": case "EmailField": case "URLField":
      return '""';
    case "JSONField":
      return "{}";
    default:
      return undefined;
  }
}
