/**
 * The language server: LSP wiring over the engine. Handlers stay thin (as in
 * microsoft/vscode-eslint's server and prisma/language-tools' MessageHandler):
 * documents and watched files feed the {@link Workspace} cache, a debounced
 * analysis publishes diagnostics, and hovers, code actions and the custom
 * `tsmigrate/*` requests read the latest analysis.
 *
 * Every handler is wrapped ({@link guardRequest}/{@link guardNotification}):
 * an exception is logged and answered with an LSP error; the server stays up.
 */
import * as path from "node:path";
import {
  type CodeAction, CodeActionKind, type CodeLensParams, CodeLensRefreshRequest, DidChangeWatchedFilesNotification, FileChangeType, MessageType, ShowMessageNotification,
  TextDocumentSyncKind,
  type CodeActionParams, type Connection, type Diagnostic, type DidChangeTextDocumentParams,
  type DidChangeWatchedFilesParams, type DidCloseTextDocumentParams, type DidOpenTextDocumentParams,
  type DidSaveTextDocumentParams, type HoverParams, type InitializeParams, type InitializeResult,
} from "vscode-languageserver";
import { type InitializationOptions, NotificationTypes, type SetTrustParams } from "../protocol";
import { EDITOR_REMEDY, nodeProblem } from "../engine/node-support";
import { packageVersion } from "../version";
import { codeActions, resolveCodeAction } from "./codeActions";
import { Debouncer } from "./debounce";
import { DocumentStore, pathToUri, uriToPath } from "./documents";
import { guardNotification, guardRequest, checkCancelled, describeError } from "./guard";
import { hover } from "./hover";
import { codeLenses } from "./lenses";
import { listenForProgressCancel, registerCustomRequests } from "./requests";
import { warmUpFormatter } from "./sql";
import { errorCount, statusParams } from "./status";
import { FallbackWatcher } from "./watch";
import { Workspace } from "./workspace";

/** Initialization options the server accepts: the protocol's, plus tuning knobs for tests and the bench. */
export interface ServerOptions extends Partial<InitializationOptions> {
  /** Quiet time in ms before re-analysing inside a burst of changes (default 40; a lone change runs at once). */
  debounceMs?: number;
  /** Pause in ms between migrations of a `tsmigrate/migrate` run (tests: makes cancellation observable). */
  migrateStepDelayMs?: number;
}

const TRACE = process.env.TSMIGRATE_LSP_TRACE === "1";

/** The file-watcher globs the server asks the client for. */
const WATCH_GLOBS = ["**/models.ts", "**/migrations/*.ts", "**/tsmigrate.config.json"];

/** One tsmigrate language server bound to one connection. */
export class TsMigrateServer {
  readonly documents = new DocumentStore();
  workspace: Workspace | undefined;
  options: ServerOptions = {};
  trusted = false;
  private readonly analysis: Debouncer;
  /** What was last published per file (JSON of the diagnostics), to publish only changes. */
  private readonly published = new Map<string, string>();
  private lastStatus = "";
  private shuttingDown = false;
  private warmedUp = false;

  constructor(readonly connection: Connection) {
    this.analysis = new Debouncer(() => this.runAnalysis(), 40, 250, (e) => this.log(`analysis failed: ${describeError(e)}`));
    this.register();
  }

  /** Logs to the client's output channel (stderr when the connection is gone). */
  log(message: string): void {
    try {
      this.connection.console.error(message);
    } catch {
      process.stderr.write(`${message}\n`);
    }
  }

  /** Logs an informational message (trust changes, traces). */
  info(message: string): void {
    try {
      this.connection.console.info(message);
    } catch {
      process.stderr.write(`${message}\n`);
    }
  }

  /** Starts listening on the connection. */
  listen(): void {
    this.connection.listen();
  }

