/**
 * Loads migration files from disk and builds the migration graph. Mirrors
 * `django/db/migrations/loader.py` (Django 3.2): migrations are read, not
 * run (see {@link readMigrationFile}); squashes are used when all or none of
 * what they replace is applied; dependencies on missing migrations and
 * cycles are errors.
 *
 * Errors are collected rather than thrown at the first one, so an editor can
 * show every bad file; {@link MigrationLoader.throwIfErrors} raises them for
 * the CLI.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { type AppConfig, type ProjectConfig, isMissing } from "./config";
import { MultipleErrors, type SourceLocation, TsMigrateError } from "./errors";
import { MigrationGraph } from "./graph";
import { CACHE_DIR } from "./loader-cache";
import { ParsedMigrationCache } from "./loader-pack";
import { MigrationFileReader } from "./loader-read";
import { keyString, type Migration, type MigrationKey } from "./migration";
import type { AppliedRecord } from "./recorder";
import { locationOf } from "./source/read";
import { StateCache } from "./state-cache";
import { DerivedCache } from "./statement-cache";
import { ProjectState } from "./state";

export { readMigrationFile } from "./loader-file";

/** A migration file's name: `NNNN_anything.ts` (declaration files excluded). */
export const MIGRATION_FILE_RE = /^\d+_[^.]*\.ts$/;

/** Options of {@link MigrationLoader.load}. */
export interface LoadOptions {
  /**
   * Applied migrations from the database (`"app.name"` -> record); decides
   * which squashes are used. Omitted: none applied (Django's loader with no
   * connection, as `makemigrations` uses it).
   */
  applied?: ReadonlyMap<string, AppliedRecord>;
  /** Unsaved editor text by absolute file path; files listed here are read from it, not from disk. */
  overrides?: ReadonlyMap<string, string>;
}


/**
 * Reads every app's `migrations/NNNN_*.ts` and builds the graph
 * (Django's `MigrationLoader`).
 *
 * After {@link load}: `diskMigrations` holds every file that parsed,
 * `graph` the usable graph (squashes resolved, bad edges dropped),
 * `appliedMigrations` the database's records adjusted for squashes,
 * `errors` every problem found (bad files, missing dependencies, cycles).
 */
export class MigrationLoader {
  readonly config: ProjectConfig;
  /** Use squashes (Django's `replace_migrations`; `sqlmigrate` turns it off). */
  readonly replaceMigrations: boolean;
  /** Parsed migrations: `"app.name"` -> migration. */
  diskMigrations = new Map<string, Migration>();
  /** Squash migrations found: `"app.name"` -> migration. */
  replacements = new Map<string, Migration>();
  /** Applied migrations after squash handling (Django's `applied_migrations`). */
  appliedMigrations = new Map<string, AppliedRecord>();
  /** Apps whose `migrations` folder exists. */
  migratedApps = new Set<string>();
  /** Apps with no `migrations` folder. */
  unmigratedApps = new Set<string>();
  graph = new MigrationGraph();
  /** Bad migration files (code `bad-migration`). */
  fileErrors: TsMigrateError[] = [];
  /** Missing dependencies and cycles. */
  graphErrors: TsMigrateError[] = [];
  /** The `diskMigrations` the graph was last built from. */
  private graphBuiltFrom: Map<string, Migration> | undefined;
  /** Keys (`"app.name"`) of files that failed to load. */
  failedKeys = new Set<string>();
  /** Reads the files, keeping what it read (see loader-read.ts). */
  private readonly reader: MigrationFileReader;
  /** States after sequences of migrations (see {@link stateAfter}); cleared when files are read. */
  private readonly states = new Map<string, ProjectState>();

  /** The persistent cache of parsed files (`<root>/.tsmigrate-cache`), or undefined when off. */
  readonly parsedCache: ParsedMigrationCache | undefined;
  /** The persistent cache of states (`<root>/.tsmigrate-cache/states`), kept with the parse cache. */
  readonly stateCache: StateCache | undefined;
  /** The persistent cache of migrations' statements and losses (statement-cache.ts), kept with the parse cache. */
  readonly derivedCache: DerivedCache | undefined;

