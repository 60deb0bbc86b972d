/**
 * The Migrations view's data, with no `vscode` import: which nodes exist
 * (databases when the config has several, apps, migrations, messages), and
 * how each one looks ({@link itemView}: label, description, tooltip, codicon,
 * contextValue). `tree_view.ts` turns these into `vscode.TreeItem`s.
 *
 * contextValues (the `viewItem` of package.json's menus):
 * `database`, `app.empty` (no migrations: nothing to migrate), `app` /
 * `app.applied` (some migration applied), `migration.unknown` (the database
 * was not read),
 * `migration.applied`, `migration.pending`, `migration.modified`,
 * `migration.conflicted`, `message`, `schemaDrift` ("database differs from
 * the migrations", `tsmigrate/schemaDrift`, listing each difference).
 */
import type { AppInfo, DatabaseState, ListMigrationsResult, MigrationInfo, MigrationStatus, SchemaDriftResult } from "../../server/src/protocol";
import type { Rpc } from "./rpc";
import { rpcErrorMessage } from "./rpc";
import { shortDatabaseReason, type StatusCounts } from "./status";

/** A database alias (shown only when the config has more than one). */
export interface DatabaseNode {
  kind: "database";
  database: string;
  /** True for the database the tree shows first (the setting's, else "default"). */
  current: boolean;
}

/** One app of one database. */
export interface AppNode {
  kind: "app";
  database: string;
  app: AppInfo;
}

/** One migration of one app of one database. */
export interface MigrationNode {
  kind: "migration";
  database: string;
  app: string;
  migration: MigrationInfo;
  /** The migration before this one in the app's graph order, or "zero" when it is the first (for fake unapply). */
  previous: string;
}

/** A line of text (database not readable, no apps, ...). */
export interface MessageNode {
  kind: "message";
  text: string;
  /** Shown beside the text (the reason, readable without hovering). */
  description?: string;
  /** Run on click (trust the workspace, make the first migration). */
  command?: { command: string; title: string; arguments: unknown[] };
  tooltip: string;
  severity: "info" | "warning" | "error";
}

/** "Database differs from the migrations": the live schema is not what the applied migrations build (`diffschema`). */
export interface SchemaDriftNode {
  kind: "schemaDrift";
  database: string;
  differences: string[];
}

/** Any node of the Migrations view. */
export type TreeNode = DatabaseNode | AppNode | MigrationNode | MessageNode | SchemaDriftNode;

/** A codicon id and an optional theme color id. */
export interface IconView {
  id: string;
  color?: string;
}

/** How a node looks, independent of the vscode API. Tooltips are Markdown. */
export interface ItemView {
  /** Stable across refreshes (keeps expansion and selection). */
  id: string;
  label: string;
  description?: string;
  tooltip: string;
  icon: IconView;
  contextValue: string;
  collapsible: "none" | "collapsed" | "expanded";
  /** Command run on click (open the migration file). */
  command?: { command: string; title: string; arguments: unknown[] };
}

/** The codicon, color and words of each migration status. */
export const STATUS_VIEW: Record<MigrationStatus, { icon: IconView; word: string; explanation: string }> = {
  applied: {
    icon: { id: "pass-filled", color: "testing.iconPassed" },
    word: "applied",
    explanation: "Applied to the database.",
  },
  pending: {
    icon: { id: "circle-large-outline" },
    word: "pending",
    explanation: "Not applied yet: `migrate` would apply it.",
  },
  modified: {
    icon: { id: "diff-modified", color: "list.warningForeground" },
    word: "modified since applied",
    explanation: "Applied, but its file has changed since (the recorded checksum differs): the database may not match the file.",
  },
  conflicted: {
    icon: { id: "git-merge", color: "list.errorForeground" },
    word: "conflicted",
    explanation: "One of several leaf migrations of this app: make a merge migration (`makemigrations --merge`).",
  },
  unknown: {
    icon: { id: "question", color: "disabledForeground" },
    word: "unknown",
    explanation: "The database was not read, so whether this migration is applied is not known.",
  },
};

