/**
 * Runs migrations against a database: plans, applies, unapplies, fakes and
 * records them. Mirrors `django/db/migrations/executor.py` (Django 3.2).
 *
 * Each migration's SQL is first collected from the schema editor (pure), then
 * executed statement by statement inside `connection.atomic()` together with
 * its `tsmigrate_migrations` row, so a failure leaves the database and the
 * record exactly as they were before that migration (for atomic migrations;
 * `atomic: false` migrations run without a transaction, as in Django).
 *
 * Modified migrations (applied, but the file's checksum changed since): a
 * plan that would unapply one is refused (code `modified-migration`) unless
 * faked, because the edited file's backwards SQL may not match the schema the
 * original made. To accept an edit, fake it out and in again
 * (`migrate app <previous> --fake`, then `migrate app --fake`), which
 * records the new checksum. Forward plans only warn (the CLI prints the list).
 */
import type { Connection, MigrateLockOptions } from "./backends/base/base";
import { TsMigrateError } from "./errors";
import { checkAborted } from "./execution-errors";
import { runStatements } from "./executor-steps";
import { collectSql, collectStatements, type Statement } from "./executor-sql";
import type { MigrationLoader } from "./loader";
import { keyString, type Migration, type MigrationKey } from "./migration";
import { type AppliedRecord, MigrationRecorder } from "./recorder";
import type { ProjectState } from "./state";
import { SqlScript } from "./sql-script";
import type { DerivedCache } from "./statement-cache";

/** A migrate target: `[app, name]`, or `[app, null]` for "zero" (unapply the whole app). */
export type MigrateTarget = readonly [app: string, name: string | null];

/** One step of a plan. */
export interface PlanStep {
  readonly migration: Migration;
  readonly backwards: boolean;
}

/** Progress reported by {@link MigrationExecutor.migrate} (Django's progress callback actions). */
export interface ProgressEvent {
  readonly action: "apply_start" | "apply_success" | "unapply_start" | "unapply_success";
  readonly migration: Migration;
  /** True when the step was faked (`--fake`, or `--fake-initial` found the tables). */
  readonly fake: boolean;
}

/** Options of {@link MigrationExecutor.migrate}. */
export interface MigrateOptions {
  /** Record without running SQL. */
  fake?: boolean;
  /** Fake initial migrations whose tables (and columns) already exist. */
  fakeInitial?: boolean;
  onProgress?: (event: ProgressEvent) => void;
  /**
   * Checked between migrations and between a migration's statements: an
   * abort stops the run (TsMigrateError code `aborted`), the migration in
   * progress rolled back with its transaction.
   */
  signal?: AbortSignal;
  /** Do not take the `tsmigrate_lock` row (the caller holds it). */
  noLock?: boolean;
  /** How long to wait for another migrate's lock, and who is told about the wait. */
  lock?: MigrateLockOptions;
  /**
   * Called with the plan once the lock is held and the plan is known and
   * not empty, before the first migration runs (the CLI's backup); a
   * rejection stops the run with nothing migrated.
   */
  beforeRun?: (plan: readonly PlanStep[]) => Promise<void>;
}

/** An applied migration whose file changed since it was applied. */
export interface ModifiedMigration {
  readonly migration: Migration;
  readonly record: AppliedRecord;
}

/**
 * Plans and runs migrations on one connection (Django's `MigrationExecutor`).
 * Create with {@link MigrationExecutor.open}, which reads the applied
 * migrations and builds the loader's graph against them.
 */
export class MigrationExecutor {
  readonly recorder: MigrationRecorder;

  constructor(readonly connection: Connection, readonly loader: MigrationLoader) {
    this.recorder = new MigrationRecorder(connection);
  }

  /** An executor whose loader graph reflects what `connection` has applied. */
  static async open(connection: Connection, loader: MigrationLoader): Promise<MigrationExecutor> {
    const ex = new MigrationExecutor(connection, loader);
    await ex.refresh();
    return ex;
  }

  /** Re-reads the applied migrations and rebuilds the graph (squash choices depend on them). */
  async refresh(): Promise<void> {
    this.loader.buildGraph(await this.recorder.appliedMigrations());
  }

