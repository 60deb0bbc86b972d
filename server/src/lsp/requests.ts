/**
 * The custom `tsmigrate/*` requests (typed in `server/src/protocol.ts`):
 * list apps and migrations with their status on a database, plan and run
 * `migrate` to a target (work-done progress, cancellable between
 * migrations), `sqlmigrate`, the files `makemigrations` would write, and
 * how the database differs from its migrations (`diffschema`).
 *
 * Database work uses the migration files on disk (what the CLI would run),
 * never unsaved buffers, and is refused with {@link ErrorCodes.Untrusted}
 * while the workspace is not trusted.
 */
import { type CancellationToken, WorkDoneProgress, WorkDoneProgressCancelNotification } from "vscode-languageserver";
import { TsMigrateError } from "../engine/errors";
import { countLosses, describePlannedLoss, planLosses } from "../engine/data-loss";
import type { MigrateTarget as EngineTarget } from "../engine/executor";
import { MigrationLoader } from "../engine/loader";
import { keyString, type Migration } from "../engine/migration";
import { schemaDrift } from "../engine/schema-drift";
import {
  type AppInfo, type AskQuestionParams, ErrorCodes, type ListMigrationsParams, type ListMigrationsResult, type MakeMigrationsParams,
  type MakeMigrationsResult, type MigrateParams, type MigrateResult, type MigrateTarget, type MigrationInfo,
  type PlanParams, type PlanResult, type PlanStep, RequestTypes, type SchemaDriftParams, type SchemaDriftResult, ServerRequestTypes,
  type ServerStatsParams, type ServerStatsResult, type SqlMigrateParams, type SqlMigrateResult,
} from "../protocol";
import { checkCancelled, guardNotification, guardRequest, HandlerError, type Log } from "./guard";
import { proposeAnswered, proposeAsking, proposeMigrations, type ProposedFile } from "./makemigrations";
import type { AskClient } from "./questions";
import type { TsMigrateServer } from "./server";
import { formatLines, migrationSql } from "./sql";
import { errorCount, readDatabase } from "./status";
import type { Workspace } from "./workspace";

/** Abort controllers of running migrate requests, by their work-done progress token. */
const cancels = new Map<string | number, AbortController>();

/**
 * Listens for `window/workDoneProgress/cancel` of migrate runs. Call after
 * `initialize`: vscode-languageserver installs its own listener for that
 * notification while initializing (for server-created tokens only), and the
 * last listener installed wins.
 */
export function listenForProgressCancel(server: TsMigrateServer, log: Log): void {
  server.connection.onNotification(WorkDoneProgressCancelNotification.type, guardNotification("workDoneProgress/cancel", log, (p: { token: string | number }) => {
    cancels.get(p.token)?.abort();
  }));
}

/** Registers every custom request on the server's connection. */
export function registerCustomRequests(server: TsMigrateServer, log: Log): void {
  const c = server.connection;
  c.onRequest(RequestTypes["tsmigrate/listMigrations"], guardRequest("listMigrations", log, (p: ListMigrationsParams, token: CancellationToken) => {
    const ws = server.requireWorkspace();
    return ws.exclusive(() => listMigrations(ws, p ?? {}, server.trusted, token));
  }));
  c.onRequest(RequestTypes["tsmigrate/plan"], guardRequest("plan", log, (p: PlanParams) => {
    requireTrust(server);
    const ws = server.requireWorkspace();
    return ws.exclusive(() => plan(ws, p ?? {}));
  }));
  c.onRequest(RequestTypes["tsmigrate/migrate"], guardRequest("migrate", log, async (p: MigrateParams, token: CancellationToken) => {
    requireTrust(server);
    const ws = server.requireWorkspace();
    const abort = new AbortController();
    token.onCancellationRequested(() => abort.abort());
    const progressToken = p?.workDoneToken;
    if (progressToken !== undefined) cancels.set(progressToken, abort);
    try {
      return await ws.exclusive(() => migrate(server, ws, p ?? {}, abort.signal, server.options.migrateStepDelayMs ?? 0));
    } finally {
      if (progressToken !== undefined) cancels.delete(progressToken);
      ws.forgetPending();
      void server.refresh();
    }
  }));
  c.onRequest(RequestTypes["tsmigrate/sqlmigrate"], guardRequest("sqlmigrate", log, (p: SqlMigrateParams) =>
    sqlMigrate(server.requireWorkspace(), p)));
  c.onRequest(RequestTypes["tsmigrate/makeMigrations"], guardRequest("makeMigrations", log, (p: MakeMigrationsParams, token: CancellationToken) => {
    const ws = server.requireWorkspace();
    checkCancelled(token);
    // A client that answers tsmigrate/askQuestion is asked each question while the request runs.
    const ask = server.options.askQuestions === true
      ? (q: AskQuestionParams) => c.sendRequest(ServerRequestTypes["tsmigrate/askQuestion"], q)
      : undefined;
    return makeMigrations(ws, p ?? {}, ask);
  }));
  registerSchemaDrift(server, log);
  c.onRequest(RequestTypes["tsmigrate/serverStats"], guardRequest("serverStats", log, (p: ServerStatsParams): ServerStatsResult => {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (p?.gc && gc) gc();
    const mem = process.memoryUsage();
    const cpu = process.cpuUsage();
    const classes = server.workspace?.classStats() ?? { read: 0, reused: 0, quick: 0, resolved: 0 };
    return {
      rss: mem.rss, heapUsed: mem.heapUsed, heapTotal: mem.heapTotal, external: mem.external, gcRan: p?.gc === true && gc !== undefined,
      classesRead: classes.read, classesReused: classes.reused, quickReads: classes.quick, modelsResolved: classes.resolved, analyses: server.workspace?.analyses ?? 0,
      cpuMicros: cpu.user + cpu.system,
    };
  }));
}

