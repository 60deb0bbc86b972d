/**
 * Runs one generated history (test/property/history.ts) on one backend and
 * reports every way it went wrong:
 *
 * 1. Forwards, step by step: the step's `models.ts` files are written,
 *    makemigrations runs in-process (the CLI command's function, with the
 *    step's answers as `--answers`, `--noinput`), the migrations must reach
 *    the models (detecting again finds nothing), and the executor migrates
 *    the database to the step's leaves. The schema (introspection: tables,
 *    columns with type, NOT NULL and DEFAULT, primary keys, indexes and
 *    unique constraints with their names, CHECKs, foreign keys with ON
 *    DELETE) must equal, column order included, that of a fresh database
 *    migrated to the same leaves in one run, and, column order and index
 *    names aside, that of a database built from the models alone (their
 *    initial migrations, as makemigrations would write them on an empty
 *    history). The rows inserted at earlier steps are checked
 *    (test/property/rows.ts), then two new rows per table are inserted.
 * 2. Backwards, one step at a time to the first step: the schema must be
 *    the one that step had going forwards, and the rows still followed
 *    unchanged.
 * 3. To zero: no table of the apps left, no applied migration of theirs
 *    recorded.
 * 4. Forwards again to the last step in one run: the last step's schema.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Connection } from "../../server/src/engine/backends/base/base";
import { introspectionOf } from "../../server/src/engine/backends/base/introspection";
import { type SchemaSnapshot, diffSnapshots } from "../../server/src/engine/backends/base/snapshot";
import { detectChangesSync } from "../../server/src/engine/autodetector";
import { makeMigrations } from "../../server/src/cli/makemigrations";
import { loadConfig, type ProjectConfig } from "../../server/src/engine/config";
import { collectStatements } from "../../server/src/engine/executor-sql";
import { MigrationExecutor, type MigrateTarget } from "../../server/src/engine/executor";
import { MigrationLoader } from "../../server/src/engine/loader";
import type { Migration } from "../../server/src/engine/migration";
import { DriftQuestioner } from "../../server/src/engine/questioner";
import { loadModels } from "../../server/src/engine/source/models";
import { ProjectState } from "../../server/src/engine/state";
import { type GenerateOptions, type History, describeHistory } from "./history";
import { APPS, modelsSource } from "./model";
import { RowTracker } from "./rows";

/** The database side of the property test: fresh, empty databases of one vendor. */
export interface PropertyBackend {
  readonly vendor: "sqlite" | "postgresql";
  /**
   * What a rollback gives back besides the schema itself, compared after
   * rollbacks only when true: columns in the order they had going forwards
   * (SQLite: tsmigrate rebuilds to place a column; PostgreSQL's ADD COLUMN
   * only appends), and the names of indexes and unique constraints
   * (PostgreSQL: a unique constraint added back is named as Django names it,
   * `<table>_<column>_<hash>_uniq`, where CREATE TABLE's inline UNIQUE got
   * PostgreSQL's `<table>_<column>_key`). Without names, equal indexes count
   * once: a table made again by unapplying DeleteModel gets its column's
   * UNIQUE and a UniqueConstraint on that column in one CREATE TABLE, which
   * PostgreSQL makes one index (Django 3.2's create_model does the same).
   */
  readonly rollbackRestores: { readonly columnOrder: boolean; readonly indexNames: boolean };
  /** What this backend's histories leave out (test/property/history.ts). */
  readonly generate?: GenerateOptions;
  /**
   * An empty database for one role (the database migrated step by step, the
   * one migrated in one run, the one built from the models), connected.
   * A role's previous database is given back with {@link release} first.
   */
  open(role: "stepwise" | "replay" | "models"): Promise<Connection>;
  release(conn: Connection): Promise<void>;
}

