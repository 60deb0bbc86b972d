/**
 * The extension's settings (`tsmigrate.*` in package.json) and what the
 * language server is started with, with no `vscode` import.
 */
import { isAbsolute, join, resolve } from "node:path";
import type { InitializationOptions } from "../../server/src/protocol";

/** The drift diagnostics' severity setting. */
export type DriftSeverity = NonNullable<InitializationOptions["driftSeverity"]>;

/** The `tsmigrate.*` settings, defaults applied. */
export interface Settings {
  /** `tsmigrate.database`: the alias the view and commands use; undefined = the server's default ("default"). */
  database?: string;
  /** `tsmigrate.configPath`: a config file or folder, relative to the workspace folder. */
  configPath?: string;
  /** `tsmigrate.nodePath`: the Node that runs the server; undefined = the editor's own runtime. */
  nodePath?: string;
  /** `tsmigrate.drift.severity`. */
  driftSeverity: DriftSeverity;
}

/** Settings whose change needs a server restart (they are initialization options or the launch command). */
export const RESTART_SETTINGS = ["tsmigrate.configPath", "tsmigrate.nodePath", "tsmigrate.drift.severity"] as const;

const SEVERITIES: readonly DriftSeverity[] = ["error", "warning", "information", "hint"];

/** Reads the settings through `get(key)` (a `WorkspaceConfiguration.get` of section "tsmigrate"); blank strings count as unset. */
export function readSettings(get: (key: string) => unknown): Settings {
  const text = (key: string): string | undefined => {
    const value = get(key);
    return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
  };
  const severity = get("drift.severity");
  return {
    database: text("database"),
    configPath: text("configPath"),
    nodePath: text("nodePath"),
    driftSeverity: SEVERITIES.includes(severity as DriftSeverity) ? (severity as DriftSeverity) : "warning",
  };
}

/** The `initializationOptions` of the server for `settings` and the workspace's trust. */
export function initializationOptions(settings: Settings, trusted: boolean): InitializationOptions {
  const options: InitializationOptions = { trusted, driftSeverity: settings.driftSeverity, clientCommands: true, askQuestions: true };
  if (settings.database !== undefined) options.database = settings.database;
  if (settings.configPath !== undefined) options.configPath = settings.configPath;
  return options;
}

/** How to start the server: a Node module, run by `runtime` when set, else by the editor's own Node (fork with ELECTRON_RUN_AS_NODE). */
export interface ServerLaunch {
  /** Absolute path of dist/server.js. */
  module: string;
  /** Absolute path (or PATH name) of the Node binary; undefined = the editor's runtime. */
  runtime?: string;
  /** Arguments after the module; vscode-languageclient appends `--stdio` and `--clientProcessId=<pid>`. */
  args: string[];
}

/**
 * The server launch for the extension installed at `extensionPath`.
 * `nodePath` may start with `~/` (home) or be relative to `workspaceRoot`;
 * a bare name (`node`) is looked up on PATH by the OS.
 */
export function serverLaunch(extensionPath: string, settings: Settings, workspaceRoot?: string, home?: string): ServerLaunch {
  const launch: ServerLaunch = { module: join(extensionPath, "dist", "server.js"), args: [] };
  const nodePath = settings.nodePath;
  if (nodePath !== undefined) {
    if (nodePath.startsWith("~/") && home !== undefined) launch.runtime = join(home, nodePath.slice(2));
    else if (isAbsolute(nodePath) || !/[\\/]/.test(nodePath)) launch.runtime = nodePath;
    else launch.runtime = workspaceRoot !== undefined ? resolve(workspaceRoot, nodePath) : nodePath;
  }
  return launch;
}