/** Registers `tsmigrate/schemaDrift` (diffschema for the tree): trusted workspaces only, read-only. */
function registerSchemaDrift(server: TsMigrateServer, log: Log): void {
  server.connection.onRequest(RequestTypes["tsmigrate/schemaDrift"], guardRequest("schemaDrift", log, (p: SchemaDriftParams) => {
    requireTrust(server);
    const ws = server.requireWorkspace();
    return ws.exclusive(async (): Promise<SchemaDriftResult> => {
      const drift = await schemaDrift(ws.project.reload(), p?.database ?? ws.database);
      return { database: drift.database, applied: drift.applied, differences: [...drift.differences] };
    });
  }));
}

function requireTrust(server: TsMigrateServer): void {
  if (!server.trusted) {
    throw new HandlerError(ErrorCodes.Untrusted, "The workspace is not trusted: tsmigrate does not touch databases in untrusted workspaces.");
  }
}

/** A fresh loader over the files on disk (the analysis' loader sees unsaved buffers; the database must not). */
function diskLoader(ws: Workspace): MigrationLoader {
  return ws.project.reload().loader;
}

/** The `tsmigrate/listMigrations` result: apps in config order, migrations in graph order, statuses from the database when it can be read. */
export async function listMigrations(ws: Workspace, p: ListMigrationsParams, trusted: boolean, token?: CancellationToken): Promise<ListMigrationsResult> {
  const database = p.database ?? ws.database;
  const loader = diskLoader(ws);
  const read = await readDatabase(ws, database, trusted);
  const applied = read.applied;
  const known = read.state === "read" || read.state === "missing";
  checkCancelled(token);
  loader.buildGraph(applied);
  const graph = loader.graph;
  const conflicts = loader.detectConflicts();
  const apps: AppInfo[] = [];
  for (const app of ws.config.apps) {
    const migrations: MigrationInfo[] = [];
    const shown = new Set<string>();
    const conflicted = new Set(conflicts.get(app.label) ?? []);
    for (const key of graph.forwardsPlanMany(graph.leafNodes(app.label))) {
      if (key[0] !== app.label || shown.has(key[1])) continue;
      shown.add(key[1]);
      const m = graph.migration(key);
      const rec = loader.appliedMigrations.get(keyString(key));
      const modified = rec !== undefined && rec.checksum !== "" && rec.checksum !== m.checksum();
      const isConflicted = conflicted.has(key[1]);
      migrations.push({
        app: app.label,
        name: key[1],
        file: m.file ?? "",
        status: modified ? "modified" : rec ? "applied" : isConflicted ? "conflicted" : known ? "pending" : "unknown",
        appliedAt: rec ? rec.applied.toISOString() : undefined,
        modified,
        conflicted: isConflicted,
        operations: m.operations.map((op) => op.describe()),
      });
    }
    apps.push({ label: app.label, migrations });
  }
  const analysis = ws.current();
  return {
    databases: Object.keys(ws.config.databases),
    database,
    apps,
    databaseError: read.error,
    driftCount: analysis.driftCount,
    databaseState: read.state,
    errorCount: errorCount(analysis.diagnostics),
  };
}

