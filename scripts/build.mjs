// Builds the bundles with esbuild: one per process (CLI + language server, VS Code client).
// The npm package's CLI keeps its dependencies external; better-sqlite3 is native and always external.
import { build } from "esbuild";
import { existsSync } from "node:fs";

const common = { bundle: true, platform: "node", target: "node22", format: "cjs", sourcemap: true, logLevel: "warning" };

const entries = [
  { entryPoints: ["server/src/cli/main.ts"], outfile: "dist/cli.js", packages: "external" },
  { entryPoints: ["server/src/index.ts"], outfile: "dist/index.js", packages: "external" },
].filter((e) => existsSync(e.entryPoints[0]));

await Promise.all(entries.map((e) => build({ ...common, ...e })));
