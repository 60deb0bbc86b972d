/**
 * The extension's lifetimes, after rust-analyzer's editors/code `ctx.ts`:
 * what lives as long as the extension (log channel, tree view, status bar,
 * SQL documents, commands) and what lives as long as one language-server
 * process (the LanguageClient and its listeners), with start, stop and
 * restart between them. The server is `dist/server.js`, run by the editor's
 * own Node (fork with ELECTRON_RUN_AS_NODE) unless `tsmigrate.nodePath` says
 * otherwise.
 *
 * Context keys for package.json's `when` clauses:
 * `tsmigrate.serverState` ("starting" | "running" | "failed" | "stopped"),
 * `tsmigrate.noProject` (no app found; the view's welcome says so).
 */
import { homedir } from "node:os";
import { randomUUID } from "node:crypto";
import * as vscode from "vscode";
import { LanguageClient, RevealOutputChannelOn, State, TransportKind, type LanguageClientOptions, type ServerOptions } from "vscode-languageclient/node";
import { type AskQuestionParams, type DidChangeStatusParams, NotificationTypes, ServerRequestTypes } from "../../server/src/protocol";
import { MIN_NODE_VERSION } from "../../server/src/engine/node-support";
import { saveCreatedMigrations } from "./autosave";
import { offerDevDependency } from "./dev_dependency_offer";
import { COMMANDS, migrationCommands, type CommandId, type Handler } from "./commands";
import { lspRpc } from "./lsp_rpc";
import { answerQuestion } from "./questions";
import type { Rpc } from "./rpc";
import { initializationOptions, readSettings, RESTART_SETTINGS, serverLaunch, type Settings } from "./settings";
import { SqlDocumentProvider } from "./sql_provider";
import { SQL_SCHEME } from "./sql_uri";
import { statusCounts, statusView, viewBadge } from "./status";
import { MigrationsTreeData, type TreeSummary } from "./tree";
import { MigrationsTreeProvider } from "./tree_view";
import { VscodeUi } from "./vscode_ui";

/** The id of the Migrations view (package.json `contributes.views`). */
export const VIEW_ID = "tsmigrate.migrations";

/** The language server's state as the view and status bar show it. */
export type ServerState = "starting" | "running" | "failed" | "stopped";

/** Everything the extension holds while active. */
export class Ctx implements vscode.Disposable {
  readonly log: vscode.LogOutputChannel;
  private readonly subscriptions: vscode.Disposable[] = [];
  /** Listeners of the current client; disposed with it. */
  private clientSubscriptions: vscode.Disposable[] = [];
  private client: LanguageClient | undefined;
  private clientRpc: Rpc | undefined;
  private state: ServerState = "stopped";
  private stopping = false;
  private readonly statusItem: vscode.StatusBarItem;
  private readonly tree: MigrationsTreeProvider;
  private readonly treeData: MigrationsTreeData;
  private readonly sql: SqlDocumentProvider;
  private readonly view: vscode.TreeView<unknown>;
  private summary: TreeSummary = { noProject: false, pending: 0, drift: 0, errors: 0 };
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly ui: VscodeUi;