/**
 * The engine's targets for a protocol target: `app` alone = its leaves;
 * `name` = that migration (unique prefix); `"zero"` = unapply the app; no
 * app = every leaf (plain `migrate`).
 */
function resolveTargets(loader: MigrationLoader, t: MigrateTarget): EngineTarget[] {
  if (!t.app) {
    if (t.name) throw new HandlerError(ErrorCodes.BadInput, "a migration name needs its app");
    return loader.graph.leafNodes().map((k) => [k[0], k[1]] as const);
  }
  if (!hasApp(loader, t.app)) throw new HandlerError(ErrorCodes.BadInput, `No installed app with label '${t.app}'.`);
  if (t.name === "zero") return [[t.app, null]];
  if (t.name) return [[t.app, loader.getMigrationByPrefix(t.app, t.name).name]];
  const leaves = loader.graph.leafNodes(t.app);
  if (!leaves.length) throw new HandlerError(ErrorCodes.BadInput, `App '${t.app}' does not have migrations.`);
  return leaves.map((k) => [k[0], k[1]] as const);
}

function hasApp(loader: MigrationLoader, app: string): boolean {
  return loader.config.apps.some((a) => a.label === app);
}

/**
 * `tsmigrate/plan`: the steps `migrate` would take, and what they would
 * destroy (the engine's data-loss analysis, worded as the CLI words it),
 * for the confirmation dialog.
 */
export async function plan(ws: Workspace, p: PlanParams): Promise<PlanResult> {
  const executor = await ws.project.reload().executor(p.database ?? ws.database);
  const loader = executor.loader;
  loader.throwIfErrors();
  const steps = executor.migrationPlan(resolveTargets(loader, p));
  const out: PlanStep[] = steps.map(({ migration, backwards }) => ({
    app: migration.app, name: migration.name, backwards,
    operations: migration.operations.map((op) => op.describe()),
    irreversible: backwards && migration.operations.some((op) => !op.reversible),
  }));
  const losses = await countLosses(executor.connection, planLosses(loader, steps));
  return { steps: out, destroys: losses.map(describePlannedLoss) };
}

/**
 * The target that runs exactly one step of a plan: forwards, the migration
 * itself (its dependencies ran before it); backwards, its parent in the same
 * app (Django unapplies the parent's children and their dependents), or
 * `zero` for an app's first migration.
 */
function stepTarget(loader: MigrationLoader, migration: Migration, backwards: boolean): EngineTarget {
  if (!backwards) return [migration.app, migration.name];
  const node = loader.graph.node(migration.key);
  const parent = node ? [...node.parents].map((n) => n.key).filter((k) => k[0] === migration.app).sort()[0] : undefined;
  return parent ? [parent[0], parent[1]] : [migration.app, null];
}

/**
 * The progress message of step `i`: "1 of 3 (0002_product_stock)", the
 * migration named with its app when the plan spans several apps, and
 * "unapplying" before it when backwards. The client shows it after its
 * title ("Migrating tracker: 1 of 3 (0002_product_stock)").
 */
export function stepMessage(steps: readonly { migration: Migration; backwards: boolean }[], i: number): string {
  const { migration, backwards } = steps[i]!;
  const oneApp = steps.every((s) => s.migration.app === migration.app);
  return `${i + 1} of ${steps.length} (${backwards ? "unapplying " : ""}${oneApp ? migration.name : keyString(migration.key)})`;
}

const pause = (ms: number): Promise<void> => new Promise((r) => (ms > 0 ? setTimeout(r, ms) : setImmediate(r)));

/**
 * `tsmigrate/migrate`: runs the plan one migration at a time (each in its
 * transaction, as the executor does), holding the migrate lock throughout,
 * reporting work-done progress, and returning to the event loop between
 * migrations so that a cancellation (`$/cancelRequest` or
 * `window/workDoneProgress/cancel`) stops the run before the next one.
 * `stepDelayMs` (a test knob) waits that long between migrations.
 */
