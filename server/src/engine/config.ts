/**
 * The project configuration: `tsmigrate.config.json` (product contract,
 * section 3), or the embedded default when there is none (every folder
 * holding a `models.ts` is an app labelled by the folder's name; SQLite
 * `db.sqlite3` at the project root).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ts } from "ts-morph";
import { type SourceLocation, MultipleErrors, TsMigrateError } from "./errors";
import { type Value, isObjectValue } from "./values";
import { locationOf, memberLocation, positionLocation, readValue, valueLocation } from "./source/read";

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
  readonly defaultAutoField: "AutoField" | "BigAutoField" | "SmallAutoField";
}

const AUTO_FIELDS = ["AutoField", "BigAutoField", "SmallAutoField"] as const;
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

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The embedded default's apps: every folder under `root` holding a
 * `models.ts`, skipping `node_modules`, `dist` and dot folders, labelled by
 * the folder's name, sorted by path.
 * @throws TsMigrateError code `"config"` for duplicate or invalid labels.
 */
export function discoverApps(root: string): AppConfig[] {
  const dirs: string[] = [];
  const walk = (dir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    if (entries.some((e) => e.isFile() && e.name === "models.ts")) dirs.push(dir);
    for (const e of entries) {
      if (e.isDirectory() && !e.name.startsWith(".") && !SKIP_DIRS.has(e.name)) walk(path.join(dir, e.name));
    }
  };
  walk(root);
  dirs.sort();
  const errors: TsMigrateError[] = [];
  const apps: AppConfig[] = [];
  const seen = new Map<string, string>();
  for (const dir of dirs) {
    const label = path.basename(dir);
    const rel = path.relative(root, dir) || ".";
    if (!isLabel(label)) {
      errors.push(new TsMigrateError(
        `folder ${rel} holds a models.ts but "${label}" is not a valid app label (letters, digits, _; not starting with a digit); ` +
          `list the app in ${CONFIG_FILE} with a "label"`, { code: "config" }));
      continue;
    }
    const other = seen.get(label);
    if (other !== undefined) {
      errors.push(new TsMigrateError(
        `app label "${label}" is used by two folders (${other} and ${rel}); list the apps in ${CONFIG_FILE} with distinct labels`,
        { code: "config" }));
      continue;
    }
    seen.set(label, rel);
    apps.push(app(label, dir));
  }
  raise(errors);
  return apps;
}

function app(label: string, dir: string): AppConfig {
  return { label, dir, modelsFile: path.join(dir, "models.ts"), migrationsDir: path.join(dir, "migrations") };
}

function isLabel(s: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(s);
}

function raise(errors: TsMigrateError[]): void {
  if (errors.length === 1) throw errors[0]!;
  if (errors.length > 1) throw new MultipleErrors(errors);
}

const ENV_RE = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Parses the text of a config file (JSON; comments allowed) found at `file`
 * with project root `root`. Exposed for tests and for editors validating an
 * unsaved buffer.
 * @throws TsMigrateError / MultipleErrors code `"config"` (see {@link loadConfig}).
 */
