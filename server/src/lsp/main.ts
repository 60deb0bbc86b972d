/**
 * The language server's entry: `node dist/server.js --stdio` (and
 * `tsmigrate lsp --stdio`, which calls {@link startServer}). Speaks LSP over
 * stdin/stdout (or Node IPC / a socket when the client passes `--node-ipc` /
 * `--socket=N`, as vscode-languageserver's `createConnection` detects).
 */
import { createConnection, ProposedFeatures } from "vscode-languageserver/node";
import { setFlagsFromString } from "node:v8";
import { PerformanceObserver } from "node:perf_hooks";
import { StreamMessageReader, StreamMessageWriter } from "vscode-jsonrpc/node";
import { TsMigrateServer } from "./server";
import { describeError } from "./guard";

/** Options of {@link startServer}. */
export interface StartServerOptions {
  /** Streams to speak over instead of the transport given on the command line (tests, embedding). */
  readonly input?: NodeJS.ReadableStream;
  readonly output?: NodeJS.WritableStream;
}

/**
 * How much V8 lets the old generation grow past what survived the last full
 * collection before it collects again, percent (V8's default is a factor of
 * 1.1 to 4 chosen by the heap's throughput). The server reads a parse of the
 * edited file per keystroke: most of that is garbage a little later, and the
 * default growth kept up to twice the live heap resident for good (RSS 250 →
 * 700 MB over 100 edits of a 1,000-model file with a flat live heap of
 * 145 MB). 50% held it near 360 MB there (25%: 330 MB, but a full
 * collection more often, which the bench's p95 showed; 100%: 410 MB).
 * Since keystrokes allocate less (quick reads, buffers in chunks), 30%:
 * on one app of 3,000 models it kept RSS near 335 MB where 50% reached
 * 400 MB, with the edits' p95 well inside its goal.
 */
export const HEAP_GROWING_PERCENT = 30;

/** Applies {@link HEAP_GROWING_PERCENT} to this process (V8 reads it at each full collection). */
export function boundHeapGrowth(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

/** Logs each garbage collection's kind and main-thread pause (`TSMIGRATE_LSP_TRACE=1`). */
function traceGc(log: (message: string) => void): void {
  const kinds: Record<number, string> = { 1: "minor", 2: "major", 4: "incremental", 8: "weak callbacks" };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = ((e as { detail?: { kind?: number } }).detail)?.kind ?? 0;
      log(`gc: ${kinds[kind] ?? kind} ${e.duration.toFixed(1)} ms`);
    }
  }).observe({ entryTypes: ["gc"] });
}

/**
 * Starts the language server and returns it; it runs until the client sends
 * `exit` (or the client process dies). Unexpected exceptions and rejected
 * promises anywhere in the process are logged and never bring it down.
 */
export function startServer(options: StartServerOptions = {}): TsMigrateServer {
  const connection = options.input && options.output
    ? createConnection(ProposedFeatures.all, new StreamMessageReader(options.input), new StreamMessageWriter(options.output))
    : createConnection(ProposedFeatures.all);
  const server = new TsMigrateServer(connection);
  boundHeapGrowth();
  if (process.env.TSMIGRATE_LSP_TRACE === "1") traceGc((m) => server.log(m));
  process.on("uncaughtException", (e) => server.log(`uncaught exception: ${describeError(e)}`));
  process.on("unhandledRejection", (e) => server.log(`unhandled rejection: ${describeError(e)}`));
  // Output goes to the client over stdout: stray console.log calls must not corrupt the stream.
  console.log = (...args: unknown[]) => server.log(args.map(String).join(" "));
  console.info = console.log;
  server.listen();
  return server;
}

/**
 * True when this file is the process's entry: a `server.js` bundle or
 * `server/src/lsp/main.ts` (through tsx). Checked by name as well, because
 * bundles that include this module (the CLI) share one `module` object.
 */
function isEntry(): boolean {
  const script = (process.argv[1] ?? "").replace(/\\/g, "/");
  return require.main === module && /(?:^|\/)(?:server\.[cm]?js|lsp\/main\.[cm]?[jt]s)$/.test(script);
}

if (isEntry()) startServer();
