/**
 * One project as the CLI and the language server see it: its configuration,
 * its models, its migrations (graph and state at the leaves) and its
 * database connections. A facade over config.ts, source/models.ts,
 * loader.ts, executor.ts and the backends.
 */
import * as fs from "node:fs";
import type { Connection } from "./backends/base/base";
import type { Emit, SchemaEditor } from "./backends/base/schema";
import { schemaEditorFor } from "./backends/editors";
import { openPostgres } from "./backends/postgresql/base";
import { openSqlite } from "./backends/sqlite/base";
import { loadConfig, type ProjectConfig } from "./config";
import { TsMigrateError } from "./errors";
import { MigrationExecutor } from "./executor";
import type { MigrationGraph } from "./graph";
import { type LoadOptions, MigrationLoader } from "./loader";
import { ModelsCache } from "./models-cache";
import { type LoadedModels, loadModels } from "./source/models";
import { type AppliedRecord, MigrationRecorder } from "./recorder";
import type { ProjectState } from "./state";

/** Options of {@link openProject}. */
export interface OpenProjectOptions {
  /** The project folder (`--project`), relative to `cwd`. */
  project?: string;
  /** Where to start looking for `tsmigrate.config.json` (default: the process's). */
  cwd?: string;
  /** An already loaded configuration (skips `loadConfig`). */
  config?: ProjectConfig;
}

/**
 * The project facade.
 *
 * - `loader` is loaded from disk on open (`reload` re-reads only changed files);
 * - `connection(alias)` opens (once) and caches a connection; `close()` closes them all.
 */
export class Project {
  readonly config: ProjectConfig;
  readonly loader: MigrationLoader;
  private readonly connections = new Map<string, Promise<Connection>>();

  constructor(config: ProjectConfig) {
    this.config = config;
    this.loader = new MigrationLoader(config);
  }

  /** The project root (absolute). */
  get root(): string {
    return this.config.root;
  }

  /** The migration graph of the last load. */
  get graph(): MigrationGraph {
    return this.loader.graph;
  }

  /** Re-reads the migration files (cached ones unchanged on disk or in `overrides` are reused). */
  reload(options: LoadOptions = {}): this {
    this.loader.load(options);
    return this;
  }

  /**
   * The models as the model files declare them now (`overrides`: unsaved
   * text by absolute path). Kept in the project's cache folder beside the
   * parsed migrations (models-cache.ts), unless the loader keeps no cache.
   */
  loadModels(overrides?: ReadonlyMap<string, string>): LoadedModels {
    const dir = this.loader.parsedCache?.dir;
    this.modelsCache ??= dir === undefined ? undefined : new ModelsCache(dir);
    return loadModels(this.config, overrides, this.modelsCache);
  }

  private modelsCache: ModelsCache | undefined;

  /** The state the migrations describe at their leaves (what the models are compared with). */
  migrationState(): ProjectState {
    return this.loader.projectState();
  }

  /** The app labels, in config order. */
  appLabels(): string[] {
    return this.config.apps.map((a) => a.label);
  }

  /**
   * The connection for `alias` (default `"default"`), opened on first use.
   * @throws TsMigrateError code `config` for an unknown alias, a config error
   *   of that database (unset environment variable); code `database` when it cannot be reached.
   */
  connection(alias = "default"): Promise<Connection> {
    let c = this.connections.get(alias);
    if (!c) {
      c = this.open(alias);
      this.connections.set(alias, c);
      c.catch(() => this.connections.delete(alias));
    }
    return c;
  }

  /**
   * A new read-only connection to `alias` (inspectdb, diffschema), which
   * the caller closes: nothing can change the database through it. A SQLite
   * file must exist.
   * @throws as {@link connection}; TsMigrateError `database` when the file does not exist.
   */
  readOnlyConnection(alias = "default"): Promise<Connection> {
    return this.open(alias, true);
  }