  constructor(private readonly extension: vscode.ExtensionContext) {
    this.log = vscode.window.createOutputChannel("tsmigrate", { log: true });
    this.subscriptions.push(this.log);
    this.ui = new VscodeUi(this.log);

    this.treeData = new MigrationsTreeData(
      () => this.rpc(),
      () => this.settings().database,
      (summary) => this.setSummary(summary),
      { schemaDrift: true },
    );
    this.tree = new MigrationsTreeProvider(this.treeData);
    this.view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: this.tree as vscode.TreeDataProvider<unknown>, showCollapseAll: true });
    this.sql = new SqlDocumentProvider(() => this.rpc());
    this.statusItem = vscode.window.createStatusBarItem("tsmigrate.status", vscode.StatusBarAlignment.Left, 10);
    this.statusItem.name = "tsmigrate";
    this.statusItem.command = { command: `${VIEW_ID}.focus`, title: "Open the Migrations view" };
    this.subscriptions.push(
      this.tree,
      this.view,
      this.sql,
      this.statusItem,
      vscode.workspace.registerTextDocumentContentProvider(SQL_SCHEME, this.sql),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.trustGranted()),
      vscode.workspace.onDidChangeConfiguration((e) => this.configurationChanged(e)),
      saveCreatedMigrations(this.log),
      offerDevDependency(extension, this.log),
    );
    // The listing changes with the migration files, the config and the database file (a
    // `tsmigrate migrate` in a terminal); the server's status notification only says when counts change.
    for (const glob of ["**/migrations/*.ts", "**/tsmigrate.config.json", "**/*.{sqlite3,sqlite,db}"]) {
      const watcher = vscode.workspace.createFileSystemWatcher(glob);
      const refresh = (): void => this.scheduleRefresh();
      this.subscriptions.push(watcher, watcher.onDidChange(refresh), watcher.onDidCreate(refresh), watcher.onDidDelete(refresh));
    }
    this.registerCommands();
    this.setState("stopped");
  }

  /** The running server's typed requests, or undefined when it is not running. */
  rpc(): Rpc | undefined {
    return this.state === "running" ? this.clientRpc : undefined;
  }

  /** The current `tsmigrate.*` settings. */
  settings(): Settings {
    const config = vscode.workspace.getConfiguration("tsmigrate");
    return readSettings((key) => config.get(key));
  }

  /** Starts the language server for the first workspace folder; never throws (a failure shows in the view). */
  async start(): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (folder === undefined) {
      this.log.info("no workspace folder open: the language server is not started");
      this.setSummary({ noProject: true, pending: 0, drift: 0, errors: 0 });
      return;
    }
    if ((vscode.workspace.workspaceFolders?.length ?? 0) > 1) this.log.warn(`several workspace folders: tsmigrate uses the first, ${folder.uri.fsPath}`);
    const settings = this.settings();
    const launch = serverLaunch(this.extension.extensionPath, settings, folder.uri.fsPath, homedir());
    const run = launch.runtime !== undefined
      ? { module: launch.module, runtime: launch.runtime, args: launch.args, transport: TransportKind.stdio }
      : { module: launch.module, args: launch.args, transport: TransportKind.stdio };
    const serverOptions: ServerOptions = { run, debug: { ...run, options: { execArgv: ["--nolazy", "--inspect=6019"] } } };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: "file", language: "typescript" },
        { scheme: "file", pattern: "**/tsmigrate.config.json" },
      ],
      workspaceFolder: folder,
      outputChannel: this.log,
      traceOutputChannel: this.log,
      initializationOptions: () => initializationOptions(this.settings(), vscode.workspace.isTrusted),
      markdown: { isTrusted: { enabledCommands: Object.keys(COMMANDS) }, supportHtml: false },
      // Failures show in the view's welcome (with a Show Log button), not as a pile of notifications.
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      initializationFailedHandler: (error) => {
        this.log.error(`the language server failed to initialize: ${error instanceof Error ? error.message : String(error)}`);
        return false;
      },
    };
    this.log.info(`starting the language server: ${launch.runtime ?? `${process.execPath} (the editor's Node ${process.version})`} ${launch.module}`);
    // A Node that cannot load the SQLite driver (whichever runs the server: the editor's or
    // tsmigrate.nodePath) is reported by the server itself (server/src/lsp/server.ts): an error
    // message once; the Migrations view marks the database "not read" with the same reason.
    const client = new LanguageClient("tsmigrate", "tsmigrate language server", serverOptions, clientOptions);
    this.client = client;
    this.clientRpc = lspRpc(client);
    this.stopping = false;
    this.setState("starting");
    this.clientSubscriptions.push(
      client.onDidChangeState((e) => {
        if (e.newState === State.Running) this.setState("running");
        else if (e.newState === State.Starting) this.setState("starting");
        else if (e.newState === State.Stopped) this.setState(this.stopping ? "stopped" : "failed");
      }),
      client.onNotification(NotificationTypes["tsmigrate/didChangeStatus"], (params: DidChangeStatusParams) => this.statusChanged(params)),
      // makemigrations' questions (a rename? a one-off default?), asked while "Make migration" runs.
      client.onRequest(ServerRequestTypes["tsmigrate/askQuestion"], (params: AskQuestionParams) => answerQuestion(this.ui, params)),
    );
    try {
      await client.start();
      this.setState("running");
    } catch (error) {
      this.log.error(`the language server did not start: ${error instanceof Error ? error.message : String(error)}`);
      if (launch.runtime !== undefined) this.log.error(`check the setting tsmigrate.nodePath (${launch.runtime}): it must be Node ${MIN_NODE_VERSION} or newer`);
      this.setState("failed");
    }
  }

  /** Stops the language server, if running. */
  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.clientRpc = undefined;
    for (const d of this.clientSubscriptions) d.dispose();
    this.clientSubscriptions = [];
    if (client === undefined) return;
    this.stopping = true;
    try {
      if (client.isRunning()) await client.stop(5000);
      await client.dispose(2000);
    } catch (error) {
      this.log.warn(`stopping the language server: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.setState("stopped");
  }

  /** Stops then starts the language server. */
  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** Reloads the tree view (and with it the status bar) and the open SQL documents. */
  refresh(): void {
    if (this.refreshTimer !== undefined) clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
    void this.tree.refresh();
    this.sql.refreshAll();
  }

  /** A refresh soon, coalescing bursts of events. */
  private scheduleRefresh(): void {
    if (this.refreshTimer !== undefined) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => this.refresh(), 300);
  }

  dispose(): void {
    if (this.refreshTimer !== undefined) clearTimeout(this.refreshTimer);
    void this.stop();
    for (const d of this.subscriptions) d.dispose();
  }

  private registerCommands(): void {
    const ui = this.ui;
    const handlers: Record<CommandId, Handler> = {
      ...migrationCommands({
        rpc: () => this.rpc(),
        ui,
        database: () => this.settings().database,
        refresh: () => this.refresh(),
        newToken: () => `tsmigrate-${randomUUID()}`,
      }),
      "tsmigrate.refresh": async () => this.refresh(),
      "tsmigrate.showLog": async () => this.log.show(),
      "tsmigrate.restartServer": () => this.restart(),
    };
    for (const [id, handler] of Object.entries(handlers) as [CommandId, Handler][]) {
      // An item command whose item went away in a redraw gets undefined: use the view's selection.
      const wrapped: Handler = COMMANDS[id].palette ? handler : (arg, ...rest) => handler(arg ?? this.view.selection[0], ...rest);
      this.subscriptions.push(vscode.commands.registerCommand(id, wrapped));
    }
  }

  private setState(state: ServerState): void {
    const previous = this.state;
    this.state = state;
    // (Re)started: load the listing now, so that the status bar has counts before the view is opened.
    if (state === "running" && previous !== "running") this.refresh();
    void vscode.commands.executeCommand("setContext", "tsmigrate.serverState", state);
    if (state !== "running") this.tree.reset();
    this.updateStatusItem();
  }

  private setSummary(summary: TreeSummary): void {
    this.summary = summary;
    void vscode.commands.executeCommand("setContext", "tsmigrate.noProject", summary.noProject);
    this.updateStatusItem();
  }

  private updateStatusItem(): void {
    const view = statusView(this.summary, this.state);
    this.view.badge = viewBadge(this.summary);
    this.statusItem.text = view.text;
    this.statusItem.tooltip = view.tooltip;
    this.statusItem.accessibilityInformation = { label: view.tooltip };
    this.statusItem.backgroundColor = view.attention && this.state !== "running" ? new vscode.ThemeColor("statusBarItem.errorBackground") : undefined;
    if (this.summary.noProject && this.state !== "failed") this.statusItem.hide();
    else this.statusItem.show();
  }

  private statusChanged(params: DidChangeStatusParams): void {
    this.log.debug(`status: ${params.pendingCount} pending, ${params.driftCount} drift, ${params.errorCount ?? 0} errors, database ${params.databaseState ?? "read"}`);
    this.summary = { ...this.summary, ...statusCounts(params) };
    this.updateStatusItem();
    this.scheduleRefresh();
  }

  private trustGranted(): void {
    this.log.info("workspace trusted: the database is now read");
    if (this.client !== undefined) void this.client.sendNotification(NotificationTypes["tsmigrate/setTrust"], { trusted: true });
    this.refresh();
  }

  private configurationChanged(e: vscode.ConfigurationChangeEvent): void {
    if (RESTART_SETTINGS.some((s) => e.affectsConfiguration(s))) {
      this.log.info("settings changed: restarting the language server");
      void this.restart();
    } else if (e.affectsConfiguration("tsmigrate.database")) {
      this.refresh();
    }
  }
}