/** Formats an ISO 8601 time as local `YYYY-MM-DD HH:MM` (the tree's description). Returns the input when it does not parse. */
export function formatAppliedAt(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const pad = (n: number): string => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/**
 * An applied time readable at the default sidebar width, relative to `now`
 * (ms): "just now", "5 min ago", "3 h ago", "2 days ago", else the local
 * date `YYYY-MM-DD` (a week or more ago). Returns the input when it does not parse.
 */
export function relativeAppliedAt(iso: string, now = Date.now()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const minutes = Math.floor((now - date.getTime()) / 60_000);
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} min ago`;
  if (minutes < 24 * 60) return `${Math.floor(minutes / 60)} h ago`;
  const days = Math.floor(minutes / (24 * 60));
  if (days < 7) return days === 1 ? "yesterday" : `${days} days ago`;
  return formatAppliedAt(iso).slice(0, 10);
}

/** Escapes Markdown's special characters in `text`. */
function md(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!<>|]/g, (c) => `\\${c}`);
}

/** The nodes under one database's listing: a message when the database could not be read, then its apps. */
export function appNodes(result: ListMigrationsResult, database: string): TreeNode[] {
  const nodes: TreeNode[] = [];
  const state = databaseState(result);
  if (state === "untrusted" || state === "error") {
    const untrusted = state === "untrusted";
    nodes.push({
      kind: "message",
      text: `Database '${database}' not read`,
      description: shortDatabaseReason(state, result.databaseError),
      tooltip: `${md(result.databaseError ?? "")}\n\nWhether each migration is applied is unknown.${untrusted ? " Trust this workspace to apply migrations (click to manage workspace trust)." : ""}`,
      severity: "warning",
      command: untrusted ? { command: "workbench.trust.manage", title: "Manage Workspace Trust", arguments: [] } : undefined,
    });
  } else if (state === "missing" && result.apps.some((a) => a.migrations.length > 0)) {
    nodes.push({
      kind: "message",
      text: `Database '${database}' not created yet`,
      description: "migrate creates it",
      tooltip: "The database file does not exist yet: no migration is applied, and `migrate` creates it.",
      severity: "info",
    });
  }
  for (const app of result.apps) nodes.push({ kind: "app", database, app });
  if (result.driftCount > 0 && result.apps.length > 0 && result.apps.every((a) => a.migrations.length === 0)) {
    nodes.push({
      kind: "message",
      text: "Make the first migration",
      description: `${result.driftCount} model change${result.driftCount === 1 ? "" : "s"}`,
      tooltip: "The models have no migration yet: make the first one (`tsmigrate makemigrations`).",
      severity: "info",
      command: { command: "tsmigrate.makeMigrations", title: "Make Migrations", arguments: [] },
    });
  }
  return nodes;
}

/** Whether the listing's database was read (older servers: from `databaseError`). */
export function databaseState(result: ListMigrationsResult): DatabaseState {
  return result.databaseState ?? (result.databaseError !== undefined ? "error" : "read");
}

/** The migration nodes of an app, in the app's graph order. */
export function migrationNodes(node: AppNode): MigrationNode[] {
  return node.app.migrations.map((migration, i) => ({
    kind: "migration",
    database: node.database,
    app: node.app.label,
    migration,
    previous: i === 0 ? "zero" : node.app.migrations[i - 1]!.name,
  }));
}

/** The root nodes of a listing: database nodes when the config has several databases, else the apps. */
export function rootNodes(result: ListMigrationsResult): TreeNode[] {
  if (result.databases.length > 1) {
    return result.databases.map((database) => ({ kind: "database", database, current: database === result.database }));
  }
  return appNodes(result, result.database);
}

/** Pending migrations of a listing (status "pending" or "conflicted" and not applied). */
export function pendingCount(result: ListMigrationsResult): number {
  let count = 0;
  for (const app of result.apps) {
    for (const m of app.migrations) if (m.status === "pending" || (m.status === "conflicted" && m.appliedAt === undefined)) count++;
  }
  return count;
}

/** How `node` looks in the view. */
export function itemView(node: TreeNode): ItemView {
  switch (node.kind) {
    case "database":
      return {
        id: `db:${node.database}`,
        label: node.database,
        description: node.current ? "current" : undefined,
        tooltip: `Database **${md(node.database)}** (from \`tsmigrate.config.json\`)`,
        icon: { id: "database" },
        contextValue: "database",
        collapsible: node.current ? "expanded" : "collapsed",
      };
    case "app": {
      const migrations = node.app.migrations;
      const applied = migrations.filter((m) => m.appliedAt !== undefined || m.status === "applied" || m.status === "modified").length;
      const unknown = migrations.filter((m) => m.status === "unknown").length;
      const pending = migrations.length - applied - unknown;
      const problems = migrations.filter((m) => m.status === "modified" || m.status === "conflicted").length;
      const parts = unknown > 0 ? [`${migrations.length} migration${migrations.length === 1 ? "" : "s"}, status unknown`] : [`${applied} applied`, `${pending} pending`];
      if (problems > 0) parts.push(`${problems} to check`);
      return {
        // A new id once the app has migrations: VS Code then shows the row expanded (its default), not as remembered.
        id: `app:${node.database}:${node.app.label}${migrations.length === 0 ? ":empty" : ""}`,
        label: node.app.label,
        description: migrations.length === 0 ? "no migrations" : parts.join(", "),
        tooltip: `App **${md(node.app.label)}**: ${migrations.length} migration${migrations.length === 1 ? "" : "s"}, ${parts.join(", ")}`,
        icon: { id: "package", color: problems > 0 ? "list.warningForeground" : undefined },
        contextValue: migrations.length === 0 ? "app.empty" : applied > 0 ? "app.applied" : "app",
        collapsible: migrations.length === 0 ? "none" : "expanded",
      };
    }
    case "migration": {
      const m = node.migration;
      const view = STATUS_VIEW[m.status];
      const full = m.appliedAt !== undefined ? formatAppliedAt(m.appliedAt) : undefined;
      const when = m.appliedAt !== undefined ? relativeAppliedAt(m.appliedAt) : undefined;
      const description =
        m.status === "applied" && when !== undefined ? `applied ${when}` : m.status === "modified" && when !== undefined ? `modified since applied ${when}` : view.word;
      const lines = [`**${md(node.app)}.${md(m.name)}** — ${view.word}${full !== undefined ? ` (${full})` : ""}`, "", view.explanation];
      if (m.operations.length > 0) lines.push("", ...m.operations.map((op) => `- ${md(op)}`));
      lines.push("", `\`${m.file}\``);
      return {
        id: `mig:${node.database}:${node.app}:${m.name}`,
        label: m.name,
        description,
        tooltip: lines.join("\n"),
        icon: view.icon,
        contextValue: `migration.${m.status}`,
        collapsible: "none",
        command: { command: "tsmigrate.openMigration", title: "Open Migration File", arguments: [node] },
      };
    }
    case "schemaDrift":
      return schemaDriftView(node);
    case "message":
      return {
        id: `msg:${node.text}`,
        label: node.text,
        description: node.description,
        command: node.command,
        tooltip: node.tooltip,
        icon: { id: node.severity, color: node.severity === "error" ? "list.errorForeground" : node.severity === "warning" ? "list.warningForeground" : undefined },
        contextValue: "message",
        collapsible: "none",
      };
  }
}