  private register(): void {
    const c = this.connection;
    const log = (m: string): void => this.log(m);
    c.onInitialize(guardRequest("initialize", log, (p: InitializeParams) => this.initialize(p)));
    c.onInitialized(guardNotification("initialized", log, () => this.initialized()));
    c.onDidOpenTextDocument(guardNotification("didOpen", log, (p: DidOpenTextDocumentParams) => {
      const file = this.documents.open(p.textDocument.uri, p.textDocument.languageId, p.textDocument.version, p.textDocument.text);
      if (file) this.touched(file);
    }));
    c.onDidChangeTextDocument(guardNotification("didChange", log, (p: DidChangeTextDocumentParams) => {
      const file = this.documents.change(p.textDocument.uri, p.textDocument.version, p.contentChanges);
      if (file) this.touched(file);
    }));
    c.onDidCloseTextDocument(guardNotification("didClose", log, (p: DidCloseTextDocumentParams) => {
      const file = this.documents.close(p.textDocument.uri);
      if (file) this.touched(file);
    }));
    c.onDidSaveTextDocument(guardNotification("didSave", log, (p: DidSaveTextDocumentParams) => {
      const file = uriToPath(p.textDocument.uri);
      if (file) {
        this.documents.invalidate(file);
        if (this.workspace?.kindOf(file) === "models") this.workspace.requestFullResolve();
        this.touched(file);
      }
    }));
    c.onDidChangeWatchedFiles(guardNotification("didChangeWatchedFiles", log, (p: DidChangeWatchedFilesParams) => {
      for (const change of p.changes) {
        const file = uriToPath(change.uri);
        if (file) this.fileChangedOnDisk(file, change.type === FileChangeType.Changed ? "changed" : "created-or-deleted");
      }
    }));
    c.onHover(guardRequest("hover", log, (p: HoverParams, token) => {
      const ws = this.requireWorkspace();
      checkCancelled(token);
      return hover(ws, p, token);
    }));
    c.onCodeAction(guardRequest("codeAction", log, (p: CodeActionParams, token) => {
      const ws = this.requireWorkspace();
      checkCancelled(token);
      return codeActions(ws, p, token, {
        lazyEdits: this.lazyEdits, commands: this.options.clientCommands === true, asks: this.options.askQuestions === true,
      });
    }));
    c.onCodeLens(guardRequest("codeLens", log, (p: CodeLensParams) =>
      codeLenses(this.requireWorkspace(), p.textDocument.uri, this.options.clientCommands === true, this.trusted)));
    c.onCodeActionResolve(guardRequest("codeAction/resolve", log, (action: CodeAction) => resolveCodeAction(this.requireWorkspace(), action)));
    c.onNotification(NotificationTypes["tsmigrate/setTrust"], guardNotification("setTrust", log, (p: SetTrustParams) => {
      this.trusted = p.trusted === true;
      if (this.workspace) this.workspace.trusted = this.trusted;
      this.info(`workspace trust: ${this.trusted ? "trusted" : "untrusted"}`);
      this.analysis.schedule();
    }));
    registerCustomRequests(this, log);
    c.onShutdown(() => {
      this.shuttingDown = true;
      this.analysis.dispose();
      void this.watcher?.close();
      void this.workspace?.dispose();
    });
  }

  /** The workspace, or an error when `initialize` has not set one up. */
  requireWorkspace(): Workspace {
    if (!this.workspace) throw new Error("no workspace folder: the server was initialized without a root");
    return this.workspace;
  }