  /**
   * `options.parsedCache`: false turns the persistent parse cache off
   * (default: on, in `<project root>/.tsmigrate-cache`); a cache object uses that one.
   */
  constructor(config: ProjectConfig, options: { replaceMigrations?: boolean; parsedCache?: ParsedMigrationCache | false } = {}) {
    this.config = config;
    this.replaceMigrations = options.replaceMigrations ?? true;
    this.parsedCache = options.parsedCache === false
      ? undefined
      : options.parsedCache ?? new ParsedMigrationCache(path.join(config.root, CACHE_DIR));
    this.stateCache = this.parsedCache && new StateCache(this.parsedCache.dir, config.defaultAutoField ?? "");
    this.derivedCache = this.parsedCache && new DerivedCache(this.parsedCache.dir, config.defaultAutoField ?? "");
    this.reader = new MigrationFileReader(this.parsedCache);
  }

  /** Every error found by the last {@link load}: file errors first, then graph errors. */
  get errors(): TsMigrateError[] {
    return [...this.fileErrors, ...this.graphErrors];
  }

  /** Throws the errors of the last load: the single error, or MultipleErrors. */
  throwIfErrors(): void {
    const errors = this.errors;
    if (errors.length === 1) throw errors[0]!;
    if (errors.length > 1) throw new MultipleErrors(errors);
  }

  /** Reads the files (unchanged ones come from the cache) and builds the graph. Returns `this`. */
  load(options: LoadOptions = {}): this {
    this.loadDisk(options.overrides);
    this.buildGraph(options.applied);
    return this;
  }

  /** The app whose migrations folder holds `file`, or undefined. */
  appForFile(file: string): AppConfig | undefined {
    const dir = path.dirname(path.resolve(file));
    return this.config.apps.find((a) => path.resolve(a.migrationsDir) === dir);
  }

  /**
   * The migration files of `app`, sorted by name (absolute paths), plus override files in its folder.
   * No migrations folder means no migrations.
   * @throws TsMigrateError code `io` when the folder exists but cannot be read.
   */
  migrationFiles(app: AppConfig, overrides?: ReadonlyMap<string, string>): string[] {
    const files = new Set<string>();
    let names: string[] = [];
    try {
      names = fs.readdirSync(app.migrationsDir);
    } catch (e) {
      if (!isMissing(e)) {
        throw new TsMigrateError(`cannot read the migrations folder ${app.migrationsDir}: ${(e as Error).message}`,
          { code: "io", location: { file: app.migrationsDir, line: 1, column: 1 }, cause: e });
      }
    }
    for (const name of names) if (MIGRATION_FILE_RE.test(name)) files.add(path.join(app.migrationsDir, name));
    for (const file of overrides?.keys() ?? []) {
      if (path.dirname(path.resolve(file)) === path.resolve(app.migrationsDir) && MIGRATION_FILE_RE.test(path.basename(file))) {
        files.add(path.resolve(file));
      }
    }
    return [...files].sort();
  }

  /** Django's `load_disk`: parses every migration file of every app. */
  loadDisk(overrides?: ReadonlyMap<string, string>): void {
    this.diskMigrations = new Map();
    this.states.clear();
    this.fileErrors = [];
    this.failedKeys = new Set();
    this.migratedApps = new Set();
    this.unmigratedApps = new Set();
    const seen = new Set<string>();
    const hashes = new Set<string>();
    for (const app of this.config.apps) {
      if (fs.existsSync(app.migrationsDir)) this.migratedApps.add(app.label);
      else this.unmigratedApps.add(app.label);
      let files: string[] = [];
      try {
        files = this.migrationFiles(app, overrides);
      } catch (e) {
        if (!(e instanceof TsMigrateError)) throw e;
        this.fileErrors.push(e);
      }
      for (const file of files) {
        seen.add(file);
        const key = `${app.label}.${path.basename(file, ".ts")}`;
        const entry = this.reader.entry(app, file, overrides?.get(file));
        if (entry.hash) hashes.add(entry.hash);
        if (entry.migration) this.diskMigrations.set(key, entry.migration);
        else {
          this.failedKeys.add(key);
          this.fileErrors.push(...entry.errors);
        }
      }
    }
    this.reader.keepOnly(seen);
    this.parsedCache?.flush(hashes);
  }

