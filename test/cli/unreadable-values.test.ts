// Values a model file names but tsmigrate cannot read statically: each is a
// located error (file:line:column, the name, where it is declared or that it
// is not, "model files are read, not run"), exit 2, and nothing is written.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { cleanTemps, copyFixture, ensureBuilt, list, tsmigrate } from "./helpers";

before(ensureBuilt);
after(cleanTemps);

/** Runs makemigrations on the shop fixture with `models` as shop/models.ts (and `extra` files); asserts exit 2 and nothing written. */
function failing(models: string[], extra: Record<string, string> = {}): string[] {
  const dir = copyFixture("shop");
  fs.writeFileSync(path.join(dir, "shop/models.ts"), models.join("\n"));
  for (const [file, text] of Object.entries(extra)) fs.writeFileSync(path.join(dir, file), text);
  const r = tsmigrate(dir, "makemigrations");
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.equal(r.stdout, "");
  assert.deepEqual(list(path.join(dir, "shop/migrations")), ["0001_initial.ts"]);
  return r.stderr.trim().split("\n");
}

const HEAD = [`import { models } from "tsmigrate";`, ``];

test("a `let` is named with where it is declared", () => {
  const lines = failing([...HEAD,
    `let LENGTH = 100;`,
    `export class Product extends models.Model {`,
    `  name = models.CharField({ maxLength: LENGTH, unique: true });`,
    `}`]);
  assert.deepEqual(lines, [
    "shop/models.ts:5:40: cannot read this value statically: LENGTH is declared at shop/models.ts:3:5 with `let`; " +
      "only `const` declarations are read; model files are read, not run",
  ]);
});

test("a name declared nowhere says so", () => {
  const lines = failing([...HEAD,
    `export class Product extends models.Model {`,
    `  name = models.CharField({ maxLength: 100, unique: true, choices: KINDS });`,
    `}`]);
  assert.equal(lines.length, 1, lines.join("\n"));
  assert.match(lines[0]!, /^shop\/models\.ts:4:68: CharField option choices must be .*, found KINDS \(not declared in this file nor imported; model files are read, not run\)$/);
});

test("a name imported from a package is not followed", () => {
  const lines = failing([...HEAD,
    `import { MAX } from "left-pad";`,
    `export class Product extends models.Model {`,
    `  name = models.CharField({ maxLength: 100, unique: true, default: MAX });`,
    `}`]);
  assert.equal(lines.length, 1, lines.join("\n"));
  assert.match(lines[0]!, /^shop\/models\.ts:5:68: .*found MAX \(imported from "left-pad", which is not a file of the project tsmigrate can read; model files are read, not run\)$/);
});

test("a non-const in another file is named with that file's position", () => {
  const lines = failing([...HEAD,
    `import { LENGTH } from "./sizes";`,
    `export class Product extends models.Model {`,
    `  name = models.CharField({ maxLength: LENGTH, unique: true });`,
    `}`], { "shop/sizes.ts": `export var LENGTH = 100;\n` });
  assert.deepEqual(lines, [
    "shop/models.ts:5:40: cannot read this value statically: LENGTH is declared at shop/sizes.ts:1:12 with `var`; " +
      "only `const` declarations are read; model files are read, not run",
  ]);
});

test("a call of something that is not a field helper is not run", () => {
  const lines = failing([...HEAD,
    `export class Product extends models.Model {`,
    `  name = models.CharField({ maxLength: 100, unique: true, default: String(Math.random()) });`,
    `}`]);
  assert.equal(lines.length, 1, lines.join("\n"));
  assert.match(lines[0]!, /^shop\/models\.ts:4:68: cannot read this value statically: String\(\.\.\.\) is a call, .*; String is not declared in the project; model files are read, not run$/);
});

test("operators fold only constants", () => {
  const lines = failing([...HEAD,
    `const N = 10;`,
    `export class Product extends models.Model {`,
    `  name = models.CharField({ maxLength: N * "x", unique: true });`,
    `}`]);
  assert.deepEqual(lines, [
    "shop/models.ts:5:40: cannot read this value statically: the operator * is read only on number constants " +
      "(and + on strings), found 10 and \"x\"; model files are read, not run",
  ]);
});
