/**
 * The server's view of one project, cached for responsiveness: the config,
 * each `models.ts` parse (per file, by text), the migration files (the
 * loader's per-file cache, fed with open buffers), the state the migrations
 * produce, the models' state and the drift between them. A change to one
 * file re-parses that file only; the migration state is replayed only when a
 * migration file changed; the autodetector runs when either side changed.
 *
 * Half-typed code: a buffer with syntax errors gets its errors reported, but
 * the state is computed from that file's last good parse, so diagnostics of
 * other files do not flicker or vanish.
 */
import * as path from "node:path";
import type { Diagnostic } from "vscode-languageserver";
import { CONFIG_FILE, type AppConfig, discoverApps, findConfigRoot, parseConfig, type ProjectConfig } from "../engine/config";
import { MultipleErrors, TsMigrateError } from "../engine/errors";
import { MIGRATION_FILE_RE, MigrationLoader } from "../engine/loader";
import { keyString, type Migration } from "../engine/migration";
import { readApplied } from "../cli/context";
import { Project } from "../engine/project";
import { type LoadedModels, type ParsedModelFile, parseModelFile, resolveModels } from "../engine/source/models";
import { ProjectState } from "../engine/state";
import { computeDrift, type DriftItem, driftItems, leafNames } from "./drift";
import { driftSummary, IncrementalModels, modelsSummary } from "./incremental";
import { type DiagnosticSeverityName, driftDiagnostic, errorDiagnostic, conflictDiagnostics } from "./diagnostics";
import type { DocumentStore } from "./documents";
import type { SqlTarget } from "./sql";

/** Log the time each analysis phase takes (`TSMIGRATE_LSP_TRACE=1`). */
const TRACE = process.env.TSMIGRATE_LSP_TRACE === "1";
/** Check every incremental step against a full recomputation and log differences (`TSMIGRATE_LSP_VERIFY=1`). */
const VERIFY = process.env.TSMIGRATE_LSP_VERIFY === "1";

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

interface ModelParse {
  readonly text: string;
  readonly parsed: ParsedModelFile;
  readonly syntaxOk: boolean;
  /** What resolution uses: the parse, or the last good one with this parse's errors (stable identity). */
  readonly used: ParsedModelFile;
}

/** What kind of project file a path is. */
export type FileKind = "config" | "models" | "migration";

