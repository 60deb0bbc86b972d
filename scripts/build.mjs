// Builds the bundles with esbuild: the npm package's (CLI, runtime entry, Node check) and the
// VS Code extension's (client, language server).
// - The npm package installs its dependencies (package.json `dependencies`): its bundles keep
//   every package external, so it ships no bundled copy of an installed library.
// - The .vsix ships no node_modules but better-sqlite3 (native): its bundles carry their JS
//   dependencies; `vscode` is the host's.
// - dist/node-support.js is built for old Nodes: bin/tsmigrate.js runs it first, on any Node.
// Bundles are not minified, so a stack trace reads without maps. The maps (for debugging here)
// are written next to the bundles and ship in neither package; the npm package's bundles do not
// even name theirs (sourcemap "external"), so no shipped file points at a missing map.
import { build } from "esbuild";
import { existsSync } from "node:fs";

const common = { bundle: true, platform: "node", target: "node22", format: "cjs", sourcemap: true, logLevel: "warning" };

const entries = [
  { entryPoints: ["server/src/engine/node-support.ts"], outfile: "dist/node-support.js", target: "node12", sourcemap: false },
  { entryPoints: ["server/src/cli/main.ts"], outfile: "dist/cli.js", packages: "external", sourcemap: "external" },
  { entryPoints: ["server/src/index.ts"], outfile: "dist/index.js", packages: "external", sourcemap: "external" },
  { entryPoints: ["client/src/extension.ts"], outfile: "dist/client.js", external: ["vscode"] },
  { entryPoints: ["server/src/lsp/main.ts"], outfile: "dist/server.js", external: ["better-sqlite3"] },
].filter((e) => existsSync(e.entryPoints[0]));

await Promise.all(entries.map((e) => build({ ...common, ...e })));
