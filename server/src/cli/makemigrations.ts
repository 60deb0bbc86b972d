/**
 * `tsmigrate makemigrations [app...] [--name N] [--empty] [--merge]
 * [--check] [--dry-run] [--noinput] [--json] [--rename SPEC]... [--default
 * SPEC]... [--answers FILE]`.
 * Follows `django/core/management/commands/makemigrations.py` (Django 3.2):
 * "Migrations for 'shop':" / "  shop/migrations/0002_product_stock.ts" /
 * "    - Add field stock to product", "No changes detected", the conflict
 * message and `--merge`. Differences: `--check` writes nothing (Django
 * 4.2+), nothing is written when a model file has errors (all are
 * printed, exit 2), and questions may be answered up front (`--rename`,
 * `--default`, `--answers`: engine/answers.ts; Django has no such flags).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describeLoss, lossesByOperation } from "../engine/data-loss";
import { ExitCode, MultipleErrors, TsMigrateError } from "../engine/errors";
import { type MigrationLoader } from "../engine/loader";
import { keyString, Migration, type MigrationKey } from "../engine/migration";
import type { DataLoss } from "../engine/operations/base";
import type { Project } from "../engine/project";
import { InteractiveQuestioner, NonInteractiveQuestioner, type Questioner } from "../engine/questioner";
import { Answers, AnswersQuestioner, type AskedQuestion } from "../engine/answers";
import { type MergeBranches, mergeBranches, type MergeOverlap, mergeOverlaps } from "../engine/merge";
import type { ProjectState } from "../engine/state";
import { writeMigration } from "../engine/writer";
import { type CommonOptions, cliProject, interactive, requireCleanMigrations, validateApps } from "./context";
import { runDetector } from "./drift";
import { displayPath, type Output, styles } from "./output";

/** Options of makemigrations. */
export interface MakeMigrationsOptions extends CommonOptions {
  name?: string;
  empty?: boolean;
  merge?: boolean;
  check?: boolean;
  dryRun?: boolean;
  noinput?: boolean;
  json?: boolean;
  /** `--rename app.model.old=new` / `--rename app.Old=New`, in order given. */
  rename?: string[];
  /** `--default app.model.field=LITERAL`, in order given. */
  default?: string[];
  /** `--answers FILE`: JSON answers (engine/answers.ts's MakeMigrationsAnswers), relative to the current folder. */
  answers?: string;
}

/** One migration in the `--json` output. */
export interface NewMigrationJson {
  app: string;
  name: string;
  /** Absolute path of the file. */
  file: string;
  /** False with --dry-run / --check. */
  written: boolean;
  /** Django's `describe()` of each operation. */
  operations: string[];
  dependencies: [string, string][];
}

/**
 * Django's conflict error: "Conflicting migrations detected; multiple leaf
 * nodes in the migration graph: (0002_a, 0002_b in shop).\nTo fix them run
 * 'tsmigrate makemigrations --merge'" (code `conflict`).
 */
export function conflictError(conflicts: ReadonlyMap<string, readonly string[]>): TsMigrateError {
  const names = [...conflicts].map(([app, list]) => `${list.join(", ")} in ${app}`).join("; ");
  return new TsMigrateError(
    `Conflicting migrations detected; multiple leaf nodes in the migration graph: (${names}).\n` +
    "To fix them run 'tsmigrate makemigrations --merge'",
    { code: "conflict" },
  );
}

