/**
 * The project configuration: `tsmigrate.config.json` (product contract,
 * section 3), or the embedded default when there is none (every folder
 * holding a `models.ts` is an app labelled by the folder's name; SQLite
 * `db.sqlite3` at the project root).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ts } from "ts-morph";
import { appFolderProblem, checkConfigSize } from "./config-limits";
import { ErrorCollector, type SourceLocation, TsMigrateError } from "./errors";
import { type Value, isObjectValue } from "./values";
import { locationOf, memberLocation, parseDiagnostics, positionLocation, readValue, valueLocation } from "./source/read";

/** The config file's name. */
export const CONFIG_FILE = "tsmigrate.config.json";

/** One app: its label and where its files are (absolute paths). */
export interface AppConfig {
  /** Django's app label: a valid identifier, unique in the project. */
  readonly label: string;
  /** The app's folder. */
  readonly dir: string;
  /** `<dir>/models.ts` (may not exist: an app with no models). */
  readonly modelsFile: string;
  /** `<dir>/migrations`. */
  readonly migrationsDir: string;
  /**
   * The app's own implicit primary key type (Django's
   * `AppConfig.default_auto_field`), overriding the project's
   * `defaultAutoField`; absent when the app has none.
   */
  readonly defaultAutoField?: AutoFieldType;
}

/** The field types an implicit primary key may have. */
export type AutoFieldType = "AutoField" | "BigAutoField" | "SmallAutoField";

/**
 * The implicit `id` type of the models of app `label`: the app's
 * `defaultAutoField`, else the project's (Django's `Options._get_default_pk_class`).
 */
export function appDefaultAutoField(config: ProjectConfig, label: string): AutoFieldType {
  return config.apps.find((a) => a.label === label)?.defaultAutoField ?? config.defaultAutoField;
}

/**
 * One database. SQLite: `name` is the file path made absolute against the
 * project root (`":memory:"` kept). PostgreSQL: `url` with `${env:VAR}`
 * expanded. `error` is set when the entry cannot be used yet (an
 * environment variable that is not set): loading still succeeds so that
 * commands not touching this database work; connecting must throw `error`.
 */
export interface DatabaseConfig {
  readonly engine: "sqlite" | "postgresql";
  /** SQLite: the file; PostgreSQL (without `url`): the database name. */
  readonly name?: string;
  readonly url?: string;
  /** PostgreSQL without `url`: where and as whom to connect (`${env:VAR}` expanded). */
  readonly host?: string;
  readonly port?: number;
  readonly user?: string;
  readonly password?: string;
  readonly error?: TsMigrateError;
}

/** The loaded configuration. */
export interface ProjectConfig {
  /** The project root (absolute): the config file's folder, `--project`, or the current folder. */
  readonly root: string;
  /** The config file read (absolute), absent for the embedded default. */
  readonly configFile?: string;
  /** Apps in config order (discovered apps: sorted by path). */
  readonly apps: readonly AppConfig[];
  /** Databases by alias; always has `"default"`. */
  readonly databases: Readonly<Record<string, DatabaseConfig>>;
  /** The implicit primary key's type (Django's DEFAULT_AUTO_FIELD), default `"BigAutoField"`. */
  readonly defaultAutoField: AutoFieldType;
  /** `backups`: how many SQLite backups `migrate` keeps per database (default 5); absent = the default. */
  readonly backups?: { readonly keep: number };
}

const AUTO_FIELDS = ["AutoField", "BigAutoField", "SmallAutoField"] as const;
/** How many backups `migrate` keeps per database when the config does not say. */
export const DEFAULT_BACKUPS_KEPT = 5;
const SKIP_DIRS = new Set(["node_modules", "dist"]);

/**
 * The nearest folder from `start` upwards holding `tsmigrate.config.json`,
 * or undefined.
 */
