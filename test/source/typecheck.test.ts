/**
 * The `tsmigrate` declarations (types/index.d.ts) type-check real model and
 * migration files under strict TypeScript, and reject misspelled options.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
// The TypeScript users compile with (typescript 5.9, with its lib files), not ts-morph's bundled one.
import ts from "typescript";

const repo = path.resolve(__dirname, "../..");
const fixtures = path.join(repo, "test-fixtures/typecheck");

/** Diagnostics of compiling `files` (plus virtual files) with "tsmigrate" mapped to types/index.d.ts. */
function check(files: string[], virtual: Record<string, string> = {}): string[] {
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    paths: { tsmigrate: [path.join(repo, "types/index.d.ts")] },
    types: [],
    lib: ["lib.es2022.d.ts"],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  host.getSourceFile = (name, lang, ...rest) =>
    virtual[name] !== undefined ? ts.createSourceFile(name, virtual[name]!, lang) : getSourceFile(name, lang, ...rest);
  host.fileExists = (name) => virtual[name] !== undefined || fileExists(name);
  host.readFile = (name) => virtual[name] ?? readFile(name);
  const program = ts.createProgram([...files, ...Object.keys(virtual)], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const msg = ts.flattenDiagnosticMessageText(d.messageText, "\n");
    if (!d.file || d.start === undefined) return msg;
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${path.basename(d.file.fileName)}:${line + 1}: ${msg}`;
  });
}

test("sample models and migration files type-check against the declarations", () => {
  const diags = check([
    path.join(fixtures, "catalog/models.ts"),
    path.join(fixtures, "shop/models.ts"),
    path.join(fixtures, "shop/migrations/0001_initial.ts"),
  ]);
  assert.deepEqual(diags, []);
});

test("a misspelled field option fails to type-check", () => {
  const bad = path.join(fixtures, "virtual_bad_models.ts");
  const diags = check([], {
    [bad]: `import { models } from "tsmigrate";
export class P extends models.Model {
  name = models.CharField({ maxLenght: 10 });
}
`,
  });
  assert.equal(diags.length, 1, diags.join("\n"));
  assert.match(diags[0]!, /virtual_bad_models\.ts:3: .*maxLenght/);
});

test("missing required options and bad onDelete fail to type-check", () => {
  const bad = path.join(fixtures, "virtual_bad_models2.ts");
  const diags = check([], {
    [bad]: `import { models } from "tsmigrate";
export class C extends models.Model {}
export class P extends models.Model {
  price = models.DecimalField({ maxDigits: 5 });
  c = models.ForeignKey(C, { onDelete: "CASCADE" });
  d = models.ForeignKey(C, { null: true });
}
`,
  });
  assert.deepEqual(diags.map((d) => d.split(":")[1]), ["4", "5", "6"], diags.join("\n"));
});

test("a misspelled migration operation argument fails to type-check", () => {
  const bad = path.join(fixtures, "virtual_bad_migration.ts");
  const diags = check([], {
    [bad]: `import { migrations, models } from "tsmigrate";
export default migrations.Migration({
  dependencies: [],
  operations: [
    migrations.AddField({ model: "tag", name: "x", field: models.IntegerField() }),
  ],
});
`,
  });
  assert.equal(diags.length, 1, diags.join("\n"));
  assert.match(diags[0]!, /virtual_bad_migration\.ts:5: /);
});

test("the histories written the TypeScript way (constants, enums, choices helpers, field helpers) type-check", () => {
  const root = path.join(repo, "test-fixtures/histories");
  const files = fs.readdirSync(root, { recursive: true, encoding: "utf8" })
    .filter((f) => /^(1[6-9]|2\d)-/.test(f) && f.endsWith(".ts"))
    .map((f) => path.join(root, f));
  assert.ok(files.length >= 16, `found ${files.length} files`);
  assert.deepEqual(check(files), []);
});
