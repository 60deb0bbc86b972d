#!/usr/bin/env node
// The tsmigrate CLI: the bundle built by `npm run build` (scripts/build.mjs).
// V8's compile cache (Node >= 22.1) keeps the compiled TypeScript compiler
// between runs: start-up drops from ~0.4 s to ~0.1 s.
require("node:module").enableCompileCache?.();
require("../dist/cli.js");