/** Django's `get_migration_name_timestamp()`: `YYYYMMDD_HHMM`, local time. */
export function migrationNameTimestamp(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}_${p(d.getHours())}${p(d.getMinutes())}`;
}

/** Django's `MigrationAutodetector.parse_number`: the leading digits of a name, or undefined. */
export function parseNumber(name: string): number | undefined {
  const m = /^\d+/.exec(name);
  return m ? Number(m[0]) : undefined;
}

function isIdentifier(s: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(s);
}

/** Runs the command; returns the exit code. */
export async function makeMigrations(apps: string[], opts: MakeMigrationsOptions, output: Output): Promise<number> {
  if (opts.name !== undefined && !isIdentifier(opts.name)) {
    throw new TsMigrateError("The migration name must be a valid identifier (letters, digits and _).", { code: "bad-name" });
  }
  const answers = readAnswers(opts);
  const project = cliProject(opts);
  let terminal: InteractiveQuestioner | undefined;
  try {
    validateApps(project, apps);
    requireCleanMigrations(project);
    const loader = project.loader;
    await checkHistory(project, output);

    let conflicts = loader.detectConflicts();
    if (apps.length) conflicts = new Map([...conflicts].filter(([app]) => apps.includes(app)));
    if (conflicts.size && !opts.merge) throw conflictError(conflicts);
    if (opts.merge && !conflicts.size) {
      output.out("No conflicts detected to merge.\n");
      return 0;
    }
    if (interactive(opts.noinput)) terminal = new InteractiveQuestioner({ dryRun: opts.dryRun });
    const questioner = new AnswersQuestioner(answers, terminal ?? new NonInteractiveQuestioner());
    if (opts.merge || opts.empty) answers.throwIfUnused(); // no question is asked there
    if (opts.merge) return await handleMerge(project, conflicts, questioner, opts, output);

    const models = project.loadModels();
    if (models.errors.length) throw models.errors.length === 1 ? models.errors[0]! : new MultipleErrors(models.errors);

    if (opts.empty) {
      if (!apps.length) throw new TsMigrateError("You must supply at least one app label when using --empty.", { code: "bad-input" });
      const changes = new Map<string, Migration[]>();
      for (const app of apps) changes.set(app, [emptyMigration(loader, app, opts.name)]);
      writeMigrationFiles(project, changes, opts, output, []);
      return 0;
    }

    const changes = await runDetector(project, models.state, questioner, { apps: apps.length ? apps : undefined, name: opts.name });
    answers.throwIfUnused();
    if (!changes.size) {
      if (opts.json) output.out(`${JSON.stringify({ changes: {}, questions: questioner.asked }, null, 2)}\n`);
      else if (apps.length === 1) output.out(`No changes detected in app '${apps[0]}'\n`);
      else if (apps.length > 1) output.out(`No changes detected in apps '${apps.join("', '")}'\n`);
      else output.out("No changes detected\n");
      return 0;
    }
    writeMigrationFiles(project, changes, opts, output, questioner.asked);
    return opts.check ? ExitCode.DRIFT : 0;
  } finally {
    terminal?.close();
    await project.close();
  }
}

/**
 * The answers of `--rename`, `--default` and `--answers FILE` (the file
 * first, then the flags; the same key answered twice differently is an error).
 * @throws TsMigrateError (exit 2) for an unreadable file or a malformed answer, naming it.
 */
export function readAnswers(opts: Pick<MakeMigrationsOptions, "rename" | "default" | "answers">): Answers {
  const answers = new Answers();
  if (opts.answers !== undefined) {
    let text: string;
    try {
      text = fs.readFileSync(opts.answers, "utf8");
    } catch (e) {
      throw new TsMigrateError(`--answers ${opts.answers}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? String(e)})`, { code: "bad-answer" });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new TsMigrateError(`${opts.answers}: not JSON: ${e instanceof Error ? e.message : String(e)}`, { code: "bad-answer" });
    }
    answers.addJson(json, opts.answers);
  }
  for (const spec of opts.rename ?? []) answers.addFlag("rename", spec);
  for (const spec of opts.default ?? []) answers.addFlag("default", spec);
  return answers;
}

/**
 * Django's consistency check against the default database, when it exists
 * (nothing is created): an applied migration with an unapplied dependency
 * stops the command. A database that cannot be read only warns.
 */
async function checkHistory(project: Project, output: Output): Promise<void> {
  let applied;
  try {
    applied = await project.appliedMigrations("default");
  } catch (err) {
    output.err(`Warning: Got an error checking a consistent migration history performed for database connection 'default': ${
      err instanceof Error ? err.message : String(err)}\n`);
    return;
  }
  project.loader.checkConsistentHistory("default", applied);
}

/** A `--empty` migration, named as Django's `arrange_for_graph` names it. */
function emptyMigration(loader: MigrationLoader, app: string, name?: string): Migration {
  const leaf = loader.leafName(app);
  const next = leaf === undefined ? 1 : (parseNumber(leaf) ?? 0) + 1;
  const suffix = name ?? (leaf === undefined ? "initial" : `auto_${migrationNameTimestamp()}`);
  return new Migration(app, `${String(next).padStart(4, "0")}_${suffix}`, {
    dependencies: leaf === undefined ? [] : [[app, leaf]],
    initial: leaf === undefined,
  });
}

function migrationPath(project: Project, m: Migration): string {
  const app = project.config.apps.find((a) => a.label === m.app);
  if (!app) throw new TsMigrateError(`No installed app with label '${m.app}'.`, { code: "unknown-app" });
  return path.join(app.migrationsDir, `${m.name}.ts`);
}

/**
 * Django's `write_migration_files`: prints each app's new migrations and
 * writes them unless `--dry-run` or `--check`. Every file's text is made
 * before the first is written, so a failure writes nothing.
 */
function writeMigrationFiles(
  project: Project, changes: Map<string, Migration[]>, opts: MakeMigrationsOptions, output: Output, questions: readonly AskedQuestion[],
): void {
  const s = styles(output);
  const write = !opts.dryRun && !opts.check;
  const files: { file: string; text: string }[] = [];
  const json: Record<string, NewMigrationJson[]> = {};
  const state = project.loader.projectState();
  for (const [app, list] of changes) {
    if (!opts.json) output.out(`${s.heading(`Migrations for '${app}':`)}\n`);
    for (const m of list) {
      const file = migrationPath(project, m);
      files.push({ file, text: writeMigration(m) });
      const operations = m.operations.map((op) => op.describe());
      (json[app] ??= []).push({
        app, name: m.name, file, written: write, operations,
        dependencies: m.dependencies.map((d) => [d[0], d[1]]),
      });
      if (opts.json) continue;
      output.out(`  ${s.label(displayPath(file))}\n`);
      const losses = newMigrationLosses(m, state);
      operations.forEach((d, i) => output.out(`    - ${d}\n${(losses[i] ?? []).map((l) => `      ${s.warning(`! ${describeLoss(l)}`)}\n`).join("")}`));
    }
  }
  if (write) {
    for (const { file, text } of files) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text, "utf8");
    }
  }
  if (opts.json) output.out(`${JSON.stringify({ changes: json, questions }, null, 2)}\n`);
}

/**
 * What each operation of a new migration destroys when applied (the
 * warnings printed under it); advances `state` past the migration. A
 * migration the analysis cannot follow gets no warnings (never an error here).
 */
function newMigrationLosses(m: Migration, state: ProjectState): DataLoss[][] {
  try {
    const losses = lossesByOperation(m, state, false);
    m.mutateState(state);
    return losses;
  } catch (err) {
    if (err instanceof TsMigrateError) return [];
    throw err;
  }
}

/**
 * Django's `handle_merge`: shows each branch's operations since the common
 * ancestor, asks (or, without a terminal, accepts as Django's
 * `--noinput` does), then writes `NNNN_merge_<leaves>` depending on every leaf.
 */
async function handleMerge(
  project: Project, conflicts: Map<string, string[]>, questioner: Questioner, opts: MakeMigrationsOptions, output: Output,
): Promise<number> {
  const s = styles(output);
  const loader = project.loader;
  const json: Record<string, NewMigrationJson[]> = {};
  const overlapJson: Record<string, MergeOverlap[]> = {};
  for (const [app, names] of conflicts) {
    const branches = mergeBranches(loader.graph, app, names);
    if (!opts.json) printBranches(branches, output);
    const overlaps = mergeOverlaps(branches, loader.projectState([app, branches.ancestor]));
    if (overlaps.length) overlapJson[app] = overlaps;
    if (!opts.json) printOverlaps(overlaps, output);
    if (!(await questioner.askMerge(app))) continue;
    const numbers = names.map(parseNumber).filter((n): n is number => n !== undefined);
    const biggest = numbers.length ? Math.max(...numbers) : 1;
    const leafNames = [...names].sort().join("_");
    const suffix = opts.name ?? (leafNames.length > 47 ? `merge_${migrationNameTimestamp()}` : `merge_${leafNames}`);
    const deps: MigrationKey[] = names.map((n) => [app, n] as const);
    const merge = new Migration(app, `${String(biggest + 1).padStart(4, "0")}_${suffix}`, { dependencies: deps });
    const file = migrationPath(project, merge);
    const write = !opts.dryRun && !opts.check;
    if (write) fs.writeFileSync(file, writeMigration(merge), "utf8");
    (json[app] ??= []).push({ app, name: merge.name, file, written: write, operations: [], dependencies: deps.map((d) => [d[0], d[1]]) });
    if (write && !opts.json) output.out(`\nCreated new merge migration ${file}\n`);
  }
  if (opts.json) output.out(`${JSON.stringify({ changes: json, overlaps: overlapJson }, null, 2)}\n`);
  return opts.check && Object.keys(overlapJson).length ? ExitCode.DRIFT : 0;
}

/** Django's `Merging shop` / `  Branch 0002_a` / `    - Add field ...` listing. */
function printBranches(merge: MergeBranches, output: Output): void {
  const s = styles(output);
  output.out(`${s.heading(`Merging ${merge.app}`)}\n`);
  for (const branch of merge.branches) {
    output.out(`${s.label(`  Branch ${branch.leaf}`)}\n`);
    for (const m of branch.migrations) for (const op of m.operations) output.out(`    - ${op.describe()}\n`);
  }
}

/** The overlaps between branches (not in Django): what both touch and what each does, to check by hand. */
function printOverlaps(overlaps: readonly MergeOverlap[], output: Output): void {
  const s = styles(output);
  for (const o of overlaps) {
    output.err(`${s.warning(`Warning: both branches touch ${o.subject}: ${o.changes[0]}; ${o.changes[1]} — check the merged result.`)}\n`);
  }
}