  /**
   * Django's `migration_plan`: the steps that bring the database to
   * `targets`. `[app, null]` unapplies every migration of `app` and their
   * dependents; an applied target unapplies what follows it in its app (and
   * dependents); an unapplied one applies it and its dependencies.
   */
  migrationPlan(targets: readonly MigrateTarget[], cleanStart = false): PlanStep[] {
    const graph = this.loader.graph;
    const plan: PlanStep[] = [];
    const applied = new Set(cleanStart ? [] : this.loader.appliedMigrations.keys());
    for (const [app, name] of targets) {
      if (name === null) {
        for (const root of graph.rootNodes(app)) {
          for (const key of graph.backwardsPlan(root)) {
            const id = keyString(key);
            if (applied.has(id)) { plan.push({ migration: graph.migration(key), backwards: true }); applied.delete(id); }
          }
        }
      } else if (applied.has(`${app}.${name}`)) {
        const node = graph.node([app, name]);
        if (!node) throw new TsMigrateError(`Node ('${app}', '${name}') not a valid node`, { code: "unknown-migration" });
        const next = [...node.children].filter((n) => n.key[0] === app).map((n) => n.key).sort(compare);
        for (const n of next) {
          for (const key of graph.backwardsPlan(n)) {
            const id = keyString(key);
            if (applied.has(id)) { plan.push({ migration: graph.migration(key), backwards: true }); applied.delete(id); }
          }
        }
      } else {
        for (const key of graph.forwardsPlan([app, name])) {
          const id = keyString(key);
          if (!applied.has(id)) { plan.push({ migration: graph.migration(key), backwards: false }); applied.add(id); }
        }
      }
    }
    return plan;
  }

  /** The plan from an empty database to every leaf (Django's `full_plan`), in one linear walk. */
  fullPlan(): Migration[] {
    return this.loader.graph.forwardsPlanMany(this.loader.graph.leafNodes()).map((k) => this.loader.graph.migration(k));
  }

  /** Applied migrations whose current checksum differs from the recorded one. */
  modifiedMigrations(): ModifiedMigration[] {
    const out: ModifiedMigration[] = [];
    for (const [id, record] of this.loader.appliedMigrations) {
      const migration = this.loader.graph.nodes.get(id);
      if (migration && record.checksum && record.checksum !== migration.checksum()) out.push({ migration, record });
    }
    return out;
  }

  /** The state with the applied migrations replayed (Django's `_create_project_state(with_applied_migrations=True)`). */
  appliedState(): ProjectState {
    return this.loader.stateAfter(this.fullPlan().filter((m) => this.loader.appliedMigrations.has(keyString(m.key))));
  }

  /**
   * Django's `migrate`: takes the lock, re-reads what is applied, plans,
   * and runs the plan (all forwards or all backwards; a mixed plan is code
   * `invalid-plan`). Unlike Django's, returns nothing: building the state
   * after the run would cost a repeated `migrate` from empty the operations
   * the statement cache spares it, and no caller used it.
   * @throws TsMigrateError naming the migration, operation and SQL that failed (code `database`),
   *   `locked`, `irreversible`, `modified-migration`, `unsupported` (RunCode), `aborted`.
   */
  async migrate(targets: readonly MigrateTarget[], options: MigrateOptions = {}): Promise<void> {
    await this.recorder.ensureSchema();
    const release = options.noLock ? undefined : await this.recorder.acquireLock(options.lock);
    try {
      await this.refresh();
      const plan = this.migrationPlan(targets);
      const forwards = plan.every((s) => !s.backwards);
      const backwards = plan.every((s) => s.backwards);
      if (forwards === backwards && plan.length) {
        throw new TsMigrateError(
          "Migration plans with both forwards and backwards migrations are not supported. Please split your " +
          "migration process into separate plans of only forwards OR backwards migrations.", { code: "invalid-plan" });
      }
      if (plan.length) {
        await options.beforeRun?.(plan);
        if (forwards) await this.migrateAllForwards(plan, options);
        else await this.migrateAllBackwards(plan, options);
      }
      await this.checkReplacements();
    } finally {
      await release?.();
    }
  }

