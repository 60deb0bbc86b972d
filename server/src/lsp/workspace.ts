/**
 * The server's view of one project: its config, the two cached inputs
 * (migration files and models files, see sources.ts), the drift between
 * them, and the analysis the editor shows. A change to one models file
 * re-parses and re-resolves that file only and re-runs the autodetector for
 * its app; the migration state is rebuilt only when a migration file
 * changed; nothing runs when nothing changed.
 *
 * Database work (statuses, plans, migrate) goes through {@link Project}
 * (disk files only) one task at a time ({@link Workspace.exclusive}).
 */
import * as path from "node:path";
import type { Diagnostic } from "vscode-languageserver";
import { CONFIG_FILE, type AppConfig, discoverApps, findConfigRoot, parseConfig, type ProjectConfig } from "../engine/config";
import { TsMigrateError } from "../engine/errors";
import type { MigrationLoader } from "../engine/loader";
import { MIGRATION_FILE_RE } from "../engine/loader";
import { keyString, type Migration } from "../engine/migration";
import { Project } from "../engine/project";
import type { LoadedModels } from "../engine/source/models";
import type { ProjectState } from "../engine/state";
import { type DiagnosticSeverityName, driftDiagnostic, errorDiagnostic, operationField, rejectedField } from "./diagnostics";
import type { DocumentStore } from "./documents";
import { computeDrift, type DriftItem, driftItems } from "./drift";
import type { TextLines } from "./ranges";
import { driftSummary } from "./incremental";
import { flatten, MigrationSources, ModelSources, VERIFY } from "./sources";
import { syntaxErrorsByFile, syntaxSummary } from "./syntax";
import type { SqlTarget } from "./sql";

/** Log the time each analysis phase takes (`TSMIGRATE_LSP_TRACE=1`). */
const TRACE = process.env.TSMIGRATE_LSP_TRACE === "1";

/** Options of a {@link Workspace}. */
export interface WorkspaceOptions {
  /** `tsmigrate.configPath`: a config file or a folder, relative to the workspace root. */
  configPath?: string;
  /** `tsmigrate.database`: the alias used for statuses and hover SQL (default "default"). */
  database?: string;
  trusted: boolean;
  driftSeverity?: DiagnosticSeverityName;
  log: (message: string) => void;
}

/** The result of one analysis: what the editor shows. */
export interface Analysis {
  /** Diagnostics by absolute file path (files with none are absent). */
  readonly diagnostics: Map<string, Diagnostic[]>;
  /** Pending operations not in any migration, over all apps. */
  readonly driftCount: number;
  /** The migrations makemigrations would write, by app label. */
  readonly drift: ReadonlyMap<string, Migration[]>;
  /** Each pending operation with where it shows. */
  readonly driftItems: readonly DriftItem[];
  readonly models: LoadedModels;
  /** The state the migration files produce (at every leaf). */
  readonly migrationState: ProjectState;
}

/** What kind of project file a path is. */
export type FileKind = "config" | "models" | "migration";

const defaultDatabases = (root: string): ProjectConfig["databases"] => ({ default: { engine: "sqlite", name: path.join(root, "db.sqlite3") } });

