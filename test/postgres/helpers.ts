/**
 * Shared by the PostgreSQL CLI tests: a copy of a fixture whose config
 * points at a fresh database of the test server, the CLI run there
 * (synchronously or as a child process), and small catalog queries.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { copyFixture, ensureBuilt, REPO } from "../cli/helpers";
import { freshDatabase, pgQuery } from "./server";

/** A fixture copy on its own PostgreSQL database; the config reads the URL from `${env:TSM_TEST_DB_URL}`. */
export interface PgProject {
  readonly dir: string;
  readonly url: string;
  /** The environment the CLI needs (TSM_TEST_DB_URL set). */
  readonly env: NodeJS.ProcessEnv;
}

/** Copies `test-fixtures/<fixture>` and points its config at a fresh database. */
export async function pgProject(fixture: string, apps: readonly string[]): Promise<PgProject> {
  ensureBuilt();
  const dir = copyFixture(fixture);
  const db = await freshDatabase(`cli_${fixture}`);
  fs.writeFileSync(path.join(dir, "tsmigrate.config.json"), JSON.stringify({
    apps, databases: { default: { engine: "postgresql", url: "${env:TSM_TEST_DB_URL}" } },
  }, null, 1));
  return { dir, url: db.url, env: { ...process.env, NO_COLOR: "1", TSM_TEST_DB_URL: db.url } };
}

/** A finished CLI process. */
export interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

const NODE = path.join(REPO, "node_modules", ".bin", "node");
const CLI = path.join(REPO, "bin", "tsmigrate.js");

/** Starts `tsmigrate <args>` in the project; `done` resolves when it exits. */
export function startCli(p: PgProject, args: readonly string[], env: NodeJS.ProcessEnv = {}): { pid: number; done: Promise<CliRun>; kill(): void } {
  const child = spawn(NODE, [CLI, ...args], { cwd: p.dir, env: { ...p.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliRun>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { pid: child.pid!, done, kill: () => child.kill("SIGKILL") };
}

/** Runs `tsmigrate <args>` to the end. */
export function cli(p: PgProject, ...args: string[]): Promise<CliRun> {
  return startCli(p, args).done;
}

/** User tables of the database (not tsmigrate's own), sorted. */
export async function tables(url: string): Promise<string[]> {
  const rows = await pgQuery<{ t: string }>(url,
    "SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'tsmigrate%' ORDER BY 1");
  return rows.map((r) => r.t);
}

/** Columns of a table as `name type NULL|NOT NULL`, in order. */
export async function columns(url: string, table: string): Promise<string[]> {
  const rows = await pgQuery<{ c: string }>(url,
    `SELECT attname || ' ' || format_type(atttypid, atttypmod) || CASE WHEN attnotnull THEN ' NOT NULL' ELSE ' NULL' END AS c
       FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`, [table]);
  return rows.map((r) => r.c);
}

/** `app.name` of every row of tsmigrate_migrations, in id order (duplicates kept). */
export async function recorded(url: string): Promise<string[]> {
  const rows = await pgQuery<{ k: string }>(url, `SELECT app || '.' || name AS k FROM tsmigrate_migrations ORDER BY id`);
  return rows.map((r) => r.k);
}
