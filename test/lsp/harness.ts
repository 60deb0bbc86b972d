/**
 * A minimal LSP client for tests and the bench: spawns the language server
 * as its own process (`--stdio`), speaks JSON-RPC to it with vscode-jsonrpc,
 * records published diagnostics and answers the few server-to-client
 * requests the server makes (registerCapability, workDoneProgress/create,
 * workspace/configuration).
 *
 * By default the server runs from source through tsx; set `TSMIGRATE_LSP=dist`
 * to run the built `dist/server.js`, `TSMIGRATE_LSP_ENTRY` (or `entry`) to run
 * another build.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import {
  createMessageConnection, type MessageConnection, type RequestParam, type RequestType, StreamMessageReader, StreamMessageWriter,
} from "vscode-jsonrpc/node";
import type { InitializationOptions } from "../../server/src/protocol";

/** The repository root. */
export const REPO = path.resolve(__dirname, "..", "..");

/** An LSP diagnostic as published (the fields tests look at). */
export interface Diag {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  message: string;
  code?: string | number;
  source?: string;
  severity?: number;
  data?: unknown;
}

/** Options of {@link startServer}. */
export interface StartOptions {
  /** Workspace root folder (absolute). */
  root: string;
  initializationOptions?: Partial<InitializationOptions> & Record<string, unknown>;
  /** Script to run instead of the source entry (e.g. `dist/server.js`). */
  entry?: string;
  /** Client capabilities to merge into the defaults. */
  capabilities?: Record<string, unknown>;
  /** Send `initialize`/`initialized` (default true). */
  initialize?: boolean;
  /** Extra environment variables for the server process. */
  env?: Record<string, string>;
  /** The Node that runs the server (default: the one running the tests). */
  node?: string;
  /** Node options for the server process (`--expose-gc`, `--cpu-prof`). */
  execArgv?: string[];
}

/** A running server and the client side of its connection. */
export class LspClient {
  readonly diagnostics = new Map<string, Diag[]>();
  /** Every publishDiagnostics in arrival order. */
  readonly publishLog: { uri: string; diagnostics: Diag[]; at: number }[] = [];
  readonly registrations: { method: string; registerOptions?: unknown }[] = [];
  readonly progress: { token: unknown; value: unknown }[] = [];
  readonly notifications: { method: string; params: unknown }[] = [];
  readonly stderr: string[] = [];
  private listeners: (() => void)[] = [];
  exited: { code: number | null; signal: string | null } | undefined;
  private versions = new Map<string, number>();

  constructor(readonly proc: ChildProcess, readonly conn: MessageConnection, readonly root: string) {
    conn.onNotification("textDocument/publishDiagnostics", (p: { uri: string; diagnostics: Diag[] }) => {
      this.diagnostics.set(p.uri, p.diagnostics);
      this.publishLog.push({ uri: p.uri, diagnostics: p.diagnostics, at: performance.now() });
      this.notify();
    });
    conn.onNotification((method: string, params: unknown) => {
      this.notifications.push({ method, params });
      this.notify();
    });
    conn.onRequest("client/registerCapability", (p: { registrations: { method: string; registerOptions?: unknown }[] }) => {
      this.registrations.push(...p.registrations);
      return null;
    });
    conn.onRequest("window/workDoneProgress/create", () => null);
    conn.onRequest("workspace/configuration", (p: { items: unknown[] }) => p.items.map(() => null));
    conn.onRequest("workspace/applyEdit", () => ({ applied: false }));
    conn.onNotification("$/progress", (p: { token: unknown; value: unknown }) => {
      this.progress.push(p);
      this.notify();
    });
    proc.stderr?.on("data", (d: Buffer) => this.stderr.push(d.toString()));
    proc.on("exit", (code, signal) => {
      this.exited = { code, signal };
      this.notify();
    });
    conn.listen();
  }

  /** The URI of a path relative to the workspace root (or absolute). */
  uri(file: string): string {
    return pathToFileURL(path.resolve(this.root, file)).href;
  }

  /** Sends a request and returns its result. */
  request<R = unknown>(method: string, params: unknown): Promise<R> {
    return this.conn.sendRequest(method, params) as Promise<R>;
  }

  /** Sends a request through its typed RequestType (protocol.ts), as the VS Code client does. */
  send<P, R>(type: RequestType<P, R, void>, params: P): Promise<R> {
    return this.conn.sendRequest(type, params as RequestParam<P>);
  }

  /** Sends a notification. */
  notify_(method: string, params: unknown): Promise<void> {
    return this.conn.sendNotification(method, params);
  }

  /** `textDocument/didOpen` with the file's disk text unless `text` is given. Returns the URI. */
  async open(file: string, text?: string): Promise<string> {
    const uri = this.uri(file);
    const content = text ?? readFileSync(path.resolve(this.root, file), "utf8");
    this.versions.set(uri, 1);
    await this.notify_("textDocument/didOpen", { textDocument: { uri, languageId: "typescript", version: 1, text: content } });
    return uri;
  }