/** One history's throw-away project folder: config, models files, migrations. */
class HistoryProject {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "tsm-prop-"));
  readonly config: ProjectConfig;
  readonly loader: MigrationLoader;

  constructor() {
    for (const app of APPS) {
      fs.mkdirSync(path.join(this.dir, app), { recursive: true });
      fs.writeFileSync(path.join(this.dir, app, "models.ts"), `import { models } from "tsmigrate";\n`);
    }
    // The default database is never opened (makemigrations' history check skips a missing SQLite file).
    fs.writeFileSync(path.join(this.dir, "tsmigrate.config.json"), JSON.stringify({
      apps: APPS, databases: { default: { engine: "sqlite", name: "unused.sqlite3" } },
    }));
    this.config = loadConfig({ project: this.dir });
    this.loader = new MigrationLoader(this.config);
  }

  /** Writes the step's models and answers, runs makemigrations; returns the models' state. */
  async makeMigrations(history: History, k: number): Promise<ProjectState> {
    const step = history.steps[k]!;
    for (const app of APPS) fs.writeFileSync(path.join(this.dir, app, "models.ts"), modelsSource(step.state, app));
    const answers = path.join(this.dir, `answers-${k + 1}.json`);
    fs.writeFileSync(answers, JSON.stringify(step.answers));
    let printed = "";
    const output = { out: (t: string) => void (printed += t), err: (t: string) => void (printed += t), color: false };
    let code: number;
    try {
      code = await makeMigrations([], { project: this.dir, noinput: true, answers }, output);
    } catch (e) {
      throw new Error(`makemigrations failed: ${e instanceof Error ? e.message : String(e)}\n${printed}`);
    }
    if (code !== 0) throw new Error(`makemigrations exited ${code}:\n${printed}`);
    this.loader.load();
    this.loader.throwIfErrors();
    const models = loadModels(this.config);
    if (models.errors.length) throw new Error(`the generated models do not load:\n${models.errors.map((e) => e.format()).join("\n")}`);
    const left = detectChangesSync(this.loader.projectState(), models.state, new DriftQuestioner(), { leaves: () => undefined, now: () => new Date(0) });
    const ops = [...left.values()].flat().flatMap((m) => m.operations.map((o) => o.describe()));
    if (ops.length) throw new Error(`after makemigrations the models still differ from the migrations: ${ops.join("; ")}\n${printed}`);
    return models.state;
  }

  /** Every app at its current leaf (an app without migrations: zero). */
  targets(): MigrateTarget[] {
    return APPS.map((app) => [app, this.loader.leafName(app) ?? null] as const);
  }

  /** Removes the folder, unless `TSM_KEEP_HISTORY_DIRS` is set (to look at a failing history's files). */
  remove(): void {
    if (!process.env.TSM_KEEP_HISTORY_DIRS) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

async function migrate(conn: Connection, loader: MigrationLoader, targets: readonly MigrateTarget[]): Promise<void> {
  const ex = await MigrationExecutor.open(conn, loader);
  // An app with no migrations at all cannot be a target; one with migrations at zero can.
  await ex.migrate(targets.filter(([app, name]) => name !== null || loader.leafName(app) !== undefined));
}

async function snapshot(conn: Connection): Promise<SchemaSnapshot> {
  return introspectionOf(conn).snapshot({ indexNames: true });
}

/** The snapshot without index names (a database built another way names auto-created indexes alike, but a renamed table keeps its old names on PostgreSQL). */
function unnamed(s: SchemaSnapshot): SchemaSnapshot {
  return { tables: s.tables.map((t) => ({ ...t, indexes: distinct(t.indexes.map(({ name: _name, ...ix }) => ix)) })) };
}

/** `list` without repeats (equal as JSON). */
function distinct<T>(list: readonly T[]): T[] {
  const seen = new Set<string>();
  return list.filter((x) => !seen.has(JSON.stringify(x)) && seen.add(JSON.stringify(x)) !== undefined);
}

/** Migrations in an order that satisfies their dependencies among themselves. */
function dependencyOrder(all: readonly Migration[]): Migration[] {
  const keys = new Set(all.map((m) => `${m.app}.${m.name}`));
  const done = new Set<string>();
  const out: Migration[] = [];
  while (out.length < all.length) {
    const next = all.find((m) => !done.has(`${m.app}.${m.name}`) && m.dependencies.every(([a, n]) => !keys.has(`${a}.${n}`) || done.has(`${a}.${n}`)));
    if (!next) throw new Error(`the initial migrations of the models depend on each other in a cycle: ${[...keys].join(", ")}`);
    done.add(`${next.app}.${next.name}`);
    out.push(next);
  }
  return out;
}

/** Builds, on `conn`, the schema the models' own initial migrations make (no history). */
async function buildFromModels(conn: Connection, models: ProjectState): Promise<void> {
  const changes = detectChangesSync(new ProjectState(), models, new DriftQuestioner(), { leaves: () => undefined, now: () => new Date(0) });
  const state = new ProjectState();
  for (const m of dependencyOrder([...changes.values()].flat())) {
    const statements = collectStatements(m, state, (emit) => conn.schemaEditor(emit));
    await conn.atomic(async () => {
      for (const s of statements) await conn.execute(s.sql);
    });
  }
}

/** What one run collects: the failures, and how much the row checks covered. */
export interface HistoryResult {
  readonly problems: string[];
  /** Values and links checked, summed over every checkpoint (0 only for a history where no row outlives its step). */
  readonly trackedValues: number;
}

/** The comparisons with the fresh databases at forward step `k`. */
async function freshProblems(backend: PropertyBackend, project: HistoryProject, models: ProjectState, live: SchemaSnapshot): Promise<string[]> {
  const replay = await backend.open("replay");
  const built = await backend.open("models");
  try {
    await migrate(replay, project.loader, project.targets());
    await buildFromModels(built, models);
    const one = diffSnapshots(await snapshot(replay), live, { labels: ["migrated in one run", "migrated step by step"], columnOrder: true });
    const fromModels = diffSnapshots(unnamed(await snapshot(built)), unnamed(live), { labels: ["built from the models", "migrated step by step"] });
    return [...one.map((l) => `[schema] ${l}`), ...fromModels.map((l) => `[schema vs models] ${l}`)];
  } finally {
    await backend.release(replay);
    await backend.release(built);
  }
}

/**
 * Runs `history` on `backend` (see the module comment). Resolves with the
 * problems found (empty: the history passed); throws only when the run
 * itself cannot go on (a migration that fails, makemigrations refusing),
 * with the step in the message.
 */
export async function runHistory(history: History, backend: PropertyBackend): Promise<HistoryResult> {
  const project = new HistoryProject();
  const conn = await backend.open("stepwise");
  const rows = new RowTracker();
  const snaps: SchemaSnapshot[] = [];
  const targets: MigrateTarget[][] = [];
  let where = "";
  let trackedValues = 0;
  try {
    const problems: string[] = [];
    const at = (label: string, list: string[]) => problems.push(...list.map((p) => `${label}: ${p}`));
    for (let k = 0; k < history.steps.length; k++) {
      where = `step ${k + 1} forwards`;
      const models = await project.makeMigrations(history, k);
      targets.push(project.targets());
      await migrate(conn, project.loader, targets[k]!);
      const live = await snapshot(conn);
      snaps.push(live);
      at(where, await freshProblems(backend, project, models, live));
      rows.visit(history.steps[k]!.state);
      at(where, await rows.problems(conn, history.steps[k]!.state));
      trackedValues += rows.tracked;
      await rows.insert(conn, history.steps[k]!.state, k + 1);
      if (problems.length) return { problems, trackedValues };
    }
    for (let k = history.steps.length - 2; k >= 0; k--) {
      where = `back to step ${k + 1}`;
      await migrate(conn, project.loader, targets[k]!);
      const names = (x: SchemaSnapshot) => (backend.rollbackRestores.indexNames ? x : unnamed(x));
      const restored = diffSnapshots(names(snaps[k]!), names(await snapshot(conn)), {
        labels: [`step ${k + 1} forwards`, "rolled back"], columnOrder: backend.rollbackRestores.columnOrder,
      });
      at(where, restored.map((l) => `[restore] ${l}`));
      rows.visit(history.steps[k]!.state);
      at(where, await rows.problems(conn, history.steps[k]!.state));
      trackedValues += rows.tracked;
      if (problems.length) return { problems, trackedValues };
    }
    where = "back to zero";
    await migrate(conn, project.loader, APPS.map((app) => [app, null] as const));
    at(where, zeroProblems(await snapshot(conn), await recordedCount(conn)));
    where = "forwards again";
    await migrate(conn, project.loader, targets[targets.length - 1]!);
    const again = diffSnapshots(snaps[snaps.length - 1]!, await snapshot(conn), { labels: ["last step", "forwards again"], columnOrder: true });
    at(where, again.map((l) => `[schema] ${l}`));
    return { problems, trackedValues };
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    err.message = `${where}: ${err.message}${process.env.TSM_KEEP_HISTORY_DIRS ? ` (project kept in ${project.dir})` : ""}`;
    throw err;
  } finally {
    await backend.release(conn);
    project.remove();
  }
}

async function recordedCount(conn: Connection): Promise<number> {
  const rows = await conn.query<{ n: unknown }>(`SELECT count(*) AS n FROM tsmigrate_migrations WHERE app IN (${APPS.map((a) => `'${a}'`).join(", ")})`);
  return Number(rows[0]?.n ?? -1);
}

function zeroProblems(s: SchemaSnapshot, recorded: number): string[] {
  const out = s.tables.map((t) => `[zero] table "${t.name}" is left`);
  if (recorded !== 0) out.push(`[zero] ${recorded} migration(s) of the apps still recorded as applied`);
  return out;
}

/**
 * The property: `history` runs without a problem on `backend`.
 * @throws Error listing the problems, the history and where its project was.
 */
export async function assertHistory(history: History, backend: PropertyBackend): Promise<number> {
  let result: HistoryResult;
  try {
    result = await runHistory(history, backend);
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    err.message = `${err.message}\nhistory:\n${describeHistory(history)}`;
    throw err;
  }
  if (result.problems.length) throw new Error(`${result.problems.join("\n")}\nhistory:\n${describeHistory(history)}`);
  return result.trackedValues;
}