export async function migrate(server: TsMigrateServer, ws: Workspace, p: MigrateParams, signal: AbortSignal, stepDelayMs = 0): Promise<MigrateResult> {
  const executor = await ws.project.reload().executor(p.database ?? ws.database);
  const loader = executor.loader;
  loader.throwIfErrors();
  const steps = executor.migrationPlan(resolveTargets(loader, p));
  if (steps.some((st) => st.backwards) && steps.some((st) => !st.backwards)) {
    throw new HandlerError(ErrorCodes.BadInput, "Migration plans with both forwards and backwards migrations are not supported.");
  }
  const token = p.workDoneToken;
  const progress = (value: object): void => {
    if (token !== undefined) void server.connection.sendProgress(WorkDoneProgress.type, token, value as never);
  };
  const applied: string[] = [];
  const unapplied: string[] = [];
  let cancelled = false;
  progress({ kind: "begin", title: p.fake ? "Faking migrations" : "Migrating", cancellable: true, percentage: 0, message: `${steps.length} migration(s)` });
  await executor.recorder.ensureSchema();
  const release = await executor.recorder.acquireLock();
  try {
    for (let i = 0; i < steps.length; i++) {
      if (signal.aborted) {
        cancelled = true;
        break;
      }
      const { migration, backwards } = steps[i]!;
      progress({ kind: "report", message: stepMessage(steps, i), percentage: Math.round((i / steps.length) * 100) });
      try {
        await executor.migrate([stepTarget(loader, migration, backwards)], {
          fake: p.fake,
          noLock: true,
          onProgress: (e) => {
            if (e.action === "apply_success") applied.push(keyString(e.migration.key));
            else if (e.action === "unapply_success") unapplied.push(keyString(e.migration.key));
          },
        });
      } catch (e) {
        if (e instanceof TsMigrateError && e.code === "database") {
          throw new HandlerError(ErrorCodes.MigrationFailed, e.format(), { applied, unapplied });
        }
        throw e;
      }
      await pause(stepDelayMs);
    }
  } finally {
    await release();
    progress({ kind: "end", message: cancelled ? "Cancelled" : `${applied.length + unapplied.length} migration(s) done` });
  }
  return { applied, unapplied, cancelled };
}

/** `tsmigrate/sqlmigrate`: the migration's SQL as the CLI prints it (no database needed). */
export function sqlMigrate(ws: Workspace, p: SqlMigrateParams): SqlMigrateResult {
  if (!p?.app || !p.name) throw new HandlerError(ErrorCodes.BadInput, "sqlmigrate needs an app and a migration name");
  const loader = new MigrationLoader(ws.config, { replaceMigrations: false, parsedCache: false }).load();
  loader.throwIfErrors();
  const migration = loader.getMigrationByPrefix(p.app, p.name);
  const vendor = { vendor: ws.config.databases[p.database ?? ws.database]?.engine ?? ws.vendor, defaultAutoField: ws.config.defaultAutoField };
  const lines = migrationSql(loader, migration, p.backwards ?? false, vendor);
  return { sql: lines.length ? formatLines(lines, vendor) : "-- No operations found." };
}

/**
 * `tsmigrate/makeMigrations`: the files to create (the client applies them as a WorkspaceEdit).
 * With `p.answers`, questions are answered from them (and listed); without, `ask` (a client
 * answering `tsmigrate/askQuestion`) asks the user each one, else none is asked (renames not
 * assumed, a needed one-off default refused).
 * @throws TsMigrateError (BadInput for the client) when makemigrations cannot run now or an answer is bad.
 */
export async function makeMigrations(ws: Workspace, p: MakeMigrationsParams, ask?: AskClient): Promise<MakeMigrationsResult> {
  const known = new Set(ws.config.apps.map((a) => a.label));
  for (const app of p.apps ?? []) {
    if (!known.has(app)) throw new HandlerError(ErrorCodes.BadInput, `App '${app}' could not be found. Is it in the config's apps?`);
  }
  const toResult = (f: ProposedFile): MakeMigrationsResult["files"][number] => ({ path: f.path, content: f.content, description: f.description });
  if (p.answers !== undefined) {
    const { files, questions } = proposeAnswered(ws, p.answers, p.apps, p.name);
    return { files: files.map(toResult), questions };
  }
  if (ask) {
    const { files, questions, cancelled } = await proposeAsking(ws, ask, p.apps, p.name);
    return { files: files.map(toResult), questions, ...(cancelled ? { cancelled } : {}) };
  }
  return { files: proposeMigrations(ws, p.apps, p.name).map(toResult) };
}
