#!/usr/bin/env node
// The tsmigrate CLI: the bundle built by `npm run build` (scripts/build.mjs).
require("../dist/cli.js");
