#!/usr/bin/env node
// The tsmigrate CLI: the bundle built by `npm run build` (scripts/build.mjs).
// Written to run on any Node (no syntax newer than ES2015): it first checks that this Node can load the
// SQLite driver (dist/node-support.js, from server/src/engine/node-support.ts)
// and otherwise prints one line and exits 2 before any native module loads.
// `--node PATH` (anywhere on the command line) re-runs the CLI with that Node.
"use strict";

const BAD_INPUT = 2;
const args = process.argv.slice(2);
const at = args.findIndex((a) => a === "--node" || a.startsWith("--node="));
if (at >= 0) {
  const inline = args[at].startsWith("--node=");
  const node = inline ? args[at].slice("--node=".length) : args[at + 1];
  if (!node) {
    process.stderr.write("tsmigrate: --node needs the path of a Node.js executable\n");
    process.exit(BAD_INPUT);
  }
  args.splice(at, inline ? 1 : 2);
  // Loaded here only: child_process costs every other start-up a few ms.
  const { spawnSync } = require("child_process");
  const child = spawnSync(node, [__filename].concat(args), { stdio: "inherit" });
  if (child.error) {
    process.stderr.write(`tsmigrate: cannot run --node ${node}: ${child.error.message}\n`);
    process.exit(BAD_INPUT);
  }
  // A child killed by a signal: the shell's convention, 128 + the signal's number.
  const signals = require("os").constants.signals;
  process.exit(child.status !== null ? child.status : 128 + (signals[child.signal] || 0));
}

const support = require("../dist/node-support.js");
const problem = support.nodeProblem(support.CLI_REMEDY);
if (problem) {
  process.stderr.write(`${problem}\n`);
  process.exit(BAD_INPUT);
}
// V8's compile cache (Node >= 22.1) keeps the compiled TypeScript compiler
// between runs: start-up drops from ~0.4 s to ~0.1 s.
const nodeModule = require("module");
if (nodeModule.enableCompileCache) nodeModule.enableCompileCache();
require("../dist/cli.js");