  /**
   * Parses one migration file, from `text` when given (an editor buffer),
   * else from disk; a file unchanged since the last call (same text hash, or
   * same mtime and size) comes from the cache.
   * @throws TsMigrateError code `bad-migration` (MultipleErrors when several), or code `config` when `file` is in no app's migrations folder.
   */
  loadMigrationFile(file: string, text?: string): Migration {
    const abs = path.resolve(file);
    const app = this.appForFile(abs);
    if (!app) {
      throw new TsMigrateError(`${abs} is not in the migrations folder of any app`, { code: "config" });
    }
    const entry = this.reader.entry(app, abs, text);
    this.parsedCache?.flush();
    if (entry.migration) return entry.migration;
    throw entry.errors.length === 1 ? entry.errors[0]! : new MultipleErrors(entry.errors);
  }

  /** Forgets cached parses (all, or of one file). */
  invalidate(file?: string): void {
    this.reader.invalidate(file);
  }

  /** The migration `app.name` in the graph; throws TsMigrateError code `unknown-migration`. */
  getMigration(app: string, name: string): Migration {
    return this.graph.migration([app, name]);
  }

  /**
   * The migration of `app` whose name starts with `prefix` (an exact name
   * wins). Django's `get_migration_by_prefix`, with its messages.
   * @throws TsMigrateError code `ambiguous-migration` or `unknown-migration`.
   */
  getMigrationByPrefix(app: string, prefix: string): Migration {
    const exact = this.diskMigrations.get(`${app}.${prefix}`);
    if (exact) return exact;
    const found = [...this.diskMigrations.values()].filter((m) => m.app === app && m.name.startsWith(prefix));
    if (found.length > 1) {
      throw new TsMigrateError(
        `More than one migration matches '${prefix}' in app '${app}'. Please be more specific.`,
        { code: "ambiguous-migration" },
      );
    }
    if (!found.length) {
      throw new TsMigrateError(`Cannot find a migration matching '${prefix}' from app '${app}'.`, { code: "unknown-migration" });
    }
    return found[0]!;
  }

  /**
   * Resolves `__first__` / `__latest__` dependencies on other apps (Django's
   * `check_key`). Returns undefined for a dependency to ignore.
   */
  private checkKey(key: MigrationKey, currentApp: string, location?: SourceLocation): MigrationKey | undefined {
    if ((key[1] !== "__first__" && key[1] !== "__latest__") || this.graph.has(key)) return key;
    if (key[0] === currentApp) return undefined;
    if (this.unmigratedApps.has(key[0])) return undefined;
    if (this.migratedApps.has(key[0])) {
      const nodes = key[1] === "__first__" ? this.graph.rootNodes(key[0]) : this.graph.leafNodes(key[0]);
      if (nodes.length) return nodes[0];
      throw new TsMigrateError(`Dependency on app with no migrations: ${key[0]}`, { code: "missing-dependency", location });
    }
    throw new TsMigrateError(`Dependency on unknown app: ${key[0]}`, { code: "missing-dependency", location });
  }