  private async open(alias: string, readonly = false): Promise<Connection> {
    const db = this.config.databases[alias];
    if (!db) {
      const known = Object.keys(this.config.databases).join(", ");
      throw new TsMigrateError(`The connection '${alias}' doesn't exist (databases in the config: ${known})`, { code: "config" });
    }
    if (db.error) throw db.error;
    const options = { defaultAutoField: this.config.defaultAutoField };
    if (db.engine === "sqlite") return openSqlite(alias, db.name ?? `${this.config.root}/db.sqlite3`, { ...options, readonly });
    return openPostgres(alias, db, options, { readonly });
  }

  /**
   * A private, empty, throw-away database of the same vendor as `alias`,
   * for building the schema the migrations describe (diffschema): SQLite
   * in memory; on PostgreSQL a new session on the same database whose
   * `search_path` is only its temporary schema (everything it creates is a
   * temporary table, gone when it closes; the user's tables are out of
   * reach of its unqualified names). The caller closes it.
   * @throws TsMigrateError code `config` for an unknown alias; `database`
   *   when the server cannot be reached or the user may not create temporary tables.
   */
  async scratchConnection(alias = "default"): Promise<Connection> {
    const { vendor } = this.dialect(alias);
    const options = { defaultAutoField: this.config.defaultAutoField };
    if (vendor === "sqlite") return openSqlite(alias, ":memory:", options);
    const db = this.config.databases[alias]!;
    if (db.error) throw db.error;
    return openPostgres(alias, db, options, { scratch: true });
  }

  /**
   * The SQL dialect of `alias` without connecting: a schema editor factory
   * (for `sqlmigrate` and hovers), the vendor, and whether DDL is transactional.
   * @throws TsMigrateError code `config` for an unknown alias.
   */
  dialect(alias = "default"): { vendor: "sqlite" | "postgresql"; transactionalDdl: boolean; schemaEditor: (emit: Emit) => SchemaEditor } {
    const db = this.config.databases[alias];
    if (!db) {
      const known = Object.keys(this.config.databases).join(", ");
      throw new TsMigrateError(`The connection '${alias}' doesn't exist (databases in the config: ${known})`, { code: "config" });
    }
    const options = { defaultAutoField: this.config.defaultAutoField };
    return { vendor: db.engine, transactionalDdl: true, schemaEditor: (emit) => schemaEditorFor(db.engine, emit, options) };
  }

  /** True when `alias` is a SQLite file that does not exist yet (nothing applied; `migrate` creates it). Never opens it. */
  databaseMissing(alias = "default"): boolean {
    const db = this.config.databases[alias];
    return db?.engine === "sqlite" && !!db.name && db.name !== ":memory:" && !fs.existsSync(db.name);
  }

  /**
   * The applied migrations of database `alias` ("app.name" → record), read
   * without creating anything: a SQLite file that does not exist yet has
   * none applied.
   */
  async appliedMigrations(alias = "default"): Promise<Map<string, AppliedRecord>> {
    if (this.databaseMissing(alias)) return new Map();
    return new MigrationRecorder(await this.connection(alias)).appliedMigrations();
  }

  /** An executor on `alias` whose graph reflects what that database has applied. */
  async executor(alias = "default"): Promise<MigrationExecutor> {
    return MigrationExecutor.open(await this.connection(alias), this.loader);
  }

  /** Closes every connection opened. */
  async close(): Promise<void> {
    const all = [...this.connections.values()];
    this.connections.clear();
    // A connection that failed to open was reported to whoever awaited it and holds nothing to release.
    for (const opened of await Promise.allSettled(all)) {
      if (opened.status === "fulfilled") await opened.value.close();
    }
  }
}

/**
 * Opens the project at `project` (or found from `cwd`): loads the config and
 * reads the migration files (errors are kept in `project.loader.errors`, not
 * thrown). Config errors throw (code `config`).
 */
export function openProject(options: OpenProjectOptions = {}): Project {
  const config = options.config ?? loadConfig({ project: options.project, cwd: options.cwd });
  return new Project(config).reload();
}
