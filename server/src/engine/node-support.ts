/**
 * Which Node.js can run tsmigrate. better-sqlite3 13 (the SQLite driver) is
 * built for Node-API 10 (its binding.gyp sets NAPI_VERSION=10): on an older
 * Node it loads, then crashes the process with a segmentation fault the
 * moment a database opens. Node-API 10 arrived in Node 22.14 (and 23.6);
 * Node 20 stops at 9. So tsmigrate checks before any native module loads:
 * `bin/tsmigrate.js` (through its own small bundle, dist/node-support.js,
 * built for old Nodes) before the CLI, and the SQLite backend before opening
 * a database (the language server, whichever Node the editor gives it).
 *
 * No imports, and bundled for Node 12 (scripts/build.mjs): this file must run
 * on the old Nodes it turns away.
 */

/** The oldest Node.js tsmigrate supports (package.json `engines.node` says the same). */
export const MIN_NODE_VERSION = "22.14";

/** The Node-API version better-sqlite3 13's addon is built for. */
export const REQUIRED_NODE_API = 10;

/** What to do about it, for a command line user (bin/tsmigrate.js re-runs itself with `--node PATH`). */
export const CLI_REMEDY = `Install Node ${MIN_NODE_VERSION} or newer, or run with --node PATH`;

/** What to do about it, in VS Code (client/README.md documents the setting). */
export const EDITOR_REMEDY = `Set tsmigrate.nodePath to a Node ${MIN_NODE_VERSION} or newer`;

/** The versions a check reads: `process.versions` (node "20.20.2", napi "9"). */
export interface NodeVersions {
  readonly node: string;
  readonly napi?: string;
}

/**
 * The one-line reason this Node cannot run tsmigrate, ending with `remedy`,
 * or undefined when it can (Node 22 or newer with Node-API 10 or newer).
 * Example: "tsmigrate needs Node.js 22.14 or newer (this is 20.20.2):
 * better-sqlite3 13 loads only on Node-API 10. Install Node 22.14 or newer,
 * or run with --node PATH".
 */
export function nodeProblem(remedy: string = `Install Node ${MIN_NODE_VERSION} or newer`, versions: NodeVersions = process.versions): string | undefined {
  const major = Number(versions.node.split(".")[0]);
  const napi = Number(versions.napi ?? 0);
  if (major >= 22 && napi >= REQUIRED_NODE_API) return undefined;
  return `tsmigrate needs Node.js ${MIN_NODE_VERSION} or newer (this is ${versions.node}): ` +
    `better-sqlite3 13 loads only on Node-API ${REQUIRED_NODE_API}. ${remedy}`;
}