/** How the "database differs from the migrations" node looks. */
function schemaDriftView(node: SchemaDriftNode): ItemView {
  const n = node.differences.length;
  return {
    id: `schemaDrift:${node.database}`,
    label: "Database differs from the migrations",
    description: `${n} difference${n === 1 ? "" : "s"}`,
    tooltip: [
      `Database **${md(node.database)}** is not what its applied migrations build (\`tsmigrate diffschema\`): a change made by hand, or a migration faked by mistake.`,
      "", ...node.differences.map((d) => `- ${md(d)}`),
    ].join("\n"),
    icon: { id: "warning", color: "list.warningForeground" },
    contextValue: "schemaDrift",
    collapsible: "collapsed",
  };
}

/** The differences under a "database differs" node, one message each. */
export function schemaDriftNodes(node: SchemaDriftNode): MessageNode[] {
  return node.differences.map((d) => ({ kind: "message", text: d, tooltip: md(d), severity: "warning" }));
}

/** The summary of a root listing: pending migrations only when the database was read (or does not exist yet). */
export function listingSummary(result: ListMigrationsResult): TreeSummary {
  const state = databaseState(result);
  const known = state === "read" || state === "missing";
  const summary: TreeSummary = { noProject: result.apps.length === 0, pending: known ? pendingCount(result) : 0, drift: result.driftCount, errors: result.errorCount ?? 0 };
  if (state !== "read") summary.databaseState = state;
  if (result.databaseError !== undefined) summary.databaseError = result.databaseError;
  return summary;
}

/** Options of {@link MigrationsTreeData}. */
export interface TreeDataOptions {
  /** Also ask `tsmigrate/schemaDrift` at each root load and show a "database differs from the migrations" node. */
  readonly schemaDrift?: boolean;
}

/** What the view knows about the project after a load: shown by the status bar and the welcome views. */
export interface TreeSummary extends StatusCounts {
  /** No app found (no config, no models.ts): the "no project" welcome shows. */
  noProject: boolean;
  /** Pending migrations; 0 when the database could not be read. */
  pending: number;
  drift: number;
  /** Set when the listing failed (server error): the error welcome or message shows. */
  error?: string;
}

/**
 * Loads the view's nodes from the server and keeps the last listing: the
 * root listing for the current database, other databases' listings when
 * their node expands. {@link MigrationsTreeData.reload} asks the server again
 * and says whether anything changed, so that the view redraws only then: a
 * redraw invalidates the tree items' handles, and a command run from a
 * context menu during one would get no item.
 */