  private initialize(p: InitializeParams): InitializeResult {
    this.options = (p.initializationOptions ?? {}) as ServerOptions;
    this.trusted = this.options.trusted === true;
    const rootUri = p.workspaceFolders?.[0]?.uri ?? p.rootUri ?? undefined;
    const root = (rootUri ? uriToPath(rootUri) : undefined) ?? (p.rootPath ? path.resolve(p.rootPath) : undefined);
    if (root) {
      this.workspace = new Workspace(root, this.documents, {
        configPath: this.options.configPath,
        database: this.options.database,
        driftSeverity: this.options.driftSeverity,
        trusted: this.trusted,
        log: (m) => this.log(m),
      });
    }
    if (typeof this.options.debounceMs === "number") {
      this.analysis.quietMs = this.options.debounceMs;
    }
    this.watchDynamic = p.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    this.lazyEdits = p.capabilities.textDocument?.codeAction?.resolveSupport?.properties.includes("edit") === true;
    this.lensRefresh = p.capabilities.workspace?.codeLens?.refreshSupport === true;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        hoverProvider: true,
        codeLensProvider: { resolveProvider: false },
        codeActionProvider: {
          codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.Source, `${CodeActionKind.Source}.tsmigrate`],
          resolveProvider: true,
        },
      },
      serverInfo: { name: "tsmigrate", version: packageVersion() },
    };
  }

  /**
   * On a Node that cannot load the SQLite driver, says so once (window/showMessage, an error
   * notification in the editor): models and hovers still work; every database request
   * fails with the same sentence (the SQLite backend refuses before loading the addon), which
   * the Migrations view shows as its error.
   */
  private reportNodeProblem(): void {
    const problem = nodeProblem(EDITOR_REMEDY);
    if (problem === undefined) return;
    this.log(problem);
    void this.connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Error, message: problem });
  }

  private watchDynamic = false;
  /** The client re-asks for CodeLenses on `workspace/codeLens/refresh` (after a status change: applied states moved). */
  private lensRefresh = false;
  /** The client resolves code actions' edits lazily (`codeAction/resolve`). */
  private lazyEdits = false;

  private async initialized(): Promise<void> {
    listenForProgressCancel(this, (m) => this.log(m));
    this.reportNodeProblem();
    if (this.watchDynamic) {
      await this.connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: WATCH_GLOBS.map((globPattern) => ({ globPattern })),
      });
    } else {
      // Not awaited: the first analysis does not wait for the watcher's initial scan.
      this.watchFallback().catch((e: unknown) => this.log(`file watching: ${describeError(e)}`));
    }
    this.analysis.schedule();
  }

  /** A project file changed on disk (a client's watcher or ours). */
  private fileChangedOnDisk(file: string, how: "changed" | "created-or-deleted"): void {
    this.documents.invalidate(file);
    this.touched(file, how);
    if (how === "created-or-deleted" || path.basename(file) === "tsmigrate.config.json") this.watcher?.update(this.appDirs());
  }

  /** The folders of the project's apps (for our own watcher). */
  private appDirs(): string[] {
    return this.workspace?.config.apps.map((a) => path.dirname(a.modelsFile)) ?? [];
  }

  /**
   * Watches the project's files ourselves when the client cannot register
   * watchers (see watch.ts). Resolves once the watcher is ready.
   */
  private async watchFallback(): Promise<void> {
    const ws = this.workspace;
    if (!ws || this.watchDynamic) return;
    this.watcher = new FallbackWatcher(ws.root, this.appDirs(), (file, how) => this.fileChangedOnDisk(file, how === "changed" ? "changed" : "created-or-deleted"));
    await this.watcher.ready();
    this.info(`watching ${ws.root} for model and migration changes (the client does not register file watchers)`);
  }

  private watcher: FallbackWatcher | undefined;

  /** A file's text changed (buffer or disk): update the caches and schedule an analysis. */
  private touched(file: string, how: "changed" | "created-or-deleted" = "changed"): void {
    const ws = this.workspace;
    if (!ws) return;
    if (ws.fileChanged(file, how)) {
      this.changedAt ??= performance.now();
      this.analysis.schedule();
    }
  }

  /** When the oldest change not yet analysed arrived (for TSMIGRATE_LSP_TRACE). */
  private changedAt: number | undefined;

  /** Re-runs the analysis now (after a migrate or makeMigrations) and waits for it. */
  async refresh(): Promise<void> {
    this.analysis.schedule();
    await this.analysis.flush();
  }

  private async runAnalysis(): Promise<void> {
    const ws = this.workspace;
    if (!ws || this.shuttingDown) return;
    // One synchronous step: no change can arrive while it runs; changes arriving after it schedule the next run.
    const started = performance.now();
    const result = ws.analyze();
    this.publish(result.diagnostics);
    if (TRACE && this.changedAt !== undefined) {
      this.info(`published ${(performance.now() - this.changedAt).toFixed(1)} ms after the change (waited ${(started - this.changedAt).toFixed(1)} ms)`);
    }
    this.changedAt = undefined;
    if (!this.warmedUp) {
      this.warmedUp = true;
      setImmediate(() => {
        try {
          warmUpFormatter(ws.sqlTarget);
        } catch (e) {
          this.log(`warm-up: ${describeError(e)}`);
        }
      });
    }
    // Not awaited: reading the database may wait behind a running migrate; diagnostics must not.
    void this.publishStatus(result.driftCount, errorCount(result.diagnostics));
  }

  private statusSeq = 0;

  private publish(diagnostics: ReadonlyMap<string, Diagnostic[]>): void {
    const seen = new Set<string>();
    const all = new Map(diagnostics);
    // Open project files get a (possibly empty) list too, so that clients know they were analysed.
    for (const file of this.documents.openFiles()) if (!all.has(file) && this.workspace?.kindOf(file)) all.set(file, []);
    for (const [file, diags] of all) {
      seen.add(file);
      const json = JSON.stringify(diags);
      if (this.published.get(file) === json) continue;
      this.published.set(file, json);
      const doc = this.documents.document(file);
      void this.connection.sendDiagnostics({ uri: pathToUri(file), version: doc?.version, diagnostics: diags });
    }
    for (const file of [...this.published.keys()]) {
      if (seen.has(file)) continue;
      if (this.published.get(file) === "[]") {
        this.published.delete(file);
        continue;
      }
      this.published.delete(file);
      void this.connection.sendDiagnostics({ uri: pathToUri(file), diagnostics: [] });
    }
  }

  /** Sends `tsmigrate/didChangeStatus` when the counts changed (only the latest of overlapping calls sends). */
  private async publishStatus(driftCount: number, errors: number): Promise<void> {
    const seq = ++this.statusSeq;
    const status = await statusParams(this.workspace, this.trusted, driftCount, errors);
    if (seq !== this.statusSeq) return;
    const json = JSON.stringify(status);
    if (json === this.lastStatus) return;
    this.lastStatus = json;
    void this.connection.sendNotification(NotificationTypes["tsmigrate/didChangeStatus"], status);
    if (this.lensRefresh) void this.connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
  }
}
