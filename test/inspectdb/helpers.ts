/**
 * Helpers for the inspectdb and diffschema tests: the CLI run in process
 * (same commands, same exit codes, output captured), projects replayed from
 * the model histories of test-fixtures/histories, schema snapshots, and the
 * two backends the same tests run on ({@link SQLITE}, {@link POSTGRES}).
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { openPostgres } from "../../server/src/engine/backends/postgresql/base";
import { openSqlite } from "../../server/src/engine/backends/sqlite/base";
import { type SchemaSnapshot, snapshotSchema } from "../../server/src/engine/backends/sqlite/introspection";
import { main } from "../../server/src/cli/program";
import { freshDatabase, pgQuery, withDatabase } from "../postgres/server";

export const REPO = path.resolve(__dirname, "..", "..");
export const HISTORIES = path.join(REPO, "test-fixtures", "histories");

/** A finished command. */
export interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `tsmigrate <args> --project <dir>` in this process. */
export async function run(dir: string, ...args: string[]): Promise<Ran> {
  let stdout = "";
  let stderr = "";
  const code = await main(["node", "tsmigrate", ...args, "--project", dir], {
    out: (t) => void (stdout += t), err: (t) => void (stderr += t), color: false,
  });
  return { code, stdout, stderr };
}

/** `inspectdb message` prints only the table `message`; `inspectdb message nope` is exit 2 naming `nope`. */
export async function assertTableFilter(dir: string): Promise<void> {
  const r = await ok(dir, ["inspectdb", "message"]);
  assert.deepEqual([...r.stdout.matchAll(/^export class (\w+)/gm)].map((m) => m[1]), ["Message"]);
  const bad = await run(dir, "inspectdb", "message", "nope");
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /No table named 'nope' in database 'default'\./);
}

/** Runs a command and throws with its output unless it exits `expected` (default 0). */
export async function ok(dir: string, args: string[], expected = 0): Promise<Ran> {
  const r = await run(dir, ...args);
  if (r.code !== expected) throw new Error(`tsmigrate ${args.join(" ")} exited ${r.code} (expected ${expected}) in ${dir}\n${r.stdout}\n${r.stderr}`);
  return r;
}

const temps: string[] = [];

/** A new temporary folder, removed by {@link cleanTemps}. */
export function tempDir(prefix = "tsm-inspect-"): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(d);
  return d;
}

/** Removes the temporary folders made so far. */
export function cleanTemps(): void {
  for (const d of temps.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** The history folders, sorted. */
export function histories(): string[] {
  return fs.readdirSync(HISTORIES).filter((n) => fs.statSync(path.join(HISTORIES, n)).isDirectory()).sort();
}

/**
 * A project that went through every step of `history` (makemigrations +
 * migrate each step) on a new database of `backend` (default SQLite).
 */
export async function replayHistory(history: string, backend: DbBackend = SQLITE): Promise<string> {
  const dir = tempDir();
  await backend.newDatabase(dir);
  const steps = fs.readdirSync(path.join(HISTORIES, history)).filter((s) => s.startsWith("step-"))
    .sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)));
  for (const step of steps) {
    const databases = readConfig(dir)?.databases;
    fs.cpSync(path.join(HISTORIES, history, step), dir, { recursive: true });
    // A step's own config keeps the database the project was given.
    const config = readConfig(dir);
    if (databases !== undefined && config !== undefined) fs.writeFileSync(path.join(dir, CONFIG), JSON.stringify({ ...config, databases }, null, 1));
    // A step's answers.json (test-fixtures/histories/README.md) is answered as the history test answers it.
    const answers = path.join(HISTORIES, history, step, "answers.json");
    await ok(dir, ["makemigrations", "--noinput", ...(fs.existsSync(answers) ? ["--answers", answers] : [])]);
    await ok(dir, ["migrate", "--noinput"]);
  }
  return dir;
}

/** The schema of an SQLite file with DEFAULTs and ON DELETE actions (what diffschema compares). */
export function schemaOf(file: string): SchemaSnapshot {
  const c = openSqlite("default", file, { readonly: true });
  try {
    return snapshotSchema(c.db, { defaults: true, onDelete: true });
  } finally {
    c.db.close();
  }
}

/** Runs SQL on an SQLite file (a hand change to a database). */
export function execSql(file: string, sql: string): void {
  const c = openSqlite("default", file);
  try {
    c.db.exec(sql);
  } finally {
    c.db.close();
  }
}

