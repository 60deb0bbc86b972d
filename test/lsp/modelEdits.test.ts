/**
 * The source edits behind "Add a default" and "Make it nullable": each
 * shape of field call gets the option where a person would write it.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { setFieldOptionEdit, suggestedDefault } from "../../server/src/lsp/modelEdits";

function apply(text: string, className: string, field: string, key: string, value: string): string | undefined {
  const edit = setFieldOptionEdit(text, className, field, key, value);
  if (!edit) return undefined;
  const lines = text.split("\n");
  const offset = (p: { line: number; character: number }): number =>
    lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  return text.slice(0, offset(edit.range.start)) + edit.newText + text.slice(offset(edit.range.end));
}

const wrap = (body: string): string => `import { models } from "tsmigrate";\n\nexport class Product extends models.Model {\n${body}\n}\n`;

test("appends to a one-line options object", () => {
  assert.equal(apply(wrap("  sku = models.CharField({ maxLength: 10 });"), "Product", "sku", "null", "true"),
    wrap("  sku = models.CharField({ maxLength: 10, null: true });"));
});

test("fills an empty options object, or adds one to a call without arguments", () => {
  assert.equal(apply(wrap("  n = models.IntegerField({});"), "Product", "n", "default", "0"), wrap("  n = models.IntegerField({ default: 0 });"));
  assert.equal(apply(wrap("  n = models.IntegerField();"), "Product", "n", "default", "0"), wrap("  n = models.IntegerField({ default: 0 });"));
});

test("a relation's options object comes after its target; a call with only a target gets one", () => {
  assert.equal(apply(wrap('  c = models.ForeignKey("Category", { onDelete: models.CASCADE });'), "Product", "c", "null", "true"),
    wrap('  c = models.ForeignKey("Category", { onDelete: models.CASCADE, null: true });'));
  assert.equal(apply(wrap('  t = models.ManyToManyField("Tag");'), "Product", "t", "blank", "true"),
    wrap('  t = models.ManyToManyField("Tag", { blank: true });'));
});

test("a multi-line object gets a new line in its indentation, trailing comma kept", () => {
  const before = wrap("  sku = models.CharField({\n    maxLength: 10,\n  });");
  assert.equal(apply(before, "Product", "sku", "null", "true"), wrap("  sku = models.CharField({\n    maxLength: 10,\n    null: true,\n  });"));
  const noComma = wrap("  sku = models.CharField({\n    maxLength: 10\n  });");
  assert.equal(apply(noComma, "Product", "sku", "null", "true"), wrap("  sku = models.CharField({\n    maxLength: 10,\n    null: true\n  });"));
});

test("an option already there is replaced", () => {
  assert.equal(apply(wrap("  sku = models.CharField({ maxLength: 10, null: false });"), "Product", "sku", "null", "true"),
    wrap("  sku = models.CharField({ maxLength: 10, null: true });"));
});

test("no edit when the class or field is not there (half-typed code)", () => {
  assert.equal(apply(wrap("  sku = models.CharField({ maxLength: 10 });"), "Order", "sku", "null", "true"), undefined);
  assert.equal(apply(wrap("  sku = models.CharField({ maxLength: 10 });"), "Product", "name", "null", "true"), undefined);
  assert.equal(apply(wrap("  sku = models.CharField"), "Product", "sku", "null", "true"), undefined);
});

test("suggested defaults: a natural empty value per type, none for relations and dates", () => {
  assert.equal(suggestedDefault("IntegerField"), "0");
  assert.equal(suggestedDefault("CharField"), '""');
  assert.equal(suggestedDefault("BooleanField"), "false");
  assert.equal(suggestedDefault("JSONField"), "{}");
  assert.equal(suggestedDefault("ForeignKey"), undefined);
  assert.equal(suggestedDefault("DateTimeField"), undefined);
});
