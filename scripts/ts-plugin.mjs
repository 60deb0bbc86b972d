// The TypeScript server plugin's package (client/src/ts_plugin.ts, built to dist/ts-plugin.js):
// tsserver loads global plugins by package name from the extension's node_modules, so the
// extension ships node_modules/tsmigrate-typescript-plugin/ holding package.json, index.js (the
// bundle) and tsmigrate.d.ts (a copy of types/index.d.ts: what an unresolved "tsmigrate" import
// resolves to). package.mjs stages it into the .vsix; build.mjs writes it into the repository's own
// node_modules too, so that the extension run from the repository (F5) finds it.
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The plugin's package name (package.json `contributes.typescriptServerPlugins`). */
export const TS_PLUGIN = "tsmigrate-typescript-plugin";

/** The plugin package's files, relative to the extension's root. */
export const TS_PLUGIN_FILES = ["package.json", "index.js", "tsmigrate.d.ts"].map((f) => `node_modules/${TS_PLUGIN}/${f}`);

/** Writes the plugin package under `extensionRoot`/node_modules from the built bundle in `root`/dist. */
export function writeTsPlugin(root, extensionRoot, version) {
  const dir = join(extensionRoot, "node_modules", TS_PLUGIN);
  mkdirSync(dir, { recursive: true });
  const manifest = { name: TS_PLUGIN, version, private: true, description: "tsmigrate's TypeScript server plugin: the model language's types without the tsmigrate package", main: "index.js", license: "MIT" };
  writeFileSync(join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  copyFileSync(join(root, "dist", "ts-plugin.js"), join(dir, "index.js"));
  copyFileSync(join(root, "types", "index.d.ts"), join(dir, "tsmigrate.d.ts"));
  return dir;
}
