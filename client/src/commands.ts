/**
 * The extension's commands: their ids and titles (mirrored by package.json's
 * `contributes.commands`, checked by test/client/manifest.test.ts) and the
 * logic of the ones that talk to the server, written against the plain
 * {@link Rpc} and {@link Ui} interfaces so that they run without VS Code.
 *
 * Migrate commands follow Django's `migrate [app [migration|zero]] [--fake]`
 * (django/core/management/commands/migrate.py): the plan first, then a
 * modal confirmation when the plan unapplies anything or destroys a table or
 * column (PlanResult.destroys), then the run under a cancellable progress.
 */
import type { MigrateResult, MigrateTarget, PlanResult, PlanStep } from "../../server/src/protocol";
import type { Rpc } from "./rpc";
import { isCancelledError, isUntrustedError, rpcErrorMessage } from "./rpc";
import type { AppNode, MigrationNode } from "./tree";
import type { Ui } from "./ui";

/** How a command shows in package.json: title, codicon, and whether the Command Palette lists it. */
export interface CommandSpec {
  title: string;
  icon?: string;
  /** False for commands that need a tree item (hidden from the palette with `when: false`). */
  palette: boolean;
}

/** Every command of the extension (category "tsmigrate" for all). */
export const COMMANDS = {
  "tsmigrate.refresh": { title: "Refresh Migrations", icon: "$(refresh)", palette: true },
  "tsmigrate.migrateAll": { title: "Migrate All Apps", icon: "$(run-all)", palette: true },
  "tsmigrate.makeMigrations": { title: "Make Migrations", icon: "$(new-file)", palette: true },
  "tsmigrate.showLog": { title: "Show Log", icon: "$(output)", palette: true },
  "tsmigrate.restartServer": { title: "Restart Language Server", palette: true },
  "tsmigrate.migrateApp": { title: "Migrate App", icon: "$(run)", palette: false },
  "tsmigrate.applyTo": { title: "Apply Up to Here", icon: "$(run)", palette: false },
  "tsmigrate.rollbackTo": { title: "Roll Back to Here", icon: "$(discard)", palette: false },
  "tsmigrate.unapplyApp": { title: "Unapply App (zero)", palette: false },
  "tsmigrate.fakeApply": { title: "Fake Apply Up to Here", palette: false },
  "tsmigrate.fakeUnapply": { title: "Fake Unapply", palette: false },
  "tsmigrate.showSql": { title: "Show SQL", icon: "$(file-code)", palette: false },
  "tsmigrate.showSqlBackwards": { title: "Show Backwards SQL", palette: false },
  "tsmigrate.openMigration": { title: "Open Migration File", icon: "$(go-to-file)", palette: false },
} as const satisfies Record<string, CommandSpec>;

/** A command id. */
export type CommandId = keyof typeof COMMANDS;

/** The commands implemented by {@link migrationCommands} (the rest need the vscode layer). */
export type MigrationCommandId = Exclude<CommandId, "tsmigrate.refresh" | "tsmigrate.showLog" | "tsmigrate.restartServer">;

/** A command handler; arguments come from a tree item, a code action or nothing (palette). */
export type Handler = (...args: unknown[]) => Promise<void>;

/** What the command logic uses. */
export interface CommandDeps {
  /** The server, or undefined while it is not running. */
  rpc(): Rpc | undefined;
  ui: Ui;
  /** The `tsmigrate.database` setting. */
  database(): string | undefined;
  /** Reloads the tree view and status bar. */
  refresh(): void;
  /** A fresh work-done progress token. */
  newToken(): string;
}

/** Thrown for a command run without the tree item it needs; shown as an error. */
class UsageError extends Error {}

/** A migration tree node, or a `{ app, name, database? }` object (from a hover link or another extension). */
export function asMigration(arg: unknown): MigrationNode {
  if (isObject(arg) && arg.kind === "migration") return arg as unknown as MigrationNode;
  if (isObject(arg) && typeof arg.app === "string" && typeof arg.name === "string") {
    return {
      kind: "migration",
      app: arg.app,
      database: typeof arg.database === "string" ? arg.database : "",
      migration: { app: arg.app, name: arg.name, file: typeof arg.file === "string" ? arg.file : "", status: "pending", modified: false, conflicted: false, operations: [] },
      previous: typeof arg.previous === "string" ? arg.previous : "zero",
    };
  }
  throw new UsageError("Run this command on a migration in the Migrations view.");
}

/** An app tree node's label, or `{ app }`, or a plain app label. */
export function asAppLabel(arg: unknown): string {
  if (isObject(arg) && arg.kind === "app") return (arg as unknown as AppNode).app.label;
  if (isObject(arg) && typeof arg.app === "string") return arg.app;
  if (typeof arg === "string" && arg !== "") return arg;
  throw new UsageError("Run this command on an app in the Migrations view.");
}