export function parseConfig(file: string, text: string, root: string, env: NodeJS.ProcessEnv = process.env): ProjectConfig {
  const sf = ts.parseJsonText(file, text);
  const diags = (sf as unknown as { parseDiagnostics?: readonly ts.Diagnostic[] }).parseDiagnostics ?? [];
  if (diags.length > 0) {
    const d = diags[0]!;
    throw new TsMigrateError(`${CONFIG_FILE} is not valid JSON: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`, {
      code: "config",
      location: positionLocation(sf, d.start ?? 0),
    });
  }
  const top = sf.statements[0]?.expression;
  const fileLoc: SourceLocation = { file, line: 1, column: 1 };
  if (!top) throw new TsMigrateError(`${CONFIG_FILE} is empty; expected an object { "apps": [...], "databases": {...} }`,
    { code: "config", location: fileLoc });
  let raw: Value;
  try {
    raw = readValue(top, sf);
  } catch (e) {
    const loc = e instanceof TsMigrateError ? e.location : undefined;
    throw new TsMigrateError(`${CONFIG_FILE}: expected plain JSON values`, { code: "config", location: loc ?? fileLoc });
  }
  const errors: TsMigrateError[] = [];
  const err = (key: string, expected: string, loc: SourceLocation | undefined) =>
    errors.push(new TsMigrateError(`${path.basename(file)}: ${key}: ${expected}`, { code: "config", location: loc ?? fileLoc }));

  if (!isObjectValue(raw)) {
    err("(top level)", "expected an object { \"apps\": [...], \"databases\": {...} }", locationOf(raw));
    raise(errors);
  }
  const cfg = raw as Record<string, Value>;
  for (const k of Object.keys(cfg)) {
    if (!["apps", "databases", "defaultAutoField", "$schema"].includes(k)) {
      err(k, `unknown key; expected "apps", "databases" or "defaultAutoField"`, memberLocation(cfg, k));
    }
  }

  // apps
  let apps: AppConfig[] = [];
  if (cfg.apps === undefined) {
    try {
      apps = discoverApps(root);
    } catch (e) {
      if (e instanceof MultipleErrors) errors.push(...e.errors);
      else if (e instanceof TsMigrateError) errors.push(e);
      else throw e;
    }
  } else if (!Array.isArray(cfg.apps)) {
    err("apps", `expected an array of app folders ("src/shop") or { "path": "src/shop", "label": "shop" }`, valueLocation(cfg, "apps"));
  } else {
    const seen = new Map<string, string>();
    (cfg.apps as readonly Value[]).forEach((entry, i) => {
      const key = `apps[${i}]`;
      const loc = valueLocation(cfg.apps, i);
      let p: string | undefined;
      let label: string | undefined;
      if (typeof entry === "string") {
        p = entry;
      } else if (isObjectValue(entry)) {
        for (const k of Object.keys(entry)) {
          if (k !== "path" && k !== "label") err(`${key}.${k}`, `unknown key; expected "path" or "label"`, memberLocation(entry, k));
        }
        if (typeof entry.path === "string") p = entry.path;
        else err(`${key}.path`, "expected the app folder as a string, relative to the project root", valueLocation(entry, "path") ?? loc);
        if (entry.label !== undefined) {
          if (typeof entry.label === "string") label = entry.label;
          else err(`${key}.label`, "expected a string", valueLocation(entry, "label"));
        }
      } else {
        err(key, `expected an app folder ("src/shop") or { "path": "src/shop", "label": "shop" }`, loc);
        return;
      }
      if (p === undefined) return;
      if (p.length === 0) {
        err(key, "expected a non-empty folder path", loc);
        return;
      }
      const dir = path.resolve(root, p);
      label ??= path.basename(dir);
      if (!isDir(dir)) {
        err(key, `folder ${p} does not exist (relative to ${root})`, loc);
        return;
      }
      if (!isLabel(label)) {
        err(key, `"${label}" is not a valid app label (letters, digits, _; not starting with a digit); give a "label"`, loc);
        return;
      }
      const other = seen.get(label);
      if (other !== undefined) {
        err(key, `duplicate app label "${label}" (also ${other}); give one of them a distinct "label"`, loc);
        return;
      }
      seen.set(label, key);
      apps.push(app(label, dir));
    });
  }

  // databases
  const databases: Record<string, DatabaseConfig> = {};
  if (cfg.databases === undefined) {
    databases.default = { engine: "sqlite", name: path.join(root, "db.sqlite3") };
  } else if (!isObjectValue(cfg.databases)) {
    err("databases", `expected an object of aliases, e.g. { "default": { "engine": "sqlite", "name": "db.sqlite3" } }`,
      valueLocation(cfg, "databases"));
  } else {
    const dbs = cfg.databases;
    if (dbs.default === undefined) err("databases.default", "a \"default\" database is required", locationOf(dbs));
    for (const alias of Object.keys(dbs)) {
      const db = readDatabase(`databases.${alias}`, dbs[alias]!, valueLocation(dbs, alias), root, env, err);
      if (db) databases[alias] = db;
    }
  }

  // defaultAutoField
  let defaultAutoField: ProjectConfig["defaultAutoField"] = "BigAutoField";
  if (cfg.defaultAutoField !== undefined) {
    const v = cfg.defaultAutoField;
    if (typeof v === "string" && (AUTO_FIELDS as readonly string[]).includes(v)) {
      defaultAutoField = v as ProjectConfig["defaultAutoField"];
    } else {
      err("defaultAutoField", `expected "AutoField", "BigAutoField" or "SmallAutoField", found ${JSON.stringify(v)}`,
        valueLocation(cfg, "defaultAutoField"));
    }
  }
  raise(errors);
  return { root, configFile: file, apps, databases, defaultAutoField };
}