  /**
   * Django's `build_graph`: nodes, internal then external dependencies,
   * squash resolution against `applied`, then consistency and cycle checks
   * (collected in `graphErrors`; bad edges are dropped so the rest of the
   * graph stays usable).
   */
  buildGraph(applied: ReadonlyMap<string, AppliedRecord> = new Map()): void {
    this.appliedMigrations = new Map(applied);
    // Without squashes the graph does not depend on what is applied: the one built from these files serves again.
    if (this.graphBuiltFrom === this.diskMigrations && !this.replacements.size) return;
    this.graphBuiltFrom = this.diskMigrations;
    this.graphErrors = [];
    const graph = new MigrationGraph();
    this.graph = graph;
    this.replacements = new Map();
    for (const [id, m] of this.diskMigrations) {
      graph.addNode(m);
      if (m.replaces.length) this.replacements.set(id, m);
    }
    for (const m of this.diskMigrations.values()) {
      for (const parent of m.dependencies) {
        if (parent[0] === m.app && parent[1] !== "__first__") graph.addDependency(m.key, m.key, parent, locationOf(parent));
      }
    }
    for (const m of this.diskMigrations.values()) {
      for (const dep of m.dependencies) {
        if (dep[0] === m.app) continue;
        try {
          const parent = this.checkKey(dep, m.app, locationOf(dep));
          if (parent) graph.addDependency(m.key, m.key, parent, locationOf(dep));
        } catch (err) {
          if (err instanceof TsMigrateError) this.graphErrors.push(err);
          else throw err;
        }
      }
      for (const before of m.runBefore) {
        try {
          const child = this.checkKey(before, m.app, locationOf(before));
          if (child) graph.addDependency(m.key, child, m.key, locationOf(before));
        } catch (err) {
          if (err instanceof TsMigrateError) this.graphErrors.push(err);
          else throw err;
        }
      }
    }
    if (this.replaceMigrations) {
      for (const [id, m] of this.replacements) {
        const records = m.replaces.map((r) => this.appliedMigrations.get(keyString(r)));
        const all = records.every((r) => r !== undefined);
        const none = records.every((r) => r === undefined);
        if (all) {
          const latest = records.reduce<Date>((d, r) => (r!.applied > d ? r!.applied : d), new Date(0));
          this.appliedMigrations.set(id, { applied: latest, checksum: m.checksum() });
        } else {
          this.appliedMigrations.delete(id);
        }
        if (all || none) graph.removeReplacedNodes(m.key, m.replaces);
        else graph.removeReplacementNode(m.key, m.replaces);
      }
    }
    const reverseReplacements = new Map<string, string[]>();
    for (const [id, m] of this.replacements) {
      for (const r of m.replaces) reverseReplacements.set(keyString(r), [...(reverseReplacements.get(keyString(r)) ?? []), id]);
    }
    for (const err of graph.consistencyErrors(this.failedKeys)) {
      this.graphErrors.push(this.explainReplaced(err, reverseReplacements));
    }
    graph.dropDummies();
    this.graphErrors.push(...graph.cycleErrors());
  }

  /** Django's #23556 message: a dependency on a migration a partly applied squash could not replace. */
  private explainReplaced(err: TsMigrateError, reverse: Map<string, string[]>): TsMigrateError {
    const m = /\('([^']*)', '([^']*)'\)$/.exec(err.message);
    if (!m) return err;
    const candidates = reverse.get(`${m[1]}.${m[2]}`);
    if (!candidates || candidates.some((c) => this.graph.nodes.has(c))) return err;
    return new TsMigrateError(
      `${err.message}. tsmigrate tried to replace migration ${m[1]}.${m[2]} with any of [${candidates.join(", ")}] ` +
      "but wasn't able to because some of the replaced migrations are already applied.",
      { code: err.code, location: err.location },
    );
  }

  /**
   * Django's `check_consistent_history`: throws TsMigrateError code
   * `inconsistent-history` when an applied migration has an unapplied
   * dependency (`applied` defaults to the records given to {@link load}).
   */
  checkConsistentHistory(alias: string, applied: ReadonlyMap<string, AppliedRecord> = this.appliedMigrations): void {
    for (const id of applied.keys()) {
      const migration = this.graph.nodes.get(id);
      if (!migration) continue;
      const node = this.graph.node(migration.key)!;
      for (const parent of node.parents) {
        if (applied.has(parent.id)) continue;
        const squash = this.replacements.get(parent.id);
        if (squash && squash.replaces.every((r) => applied.has(keyString(r)))) continue;
        throw new TsMigrateError(
          `Migration ${id} is applied before its dependency ${parent.id} on database '${alias}'.`,
          { code: "inconsistent-history", location: migration.file ? { file: migration.file, line: 1, column: 1 } : undefined },
        );
      }
    }
  }

