// Builds the bundles with esbuild: one per process (CLI + language server, VS Code client).
// The npm package's CLI keeps its dependencies external; better-sqlite3 is native and always external.
import { build } from "esbuild";
import { existsSync } from "node:fs";

const common = { bundle: true, platform: "node", target: "node22", format: "cjs", sourcemap: true, logLevel: "warning" };

const entries = [
  { entryPoints: ["server/src/cli/main.ts"], outfile: "dist/cli.js", packages: "external" },
  { entryPoints: ["server/src/index.ts"], outfile: "dist/index.js", packages: "external" },
  // The VS Code extension (.vsix, see scripts/package.mjs): self-contained bundles, so that the
  // .vsix ships no node_modules but better-sqlite3 (native, with its prebuilds); `vscode` is the host's.
  { entryPoints: ["client/src/extension.ts"], outfile: "dist/client.js", external: ["vscode"] },
  { entryPoints: ["server/src/lsp/main.ts"], outfile: "dist/server.js", external: ["better-sqlite3"] },
].filter((e) => existsSync(e.entryPoints[0]));

await Promise.all(entries.map((e) => build({ ...common, ...e })));
