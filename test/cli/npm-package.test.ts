// The npm package's contents (`npm pack --dry-run`): exactly the files of
// scripts/npm-files.json (no source maps, no VS Code client, no grammars),
// and its dependencies installed, not bundled: no shipped bundle carries a
// copy of a package, and every package a bundle requires is a dependency.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { builtinModules } from "node:module";
import * as path from "node:path";
import { before, test } from "node:test";
import { MIN_NODE_VERSION } from "../../server/src/engine/node-support";
import { ensureBuilt, REPO } from "./helpers";

before(ensureBuilt);

interface PackedFile {
  path: string;
  size: number;
}

function packedFiles(): PackedFile[] {
  const r = spawnSync("npm", ["pack", "--dry-run", "--json"], { cwd: REPO, encoding: "utf8", env: { ...process.env, npm_config_update_notifier: "false" } });
  assert.equal(r.status, 0, `npm pack --dry-run failed: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { files: PackedFile[] }[])[0]!.files;
}

const allowlist = (JSON.parse(fs.readFileSync(path.join(REPO, "scripts", "npm-files.json"), "utf8")) as { files: string[] }).files;
const pkg = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  engines: { node: string };
  bin: Record<string, string>;
  main: string;
  types: string;
};

test("npm pack ships exactly the allowlisted files", () => {
  assert.deepEqual(packedFiles().map((f) => f.path).sort(), [...allowlist].sort());
  // What the manifest points at is shipped.
  for (const file of [...Object.values(pkg.bin), pkg.main, pkg.types]) assert.ok(allowlist.includes(path.posix.normalize(file)), file);
});

/** What the CLI bundles (scripts/build.mjs): ES-module-only packages, devDependencies. */
const BUNDLED_IN_CLI = ["commander", "@commander-js/extra-typings"];

test("the shipped bundles require their dependencies instead of bundling them", () => {
  for (const name of BUNDLED_IN_CLI) assert.ok(!(name in pkg.dependencies) && name in pkg.devDependencies, `${name} is a devDependency`);
  const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
  const required = new Set<string>();
  for (const file of allowlist.filter((f) => f.endsWith(".js"))) {
    const text = fs.readFileSync(path.join(REPO, file), "utf8");
    // The CLI bundles its ES-module-only argument parser (a devDependency: scripts/build.mjs's BUNDLED_IN_CLI), nothing else.
    const bundled = [...text.matchAll(/^\/\/ node_modules\/((?:@[^/]+\/)?[^/]+)\//gm)].map((m) => m[1]!);
    assert.deepEqual([...new Set(bundled)].filter((name) => !(file === "dist/cli.js" && BUNDLED_IN_CLI.includes(name))), [], `${file} bundles a package`);
    assert.doesNotMatch(text, /sourceMappingURL/, `${file} points at a source map that is not shipped`);
    for (const m of text.matchAll(/\brequire\("([^"]+)"\)/g)) {
      const spec = m[1]!;
      if (spec.startsWith(".") || builtins.has(spec)) continue;
      required.add(spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]!);
    }
  }
  const missing = [...required].filter((name) => !(name in pkg.dependencies));
  assert.deepEqual(missing, [], "required by a shipped bundle but not a dependency");
  assert.ok(required.has("better-sqlite3") && required.has("ts-morph"), `suspiciously few requires: ${[...required].join(", ")}`);
});

test("engines.node says what the Node check enforces", () => {
  assert.equal(pkg.engines.node, `>=${MIN_NODE_VERSION}`);
});