export function findConfigRoot(start: string): string | undefined {
  let dir = path.resolve(start);
  for (;;) {
    if (fs.existsSync(path.join(dir, CONFIG_FILE))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/**
 * Loads the configuration.
 *
 * - `project` (the CLI's `--project`, relative to `cwd`): the root; its
 *   `tsmigrate.config.json` is read when present.
 * - else the nearest folder from `cwd` (default `process.cwd()`) upwards
 *   holding a config file; else `cwd` with the embedded default.
 *
 * `env` (default `process.env`) supplies `${env:VAR}` expansions.
 *
 * @throws TsMigrateError code `"config"` naming the file, the key (e.g.
 *   `databases.default.engine`) and what is expected, at its line/column;
 *   MultipleErrors when there are several; duplicate app labels are an error.
 */
export function loadConfig(opts: { project?: string; cwd?: string; env?: NodeJS.ProcessEnv } = {}): ProjectConfig {
  const cwd = path.resolve(opts.cwd ?? process.cwd());
  const root = opts.project !== undefined ? path.resolve(cwd, opts.project) : (findConfigRoot(cwd) ?? cwd);
  if (opts.project !== undefined && !isDir(root)) {
    throw new TsMigrateError(`project folder ${root} does not exist`, { code: "config" });
  }
  const file = path.join(root, CONFIG_FILE);
  if (!fs.existsSync(file)) {
    return {
      root,
      apps: discoverApps(root),
      databases: { default: { engine: "sqlite", name: path.join(root, "db.sqlite3") } },
      defaultAutoField: "BigAutoField",
    };
  }
  return parseConfig(file, fs.readFileSync(file, "utf8"), root, opts.env ?? process.env);
}

/** True when `p` is a folder; false when nothing (or a file) is there. @throws TsMigrateError `config` when it cannot be checked (permissions...). */
function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch (e) {
    if (isMissing(e)) return false;
    throw new TsMigrateError(`cannot read ${p}: ${(e as Error).message}`, { code: "config", cause: e });
  }
}

/** True for the errors of a path that does not exist (ENOENT, or a file where a folder was expected). */
export function isMissing(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === "ENOENT" || code === "ENOTDIR";
}

/**
 * The embedded default's apps: every folder under `root` holding a
 * `models.ts`, skipping `node_modules`, `dist` and dot folders, labelled by
 * the folder's name, sorted by path.
 * @throws TsMigrateError code `"config"` for duplicate or invalid labels.
 */
export function discoverApps(root: string): AppConfig[] {
  const dirs: string[] = [];
  const errors = new ErrorCollector();
  const walk = (dir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      // A folder removed while walking has no apps; one that cannot be read might hide one.
      if (!isMissing(e)) errors.add(`cannot read folder ${path.relative(root, dir) || "."} while looking for apps: ${(e as Error).message}`, "config", undefined);
      return;
    }
    if (entries.some((e) => e.isFile() && e.name === "models.ts")) dirs.push(dir);
    for (const e of entries) {
      if (e.isDirectory() && !e.name.startsWith(".") && !SKIP_DIRS.has(e.name)) walk(path.join(dir, e.name));
    }
  };
  walk(root);
  dirs.sort();
  const apps: AppConfig[] = [];
  const seen = new Map<string, string>();
  for (const dir of dirs) {
    const label = path.basename(dir);
    const rel = path.relative(root, dir) || ".";
    if (!isLabel(label)) {
      errors.add(
        `folder ${rel} holds a models.ts but "${label}" is not a valid app label (letters, digits, _; not starting with a digit); ` +
          `list the app in ${CONFIG_FILE} with a "label"`, "config", undefined);
      continue;
    }
    const other = seen.get(label);
    if (other !== undefined) {
      errors.add(
        `app label "${label}" is used by two folders (${other} and ${rel}); list the apps in ${CONFIG_FILE} with distinct labels`,
        "config", undefined);
      continue;
    }
    seen.set(label, rel);
    const outside = appFolderProblem(root, dir);
    if (outside !== undefined) {
      errors.add(`app ${label}: ${outside}`, "config", undefined);
      continue;
    }
    apps.push(app(label, dir));
  }
  errors.throwIfAny();
  return apps;
}

function app(label: string, dir: string): AppConfig {
  return { label, dir, modelsFile: path.join(dir, "models.ts"), migrationsDir: path.join(dir, "migrations") };
}

/** True for a valid app label: an ASCII identifier (letters, digits, `_`; not starting with a digit). */
export function isLabel(s: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(s);
}

const ENV_RE = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Parses the text of a config file (JSON; comments allowed) found at `file`
 * with project root `root`. Exposed for tests and for editors validating an
 * unsaved buffer.
 * @throws TsMigrateError / MultipleErrors code `"config"` (see {@link loadConfig}).
 */
export function parseConfig(file: string, text: string, root: string, env: NodeJS.ProcessEnv = process.env): ProjectConfig {
  const fileLoc: SourceLocation = { file, line: 1, column: 1 };
  checkConfigSize(file, text);
  const raw = readJson(file, text, fileLoc);
  const r = new ConfigReader(file, root, env);
  if (!isObjectValue(raw)) {
    r.err("(top level)", "expected an object { \"apps\": [...], \"databases\": {...} }", locationOf(raw));
    r.errors.throwIfAny();
  }
  const cfg = raw as Record<string, Value>;
  for (const k of Object.keys(cfg)) {
    if (!["apps", "databases", "defaultAutoField", "backups", "$schema"].includes(k)) {
      r.err(k, `unknown key; expected "apps", "databases", "defaultAutoField" or "backups"`, memberLocation(cfg, k));
    }
  }
  const apps = r.apps(cfg);
  const databases = r.databases(cfg);
  const defaultAutoField = r.defaultAutoField(cfg);
  const backups = r.backups(cfg);
  r.errors.throwIfAny();
  return { root, configFile: file, apps, databases, defaultAutoField, backups };
}

/** The config file's text as a Value (JSON with comments). @throws TsMigrateError `config` at the first syntax error. */
function readJson(file: string, text: string, fileLoc: SourceLocation): Value {
  const sf = ts.parseJsonText(file, text);
  const diags = parseDiagnostics(sf);
  if (diags.length > 0) {
    const d = diags[0]!;
    throw new TsMigrateError(`${CONFIG_FILE} is not valid JSON: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`, {
      code: "config",
      location: positionLocation(sf, d.start ?? 0),
    });
  }
  const top = sf.statements[0]?.expression;
  if (!top) throw new TsMigrateError(`${CONFIG_FILE} is empty; expected an object { "apps": [...], "databases": {...} }`,
    { code: "config", location: fileLoc });
  try {
    return readValue(top, sf);
  } catch (e) {
    if (!(e instanceof TsMigrateError)) throw e;
    throw new TsMigrateError(`${CONFIG_FILE}: expected plain JSON values`, { code: "config", location: e.location ?? fileLoc, cause: e });
  }
}

/** Reads the sections of one config file, collecting every problem. */
class ConfigReader {
  readonly errors = new ErrorCollector();
  private readonly fileLoc: SourceLocation;

  constructor(private readonly file: string, private readonly root: string, private readonly env: NodeJS.ProcessEnv) {
    this.fileLoc = { file, line: 1, column: 1 };
  }

  /** A `config` problem: `<file>: <key>: <expected>` at `loc` (the file's start when unknown). */
  err(key: string, expected: string, loc: SourceLocation | undefined): void {
    this.errors.add(`${path.basename(this.file)}: ${key}: ${expected}`, "config", loc ?? this.fileLoc);
  }

  /** `apps`: folders or `{ path, label }`; discovered (embedded default) when absent. */
  apps(cfg: Record<string, Value>): AppConfig[] {
    if (cfg.apps === undefined) return this.errors.attempt(() => discoverApps(this.root)) ?? [];
    if (!Array.isArray(cfg.apps)) {
      this.err("apps", `expected an array of app folders ("src/shop") or { "path": "src/shop", "label": "shop" }`, valueLocation(cfg, "apps"));
      return [];
    }
    const apps: AppConfig[] = [];
    const seen = new Map<string, string>();
    (cfg.apps as readonly Value[]).forEach((entry, i) => {
      const a = this.app(entry, `apps[${i}]`, valueLocation(cfg.apps, i), seen);
      if (a) apps.push(a);
    });
    return apps;
  }

  private app(entry: Value, key: string, loc: SourceLocation | undefined, seen: Map<string, string>): AppConfig | undefined {
    const spec = this.appEntry(entry, key, loc);
    if (spec === undefined) return undefined;
    if (spec.path.length === 0) return void this.err(key, "expected a non-empty folder path", loc);
    const dir = path.resolve(this.root, spec.path);
    const label = spec.label ?? path.basename(dir);
    if (!isDir(dir)) return void this.err(key, `folder ${spec.path} does not exist (relative to ${this.root})`, loc);
    const outside = appFolderProblem(this.root, dir);
    if (outside !== undefined) return void this.err(key, outside, loc);
    if (!isLabel(label)) {
      return void this.err(key, `"${label}" is not a valid app label (letters, digits, _; not starting with a digit); give a "label"`, loc);
    }
    const other = seen.get(label);
    if (other !== undefined) return void this.err(key, `duplicate app label "${label}" (also ${other}); give one of them a distinct "label"`, loc);
    seen.set(label, key);
    const made = app(label, dir);
    return spec.defaultAutoField ? { ...made, defaultAutoField: spec.defaultAutoField } : made;
  }

  /** An `apps` entry's path, label and auto field as written; undefined when unusable (problems recorded). */
  private appEntry(
    entry: Value, key: string, loc: SourceLocation | undefined,
  ): { path: string; label?: string; defaultAutoField?: AutoFieldType } | undefined {
    if (typeof entry === "string") return { path: entry };
    if (!isObjectValue(entry)) {
      return void this.err(key, `expected an app folder ("src/shop") or { "path": "src/shop", "label": "shop" }`, loc);
    }
    for (const k of Object.keys(entry)) {
      if (k !== "path" && k !== "label" && k !== "defaultAutoField") {
        this.err(`${key}.${k}`, `unknown key; expected "path", "label" or "defaultAutoField"`, memberLocation(entry, k));
      }
    }
    const defaultAutoField = entry.defaultAutoField === undefined ? undefined : this.autoField(entry, `${key}.defaultAutoField`);
    let label: string | undefined;
    if (entry.label !== undefined) {
      if (typeof entry.label === "string") label = entry.label;
      else this.err(`${key}.label`, "expected a string", valueLocation(entry, "label"));
    }
    if (typeof entry.path === "string") return { path: entry.path, label, defaultAutoField };
    this.err(`${key}.path`, "expected the app folder as a string, relative to the project root", valueLocation(entry, "path") ?? loc);
    return undefined;
  }

  /** `databases`: aliases to entries; SQLite `db.sqlite3` at the root when absent. */
  databases(cfg: Record<string, Value>): Record<string, DatabaseConfig> {
    const databases: Record<string, DatabaseConfig> = {};
    if (cfg.databases === undefined) {
      databases.default = { engine: "sqlite", name: path.join(this.root, "db.sqlite3") };
    } else if (!isObjectValue(cfg.databases)) {
      this.err("databases", `expected an object of aliases, e.g. { "default": { "engine": "sqlite", "name": "db.sqlite3" } }`,
        valueLocation(cfg, "databases"));
    } else {
      const dbs = cfg.databases;
      if (dbs.default === undefined) this.err("databases.default", "a \"default\" database is required", locationOf(dbs));
      for (const alias of Object.keys(dbs)) {
        const db = this.database(`databases.${alias}`, dbs[alias]!, valueLocation(dbs, alias));
        if (db) databases[alias] = db;
      }
    }
    return databases;
  }

  /** `defaultAutoField`: Django's DEFAULT_AUTO_FIELD. */
  defaultAutoField(cfg: Record<string, Value>): AutoFieldType {
    return cfg.defaultAutoField === undefined ? "BigAutoField" : this.autoField(cfg, "defaultAutoField") ?? "BigAutoField";
  }

  /** The `defaultAutoField` entry of `obj` (the top level or an app), `key` naming it in errors; undefined when invalid. */
  private autoField(obj: Record<string, Value>, key: string): AutoFieldType | undefined {
    const v = obj.defaultAutoField;
    if (typeof v === "string" && (AUTO_FIELDS as readonly string[]).includes(v)) return v as AutoFieldType;
    this.err(key, `expected "AutoField", "BigAutoField" or "SmallAutoField", found ${JSON.stringify(v)}`,
      valueLocation(obj, "defaultAutoField"));
    return undefined;
  }

  /** `backups`: `{ "keep": N }`, N a whole number from 1 (default 5). */
  backups(cfg: Record<string, Value>): { keep: number } {
    const v = cfg.backups;
    if (v === undefined) return { keep: DEFAULT_BACKUPS_KEPT };
    const keep = isObjectValue(v) ? v.keep : undefined;
    if (isObjectValue(v) && Object.keys(v).every((k) => k === "keep") && typeof keep === "number" && Number.isInteger(keep) && keep >= 1) return { keep };
    this.err("backups", `expected { "keep": N }, N the number of backups kept (a whole number from 1; default ${DEFAULT_BACKUPS_KEPT})`,
      valueLocation(cfg, "backups"));
    return { keep: DEFAULT_BACKUPS_KEPT };
  }

  /** One database entry; undefined when unusable (problems recorded). */
  private database(key: string, v: Value, loc: SourceLocation | undefined): DatabaseConfig | undefined {
    const { root, env } = this;
    if (!isObjectValue(v)) {
      this.err(key, `expected { "engine": "sqlite", "name": "db.sqlite3" } or { "engine": "postgresql", "url": "postgres://..." }`, loc);
      return undefined;
    }
    const engine = v.engine;
    if (engine !== "sqlite" && engine !== "postgresql") {
      this.err(`${key}.engine`, `expected "sqlite" or "postgresql", found ${engine === undefined ? "nothing" : JSON.stringify(engine)}`,
        valueLocation(v, "engine") ?? loc);
      return undefined;
    }
    const want = engine === "sqlite" ? "name" : v.url === undefined && v.host !== undefined ? "host" : "url";
    const allowed = engine === "sqlite" ? ["name"] : want === "url" ? ["url"] : PG_FIELDS;
    for (const k of Object.keys(v)) {
      if (k !== "engine" && !allowed.includes(k)) {
        this.err(`${key}.${k}`, `unknown key; a ${engine} database takes "engine" and ${engine === "sqlite" ? '"name"' : '"url", or "host", "port", "name", "user", "password"'}`, memberLocation(v, k));
      }
    }
    const raw = v[want];
    if (typeof raw !== "string" || raw.length === 0) {
      this.err(`${key}.${want}`, engine === "sqlite"
        ? "expected the database file path as a string (relative to the project root)"
        : "expected a connection URL string such as \"postgres://user:pass@host:5432/db\" or \"${env:DATABASE_URL}\"",
      valueLocation(v, want) ?? loc);
      return undefined;
    }
    const { values, unset } = expandEnv(v, want === "host" ? PG_FIELDS : [want], env);
    const error = unset === undefined ? undefined : new TsMigrateError(
      `${key}.${unset.key}: environment variable ${unset.name} is not set`, { code: "config", location: valueLocation(v, unset.key) ?? loc });
    const expanded = values[want]!;
    let db: DatabaseConfig;
    if (engine === "sqlite") db = { engine, name: expanded === ":memory:" ? expanded : path.resolve(root, expanded) };
    else if (want === "url") db = { engine, url: expanded };
    else db = { engine, ...values, port: values.port === undefined ? undefined : Number(values.port) };
    return error ? { ...db, error } : db;
  }
}

/** The keys of a PostgreSQL database given by parts rather than a `url`. */
const PG_FIELDS = ["host", "port", "name", "user", "password"];

/**
 * `keys` of database entry `v` with `${env:VAR}` expanded from `env`
 * (absent keys left out), and the first variable that is not set.
 */
function expandEnv(
  v: Readonly<Record<string, Value>>, keys: readonly string[], env: NodeJS.ProcessEnv,
): { values: Record<string, string>; unset?: { key: string; name: string } } {
  const values: Record<string, string> = {};
  let unset: { key: string; name: string } | undefined;
  for (const key of keys) {
    if (v[key] === undefined) continue;
    values[key] = String(v[key]).replace(ENV_RE, (_m, name: string) => {
      const x = env[name];
      if (x === undefined) unset ??= { key, name };
      return x ?? "";
    });
  }
  return { values, unset };
}