  /** Apps with more than one leaf migration: app -> sorted leaf names (Django's `detect_conflicts`). */
  detectConflicts(): Map<string, string[]> {
    const byApp = new Map<string, string[]>();
    for (const [app, name] of this.graph.leafNodes()) byApp.set(app, [...(byApp.get(app) ?? []), name]);
    const out = new Map<string, string[]>();
    for (const [app, names] of byApp) if (names.length > 1) out.set(app, names.sort());
    return out;
  }

  /**
   * The state the migrations describe at `nodes` (default: every leaf);
   * before them when `atEnd` is false (Django's `project_state`). Computed
   * once per set of migration files read: see {@link stateAfter}.
   */
  projectState(nodes?: MigrationKey | readonly MigrationKey[], atEnd = true): ProjectState {
    return this.stateAfter(this.migrationsTo(nodes, atEnd));
  }

  /**
   * The migrations {@link projectState} replays for `nodes` and `atEnd`, in
   * order: every migration `nodes` depend on (and `nodes` themselves unless
   * `atEnd` is false), in the graph's forwards plan.
   */
  migrationsTo(nodes?: MigrationKey | readonly MigrationKey[], atEnd = true): Migration[] {
    const list: readonly MigrationKey[] = nodes === undefined
      ? this.graph.leafNodes()
      : typeof nodes[0] === "string" ? [nodes as MigrationKey] : nodes as readonly MigrationKey[];
    if (!list.length) return [];
    const exclude = atEnd ? undefined : new Set(list.map(keyString));
    return this.graph.forwardsPlanMany(list).filter((k) => !exclude?.has(keyString(k))).map((k) => this.graph.migration(k));
  }

  /**
   * The state after `migrations` replayed in this order onto an empty state
   * (each `mutateState`), as a fresh copy the caller may change. The states
   * of a run are remembered by the sequence of migrations (their
   * `"app.name"` ids), until the files are read again, so the commands'
   * steps (the executor's applied state, the drift check, sqlmigrate's
   * state before a migration) replay a long history once, not once each.
   * @throws TsMigrateError located at an operation that does not apply.
   */
  stateAfter(migrations: readonly Migration[]): ProjectState {
    if (!migrations.length) return new ProjectState();
    const key = migrations.map((m) => keyString(m.key)).join("\n");
    let state = this.states.get(key);
    if (!state) {
      state = this.replay(migrations);
      this.states.set(key, state);
    }
    return state.clone();
  }

  /**
   * The state after `migrations`: from the persistent state cache, the
   * longest sequence of them it holds, then the rest replayed (and the
   * result stored); without the cache, all replayed.
   */
  private replay(migrations: readonly Migration[]): ProjectState {
    const cache = this.stateCache;
    const keys = cache?.keys(migrations);
    const { length, state } = keys ? cache!.longest(keys) : { length: 0, state: new ProjectState() };
    for (const m of migrations.slice(length)) m.mutateState(state);
    if (keys && length < migrations.length) cache!.put(keys.key(migrations.length), state);
    return state;
  }

  /**
   * Remembers `state` as the state after `migrations` (see {@link
   * stateAfter}), for a caller that replayed them itself; stored in the
   * persistent state cache too when it does not hold it yet.
   */
  rememberState(migrations: readonly Migration[], state: ProjectState): void {
    if (!migrations.length) return;
    this.states.set(migrations.map((m) => keyString(m.key)).join("\n"), state.clone());
    const key = this.stateCache?.keys(migrations).key(migrations.length);
    if (key !== undefined && !this.stateCache!.has(key)) this.stateCache!.put(key, state);
  }

  /** The leaf migration name of `app` (the newest when several; undefined with none), for naming new migrations. */
  leafName(app: string): string | undefined {
    const leaves = this.graph.leafNodes(app);
    return leaves.length ? leaves[leaves.length - 1]![1] : undefined;
  }
}
