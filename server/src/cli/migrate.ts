/**
 * `tsmigrate migrate [app [migration|zero]] [--fake] [--fake-initial]
 * [--plan] [--check] [--database ALIAS] [--noinput] [--allow-destructive] [--no-backup]`.
 * Follows `django/core/management/commands/migrate.py` (Django 3.2): stops
 * on inconsistent history and conflicts, resolves a migration by unique
 * prefix, prints "Operations to perform:" / "Running migrations:" and
 * "  Applying shop.0001_initial... OK", warns about model changes that
 * have no migration. Also warns about applied migrations whose file changed
 * since (tsmigrate's checksums), and (not in Django) lists what the plan
 * destroys before running it: asks `Continue? [y/N]` on a terminal (no:
 * exit 1, nothing run), exits 3 without one unless --allow-destructive;
 * and backs up a SQLite database before the first migration runs.
 */
import { backupDatabase } from "../engine/backup";
import { DEFAULT_BACKUPS_KEPT } from "../engine/config";
import { countLosses, describePlannedLoss, planLosses } from "../engine/data-loss";
import { ExitCode, QuestionError, TsMigrateError } from "../engine/errors";
import { MigrationExecutor, type MigrateTarget, type PlanStep, type ProgressEvent } from "../engine/executor";
import type { MigrateLockOptions } from "../engine/backends/base/base";
import type { MigrationLoader } from "../engine/loader";
import { keyString } from "../engine/migration";
import type { Operation } from "../engine/operations/base";
import type { Project } from "../engine/project";
import { type CommonOptions, cliProject, confirm, interactive, requireCleanMigrations, validateApps } from "./context";
import { schemaDrift } from "../engine/schema-drift";
import { detectDrift } from "./drift";
import { conflictError } from "./makemigrations";
import { displayPath, type Output, styles } from "./output";

/** Options of migrate. */
export interface MigrateCommandOptions extends CommonOptions {
  fake?: boolean;
  fakeInitial?: boolean;
  plan?: boolean;
  check?: boolean;
  database?: string;
  noinput?: boolean;
  /** Run a plan that destroys data without asking (needed without a terminal). */
  allowDestructive?: boolean;
  /** False with `--no-backup`: no SQLite backup before migrating. */
  backup?: boolean;
  /** Seconds to wait for another migrate's lock (`--lock-timeout`; default `TSMIGRATE_LOCK_TIMEOUT`, else 60). */
  lockTimeout?: number;
}

/** Django's `Truncator(text).chars(n)`: at most n characters, the last one "…" when cut. */
function truncateChars(text: string, n: number): string {
  const chars = [...text];
  return chars.length > n ? `${chars.slice(0, n - 1).join("")}…` : text;
}

/**
 * Django's `describe_operation` for `--plan`: `[text, isError]`. RunSQL
 * shows its SQL (`-> ...`, 40 characters at most), an operation that
 * cannot run backwards shows `-> IRREVERSIBLE`, others get "Undo " when
 * backwards.
 */
function describeOperation(op: Operation, backwards: boolean): [string, boolean] {
  const { undo, action: planned } = op.planAction(backwards);
  const prefix = undo ? "Undo " : "";
  let action = planned;
  let isError = false;
  if (action !== undefined) {
    action = action.replace(/\n/g, "");
  } else if (backwards) {
    action = "IRREVERSIBLE";
    isError = true;
  }
  if (action) action = ` -> ${action}`;
  return [prefix + op.describe() + truncateChars(action ?? "", 40), isError];
}

/** Prints `Planned operations:` (Django's `--plan` output). */
function printPlan(plan: PlanStep[], output: Output): void {
  const s = styles(output);
  output.out(`${s.label("Planned operations:")}\n`);
  if (!plan.length) output.out("  No planned migration operations.\n");
  for (const { migration, backwards } of plan) {
    output.out(`${s.heading(keyString(migration.key))}\n`);
    for (const op of migration.operations) {
      const [text, isError] = describeOperation(op, backwards);
      output.out(`    ${isError ? s.warning(text) : text}\n`);
    }
  }
}