/** One project: config, caches and the analysis. */
export class Workspace {
  trusted: boolean;
  config!: ProjectConfig;
  /** Errors of the config file (shown on it); the last good config (or the default) stays in use. */
  private configErrors: TsMigrateError[] = [];
  /** The loader the analysis uses (open buffers count). */
  loader!: MigrationLoader;
  /** The facade for database work (disk files only, its own loader and connections). */
  project!: Project;
  private readonly modelParses = new Map<string, ModelParse>();
  private readonly lastGoodModels = new Map<string, ParsedModelFile>();
  private readonly lastGoodMigrationText = new Map<string, string>();
  private modelsDirty = true;
  private incremental!: IncrementalModels;
  private fullResolveNext = false;
  private migrationsDirty = true;
  private loaded: LoadedModels | undefined;
  private migrationState = new ProjectState();
  private migrationDiagnostics = new Map<string, Diagnostic[]>();
  private drift: Map<string, Migration[]> = new Map();
  private driftDirty = true;
  private driftError: TsMigrateError | undefined;
  private last: Analysis | undefined;
  private pending: { value: number } | undefined;
  private brokenMigrations = new Set<string>();

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
      config = {
        root,
        apps: safeDiscover(root, this.configErrors),
        databases: { default: { engine: "sqlite", name: path.join(root, "db.sqlite3") } },
        defaultAutoField: "BigAutoField",
      };
    } else {
      try {
        config = parseConfig(file, text, root);
      } catch (e) {
        this.configErrors = flatten(e, file);
      }
    }
    if (!config) {
      if (this.config) return;
      config = { root, apps: [], databases: { default: { engine: "sqlite", name: path.join(root, "db.sqlite3") } }, defaultAutoField: "BigAutoField" };
    }
    this.config = config;
    this.loader = new MigrationLoader(config);
    this.incremental = new IncrementalModels(config);
    this.statesBefore.clear();
    this.dirtyApps = "all";
    void this.project?.close();
    this.project = new Project(config);
    this.modelParses.clear();
    this.lastGoodModels.clear();
    this.modelsDirty = this.migrationsDirty = this.driftDirty = true;
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
      if (!this.documents.isOpen(abs) || how === "created-or-deleted") this.fullResolveNext = true;
      return true;
    }
    if (kind === "migration") {
      if (!this.documents.isOpen(abs)) this.loader.invalidate(abs);
      this.migrationsDirty = true;
      this.pending = undefined;
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

  /** Marks everything stale (after a migrate, or files written behind our back). */
  invalidateAll(): void {
    this.documents.invalidateAll();
    this.loader.invalidate();
    this.modelsDirty = this.migrationsDirty = this.driftDirty = true;
    this.pending = undefined;
  }

  /** The latest analysis (running one when none ran yet). */
  current(): Analysis {
    return this.last ?? this.analyze();
  }

  private statesBefore = new Map<string, ProjectState>();
  /** Each app's leaf migration, from the last migrations load. */
  private leaves = new Map<string, string | undefined>();

  /**
   * The state before migration `migration` (its dependencies applied), from
   * the analysis' loader; the last few are cached (cleared when migration
   * files change). Do not mutate: clone first.
   */
  stateBefore(migration: Migration): ProjectState {
    const id = keyString(migration.key);
    let s = this.statesBefore.get(id);
    if (s) {
      this.statesBefore.delete(id);
    } else {
      s = this.loader.projectState(migration.key, false);
      if (this.statesBefore.size >= 16) this.statesBefore.delete(this.statesBefore.keys().next().value!);
    }
    this.statesBefore.set(id, s);
    return s;
  }

  /** True when `file` is an open migration buffer that does not parse (its last good text is used). */
  isBrokenMigration(file: string): boolean {
    return this.brokenMigrations.has(path.resolve(file));
  }

  /** Brings the caches up to date and returns the analysis (the cached one when nothing changed). Never throws for bad user code. */
  analyze(): Analysis {
    if (this.last && !this.migrationsDirty && !this.modelsDirty && !this.driftDirty) return this.last;
    const t0 = performance.now();
    const cpu0 = TRACE ? process.cpuUsage() : undefined;
    if (this.migrationsDirty) this.refreshMigrations();
    const t1 = performance.now();
    if (this.modelsDirty) this.refreshModels();
    const t2 = performance.now();
    const loaded = this.loaded!;
    if (this.driftDirty) {
      this.driftDirty = false;
      this.driftError = undefined;
      const dirty = this.dirtyApps;
      this.dirtyApps = new Set();
      try {
        this.drift = computeDrift(this.migrationState, loaded.state, this.leaves, dirty, this.drift);
        if (VERIFY && dirty !== "all") {
          const full = computeDrift(this.migrationState, loaded.state, this.leaves, "all", new Map());
          if (driftSummary(full) !== driftSummary(this.drift)) {
            this.options.log(`incremental mismatch (drift): ${driftSummary(this.drift)} != ${driftSummary(full)}`);
          }
        }
      } catch (e) {
        this.driftError = e instanceof TsMigrateError ? e : new TsMigrateError(`cannot compute the pending changes: ${(e as Error).message}`, { code: "internal", cause: e });
        this.options.log(`drift: ${(e as Error).stack ?? String(e)}`);
        this.drift = new Map();
      }
    }
    const t3 = performance.now();
    const items = driftItems(this.drift, loaded, this.config, (f) => this.documents.text(f), this.migrationState);
    const diagnostics = new Map<string, Diagnostic[]>();
    const add = (file: string, d: Diagnostic): void => {
      const list = diagnostics.get(file);
      if (list) list.push(d);
      else diagnostics.set(file, [d]);
    };
    const text = (f: string): string | undefined => this.documents.text(f);
    for (const e of this.configErrors) add(e.location?.file ?? this.configFile(), errorDiagnostic(e, text));
    for (const [file, list] of this.migrationDiagnostics) for (const d of list) add(file, d);
    const errorRanges = new Map<string, Diagnostic[]>();
    for (const e of loaded.errors) {
      const file = e.location?.file;
      if (!file) continue;
      const d = errorDiagnostic(e, text);
      add(file, d);
      errorRanges.set(file, [...(errorRanges.get(file) ?? []), d]);
    }
    const syntaxBroken = new Set([...this.modelParses.entries()].filter(([, p]) => !p.syntaxOk).map(([f]) => f));
    for (const item of items) {
      // A file being typed shows its syntax errors only; drift there would point at stale positions.
      if (syntaxBroken.has(item.file)) continue;
      // Drift caused by a field the engine rejected is noise next to the error itself.
      if (errorRanges.get(item.file)?.some((d) => overlapsLines(d, item.range))) continue;
      add(item.file, driftDiagnostic(item, this.options.driftSeverity));
    }
    if (this.driftError) {
      for (const app of this.config.apps) {
        if (text(app.modelsFile) !== undefined) add(app.modelsFile, errorDiagnostic(this.driftError, text, app.modelsFile));
      }
    }
    if (TRACE) {
      this.options.log(`analyze: migrations ${(t1 - t0).toFixed(1)} ms, models ${(t2 - t1).toFixed(1)} ms, ` +
        `drift ${(t3 - t2).toFixed(1)} ms, diagnostics ${(performance.now() - t3).toFixed(1)} ms; ` +
        `cpu ${((process.cpuUsage(cpu0).user + process.cpuUsage(cpu0).system) / 1000).toFixed(1)} ms`);
    }
    this.last = {
      diagnostics, driftCount: items.length, drift: this.drift, driftItems: items, models: loaded,
      migrationState: this.migrationState,
    };
    return this.last;
  }

  /** Open migration buffers, with a buffer that does not parse replaced by its last good text (reported separately). */
  private migrationOverrides(): { overrides: Map<string, string>; errors: TsMigrateError[] } {
    const overrides = new Map<string, string>();
    const errors: TsMigrateError[] = [];
    this.brokenMigrations = new Set();
    for (const file of this.documents.openFiles()) {
      if (this.appOf(file)?.kind !== "migration") continue;
      const text = this.documents.text(file)!;
      try {
        this.loader.loadMigrationFile(file, text);
        this.lastGoodMigrationText.set(file, text);
        overrides.set(file, text);
      } catch (e) {
        this.brokenMigrations.add(path.resolve(file));
        const good = this.lastGoodMigrationText.get(file);
        if (good !== undefined) {
          errors.push(...flatten(e, file));
          overrides.set(file, good);
        } else {
          overrides.set(file, text); // no good version: the loader reports the error itself
        }
      }
    }
    return { overrides, errors };
  }

  private refreshMigrations(): void {
    this.migrationsDirty = false;
    this.markDriftDirty("all");
    const diags = new Map<string, Diagnostic[]>();
    const text = (f: string): string | undefined => this.documents.text(f);
    const add = (e: TsMigrateError, fallbackFile?: string): void => {
      const file = e.location?.file ?? fallbackFile;
      if (!file) {
        this.options.log(`migration error without a file: ${e.message}`);
        return;
      }
      diags.set(file, [...(diags.get(file) ?? []), errorDiagnostic(e, text, file)]);
    };
    const { overrides, errors } = this.migrationOverrides();
    for (const e of errors) add(e);
    this.loader.load({ overrides });
    this.statesBefore.clear();
    this.leaves = leafNames(this.loader);
    for (const e of this.loader.errors) add(e);
    for (const [file, list] of conflictDiagnostics(this.loader, text)) {
      diags.set(file, [...(diags.get(file) ?? []), ...list]);
    }
    try {
      this.migrationState = this.loader.projectState();
    } catch (e) {
      // Keep the last good state so that the models' drift does not jump around.
      for (const err of flatten(e)) add(err);
    }
    this.migrationDiagnostics = diags;
  }

  private refreshModels(): void {
    this.modelsDirty = false;
    let changed = this.loaded === undefined;
    const parsedList: ParsedModelFile[] = [];
    const seen = new Set<string>();
    for (const app of this.config.apps) {
      const file = path.resolve(app.modelsFile);
      seen.add(file);
      const text = this.documents.text(file);
      if (text === undefined) {
        if (this.modelParses.delete(file)) changed = true;
        continue;
      }
      let entry = this.modelParses.get(file);
      if (!entry || entry.text !== text) {
        const parsed = parseModelFile(app.label, file, text);
        const syntaxOk = !parsed.errors.some((e) => e.code === "syntax");
        const used = syntaxOk ? parsed : withErrors(this.lastGoodModels.get(file), parsed);
        entry = { text, parsed, syntaxOk, used };
        this.modelParses.set(file, entry);
        if (syntaxOk) this.lastGoodModels.set(file, parsed);
        changed = true;
      }
      parsedList.push(entry.used);
    }
    for (const f of [...this.modelParses.keys()]) if (!seen.has(f)) this.modelParses.delete(f);
    if (!changed && !this.fullResolveNext) return;
    const { loaded, dirty } = this.incremental.resolve(parsedList, this.fullResolveNext);
    this.fullResolveNext = false;
    this.loaded = loaded;
    this.markDriftDirty(dirty);
    if (VERIFY) {
      const full = resolveModels(parsedList, this.config);
      if (modelsSummary(full) !== modelsSummary(loaded)) {
        this.options.log(`incremental mismatch (models): ${modelsSummary(loaded)} != ${modelsSummary(full)}`);
      }
    }
  }

  /** Apps whose drift must be recomputed at the next analysis ("all": every app). */
  private dirtyApps: Set<string> | "all" = "all";

  private markDriftDirty(apps: Set<string> | "all"): void {
    this.driftDirty = true;
    if (apps === "all" || this.dirtyApps === "all") this.dirtyApps = "all";
    else for (const a of apps) this.dirtyApps.add(a);
  }

  /** Makes the next analysis resolve every models file (after a save: cross-app checks are exact again). */
  requestFullResolve(): void {
    this.fullResolveNext = true;
    this.modelsDirty = true;
  }

  private queue: Promise<unknown> = Promise.resolve();

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
      const applied = await readApplied(this.project, this.database);
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

/** A parse's errors on top of another parse's classes (the last good one), or the parse itself when none is good. */
function withErrors(good: ParsedModelFile | undefined, current: ParsedModelFile): ParsedModelFile {
  return good ? { ...good, errors: current.errors } : current;
}

function safeDiscover(root: string, errors: TsMigrateError[]): AppConfig[] {
  try {
    return discoverApps(root);
  } catch (e) {
    errors.push(...flatten(e));
    return [];
  }
}

/** The TsMigrateErrors in `e` (MultipleErrors unpacked; other errors wrapped, located at `file` when given). */
export function flatten(e: unknown, file?: string): TsMigrateError[] {
  if (e instanceof MultipleErrors) return [...e.errors];
  if (e instanceof TsMigrateError) return [e];
  return [new TsMigrateError(e instanceof Error ? e.message : String(e), {
    code: "internal", location: file ? { file, line: 1, column: 1 } : undefined, cause: e,
  })];
}

function overlapsLines(d: Diagnostic, r: { start: { line: number }; end: { line: number } }): boolean {
  return d.range.start.line <= r.end.line && r.start.line <= d.range.end.line;
}