  /** `textDocument/didChange` replacing the whole text. */
  async change(file: string, text: string): Promise<number> {
    const uri = this.uri(file);
    const v = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, v);
    await this.notify_("textDocument/didChange", { textDocument: { uri, version: v }, contentChanges: [{ text }] });
    return v;
  }

  /** `textDocument/didChange` with one incremental edit. */
  async edit(file: string, range: Diag["range"], text: string): Promise<number> {
    const uri = this.uri(file);
    const v = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, v);
    await this.notify_("textDocument/didChange", { textDocument: { uri, version: v }, contentChanges: [{ range, text }] });
    return v;
  }

  /** `textDocument/didSave`. */
  save(file: string): Promise<void> {
    return this.notify_("textDocument/didSave", { textDocument: { uri: this.uri(file) } });
  }

  /** `textDocument/didClose`. */
  close(file: string): Promise<void> {
    return this.notify_("textDocument/didClose", { textDocument: { uri: this.uri(file) } });
  }

  /** `workspace/didChangeWatchedFiles` (type 1 created, 2 changed, 3 deleted). */
  watched(changes: { file: string; type: 1 | 2 | 3 }[]): Promise<void> {
    return this.notify_("workspace/didChangeWatchedFiles", {
      changes: changes.map((c) => ({ uri: this.uri(c.file), type: c.type })),
    });
  }

  /** `textDocument/hover` at a 0-based line and character; returns the markdown text or undefined. */
  async hover(file: string, line: number, character: number): Promise<string | undefined> {
    const r = await this.request<{ contents: { value: string } | string } | null>("textDocument/hover", {
      textDocument: { uri: this.uri(file) }, position: { line, character },
    });
    if (!r) return undefined;
    return typeof r.contents === "string" ? r.contents : r.contents.value;
  }

  /** Waits until `pred()` holds, re-checking on every message from the server. */
  waitFor<T>(pred: () => T | undefined | false, what: string, timeoutMs = 20000): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        let v: T | undefined | false;
        try {
          v = pred();
        } catch (e) {
          finish();
          reject(e);
          return true;
        }
        if (v !== undefined && v !== false) {
          finish();
          resolve(v);
          return true;
        }
        if (this.exited) {
          finish();
          reject(new Error(`server exited (${JSON.stringify(this.exited)}) while waiting for ${what}\n${this.stderr.join("")}`));
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`timed out waiting for ${what}; last diagnostics: ${JSON.stringify([...this.diagnostics])}\n${this.stderr.join("").slice(-4000)}`));
      }, timeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== listener);
      };
      const listener = (): void => void check();
      if (!check()) this.listeners.push(listener);
    });
  }

  /** Waits for diagnostics of `file` satisfying `pred` (checked on each publish). */
  waitForDiagnostics(file: string, pred: (d: Diag[]) => boolean, what = "diagnostics", timeoutMs?: number): Promise<Diag[]> {
    const uri = this.uri(file);
    return this.waitFor(() => {
      const d = this.diagnostics.get(uri);
      return d && pred(d) ? d : undefined;
    }, `${what} on ${file}`, timeoutMs);
  }

  private notify(): void {
    for (const l of [...this.listeners]) l();
  }

  /** `shutdown` + `exit`, then waits for the process to end (kills it after 5 s). */
  async stop(): Promise<void> {
    if (!this.exited) {
      try {
        await Promise.race([this.request("shutdown", null), new Promise((r) => setTimeout(r, 3000))]);
        await this.notify_("exit", null);
      } catch {
        // already gone
      }
      await new Promise<void>((resolve) => {
        if (this.exited) return resolve();
        const t = setTimeout(() => {
          this.proc.kill("SIGKILL");
          resolve();
        }, 5000);
        this.proc.once("exit", () => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    this.conn.dispose();
  }
}

/** Spawns the server on `root`, sends initialize/initialized, and returns the client. */
export async function startServer(opts: StartOptions): Promise<{ client: LspClient; init: unknown }> {
  const entry = opts.entry ?? process.env.TSMIGRATE_LSP_ENTRY ??
    (process.env.TSMIGRATE_LSP === "dist" ? path.join(REPO, "dist/server.js") : undefined);
  const args = [...opts.execArgv ?? [], ...(entry
    ? [entry, "--stdio"]
    : ["--import", "tsx", path.join(REPO, "server/src/lsp/main.ts"), "--stdio"])];
  const proc = spawn(opts.node ?? process.execPath, args, { cwd: REPO, stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, ...opts.env } });
  const conn = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  const client = new LspClient(proc, conn, opts.root);
  if (opts.initialize === false) return { client, init: undefined };
  const init = await client.request("initialize", {
    processId: process.pid,
    rootUri: pathToFileURL(opts.root).href,
    workspaceFolders: [{ uri: pathToFileURL(opts.root).href, name: path.basename(opts.root) }],
    capabilities: {
      workspace: {
        didChangeWatchedFiles: { dynamicRegistration: true },
        workspaceEdit: { documentChanges: true, resourceOperations: ["create", "rename", "delete"] },
        workspaceFolders: true,
      },
      textDocument: {
        publishDiagnostics: { versionSupport: true },
        hover: { contentFormat: ["markdown", "plaintext"] },
        codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ["quickfix", "source", "refactor"] } } },
      },
      window: { workDoneProgress: true },
      ...opts.capabilities,
    },
    initializationOptions: { trusted: true, ...opts.initializationOptions },
  });
  await client.notify_("initialized", {});
  return { client, init };
}

/** Copies `test-fixtures/<name>` to a fresh temporary folder and returns its path. */
export function copyFixture(name: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `tsmigrate-lsp-${name}-`));
  cpSync(path.join(REPO, "test-fixtures", name), dir, { recursive: true });
  return dir;
}

/** Removes a temporary folder made by {@link copyFixture}. */
export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A seeded PRNG (mulberry32): same seed, same sequence. Returns floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The 0-based line/character of the first occurrence of `needle` in `text` (throws if absent). */
export function positionOf(text: string, needle: string, offsetInNeedle = 0): { line: number; character: number } {
  const i = text.indexOf(needle);
  if (i < 0) throw new Error(`${JSON.stringify(needle)} not found`);
  const before = text.slice(0, i + offsetInNeedle);
  const lines = before.split("\n");
  return { line: lines.length - 1, character: lines[lines.length - 1]!.length };
}