/** Runs the command; returns the exit code. */
export async function migrateCommand(
  app: string | undefined, name: string | undefined, opts: MigrateCommandOptions, output: Output,
): Promise<number> {
  const project = cliProject(opts);
  const progress = progressPrinter(output);
  try {
    requireCleanMigrations(project);
    if (app) validateApps(project, [app]);
    const alias = opts.database ?? "default";
    const executor = await MigrationExecutor.open(await project.connection(alias), project.loader);
    const loader = project.loader;
    loader.throwIfErrors();
    loader.checkConsistentHistory(alias);
    const conflicts = loader.detectConflicts();
    if (conflicts.size) throw conflictError(conflicts);
    warnModified(executor, output);

    const { targets, appLabelsOnly } = migrateTargets(loader, app, name);
    let plan = executor.migrationPlan(targets);
    if (opts.plan) {
      printPlan(plan, output);
      return plan.length && opts.check ? ExitCode.DRIFT : 0;
    }
    if (plan.length && opts.check) return ExitCode.DRIFT;
    // The lock comes first (after every file loaded): what the drift check and the data-loss count read is
    // then what runs, and a second migrate waits here, saying so, instead of on the first one's table locks.
    const lock = { timeoutSeconds: opts.lockTimeout, onWait: (m: string) => output.err(`${m}\n`) };
    const release = plan.length ? await lockFor(executor, lock) : undefined;
    try {
      if (release) plan = executor.migrationPlan(targets);
      // (Nothing applied yet: nothing to compare, and a migrate from empty opens no second connection.)
      if (plan.length && !opts.fakeInitial && !opts.fake && loader.appliedMigrations.size) await warnSchemaDrift(project, alias, output);
      if (plan.length && !opts.fake && !(await confirmLosses(executor, plan, opts, output))) {
        output.out("Migrate cancelled: nothing was changed.\n");
        return ExitCode.DRIFT;
      }
      printOperationsToPerform(targets, appLabelsOnly, output);
      if (!plan.length) await printNothingToApply(project, output);
      return await onSignals((signal) => executor.migrate(targets, {
        fake: plan.length ? opts.fake : false,
        fakeInitial: plan.length ? opts.fakeInitial : false,
        onProgress: progress.onProgress,
        beforeRun: opts.fake || opts.backup === false ? undefined : (p) => backUp(executor, p, project.config.backups?.keep, output),
        lock, noLock: release !== undefined,
        signal,
      }), output, progress.closeLine);
    } finally {
      await release?.();
    }
  } catch (err) {
    progress.closeLine();
    throw err;
  } finally {
    await project.close();
  }
}

/**
 * The data-loss list of `plan` (counted on the database), printed before
 * anything runs, and the answer to "Continue?": asked on a terminal;
 * without one (or with --noinput) a QuestionError (exit 3) carrying the
 * list, unless --allow-destructive. True when the plan destroys nothing
 * (objects counted empty on the database are left out).
 */
async function confirmLosses(executor: MigrationExecutor, plan: PlanStep[], opts: MigrateCommandOptions, output: Output): Promise<boolean> {
  // A table or column the database holds nothing in loses nothing: no question.
  const losses = (await countLosses(executor.connection, planLosses(executor.loader, plan))).filter((l) => l.count !== 0);
  if (!losses.length) return true;
  const s = styles(output);
  const list = losses.map((l) => `  - ${describePlannedLoss(l)}\n`).join("");
  const heading = "This migration plan destroys data:\n";
  if (opts.allowDestructive) {
    output.err(s.warning(heading) + list);
    return true;
  }
  if (!interactive(opts.noinput)) {
    throw new QuestionError(`${heading}${list}Nothing was run. Confirm on a terminal, or pass --allow-destructive to run it anyway.`);
  }
  output.out(s.warning(heading) + list);
  return confirm("Continue? [y/N] ", output);
}

/**
 * The backup before a plan runs (SQLite; see engine/backup.ts), and where
 * it is and how to restore it, on stderr (stdout stays Django's). A server
 * database is not copied: said once.
 */
