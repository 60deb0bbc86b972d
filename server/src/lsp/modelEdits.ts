/**
 * Source edits to a `models.ts` buffer for quick fixes: add an option to a
 * field's options object ("Add a default", "Make it nullable"). Works on
 * the text through ts-morph's syntax tree (parsed, never type-checked or
 * executed), so half-typed files yield no edit rather than an error.
 */
import {
  type CallExpression, createWrappedNode, Node, type ObjectLiteralExpression, type SourceFile, SyntaxKind, ts,
} from "ts-morph";
import type { Range, TextEdit } from "vscode-languageserver";
import type { FieldType } from "../engine/fields";

/** `text` parsed and wrapped as a ts-morph source file (no project: parsed, never type-checked or run). */
function parse(text: string): SourceFile {
  return createWrappedNode(ts.createSourceFile("models.ts", text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS));
}

/** The `models.X(...)` call that declares field `fieldName` of class `className` (not a static member), if any. */
function fieldCall(sf: SourceFile, className: string, fieldName: string): CallExpression | undefined {
  const property = sf.getClass(className)?.getInstanceProperty(fieldName);
  if (!property || !Node.isPropertyDeclaration(property)) return undefined;
  let init = property.getInitializer();
  while (init && (Node.isParenthesizedExpression(init) || Node.isAsExpression(init))) init = init.getExpression();
  return init && Node.isCallExpression(init) ? init : undefined;
}

/** The LSP range from offset `pos` to `end` of `sf`. */
function rangeAt(sf: SourceFile, pos: number, end = pos): Range {
  const s = sf.getLineAndColumnAtPos(pos);
  const e = sf.getLineAndColumnAtPos(end);
  return { start: { line: s.line - 1, character: s.column - 1 }, end: { line: e.line - 1, character: e.column - 1 } };
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
  const sf = parse(text);
  const call = fieldCall(sf, className, fieldName);
  if (!call) return undefined;
  const options = [...call.getArguments()].reverse().find(Node.isObjectLiteralExpression);
  if (options) return optionEdit(sf, options, key, valueText);
  const args = call.getArguments();
  if (args.length === 0) return { range: rangeAt(sf, call.getEnd() - 1), newText: `{ ${key}: ${valueText} }` };
  return { range: rangeAt(sf, args[args.length - 1]!.getEnd()), newText: `, { ${key}: ${valueText} }` };
}

/** Sets `key` in the options object literal: its value replaced, or the property added in the object's layout. */
function optionEdit(sf: SourceFile, options: ObjectLiteralExpression, key: string, valueText: string): TextEdit {
  const existing = options.getProperty(key);
  if (existing && Node.isPropertyAssignment(existing)) {
    const init = existing.getInitializerOrThrow();
    return { range: rangeAt(sf, init.getStart(), init.getEnd()), newText: valueText };
  }
  const props = options.getProperties();
  if (props.length === 0) return { range: rangeAt(sf, options.getStart(), options.getEnd()), newText: `{ ${key}: ${valueText} }` };
  const last = props[props.length - 1]!;
  const trailingComma = last.getNextSiblingIfKind(SyntaxKind.CommaToken) !== undefined;
  if (options.getStartLineNumber() !== options.getEndLineNumber()) {
    const text = sf.getFullText();
    const lineStart = text.lastIndexOf("\n", last.getStart()) + 1;
    const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
    return {
      range: rangeAt(sf, last.getEnd() + (trailingComma ? 1 : 0)),
      newText: `${trailingComma ? "" : ","}\n${indent}${key}: ${valueText}${trailingComma ? "," : ""}`,
    };
  }
  return { range: rangeAt(sf, last.getEnd()), newText: `, ${key}: ${valueText}` };
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