function readDatabase(
  key: string, v: Value, loc: SourceLocation | undefined, root: string, env: NodeJS.ProcessEnv,
  err: (key: string, expected: string, loc: SourceLocation | undefined) => void,
): DatabaseConfig | undefined {
  if (!isObjectValue(v)) {
    err(key, `expected { "engine": "sqlite", "name": "db.sqlite3" } or { "engine": "postgresql", "url": "postgres://..." }`, loc);
    return undefined;
  }
  const engine = v.engine;
  if (engine !== "sqlite" && engine !== "postgresql") {
    err(`${key}.engine`, `expected "sqlite" or "postgresql", found ${engine === undefined ? "nothing" : JSON.stringify(engine)}`,
      valueLocation(v, "engine") ?? loc);
    return undefined;
  }
  const pgFields = ["host", "port", "name", "user", "password"];
  const want = engine === "sqlite" ? "name" : v.url === undefined && v.host !== undefined ? "host" : "url";
  const allowed = engine === "sqlite" ? ["name"] : want === "url" ? ["url"] : pgFields;
  for (const k of Object.keys(v)) {
    if (k !== "engine" && !allowed.includes(k)) {
      err(`${key}.${k}`, `unknown key; a ${engine} database takes "engine" and ${engine === "sqlite" ? '"name"' : '"url", or "host", "port", "name", "user", "password"'}`, memberLocation(v, k));
    }
  }
  const raw = v[want];
  if (typeof raw !== "string" || raw.length === 0) {
    err(`${key}.${want}`, engine === "sqlite"
      ? "expected the database file path as a string (relative to the project root)"
      : "expected a connection URL string such as \"postgres://user:pass@host:5432/db\" or \"${env:DATABASE_URL}\"",
    valueLocation(v, want) ?? loc);
    return undefined;
  }
  let unset: string | undefined;
  let unsetKey = want;
  const expand = (k: string): string | undefined => {
    const val = v[k];
    if (val === undefined) return undefined;
    return String(val).replace(ENV_RE, (_m, name: string) => {
      const x = env[name];
      if (x === undefined && unset === undefined) {
        unset = name;
        unsetKey = k;
      }
      return x ?? "";
    });
  };
  const expanded = expand(want)!;
  const fields = want === "host" ? Object.fromEntries(pgFields.map((k) => [k, expand(k)]).filter(([, x]) => x !== undefined)) : {};
  const error = unset === undefined ? undefined : new TsMigrateError(
    `${key}.${unsetKey}: environment variable ${unset} is not set`, { code: "config", location: valueLocation(v, unsetKey) ?? loc });
  if (engine === "sqlite") {
    const name = expanded === ":memory:" ? expanded : path.resolve(root, expanded);
    return error ? { engine, name, error } : { engine, name };
  }
  const db: DatabaseConfig = want === "url" ? { engine, url: expanded } : { engine, ...fields, port: fields.port === undefined ? undefined : Number(fields.port) };
  return error ? { ...db, error } : db;
}