async function backUp(executor: MigrationExecutor, plan: readonly PlanStep[], keep: number | undefined, output: Output): Promise<void> {
  const c = executor.connection;
  const b = await backupDatabase(c, plan[0]!.migration.key, keep ?? DEFAULT_BACKUPS_KEPT);
  if (b) output.err(`Backed up database '${c.alias}' to ${displayPath(b.file)}\n  To restore it: ${b.restore}\n`);
  else if (!c.backup) output.err(`Not backed up: database '${c.alias}' is ${c.vendor}; tsmigrate backs up SQLite files only (use your server's own backups).\n`);
}

/** Exit codes of a run stopped by a signal (128 + its number, as shells report it). */
const SIGNAL_EXIT: Readonly<Record<"SIGINT" | "SIGTERM", number>> = { SIGINT: 130, SIGTERM: 143 };

/**
 * Runs `run` with SIGINT and SIGTERM caught: either aborts the run (the
 * migration in progress rolls back, the lock is released by the executor)
 * and the command exits 130 / 143 with one line saying so. 0 otherwise.
 */
async function onSignals(run: (signal: AbortSignal) => Promise<unknown>, output: Output, closeLine: () => void): Promise<number> {
  const abort = new AbortController();
  let caught: keyof typeof SIGNAL_EXIT | undefined;
  const handlers = (Object.keys(SIGNAL_EXIT) as (keyof typeof SIGNAL_EXIT)[]).map((name) => {
    const handler = () => {
      caught ??= name;
      abort.abort();
    };
    process.on(name, handler);
    return () => process.off(name, handler);
  });
  try {
    await run(abort.signal);
    return 0;
  } catch (err) {
    if (!caught || !(err instanceof TsMigrateError) || err.code !== "aborted") throw err;
    closeLine();
    output.err(`Interrupted (${caught}): ${err.message.replace(/^Migration run cancelled/, "stopped")}; the migrate lock was released.\n`);
    return SIGNAL_EXIT[caught];
  } finally {
    for (const off of handlers) off();
  }
}

/** Takes the migrate lock for `executor` (see MigrationRecorder.acquireLock) and re-reads what is applied under it. */
async function lockFor(executor: MigrationExecutor, lock: MigrateLockOptions): Promise<() => Promise<void>> {
  await executor.recorder.ensureSchema();
  const release = await executor.recorder.acquireLock(lock);
  try {
    await executor.refresh();
    return release;
  } catch (err) {
    await release();
    throw err;
  }
}

/** Warns about applied migrations whose files changed since. */
function warnModified(executor: MigrationExecutor, output: Output): void {
  const s = styles(output);
  for (const { migration, record } of executor.modifiedMigrations()) {
    output.err(s.warning(
      `Warning: migration ${keyString(migration.key)} has changed since it was applied on ` +
      `${record.applied.toISOString()} (checksum differs); the database was migrated with the old version.\n`,
    ));
  }
}

/** The most differences the warning lists (diffschema lists them all). */
const DRIFT_WARNING_LINES = 10;

/**
 * Warns when the database about to be migrated differs from what its
 * applied migrations build (diffschema's check): a hand change the next
 * migration may trip over. Silent when nothing is applied yet (a database
 * being adopted) and with --fake / --fake-initial, where existing tables are expected;
 * skipped on a backend without introspection; a check that fails is a warning, never a failed migrate.
 */
async function warnSchemaDrift(project: Project, alias: string, output: Output): Promise<void> {
  const s = styles(output);
  let drift;
  try {
    drift = await schemaDrift(project, alias);
  } catch (e) {
    // A backend without introspection (none of ours: both backends have one) is not checked; another failure only says so.
    if (e instanceof TsMigrateError && e.code !== "unsupported") output.err(`${s.warning(`Warning: could not compare database '${alias}' with its migrations: ${e.message}`)}\n`);
    if (e instanceof TsMigrateError) return;
    throw e;
  }
  if (!drift.applied || !drift.differences.length) return;
  const n = drift.differences.length;
  const lines = drift.differences.slice(0, DRIFT_WARNING_LINES).map((d) => `  - ${d}\n`).join("");
  const more = n > DRIFT_WARNING_LINES ? `  ... and ${n - DRIFT_WARNING_LINES} more\n` : "";
  output.err(s.warning(`Warning: database '${alias}' differs from its applied migrations (${n} difference${n === 1 ? "" : "s"}; ` +
    "run 'tsmigrate diffschema' to list them):\n") + lines + more);
}