  /**
   * Applies the plan's migrations in the full plan's order. The state each
   * one runs on is the state after the applied migrations and those run
   * before it; it is built only for a migration whose statements the
   * derived cache (statement-cache.ts) does not hold for that exact
   * sequence, so a repeated `migrate` from empty builds no operation.
   */
  private async migrateAllForwards(plan: PlanStep[], options: MigrateOptions): Promise<void> {
    const applied = this.fullPlan().filter((m) => this.loader.appliedMigrations.has(keyString(m.key)));
    const done = [...applied];
    const cache = options.fake || options.fakeInitial ? undefined : this.statementCache();
    const sequence = cache?.cache.sequence(applied);
    let state: ProjectState | undefined;
    const toRun = new Set(plan.map((s) => s.migration));
    for (const migration of this.fullPlan()) {
      if (!toRun.size) break;
      if (!toRun.has(migration)) continue;
      checkAborted(options.signal);
      const key = cache && sequence!.keyOf(migration, false, cache.seed);
      const statements = key === undefined ? undefined : cache!.cache.statements(key);
      if (statements) {
        await this.runForwards(migration, statements, options);
        state = undefined;
      } else {
        state = await this.applyMigration(state ?? this.loader.stateAfter(done), migration, options, key);
      }
      done.push(migration);
      sequence?.push(migration);
      toRun.delete(migration);
    }
  }

  /** The derived cache and this connection's seed, when both are there (statements cached). */
  private statementCache(): { cache: DerivedCache; seed: string } | undefined {
    const seed = this.connection.statementCacheSeed?.();
    const cache = this.loader.derivedCache;
    return seed === undefined || cache === undefined ? undefined : { cache, seed: `statements ${seed}` };
  }

  private async migrateAllBackwards(plan: PlanStep[], options: MigrateOptions): Promise<void> {
    const toRun = new Set(plan.map((s) => s.migration));
    if (!options.fake) {
      const modified = this.modifiedMigrations().filter((m) => toRun.has(m.migration));
      if (modified.length) {
        const names = modified.map((m) => keyString(m.migration.key)).join(", ");
        throw new TsMigrateError(
          `Refusing to unapply ${names}: changed since applied (checksum differs), so its backwards SQL may not ` +
          "match the database. Restore the file as applied, or fake the step with --fake.",
          { code: "modified-migration", location: modified[0]!.migration.location },
        );
      }
    }
    const states = new Map<Migration, ProjectState>();
    let state = this.loader.projectState([]);
    const fullPlan = this.fullPlan();
    for (const migration of fullPlan) {
      if (states.size === toRun.size) break;
      if (toRun.has(migration)) {
        states.set(migration, state);
        state = migration.mutateState(state.clone());
      } else if (this.loader.appliedMigrations.has(keyString(migration.key))) {
        migration.mutateState(state);
      }
    }
    for (const { migration } of plan) {
      checkAborted(options.signal);
      await this.unapplyMigration(states.get(migration)!, migration, options);
    }
  }

  /**
   * Runs one migration forwards (Django's `apply_migration`) from `state`,
   * advanced in place to the state after it, and returned. `cacheKey`: the
   * derived cache's key of its statements on `state` (statement-cache.ts),
   * under which the statements are stored once they ran.
   */
  async applyMigration(state: ProjectState, migration: Migration, options: MigrateOptions = {}, cacheKey?: string): Promise<ProjectState> {
    let fake = options.fake ?? false;
    options.onProgress?.({ action: "apply_start", migration, fake });
    let advanced = false;
    if (!fake && options.fakeInitial) {
      const [applied, after] = await this.detectSoftApplied(state, migration);
      if (applied) {
        fake = true;
        advanced = true;
        state = after;
      }
    }
    if (fake) {
      if (!advanced) migration.mutateState(state);
      await this.recordMigration(migration);
    } else {
      const statements = collectStatements(migration, state, (emit) => this.connection.schemaEditor(emit));
      // Statements to store (a backend with a statement cache seed runs scripts) are made one script once, run and stored.
      const script = cacheKey !== undefined && statements.length && statements.every((s) => s.code === undefined)
        ? SqlScript.of(statements) : undefined;
      await this.run(migration, script ?? statements, false, () => this.recordMigration(migration), options.signal);
      if (cacheKey !== undefined) this.loader.derivedCache?.putStatements(cacheKey, script ?? statements);
    }
    options.onProgress?.({ action: "apply_success", migration, fake });
    return state;
  }

