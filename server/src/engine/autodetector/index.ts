/**
 * The autodetector: compares the state the migrations build with the state
 * the model files describe and produces the migrations that take one to the
 * other. Follows Django 3.2's `MigrationAutodetector.changes()`
 * (`django/db/migrations/autodetector.py`) step by step, with Django 4.0+
 * migration names; the steps live in `autodetector/`.
 */
import { type Asking, runAsync, runSync } from "./questions";
import { arrangeForGraph, buildMigrationList, optimizeMigrations, sortAll, trimToApps } from "./arrange";
import { Detector } from "./detector";
import { checkBaseChanges, generateCreatedProxies, generateDeletedProxies, generateSwitchedRelations } from "./inheritance";
import { generateAlteredOrderWrt } from "./order-wrt";
import { generateAddedFields, generateAlteredFields, generateRemovedFields, generateRenamedFields } from "./fields";
import type { Migration } from "../migration";
import type { Operation } from "../operations/base";
import { DriftQuestioner, type Questioner } from "../questioner";
import type { ProjectState } from "../state";

export { hasUsableDefault } from "./fields";
export { migrationNameTimestamp, parseNumber, suggestName } from "./arrange";

/** Options of {@link detectChanges}. */
export interface DetectOptions {
  /**
   * The current leaf migration name of each app (undefined: the app has no
   * migrations yet), as a function or a map.
   */
  readonly leaves: ((app: string) => string | undefined) | ReadonlyMap<string, string | undefined>;
  /** Apps to keep (`makemigrations app...`), with the apps they depend on; all when absent. */
  readonly apps?: readonly string[];
  /** `--name`: the name part of every new migration. */
  readonly name?: string;
  /** The clock for `auto_<YYYYMMDD_HHMM>` names (default: now). */
  readonly now?: () => Date;
}

/**
 * Django's `_detect_changes` up to (not including) naming: generated,
 * sorted, chopped into `auto_N` migrations per app and optimized.
 */
function* detect(from: ProjectState, to: ProjectState, leaf: (app: string) => string | undefined): Asking<Map<string, Migration[]>> {
  const d = new Detector(from, to);
  yield* d.generateRenamedModels();
  checkBaseChanges(d);
  d.prepareFieldLists();
  d.generateDeletedModels();
  d.generateCreatedModels();
  generateDeletedProxies(d);
  generateCreatedProxies(d);
  generateSwitchedRelations(d);
  d.generateAlteredOptions();
  d.createAlteredIndexesAndConstraints();
  d.generateRemovedConstraints();
  d.generateRemovedIndexes();
  yield* generateRenamedFields(d);
  generateRemovedFields(d);
  yield* generateAddedFields(d);
  yield* generateAlteredFields(d);
  generateAlteredOrderWrt(d);
  d.generateAlteredTogether("uniqueTogether");
  d.generateAlteredTogether("indexTogether");
  d.generateAddedIndexes();
  d.generateAddedConstraints();
  d.generateAlteredDbTable();

  sortAll(d.generated, d.deps);
  const migrations = buildMigrationList(d.generated, d.deps, d.existingApps, leaf, (app) => leaf(app) !== undefined);
  optimizeMigrations(migrations);
  return migrations;
}

function* changes(from: ProjectState, to: ProjectState, opts: DetectOptions): Asking<Map<string, Migration[]>> {
  const leaves = opts.leaves;
  const leaf = typeof leaves === "function" ? leaves : (app: string) => leaves.get(app);
  const now = opts.now ?? (() => new Date());
  let result = arrangeForGraph(yield* detect(from, to, leaf), leaf, opts.name, now);
  if (opts.apps) result = trimToApps(result, opts.apps);
  return result;
}

/**
 * Django's `MigrationAutodetector(from, to, questioner).changes(graph,
 * trim_to_apps, migration_name=name)`: the new migrations per app label
 * (apps without changes are absent), named and numbered after each app's
 * leaf, optimized. `from` is the state the migration files build, `to` the
 * models' state. Questions (renames, NOT NULL defaults) go to `questioner`.
 *
 * @throws whatever the questioner throws (QuestionError under --noinput,
 *   a "quit" TsMigrateError), TsMigrateError code `cycle` when operations
 *   cannot be ordered.
 */
export function detectChanges(
  from: ProjectState, to: ProjectState, questioner: Questioner, opts: DetectOptions,
): Promise<Map<string, Migration[]>> {
  return runAsync(changes(from, to, opts), questioner);
}

/**
 * {@link detectChanges} for a questioner that answers synchronously (the
 * {@link DriftQuestioner}, scripted answers): same result, no Promise.
 * @throws TsMigrateError when the questioner answers with a Promise.
 */
export function detectChangesSync(
  from: ProjectState, to: ProjectState, questioner: Questioner, opts: DetectOptions,
): Map<string, Migration[]> {
  return runSync(changes(from, to, opts), questioner);
}

/**
 * For the editor: the operations makemigrations would write now, per app
 * (apps without changes absent), without asking anything (renames shown as
 * remove + add, NOT NULL additions with a placeholder one-off default).
 */
export function detectDrift(
  from: ProjectState, to: ProjectState, leaves: DetectOptions["leaves"] = () => undefined,
): Map<string, Operation[]> {
  const migrations = detectChangesSync(from, to, new DriftQuestioner(), { leaves, now: () => new Date(0) });
  const out = new Map<string, Operation[]>();
  for (const [app, list] of migrations) {
    const ops = list.flatMap((m) => m.operations);
    if (ops.length) out.set(app, ops);
  }
  return out;
}