/**
 * Django's target resolution in `migrate`: an app and migration (or "zero"),
 * an app's leaves, or every leaf. `appLabelsOnly` when no migration was named.
 * @throws TsMigrateError code `unknown-migration` for an app without migrations or an unknown name.
 */
function migrateTargets(
  loader: MigrationLoader, app: string | undefined, name: string | undefined,
): { targets: MigrateTarget[]; appLabelsOnly: boolean } {
  if (app && ![...loader.diskMigrations.values()].some((m) => m.app === app)) {
    throw new TsMigrateError(`App '${app}' does not have migrations.`, { code: "unknown-migration" });
  }
  if (app && name) {
    const target: MigrateTarget = name === "zero" ? [app, null] : [app, loader.getMigrationByPrefix(app, name).name];
    return { targets: [target], appLabelsOnly: false };
  }
  const leaves = app ? loader.graph.leafNodes(app) : loader.graph.leafNodes();
  return { targets: leaves.map((k) => [k[0], k[1]] as const), appLabelsOnly: true };
}

/** Django's "Operations to perform:" block and the "Running migrations:" heading. */
function printOperationsToPerform(targets: MigrateTarget[], appLabelsOnly: boolean, output: Output): void {
  const s = styles(output);
  output.out(`${s.heading("Operations to perform:")}\n`);
  if (appLabelsOnly) {
    const labels = [...new Set(targets.map((t) => t[0]))].sort().join(", ") || "(none)";
    output.out(`${s.label("  Apply all migrations: ")}${labels}\n`);
  } else if (targets[0]![1] === null) {
    output.out(`${s.label("  Unapply all migrations: ")}${targets[0]![0]}\n`);
  } else {
    output.out(`${s.label("  Target specific migration: ")}${targets[0]![1]}, from ${targets[0]![0]}\n`);
  }
  output.out(`${s.heading("Running migrations:")}\n`);
}

/** "No migrations to apply.", and Django's notice when the models have changes no migration holds. */
async function printNothingToApply(project: Project, output: Output): Promise<void> {
  const s = styles(output);
  output.out("  No migrations to apply.\n");
  const drift = await detectDrift(project);
  if (drift.apps.length) {
    output.out(`${s.notice(
      `  Your models in app(s): ${drift.apps.map((a) => `'${a}'`).join(", ")} have changes that are not yet ` +
      "reflected in a migration, and so won't be applied.",
    )}\n`);
    output.out(`${s.notice(
      "  Run 'tsmigrate makemigrations' to make new migrations, and then re-run 'tsmigrate migrate' to apply them.",
    )}\n`);
  } else if (drift.error) {
    output.err(`${s.warning(`Warning: could not compare the models with the migrations: ${drift.error}`)}\n`);
  }
}

/** Django's `  Applying shop.0001_initial... OK` lines; `closeLine` ends a line left open by a failure. */
function progressPrinter(output: Output): { onProgress: (e: ProgressEvent) => void; closeLine: () => void } {
  const s = styles(output);
  let lineOpen = false;
  return {
    onProgress: (e) => {
      if (e.action === "apply_start" || e.action === "unapply_start") {
        output.out(`  ${e.action === "apply_start" ? "Applying" : "Unapplying"} ${keyString(e.migration.key)}...`);
        lineOpen = true;
      } else {
        output.out(`${s.success(e.fake ? " FAKED" : " OK")}\n`);
        lineOpen = false;
      }
    },
    closeLine: () => {
      if (lineOpen) output.out("\n");
      lineOpen = false;
    },
  };
}