/** One project: config, caches and the analysis. */
export class Workspace {
  trusted: boolean;
  config!: ProjectConfig;
  /** The facade for database work (disk files only, its own loader and connections). */
  project!: Project;
  /** Errors of the config file (shown on it); the last good config (or the default) stays in use. */
  private configErrors: TsMigrateError[] = [];
  private migrations!: MigrationSources;
  private models!: ModelSources;
  private migrationsDirty = true;
  private modelsDirty = true;
  private driftDirty = true;
  /** Apps whose drift must be recomputed at the next analysis ("all": every app). */
  private dirtyApps: Set<string> | "all" = "all";
  /** When only some models of the dirty apps changed: their keys (else every model of them). */
  private dirtyModels: Set<string> | undefined;
  private drift: Map<string, Migration[]> = new Map();
  private driftError: TsMigrateError | undefined;
  private last: Analysis | undefined;
  private pending: { value: number } | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly workspaceRoot: string, readonly documents: DocumentStore, readonly options: WorkspaceOptions) {
    this.trusted = options.trusted;
    this.loadConfig();
  }

  /** The project root (the config's folder). */
  get root(): string {
    return this.config.root;
  }

  /** The database alias used for statuses and SQL. */
  get database(): string {
    return this.options.database ?? "default";
  }

  /** The vendor of the configured database (SQL dialect of hovers). */
  get vendor(): "sqlite" | "postgresql" {
    return this.config.databases[this.database]?.engine ?? this.config.databases.default?.engine ?? "sqlite";
  }

  /** What hover and sqlmigrate SQL is generated for. */
  get sqlTarget(): SqlTarget {
    return { vendor: this.vendor, defaultAutoField: this.config.defaultAutoField };
  }

  /** The loader of the analysis (open buffers count). */
  get loader(): MigrationLoader {
    return this.migrations.loader;
  }

  /** The config file path the workspace uses (whether or not it exists). */
  configFile(): string {
    const given = this.options.configPath;
    if (given) {
      const abs = path.resolve(this.workspaceRoot, given);
      return abs.endsWith(".json") ? abs : path.join(abs, CONFIG_FILE);
    }
    const found = findConfigRoot(this.workspaceRoot);
    return path.join(found ?? this.workspaceRoot, CONFIG_FILE);
  }

  /** (Re)reads the config from its buffer or disk; on error keeps the previous config (or the embedded default). */
  loadConfig(): void {
    const file = this.configFile();
    const root = path.dirname(file);
    const text = this.documents.text(file);
    this.configErrors = [];
    this.last = undefined;
    let config: ProjectConfig | undefined;
    if (text === undefined) {
      let apps: AppConfig[] = [];
      try {
        apps = discoverApps(root);
      } catch (e) {
        this.configErrors.push(...flatten(e));
      }
      config = { root, apps, databases: defaultDatabases(root), defaultAutoField: "BigAutoField" };
    } else {
      try {
        config = parseConfig(file, text, root);
      } catch (e) {
        this.configErrors = flatten(e, file);
      }
    }
    if (!config) {
      if (this.config) return;
      config = { root, apps: [], databases: defaultDatabases(root), defaultAutoField: "BigAutoField" };
    }
    this.config = config;
    this.migrations = new MigrationSources(config, this.documents, (f) => this.appOf(f)?.kind === "migration", this.options.log);
    this.models = new ModelSources(config, this.documents, this.options.log, (f) => this.kindOf(f) !== undefined);
    void this.project?.close();
    this.project = new Project(config);
    this.migrationsDirty = this.modelsDirty = this.driftDirty = true;
    this.dirtyApps = "all";
    this.dirtyModels = undefined;
    this.pending = undefined;
  }

  /** The app whose `models.ts` is `file`, or whose migrations folder holds it. */
  appOf(file: string): { app: AppConfig; kind: "models" | "migration" } | undefined {
    const abs = path.resolve(file);
    for (const app of this.config.apps) {
      if (path.resolve(app.modelsFile) === abs) return { app, kind: "models" };
      if (path.resolve(app.migrationsDir) === path.dirname(abs) && MIGRATION_FILE_RE.test(path.basename(abs))) {
        return { app, kind: "migration" };
      }
    }
    return undefined;
  }

  /** The kind of project file `file` is, or undefined for files the server ignores. */
  kindOf(file: string): FileKind | undefined {
    if (path.resolve(file) === this.configFile()) return "config";
    return this.appOf(file)?.kind;
  }

  /**
   * Notes that `file`'s text changed (buffer or disk). Returns true when the
   * file matters to the analysis (so a new analysis should run).
   */
  fileChanged(file: string, how: "changed" | "created-or-deleted" = "changed"): boolean {
    const abs = path.resolve(file);
    const kind = this.kindOf(abs);
    if (kind === "config") {
      this.loadConfig();
      return true;
    }
    if (kind === "models") {
      this.modelsDirty = true;
      if (!this.documents.isOpen(abs) || how === "created-or-deleted") this.models.requestFull();
      return true;
    }
    if (kind === "migration") {
      if (!this.documents.isOpen(abs)) this.migrations.invalidate(abs);
      this.migrationsDirty = true;
      this.pending = undefined;
      return true;
    }
    // A file the models import (shared constants, enums, field helpers): its buffer, or the disk after a change.
    if (this.models.imports(abs)) {
      if (!this.documents.isOpen(abs)) this.models.importChanged();
      this.modelsDirty = true;
      return true;
    }
    // A models.ts appearing or vanishing changes the discovered apps (no config file).
    if (how === "created-or-deleted" && path.basename(abs) === "models.ts" && !this.config.configFile &&
      abs.startsWith(this.root + path.sep)) {
      this.loadConfig();
      return true;
    }
    return false;
  }

  /** Makes the next analysis resolve every models file (after a save: cross-app checks are exact again). */
  requestFullResolve(): void {
    this.models.requestFull();
    this.modelsDirty = true;
  }

  /** True when `file` is an open migration buffer that does not parse (its last good text is used). */
  isBrokenMigration(file: string): boolean {
    return this.migrations.isBroken(file);
  }

  /** The state before `migration` (cached; do not mutate). */
  stateBefore(migration: Migration): ProjectState {
    return this.migrations.stateBefore(migration);
  }

  /** The latest analysis (running one when none ran yet). */
  current(): Analysis {
    return this.last ?? this.analyze();
  }

  /** Marks drift to recompute for `apps`; with `models`, only those models of them changed. */
  private markDriftDirty(apps: Set<string> | "all", models?: ReadonlySet<string>): void {
    const modelLevel = !this.driftDirty || this.dirtyModels !== undefined;
    this.driftDirty = true;
    this.dirtyModels = modelLevel && models ? new Set([...this.dirtyModels ?? [], ...models]) : undefined;
    if (apps === "all" || this.dirtyApps === "all") this.dirtyApps = "all";
    else for (const a of apps) this.dirtyApps.add(a);
  }

  /** Models resolved again by the last models refresh that found a change (all of them after a full resolution). */
  private modelsResolved = 0;

  /** Analyses run so far (those that found something changed). */
  analyses = 0;

  /** What the class caches did in the last models refresh (classes read and reused, files read from the edited class alone). */
  classStats(): { read: number; reused: number; quick: number; resolved: number } {
    return { ...this.models.classStats(), resolved: this.modelsResolved };
  }

  /** Brings the caches up to date and returns the analysis (the cached one when nothing changed). Never throws for bad user code. */
  analyze(): Analysis {
    if (this.last && !this.migrationsDirty && !this.modelsDirty && !this.driftDirty) return this.last;
    this.analyses++;
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    if (this.migrationsDirty) {
      this.migrationsDirty = false;
      this.migrations.refresh();
      this.markDriftDirty("all");
    }
    const t1 = performance.now();
    if (this.modelsDirty) {
      this.modelsDirty = false;
      const r = this.models.refresh();
      if (r) this.markDriftDirty(r.dirty, r.models);
      if (r) this.modelsResolved = r.models?.size ?? r.loaded.state.models.size;
    }
    const t2 = performance.now();
    const loaded = this.models.loaded!;
    const from = this.migrations.state;
    if (this.driftDirty) this.refreshDrift(from, loaded);
    const t3 = performance.now();
    // An app whose migration history has a hole (a file that does not parse) has no drift to show.
    const items = driftItems(this.drift, loaded, this.config, (f) => this.documents.lines(f), from)
      .filter((i) => !this.migrations.unreadableApps.has(i.app));
    const diagnostics = this.diagnostics(loaded, items);
    if (TRACE) {
      const cpu = process.cpuUsage(cpu0);
      this.options.log(`analyze: migrations ${(t1 - t0).toFixed(1)} ms, models ${(t2 - t1).toFixed(1)} ms, ` +
        `drift ${(t3 - t2).toFixed(1)} ms, diagnostics ${(performance.now() - t3).toFixed(1)} ms; cpu ${((cpu.user + cpu.system) / 1000).toFixed(1)} ms; ` +
        `classes read ${this.classStats().read}${this.classStats().quick ? " (edited class alone)" : ""}, models resolved ${this.modelsResolved}`);
    }
    this.last = { diagnostics, driftCount: items.length, drift: this.drift, driftItems: items, models: loaded, migrationState: from };
    return this.last;
  }

  /**
   * The migrations makemigrations would write now, computed over the whole
   * project (the analysis' drift may come from per-app runs, whose names and
   * cross-app dependencies can differ from a full run). Cached until the
   * next change. For writing files; diagnostics use the analysis.
   * @throws TsMigrateError when the autodetector fails (a cycle).
   */
  fullDrift(): ReadonlyMap<string, Migration[]> {
    const analysis = this.analyze();
    if (this.driftIsFull) return analysis.drift;
    if (this.fullDriftCache?.analysis !== analysis) {
      const drift = computeDrift(analysis.migrationState, analysis.models.state, this.migrations.leaves, "all", new Map());
      this.fullDriftCache = { analysis, drift };
    }
    return this.fullDriftCache.drift;
  }

  private driftIsFull = false;
  private fullDriftCache: { analysis: Analysis; drift: Map<string, Migration[]> } | undefined;

  private refreshDrift(from: ProjectState, loaded: LoadedModels): void {
    this.driftDirty = false;
    this.driftError = undefined;
    const dirty = this.dirtyApps;
    const models = this.dirtyModels;
    this.dirtyApps = new Set();
    this.dirtyModels = undefined;
    this.driftIsFull = dirty === "all";
    const leaves = this.migrations.leaves;
    try {
      this.drift = computeDrift(from, loaded.state, leaves, dirty, this.drift, models);
      if (VERIFY && dirty !== "all") {
        const full = computeDrift(from, loaded.state, leaves, "all", new Map());
        if (driftSummary(full) !== driftSummary(this.drift)) {
          this.options.log(`incremental mismatch (drift): ${driftSummary(this.drift)} != ${driftSummary(full)}`);
        }
      }
    } catch (e) {
      this.driftError = e instanceof TsMigrateError ? e
        : new TsMigrateError(`cannot compute the pending changes: ${(e as Error).message}`, { code: "internal", cause: e });
      this.options.log(`drift: ${(e as Error).stack ?? String(e)}`);
      this.drift = new Map();
      this.dirtyApps = "all";
    }
  }

  /**
   * Every diagnostic: config errors, migration files, models errors, and
   * drift (except where it is noise). A models file that does not parse gets
   * one summary instead of its errors (syntax.ts).
   */
  private diagnostics(loaded: LoadedModels, items: readonly DriftItem[]): Map<string, Diagnostic[]> {
    const diagnostics = new Map<string, Diagnostic[]>();
    const add = (file: string, d: Diagnostic): void => {
      const list = diagnostics.get(file);
      if (list) list.push(d);
      else diagnostics.set(file, [d]);
    };
    const text = (f: string): TextLines | undefined => this.documents.lines(f);
    for (const e of this.configErrors) add(e.location?.file ?? this.configFile(), errorDiagnostic(e, text));
    for (const [file, list] of this.migrations.diagnostics) for (const d of list) add(file, d);
    const errorRanges = new Map<string, Diagnostic[]>();
    const broken = syntaxErrorsByFile(loaded.errors, (f) => this.models.syntaxBroken(f));
    // A broken file without a stand-in loses classes: "unknown model" elsewhere is a consequence.
    const lost = [...broken.keys()].some((f) => !this.models.hasStandIn(f));
    for (const e of loaded.errors) {
      const file = e.location?.file;
      if (!file || broken.has(file) || (lost && e.code === "unknown-model")) continue;
      const d = errorDiagnostic(e, text);
      add(file, d);
      errorRanges.set(file, [...(errorRanges.get(file) ?? []), d]);
    }
    for (const [file, errors] of broken) add(file, syntaxSummary(errors, text(file), this.models.hasStandIn(file) ? "last-good" : "no-drift"));
    for (const item of items) {
      // A file being typed shows its syntax errors only; drift there would point at stale positions.
      if (this.models.syntaxBroken(item.file)) continue;
      // Drift caused by a field the engine rejected is noise next to the error itself (a rejected
      // field is missing from the models: its "Remove field" sits on the class, not on the field).
      const errorsHere = errorRanges.get(item.file);
      if (errorsHere?.some((d) => overlapsLines(d, item.range)) || rejectedField(errorsHere, text(item.file), operationField(item.op))) continue;
      add(item.file, driftDiagnostic(item, this.options.driftSeverity));
    }
    if (this.driftError) {
      for (const app of this.config.apps) {
        if (text(app.modelsFile) !== undefined) add(app.modelsFile, errorDiagnostic(this.driftError, text, app.modelsFile));
      }
    }
    return diagnostics;
  }

  /**
   * Runs `fn` after every database task started before it: database work
   * (statuses, plans, migrate) shares {@link project} and its loader, so it
   * runs one task at a time.
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * The number of migrations not applied on the database (0 when untrusted
   * or the database cannot be read). Cached until migrations change.
   */
  async pendingCount(): Promise<number> {
    if (!this.trusted) return 0;
    if (this.pending) return this.pending.value;
    return this.exclusive(async () => {
      const applied = await this.project.appliedMigrations(this.database);
      const loader = this.project.reload().loader;
      loader.buildGraph(applied);
      const ids = loader.graph.forwardsPlanMany(loader.graph.leafNodes()).map(keyString);
      const count = ids.filter((id) => !loader.appliedMigrations.has(id)).length;
      this.pending = { value: count };
      return count;
    });
  }

  /** Forgets the cached pending count (after migrate). */
  forgetPending(): void {
    this.pending = undefined;
  }

  /** Closes database connections. */
  async dispose(): Promise<void> {
    await this.project?.close();
  }
}

function overlapsLines(d: Diagnostic, r: { start: { line: number }; end: { line: number } }): boolean {
  return d.range.start.line <= r.end.line && r.start.line <= d.range.end.line;
}