export class MigrationsTreeData {
  private listings = new Map<string, Promise<ListMigrationsResult>>();
  private root: ListMigrationsResult | undefined;
  /** The last `tsmigrate/schemaDrift` answer for the root database (undefined: not asked, or it failed). */
  private drift: SchemaDriftResult | undefined;
  private rootError: unknown;
  private loading: Promise<boolean> | undefined;
  private next: Promise<boolean> | undefined;

  /**
   * @param rpc the server, or undefined while it is not running (no nodes then).
   * @param database the `tsmigrate.database` setting, read at each load.
   * @param onSummary called after each root load with what the status bar and welcome views need.
   */
  constructor(
    private readonly rpc: () => Rpc | undefined,
    private readonly database: () => string | undefined,
    private readonly onSummary: (summary: TreeSummary) => void,
    private readonly options: TreeDataOptions = {},
  ) {}

  /** Forgets every listing (the server stopped); the next `children` call asks again. */
  invalidate(): void {
    this.listings.clear();
    this.root = undefined;
    this.rootError = undefined;
    this.drift = undefined;
  }

  /**
   * Asks the server for the root listing again. Resolves true when it
   * differs from the last one (or failed, or there was none): the caller
   * then redraws the view. Never rejects. Calls made while a load runs
   * share the next one.
   */
  reload(): Promise<boolean> {
    if (this.loading !== undefined) {
      this.next ??= this.loading.then(() => {
        this.next = undefined;
        return this.reload();
      });
      return this.next;
    }
    const rpc = this.rpc();
    if (rpc === undefined) {
      const had = this.root !== undefined || this.rootError !== undefined;
      this.invalidate();
      return Promise.resolve(had);
    }
    const before = this.root === undefined ? undefined : JSON.stringify([this.root, this.drift]);
    this.loading = rpc
      .request("tsmigrate/listMigrations", { database: this.database() })
      .then(async (result) => [result, await this.schemaDrift(rpc, result)] as const)
      .then(
        ([result, drift]) => {
          this.root = result;
          this.drift = drift;
          this.rootError = undefined;
          this.onSummary(listingSummary(result));
          const changed = JSON.stringify([result, drift]) !== before;
          if (changed) {
            this.listings.clear();
            this.listings.set(result.database, Promise.resolve(result));
          }
          return changed;
        },
        (error: unknown) => {
          this.root = undefined;
          this.rootError = error;
          this.listings.clear();
          this.onSummary({ noProject: false, pending: 0, drift: 0, error: rpcErrorMessage(error) });
          return true;
        },
      )
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }

  /** `tsmigrate/schemaDrift` for the listed database when asked for and the database was read; undefined when it fails. */
  private async schemaDrift(rpc: Rpc, result: ListMigrationsResult): Promise<SchemaDriftResult | undefined> {
    if (!this.options.schemaDrift || databaseState(result) !== "read" || result.apps.length === 0) return undefined;
    try {
      return await rpc.request("tsmigrate/schemaDrift", { database: result.database });
    } catch {
      return undefined;
    }
  }

  /** The children of `node` (the roots when undefined). Never rejects: a failed listing becomes a message node. */
  async children(node?: TreeNode): Promise<TreeNode[]> {
    if (node === undefined) return this.roots();
    switch (node.kind) {
      case "database": {
        try {
          return appNodes(await this.listing(node.database), node.database);
        } catch (error) {
          return [errorNode(error)];
        }
      }
      case "app":
        return migrationNodes(node);
      case "schemaDrift":
        return schemaDriftNodes(node);
      default:
        return [];
    }
  }

  private async roots(): Promise<TreeNode[]> {
    if (this.rpc() === undefined) return [];
    if (this.root === undefined && this.rootError === undefined) await this.reload();
    else if (this.loading !== undefined) await this.loading;
    if (this.root === undefined) return this.rootError !== undefined ? [errorNode(this.rootError)] : [];
    const result = this.root;
    if (result.apps.length === 0 && result.databaseError === undefined) return [];
    const drift = this.drift;
    const differs: TreeNode[] = drift !== undefined && drift.differences.length > 0
      ? [{ kind: "schemaDrift", database: drift.database, differences: drift.differences }] : [];
    return [...differs, ...rootNodes(result)];
  }

  private listing(database: string): Promise<ListMigrationsResult> {
    let listing = this.listings.get(database);
    if (listing === undefined) {
      const rpc = this.rpc();
      if (rpc === undefined) return Promise.reject(new Error("The tsmigrate language server is not running."));
      listing = rpc.request("tsmigrate/listMigrations", { database });
      listing.catch(() => this.listings.delete(database));
      this.listings.set(database, listing);
    }
    return listing;
  }
}

/** A message node for a failed request. */
function errorNode(error: unknown): MessageNode {
  const message = rpcErrorMessage(error);
  return { kind: "message", text: message.split("\n")[0]!, tooltip: md(message), severity: "error" };
}