/**
 * One backend the inspectdb and diffschema tests run on: where a project's
 * database lives and how a test reads, copies and changes it.
 */
export interface DbBackend {
  readonly name: "sqlite" | "postgresql";
  /** Points the project folder `dir` at a new, empty database (SQLite: the embedded default `db.sqlite3`, made by migrate). */
  newDatabase(dir: string): Promise<void>;
  /** Gives project `to` (already a copy of `from`'s files) its own copy of `from`'s database. */
  copyDatabase(from: string, to: string): Promise<void>;
  /** Gives project `dir` (a copy of another's files) a new, empty database. */
  emptyDatabase(dir: string): Promise<void>;
  /** The schema of the project's database, with DEFAULTs and ON DELETE actions (what diffschema compares). */
  schema(dir: string): Promise<SchemaSnapshot>;
  /** Runs SQL on the project's database (a hand change). */
  exec(dir: string, sql: string): Promise<void>;
  /** A fingerprint of the whole database (to show a command did not change it). */
  fingerprint(dir: string): Promise<string>;
}

const sqliteFile = (dir: string) => path.join(dir, "db.sqlite3");

/** SQLite: the project's `db.sqlite3`. */
export const SQLITE: DbBackend = {
  name: "sqlite",
  async newDatabase() {},
  async copyDatabase(from, to) {
    fs.copyFileSync(sqliteFile(from), sqliteFile(to));
  },
  async emptyDatabase(dir) {
    fs.rmSync(sqliteFile(dir), { force: true });
  },
  async schema(dir) {
    return schemaOf(sqliteFile(dir));
  },
  async exec(dir, sql) {
    execSql(sqliteFile(dir), sql);
  },
  async fingerprint(dir) {
    return createHash("sha256").update(fs.readFileSync(sqliteFile(dir))).digest("hex");
  },
};

const CONFIG = "tsmigrate.config.json";

/** The PostgreSQL URL of the project's `default` database. */
export function pgUrlOf(dir: string): string {
  return (JSON.parse(fs.readFileSync(path.join(dir, CONFIG), "utf8")) as { databases: { default: { url: string } } }).databases.default.url;
}

/** The project's config file as JSON, or undefined when it has none. */
function readConfig(dir: string): Record<string, unknown> | undefined {
  const file = path.join(dir, CONFIG);
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown> : undefined;
}

/** Points the project's `default` database at `url`, keeping the rest of its config (apps discovered when it has none). */
function pointAt(dir: string, url: string): void {
  fs.writeFileSync(path.join(dir, CONFIG), JSON.stringify({ ...readConfig(dir), databases: { default: { engine: "postgresql", url } } }, null, 1));
}

/** The schema of the PostgreSQL database at `url` (PostgreSQL's introspection, on a read-only session). */
export async function pgSchemaOf(url: string): Promise<SchemaSnapshot> {
  const c = await openPostgres("default", { url }, {}, { readonly: true });
  try {
    return await c.introspection().snapshot();
  } finally {
    await c.close();
  }
}

/** PostgreSQL: a database of its own on the test server per project (test/postgres/server.ts). */
export const POSTGRES: DbBackend = {
  name: "postgresql",
  async newDatabase(dir) {
    pointAt(dir, (await freshDatabase("insp")).url);
  },
  async copyDatabase(from, to) {
    const source = new URL(pgUrlOf(from)).pathname.slice(1);
    const copy = await freshDatabase("inspcopy");
    await pgQuery(withDatabase(copy.url, "postgres"), `DROP DATABASE "${copy.name}"`);
    await pgQuery(withDatabase(copy.url, "postgres"), `CREATE DATABASE "${copy.name}" TEMPLATE "${source}"`);
    pointAt(to, copy.url);
  },
  async emptyDatabase(dir) {
    await POSTGRES.newDatabase(dir);
  },
  schema: (dir) => pgSchemaOf(pgUrlOf(dir)),
  async exec(dir, sql) {
    await pgQuery(pgUrlOf(dir), sql);
  },
  async fingerprint(dir) {
    const url = pgUrlOf(dir);
    const [{ has }] = await pgQuery<{ has: boolean }>(url, "SELECT to_regclass('tsmigrate_migrations') IS NOT NULL AS has");
    const rows = has ? await pgQuery(url, "SELECT app || '.' || name AS m FROM tsmigrate_migrations ORDER BY id") : [];
    return JSON.stringify([await pgSchemaOf(url), rows]);
  },
};