  /** Runs one migration forwards from its statements as the derived cache stored them (one script), as {@link applyMigration} does. */
  private async runForwards(migration: Migration, statements: SqlScript, options: MigrateOptions): Promise<void> {
    options.onProgress?.({ action: "apply_start", migration, fake: false });
    await this.run(migration, statements, false, () => this.recordMigration(migration), options.signal);
    options.onProgress?.({ action: "apply_success", migration, fake: false });
  }

  /** Runs one migration backwards from `state` (the state before it); Django's `unapply_migration`. */
  async unapplyMigration(state: ProjectState, migration: Migration, options: MigrateOptions = {}): Promise<void> {
    const fake = options.fake ?? false;
    options.onProgress?.({ action: "unapply_start", migration, fake });
    if (fake) {
      await this.recordUnapplied(migration);
    } else {
      const statements = collectStatements(migration, state, (emit) => this.connection.schemaEditor(emit), true);
      await this.run(migration, statements, true, () => this.recordUnapplied(migration), options.signal);
    }
    options.onProgress?.({ action: "unapply_success", migration, fake });
  }

  /** Executes collected statements (or a cached script) then `record`, in one transaction when the migration is atomic. */
  private async run(
    migration: Migration, statements: readonly Statement[] | SqlScript, backwards: boolean, record: () => Promise<void>, signal?: AbortSignal,
  ) {
    const body = async () => {
      await runStatements(this.connection, migration, statements, backwards, signal);
      await record();
    };
    // Django's `atomic and connection.features.can_rollback_ddl`.
    if (migration.atomic && this.connection.transactionalDdl) await this.connection.atomic(body);
    else await body();
  }

  private async recordMigration(migration: Migration): Promise<void> {
    if (migration.replaces.length) {
      for (const key of migration.replaces) {
        const own = this.loader.diskMigrations.get(keyString(key));
        await this.recorder.recordApplied(key, (own ?? migration).checksum());
      }
    } else {
      await this.recorder.recordApplied(migration.key, migration.checksum());
    }
  }

  private async recordUnapplied(migration: Migration): Promise<void> {
    if (migration.replaces.length) for (const key of migration.replaces) await this.recorder.recordUnapplied(key);
    else await this.recorder.recordUnapplied(migration.key);
  }

  /** Django's `check_replacements`: records a squash as applied once everything it replaces is. */
  async checkReplacements(): Promise<void> {
    const applied = await this.recorder.appliedMigrations();
    for (const [id, m] of this.loader.replacements) {
      if (!applied.has(id) && m.replaces.every((r) => applied.has(keyString(r)))) {
        await this.recorder.recordApplied(m.key, m.checksum());
      }
    }
  }

  /**
   * Django's `detect_soft_applied`, for `--fake-initial`: true when the
   * migration is initial (flagged, or with no dependency in its own app),
   * creates something, and every table and column it creates (unmanaged
   * models aside) already exists. Unlike Django, the auto-created join
   * tables of its many-to-many fields must exist too. Returns the state
   * after the migration too.
   */
  async detectSoftApplied(state: ProjectState, migration: Migration): Promise<[boolean, ProjectState]> {
    if (!migration.initial && migration.dependencies.some((d) => d[0] === migration.app)) return [false, state];
    const objects = migration.creates(state);
    if (!objects.length) return [false, state];
    const tables = new Set((await this.connection.tableNames()).map((t) => t.toLowerCase()));
    for (const o of objects) {
      if (!tables.has(o.table.toLowerCase())) return [false, state];
      if (o.column === undefined) continue;
      const columns = (await this.connection.columnNames(o.table)).map((c) => c.toLowerCase());
      if (!columns.includes(o.column.toLowerCase())) return [false, state];
    }
    return [true, migration.mutateState(state.clone())];
  }

  /**
   * What `sqlmigrate` prints for `migration` (see {@link collectSql}), using
   * this connection's schema editor and the loader's graph.
   */
  sqlFor(migration: Migration, backwards = false): string[] {
    return collectSql(this.loader, migration, backwards, (emit) => this.connection.schemaEditor(emit), this.connection.transactionalDdl);
  }
}

function compare(a: MigrationKey, b: MigrationKey): number {
  return a[0] === b[0] ? (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) : a[0] < b[0] ? -1 : 1;
}

export { collectSql, collectStatements, type Statement } from "./executor-sql";
