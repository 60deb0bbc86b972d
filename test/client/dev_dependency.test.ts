/**
 * The devDependencies offer's decisions (client/src/dev_dependency.ts),
 * without VS Code: which files import the package, which package.json
 * lacks it, and the edit that adds it (indentation and other keys kept).
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import { test } from "node:test";
import { findOffer, importsPackage, listsPackage, nearestPackageJson, withDevDependency } from "../../client/src/dev_dependency";

test("importsPackage: the import forms of the model language, not a look-alike", () => {
  assert.equal(importsPackage('import { models } from "tsmigrate";'), true);
  assert.equal(importsPackage("import { migrations, models } from 'tsmigrate';"), true);
  assert.equal(importsPackage('const t = require("tsmigrate");'), true);
  assert.equal(importsPackage('const t = await import("tsmigrate");'), true);
  assert.equal(importsPackage('import { models } from "tsmigrate-extra";'), false);
  assert.equal(importsPackage('import { models } from "./tsmigrate";'), false);
});

test("listsPackage: any dependency field counts; a broken package.json is left alone", () => {
  assert.equal(listsPackage('{ "name": "app" }'), false);
  assert.equal(listsPackage('{ "devDependencies": { "typescript": "^5" } }'), false);
  assert.equal(listsPackage('{ "devDependencies": { "tsmigrate": "^0.1.0" } }'), true);
  assert.equal(listsPackage('{ "dependencies": { "tsmigrate": "*" } }'), true);
  assert.equal(listsPackage('{ "name": '), undefined);
  assert.equal(listsPackage("[]"), undefined);
});

test("withDevDependency adds the package, creating devDependencies when absent, in the file's indentation", () => {
  const two = '{\n  "name": "app",\n  "devDependencies": {\n    "typescript": "^5.9.0"\n  }\n}\n';
  const added = withDevDependency(two, "^0.1.0");
  assert.deepEqual(JSON.parse(added), { name: "app", devDependencies: { typescript: "^5.9.0", tsmigrate: "^0.1.0" } });
  assert.ok(added.startsWith('{\n  "name": "app",\n  "devDependencies": {\n    "typescript": "^5.9.0",\n    "tsmigrate": "^0.1.0"\n  }'), added);
  const tabs = '{\n\t"name": "app"\n}\n';
  const created = withDevDependency(tabs, "^0.1.0");
  assert.deepEqual(JSON.parse(created), { name: "app", devDependencies: { tsmigrate: "^0.1.0" } });
  assert.match(created, /\n\t"devDependencies": \{\n\t\t"tsmigrate": "\^0\.1\.0"\n\t\}/);
  assert.equal(listsPackage(created), true);
});

/** An in-memory project: path → text. */
function io(files: Record<string, string>) {
  return { read: async (f: string) => files[path.resolve(f)] };
}

test("findOffer: a models file importing the package under a package.json that lacks it", async () => {
  const root = path.resolve("/p");
  const files = {
    [path.join(root, "package.json")]: '{ "name": "app" }',
    [path.join(root, "src/shop/models.ts")]: 'import { models } from "tsmigrate";\n',
    [path.join(root, "src/blog/models.ts")]: "export const x = 1;\n",
  };
  const models = [path.join(root, "src/blog/models.ts"), path.join(root, "src/shop/models.ts")];
  assert.deepEqual(await findOffer(models, root, io(files)), { modelsFile: path.join(root, "src/shop/models.ts"), packageJson: path.join(root, "package.json") });
  // Listed: no offer. No package.json: no offer. The nearest package.json wins (a workspace package).
  assert.equal(await findOffer(models, root, io({ ...files, [path.join(root, "package.json")]: '{ "devDependencies": { "tsmigrate": "^0.1.0" } }' })), undefined);
  assert.equal(await findOffer(models, root, io({ [models[1]!]: files[models[1]!]! })), undefined);
  const nested = { ...files, [path.join(root, "src/shop/package.json")]: '{ "dependencies": { "tsmigrate": "^0.1.0" } }' };
  assert.equal(await findOffer(models, root, io(nested)), undefined);
});

test("nearestPackageJson stops at the workspace root", async () => {
  const exists = async (f: string) => f === path.resolve("/package.json");
  assert.equal(await nearestPackageJson("/w/src/models.ts", "/w", exists), undefined);
  assert.equal(await nearestPackageJson("/w/src/models.ts", "/", exists), path.resolve("/package.json"));
});
