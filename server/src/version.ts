/**
 * tsmigrate's own version, read from its package.json at run time: the one
 * above this file, whether it runs as source (server/src/version.ts), as the
 * npm package's bundle (dist/cli.js) or as the extension's (dist/server.js
 * beside the .vsix's manifest). `tsmigrate --version` prints it; the language
 * server reports it as `serverInfo.version`.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/**
 * The `version` of the nearest package.json named "tsmigrate" from `from`
 * (default: this file's folder) upwards, e.g. "0.1.0".
 * @throws Error (an internal error: the package is broken) when there is none.
 */
export function packageVersion(from: string = __dirname): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    const file = path.join(dir, "package.json");
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, "utf8")) as { name?: unknown; version?: unknown };
      if (pkg.name === "tsmigrate" && typeof pkg.version === "string") return pkg.version;
    }
    if (path.dirname(dir) === dir) throw new Error(`internal error: no package.json of tsmigrate above ${from}`);
  }
}
