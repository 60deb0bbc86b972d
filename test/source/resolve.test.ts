// Names resolved from the syntax (source/resolve.ts) are the declarations
// TypeScript's checker gives: the shapes one by one, every step of every
// history fixture both ways, and the model-reading tests run again with
// every syntactic answer checked against the checker ("verify" mode).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { ts } from "ts-morph";
import { loadConfig } from "../../server/src/engine/config";
import { modelsSummary } from "../../server/src/lsp/incremental";
import { loadModels } from "../../server/src/engine/source/models";
import { ModelProgram } from "../../server/src/engine/source/program";
import {
  ASK_CHECKER, resolutionStats, setResolutionMode, syntacticDeclaration, syntacticEnumValue,
} from "../../server/src/engine/source/resolve";
import { tempProject } from "../temp-project";

const REPO = path.join(__dirname, "..", "..");

/** A program over `files` (relative path -> text) in a fresh folder; returns it and the parse of `main`. */
function program(files: Record<string, string>, main: string): { program: ModelProgram; sf: ts.SourceFile } {
  const root = tempProject("tsm-resolve-", files);
  const p = new ModelProgram();
  return { program: p, sf: p.sourceFile(path.join(root, main), files[main]!) };
}

/** The identifiers named `name` in `sf`, in order. */
function identifiers(sf: ts.SourceFile, name: string): ts.Identifier[] {
  const out: ts.Identifier[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n) && n.text === name) out.push(n);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** What the syntax answers for the `nth` use of `name`: the declaration's kind and line, "ask" or "file". */
function answer(sf: ts.SourceFile, p: ModelProgram, name: string, nth: number): string {
  const r = syntacticDeclaration(identifiers(sf, name)[nth]!, p);
  if (r === ASK_CHECKER) return "ask";
  if (ts.isSourceFile(r)) return `file ${path.basename(r.fileName)}`;
  return `${ts.SyntaxKind[r.kind]} ${path.basename(r.getSourceFile().fileName)}:${r.getSourceFile().getLineAndCharacterOfPosition(r.getStart()).line + 1}`;
}

test("the shapes read from the syntax, and those left to the checker", () => {
  const { program: p, sf } = program({
    "shop/shared.ts": `export const MAX = 5;\nexport enum Kind { A = "a", B = "b" }\nconst hidden = 1;\nexport { hidden as shown };\n`,
    "shop/barrel.ts": `export * from "./shared";\nexport const OWN = 2;\n`,
    "shop/models.ts": [
      `import { MAX, Kind as K } from "./shared";`, // 1
      `import * as ns from "./shared";`, // 2
      `import { OWN, MAX as M2 } from "./barrel";`, // 3
      `import { shown } from "./shared";`, // 4
      `const LOCAL = { size: 3 } as const;`, // 5
      `const TYPED: { size: number } = { size: 3 };`, // 6
      `class Limits { static readonly TOP = 9; }`, // 7
      `const helper = (MAX: number) => MAX + LOCAL.size;`, // 8
      `function body() { const LOCAL = 1; return LOCAL; }`, // 9
      `export const uses = [MAX, K.A, ns.MAX, OWN, M2, shown, LOCAL.size, TYPED.size, Limits.TOP, nowhere];`, // 10
    ].join("\n"),
  }, "shop/models.ts");
  assert.equal(answer(sf, p, "MAX", 4), "VariableDeclaration shared.ts:1", "a named import, followed to its export");
  assert.equal(answer(sf, p, "A", 0), "EnumMember shared.ts:2", "Kind.A through an alias");
  assert.equal(answer(sf, p, "ns", 1), "file shared.ts", "a namespace import");
  assert.equal(answer(sf, p, "MAX", 5), "VariableDeclaration shared.ts:1", "ns.MAX");
  assert.equal(answer(sf, p, "OWN", 1), "VariableDeclaration barrel.ts:2", "a barrel's own export");
  assert.equal(answer(sf, p, "M2", 1), "ask", "a name a barrel re-exports with export *");
  assert.equal(answer(sf, p, "shown", 1), "ask", "an export under another name");
  assert.equal(answer(sf, p, "size", 4), "PropertyAssignment models.ts:5", "a member of an object constant");
  assert.equal(answer(sf, p, "size", 5), "ask", "a member of a constant with a type annotation");
  assert.equal(answer(sf, p, "TOP", 1), "PropertyDeclaration models.ts:7", "a static member");
  assert.equal(answer(sf, p, "MAX", 3), "Parameter models.ts:8", "a parameter shadows the import");
  assert.equal(answer(sf, p, "size", 3), "PropertyAssignment models.ts:5", "a constant inside an arrow's expression body");
  assert.equal(answer(sf, p, "LOCAL", 3), "ask", "a name inside a block body");
  assert.equal(answer(sf, p, "nowhere", 0), "ask", "a name declared nowhere (a global, or nothing)");
});

test("enum members' constant values from their syntax, as TypeScript numbers them", () => {
  const { sf } = program({ "e.ts": `enum E { A, B = 5, C, D = "d", F = -2, G, H = 1 << 2, I }\n` }, "e.ts");
  const members = (sf.statements[0] as ts.EnumDeclaration).members.map(syntacticEnumValue);
  assert.deepEqual(members, [0, 5, 6, "d", -2, -1, ASK_CHECKER, ASK_CHECKER]);
});

test("every step of every history reads the same with names resolved from the syntax and by the checker alone", () => {
  const histories = path.join(REPO, "test-fixtures", "histories");
  let steps = 0;
  const syntax0 = resolutionStats.syntax;
  try {
    for (const history of fs.readdirSync(histories).filter((h) => /^\d/.test(h))) {
      for (const step of fs.readdirSync(path.join(histories, history)).filter((s) => s.startsWith("step-"))) {
        const config = loadConfig({ project: path.join(histories, history, step) });
        setResolutionMode("off");
        const checker = modelsSummary(loadModels(config));
        setResolutionMode("verify");
        assert.equal(modelsSummary(loadModels(config)), checker, `${history}/${step}`);
        steps++;
      }
    }
  } finally {
    setResolutionMode("on");
  }
  assert.ok(steps >= 60, `every step compared (${steps})`);
  assert.ok(resolutionStats.syntax - syntax0 > 100, `names were resolved from the syntax (${resolutionStats.syntax - syntax0})`);
});

test("the model-reading tests pass with every syntactic answer checked against the checker", () => {
  const files = ["test/source/evaluate.test.ts", "test/source/models.test.ts", "test/callable-defaults.test.ts", "test/autodetector-inheritance.test.ts"];
  // Without NODE_TEST_CONTEXT the child reports as a run of its own (TAP), not to this runner.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  const r = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-reporter=tap", ...files], {
    cwd: REPO, env: { ...env, TSMIGRATE_RESOLVE: "verify" }, encoding: "utf8",
  });
  assert.equal(r.status, 0, `${r.stdout.slice(-3000)}\n${r.stderr.slice(-2000)}`);
  assert.match(r.stdout, /^# fail 0$/m);
  assert.match(r.stdout, /^# pass [1-9]\d+$/m);
});