/** The apps to make migrations for: an app node or label → that app; `{ apps }` → those; nothing → all (undefined). */
export function makeMigrationsApps(arg: unknown): string[] | undefined {
  if (arg === undefined || arg === null) return undefined;
  if (isObject(arg) && Array.isArray(arg.apps) && arg.apps.every((a) => typeof a === "string")) return arg.apps.length > 0 ? (arg.apps as string[]) : undefined;
  if (isObject(arg) && (arg.kind === "migration" || arg.kind === "database")) return arg.kind === "migration" ? [String(arg.app)] : undefined;
  return [asAppLabel(arg)];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/** `app.name` of a step. */
function stepName(step: { app: string; name: string }): string {
  return `${step.app}.${step.name}`;
}

/** Lists up to `max` names then "and N more". */
function listNames(names: string[], max = 8): string {
  if (names.length <= max) return names.join(", ");
  return `${names.slice(0, max).join(", ")} and ${names.length - max} more`;
}

/** The modal's texts for a plan that unapplies migrations or destroys data, or undefined when it needs no confirmation. */
export function confirmation(plan: PlanResult, target: MigrateTarget): { message: string; detail: string; action: string } | undefined {
  const backwards = plan.steps.filter((s) => s.backwards);
  if (backwards.length === 0 && plan.destroys.length === 0) return undefined;
  const what =
    target.name === "zero" ? `Unapply every migration of ${target.app}?` : backwards.length > 0 ? `Roll back ${target.app ?? "the project"} to ${target.name ?? "its leaf"}?` : `Apply ${plan.steps.length === 1 ? stepName(plan.steps[0]!) : `${plan.steps.length} migrations`}?`;
  const lines: string[] = [];
  if (backwards.length > 0) lines.push(`Unapplies ${backwards.length === 1 ? "" : `${backwards.length} migrations: `}${listNames(backwards.map(stepName))}.`);
  const forwards = plan.steps.filter((s) => !s.backwards);
  if (forwards.length > 0) lines.push(`Applies ${listNames(forwards.map(stepName))}.`);
  if (plan.destroys.length > 0) {
    lines.push("", "This may destroy data:", ...plan.destroys.map((d) => `• ${d}`), "", "What is lost is not brought back by applying the migrations again.");
  }
  const action = target.name === "zero" ? "Unapply" : backwards.length > 0 ? "Roll Back" : "Apply";
  return { message: what, detail: lines.join("\n"), action: plan.destroys.length > 0 ? `${action} and Delete Data` : action };
}

/** The notification after a migrate run, in Django's words where it has them. */
export function migrateSummary(result: MigrateResult, fake: boolean): string {
  const parts: string[] = [];
  const verb = (done: string): string => (fake ? `Faked (${done.toLowerCase()})` : done);
  if (result.applied.length > 0) parts.push(`${verb("Applied")} ${listNames(result.applied)}`);
  if (result.unapplied.length > 0) parts.push(`${verb("Unapplied")} ${listNames(result.unapplied)}`);
  if (result.cancelled) parts.push(parts.length > 0 ? "then cancelled: the remaining migrations were not run" : "Cancelled before any migration ran");
  if (parts.length === 0) return "No migrations to apply.";
  return `${parts.join("; ")}.`;
}

/** The error shown for a backwards step that cannot run (Django raises IrreversibleError). */
function irreversibleMessage(step: PlanStep): string {
  return `Migration ${stepName(step)} is not reversible: it has an operation with no backwards SQL (a RunSQL or RunCode without reverse), so it cannot be unapplied.`;
}

/**
 * Plans `target`, asks when the plan unapplies or destroys, then migrates
 * under a cancellable progress and shows what ran. Throws the server's
 * errors (the caller's {@link guard} shows them).
 */
export async function runMigrate(deps: CommandDeps, target: MigrateTarget & { database?: string }, fake: boolean, title: string): Promise<void> {
  const rpc = need(deps);
  const database = target.database || deps.database();
  const plan = await rpc.request("tsmigrate/plan", { app: target.app, name: target.name, database });
  if (plan.steps.length === 0) {
    deps.ui.info("No migrations to apply.");
    return;
  }
  if (!fake) {
    const irreversible = plan.steps.find((s) => s.backwards && s.irreversible);
    if (irreversible !== undefined) {
      deps.ui.error(irreversibleMessage(irreversible));
      return;
    }
    const ask = confirmation(plan, target);
    if (ask !== undefined && !(await deps.ui.confirm(ask.message, ask.detail, ask.action))) return;
  }
  const workDoneToken = deps.newToken();
  const total = plan.steps.length;
  try {
    const result = await deps.ui.withProgress(title, async (report, cancel) => {
      const subscription = rpc.onProgress(workDoneToken, (value) => {
        if (value.kind === "end" || value.message === undefined) return;
        // One report per migration; `begin` only sets the message.
        report(value.message, value.kind === "report" ? 100 / total : undefined);
      });
      try {
        return await rpc.request("tsmigrate/migrate", { app: target.app, name: target.name, database, fake, workDoneToken }, cancel);
      } finally {
        subscription.dispose();
      }
    });
    deps.ui.info(migrateSummary(result, fake));
  } finally {
    deps.refresh();
  }
}

/**
 * Asks the server for new migration files and creates them in one undoable
 * edit. The server asks its questions (a rename? a one-off default?) through
 * `tsmigrate/askQuestion` meanwhile; a question dismissed writes nothing, silently.
 */
export async function runMakeMigrations(deps: CommandDeps, apps: string[] | undefined): Promise<void> {
  const rpc = need(deps);
  const result = await rpc.request("tsmigrate/makeMigrations", { apps });
  if (result.cancelled === true) return;
  if (result.files.length === 0) {
    deps.ui.info(apps !== undefined && apps.length === 1 ? `No changes detected in app '${apps[0]}'.` : "No changes detected.");
    return;
  }
  const created = await deps.ui.createFiles(
    result.files.map((f) => ({ path: f.path, content: f.content })),
    "Make Migrations",
  );
  if (created) {
    const names = result.files.map((f) => `${f.path.split(/[\\/]/).pop()}${f.description.length > 0 ? ` (${f.description.join("; ")})` : ""}`);
    deps.ui.info(`Created ${names.join(", ")}.`);
  }
  deps.refresh();
}

function need(deps: CommandDeps): Rpc {
  const rpc = deps.rpc();
  if (rpc === undefined) throw new UsageError("The tsmigrate language server is not running: see the tsmigrate log (command 'tsmigrate: Show Log').");
  return rpc;
}

/**
 * Wraps a handler so that nothing escapes to VS Code's generic "command
 * failed" message: cancellation is silent, an untrusted workspace gets its
 * own message, anything else shows the server's message.
 */
export function guard(ui: Ui, handler: Handler): Handler {
  return async (...args) => {
    try {
      await handler(...args);
    } catch (error) {
      if (isCancelledError(error)) return;
      if (isUntrustedError(error)) ui.untrusted("tsmigrate does not touch the database in an untrusted workspace. Trust this workspace to run migrations.");
      else ui.error(rpcErrorMessage(error));
    }
  };
}

/** The handlers of every command that does not need the vscode layer, each wrapped in {@link guard}. */
export function migrationCommands(deps: CommandDeps): Record<MigrationCommandId, Handler> {
  const handlers: Record<MigrationCommandId, Handler> = {
    "tsmigrate.migrateAll": () => runMigrate(deps, {}, false, "Migrating"),
    "tsmigrate.migrateApp": async (arg) => {
      const app = asAppLabel(arg);
      await runMigrate(deps, { app, database: databaseOf(arg) }, false, `Migrating ${app}`);
    },
    "tsmigrate.makeMigrations": (arg) => runMakeMigrations(deps, makeMigrationsApps(arg)),
    "tsmigrate.applyTo": async (arg) => {
      const m = asMigration(arg);
      await runMigrate(deps, { app: m.app, name: m.migration.name, database: m.database }, false, `Migrating ${m.app} to ${m.migration.name}`);
    },
    "tsmigrate.rollbackTo": async (arg) => {
      const m = asMigration(arg);
      await runMigrate(deps, { app: m.app, name: m.migration.name, database: m.database }, false, `Rolling back ${m.app} to ${m.migration.name}`);
    },
    "tsmigrate.unapplyApp": async (arg) => {
      const app = asAppLabel(arg);
      await runMigrate(deps, { app, name: "zero", database: databaseOf(arg) }, false, `Unapplying ${app}`);
    },
    "tsmigrate.fakeApply": async (arg) => {
      const m = asMigration(arg);
      await runMigrate(deps, { app: m.app, name: m.migration.name, database: m.database }, true, `Faking ${m.app} up to ${m.migration.name}`);
    },
    "tsmigrate.fakeUnapply": async (arg) => {
      const m = asMigration(arg);
      await runMigrate(deps, { app: m.app, name: m.previous, database: m.database }, true, `Faking unapply of ${m.app}.${m.migration.name}`);
    },
    "tsmigrate.showSql": async (arg) => {
      const m = asMigration(arg);
      await deps.ui.showSql({ app: m.app, name: m.migration.name, database: m.database || deps.database() });
    },
    "tsmigrate.showSqlBackwards": async (arg) => {
      const m = asMigration(arg);
      await deps.ui.showSql({ app: m.app, name: m.migration.name, backwards: true, database: m.database || deps.database() });
    },
    "tsmigrate.openMigration": async (arg) => {
      const m = asMigration(arg);
      if (m.migration.file === "") throw new UsageError(`No file known for ${m.app}.${m.migration.name}.`);
      await deps.ui.openFile(m.migration.file);
    },
  };
  const guarded = {} as Record<MigrationCommandId, Handler>;
  for (const [id, handler] of Object.entries(handlers) as [MigrationCommandId, Handler][]) guarded[id] = guard(deps.ui, handler);
  return guarded;
}

/** The database of a tree node argument, if it carries one. */
function databaseOf(arg: unknown): string | undefined {
  return isObject(arg) && typeof arg.database === "string" && arg.database !== "" ? arg.database : undefined;
}
