/**
 * Tokenizes TypeScript with VS Code's own TypeScript and SQL grammars plus
 * syntaxes/*.injection.tmLanguage.json, using the vscode-textmate and
 * vscode-oniguruma that code-server ships (installed by test/e2e/setup.sh),
 * and checks that the strings and template literals inside
 * `migrations.RunSQL(...)` are SQL, and nothing else is.
 *
 * Run: node_modules/.bin/node --import tsx --test test/e2e/grammar.ts
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { SERVER_DIR } from "./codeserver";

const VSCODE = join(SERVER_DIR, "node_modules/code-server/lib/vscode");
const ROOT = resolve(__dirname, "../..");

interface Token {
  text: string;
  scopes: string[];
}

/** The parts of vscode-textmate 9 used here (it is installed only in code-server's folder). */
interface Textmate {
  INITIAL: unknown;
  parseRawGrammar(content: string, filePath: string): unknown;
  Registry: new (options: {
    onigLib: Promise<{ createOnigScanner(patterns: string[]): unknown; createOnigString(text: string): unknown }>;
    loadGrammar(scopeName: string): Promise<unknown>;
    getInjections(scopeName: string): string[] | undefined;
  }) => {
    loadGrammar(scopeName: string): Promise<{
      tokenizeLine(line: string, stack: unknown): { tokens: { startIndex: number; endIndex: number; scopes: string[] }[]; ruleStack: unknown };
    } | null>;
  };
}
/** The parts of vscode-oniguruma used here. */
interface Oniguruma {
  loadWASM(data: ArrayBuffer): Promise<void>;
  OnigScanner: new (patterns: string[]) => unknown;
  OnigString: new (text: string) => unknown;
}

/** Tokenizes `source` (TypeScript) line by line; returns every token with its scopes. */
export async function tokenize(source: string): Promise<Token[]> {
  const textmate = require(join(VSCODE, "node_modules/vscode-textmate")) as Textmate;
  const oniguruma = require(join(VSCODE, "node_modules/vscode-oniguruma")) as Oniguruma;
  const wasm = readFileSync(join(VSCODE, "node_modules/vscode-oniguruma/release/onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const files: Record<string, string> = {
    "source.ts": join(VSCODE, "extensions/typescript-basics/syntaxes/TypeScript.tmLanguage.json"),
    "source.sql": join(VSCODE, "extensions/sql/syntaxes/sql.tmLanguage.json"),
    "tsmigrate.runsql.injection": join(ROOT, "syntaxes/runsql.injection.tmLanguage.json"),
    "tsmigrate.runsql-strings.injection": join(ROOT, "syntaxes/runsql-strings.injection.tmLanguage.json"),
  };
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text: string) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async (scopeName: string) => {
      const file = files[scopeName];
      return file === undefined ? null : textmate.parseRawGrammar(readFileSync(file, "utf8"), file);
    },
    getInjections: (scopeName: string) => (scopeName === "source.ts" ? ["tsmigrate.runsql.injection", "tsmigrate.runsql-strings.injection"] : undefined),
  });
  const grammar = await registry.loadGrammar("source.ts");
  assert.ok(grammar, "source.ts grammar loaded");
  const tokens: Token[] = [];
  let stack = textmate.INITIAL;
  for (const line of source.split("\n")) {
    const result = grammar.tokenizeLine(line, stack);
    for (const t of result.tokens) tokens.push({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes });
    stack = result.ruleStack;
  }
  return tokens;
}

/** The `nth` token whose text (trimmed) is `text` or starts with `text` and a space; fails when none. */
function token(tokens: Token[], text: string, nth = 0): Token {
  const found = tokens.filter((t) => t.text.trim() === text || t.text.trim().startsWith(`${text} `));
  assert.ok(found.length > nth, `no token ${JSON.stringify(text)} (#${nth}) in ${JSON.stringify(tokens.map((t) => t.text))}`);
  return found[nth]!;
}

const isSql = (t: Token): boolean => t.scopes.includes("meta.embedded.block.sql") && t.scopes.some((s) => s.endsWith(".sql") && s !== "meta.embedded.block.sql");

const MIGRATION = `import { migrations, models } from "tsmigrate";

const note = "SELECT not_sql FROM here";

export default migrations.Migration({
  dependencies: [["shop", "0001_initial"]],
  operations: [
    migrations.RunSQL({
      sql: ["UPDATE shop_product SET stock = 0 WHERE name = 'x'", 'DELETE FROM shop_log'],
      reverseSql: \`
        INSERT INTO shop_log (message) VALUES ('\${note}')
      \`,
      elidable: true,
    }),
    migrations.AddField({ modelName: "product", name: "stock", field: models.IntegerField({ default: 0 }) }),
  ],
});
`;

test("strings inside migrations.RunSQL(...) are SQL: double, single and template literals", async () => {
  const tokens = await tokenize(MIGRATION);
  assert.ok(isSql(token(tokens, "UPDATE")), JSON.stringify(token(tokens, "UPDATE").scopes));
  assert.ok(isSql(token(tokens, "DELETE")), JSON.stringify(token(tokens, "DELETE").scopes));
  assert.ok(isSql(token(tokens, "INSERT")), JSON.stringify(token(tokens, "INSERT").scopes));
  // The SQL string inside the TS string is SQL's own string.
  assert.ok(token(tokens, "x").scopes.some((s) => s.startsWith("string.quoted.single.sql")), JSON.stringify(token(tokens, "x").scopes));
  // The template substitution is TypeScript again.
  const note = tokens.filter((t) => t.text === "note");
  assert.ok(note.some((t) => t.scopes.includes("meta.template.expression.ts") && t.scopes.at(-1) === "variable.other.readwrite.ts"), JSON.stringify(note.map((t) => t.scopes)));
});

test("the call itself and everything outside RunSQL stay TypeScript", async () => {
  const tokens = await tokenize(MIGRATION);
  const outside = token(tokens, "SELECT not_sql FROM here");
  assert.ok(!isSql(outside) && outside.scopes.includes("string.quoted.double.ts"), JSON.stringify(outside.scopes));
  assert.ok(token(tokens, "RunSQL").scopes.includes("meta.function-call.runsql.tsmigrate"));
  assert.ok(!isSql(token(tokens, "product")), "AddField's strings are not SQL");
  assert.ok(!isSql(token(tokens, "elidable")), "keys are not SQL");
  // The call ends at its own parenthesis: AddField after it is outside the RunSQL scope.
  assert.ok(!token(tokens, "AddField").scopes.includes("meta.function-call.runsql.tsmigrate"), JSON.stringify(token(tokens, "AddField").scopes));
});

test("an escaped quote does not open a SQL quote that swallows the rest of the line", async () => {
  const tokens = await tokenize(`migrations.RunSQL({ sql: "SELECT \\"id\\" FROM t", reverseSql: "SELECT 2" });\nconst after = 1;`);
  assert.ok(isSql(token(tokens, "SELECT", 1)), "the second string is SQL too");
  assert.ok(!token(tokens, "after").scopes.some((s) => s.includes("sql") || s.includes("runsql")), JSON.stringify(token(tokens, "after").scopes));
});
