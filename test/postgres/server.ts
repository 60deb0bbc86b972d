/**
 * A private PostgreSQL server for the tests: Debian's server binaries
 * (`/usr/lib/postgresql/<version>/bin`), `initdb` into a temp folder, `pg_ctl
 * start` on 127.0.0.1 and a free port (socket in the same folder), trust
 * authentication for the `postgres` superuser. As root the server runs as
 * the `postgres` user (`runuser`), as PostgreSQL refuses to run as root.
 *
 * `npm test` starts one for the whole run (test/postgres/with-server.ts)
 * and passes its URL in `TSM_PG_URL`; a test file run alone starts its own,
 * stopped when the process exits. When PostgreSQL cannot be had, every
 * function here throws saying so: the tests fail, never skip.
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { Client } from "pg";

/** The message when the server binaries are missing. */
export const POSTGRES_MISSING =
  "PostgreSQL cannot be had: no server binaries under /usr/lib/postgresql/<version>/bin. " +
  "Install Debian's postgresql (npm test does it when run as root: scripts/ensure-system-deps.mjs)";

/** The newest PostgreSQL server binaries folder, or throws {@link POSTGRES_MISSING}. */
export function postgresBinDir(): string {
  const root = "/usr/lib/postgresql";
  const versions = fs.existsSync(root)
    ? fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, "bin", "initdb"))).sort((a, b) => Number(b) - Number(a))
    : [];
  if (!versions.length) throw new Error(POSTGRES_MISSING);
  return path.join(root, versions[0]!, "bin");
}

/** A port nobody listens on at 127.0.0.1 now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

const isRoot = () => typeof process.getuid === "function" && process.getuid() === 0;

/** Runs a server binary, as `postgres` when we are root. Throws with its output on failure. */
function runAsOwner(bin: string, args: readonly string[]): void {
  const [cmd, argv] = isRoot() ? ["runuser", ["-u", "postgres", "--", bin, ...args]] : [bin, [...args]];
  const r = spawnSync(cmd, argv, { encoding: "utf8", cwd: os.tmpdir() });
  if (r.status !== 0) throw new Error(`PostgreSQL cannot be had: ${path.basename(bin)} failed (${r.status}): ${r.stderr || r.stdout}`);
}

/** A running test server. */
export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`. */
  readonly url: string;
  readonly port: number;
  /** Stops the server (fast shutdown) and removes its data folder. */
  stop(): void;
}

/**
 * Starts a server in a new temp data folder (about 2 s). Fsync is off: the
 * data is thrown away at the end.
 * @throws Error starting "PostgreSQL cannot be had" when binaries are missing or initdb/pg_ctl fail.
 */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBinDir();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tsm-pg-"));
  if (isRoot()) execFileSync("chown", ["postgres:", dir]);
  const data = path.join(dir, "data");
  const port = await freePort();
  runAsOwner(path.join(bin, "initdb"), ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]);
  const opts = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=60`;
  runAsOwner(path.join(bin, "pg_ctl"), ["-D", data, "-o", opts, "-l", path.join(dir, "log"), "-w", "-t", "60", "start"]);
  let stopped = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        runAsOwner(path.join(bin, "pg_ctl"), ["-D", data, "-m", "fast", "-w", "stop"]);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
      }
    },
  };
}

let own: Promise<string> | undefined;

/** The URL of the run's server (`TSM_PG_URL`), or of one started for this process and stopped at its exit. */
export function serverUrl(): Promise<string> {
  const shared = process.env.TSM_PG_URL;
  if (shared) return Promise.resolve(shared);
  own ??= startPostgres().then((s) => {
    process.once("exit", () => s.stop());
    return s.url;
  });
  return own;
}

/** `url` with another database name. */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

let counter = 0;

/**
 * Creates an empty database with a unique name on the run's server and
 * returns its URL (and name). Test files running at the same time never share one.
 */
export async function freshDatabase(prefix = "t"): Promise<{ url: string; name: string }> {
  const base = await serverUrl();
  const name = `${prefix}_${process.pid}_${++counter}_${Date.now() % 100000}`.toLowerCase().replace(/[^a-z0-9_]/g, "_");
  const c = new Client({ connectionString: base });
  await c.connect();
  try {
    await c.query(`CREATE DATABASE "${name}"`);
  } finally {
    await c.end();
  }
  return { url: withDatabase(base, name), name };
}

/** Runs one query on `url` (own connection) and returns its rows. */
export async function pgQuery<T = Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows as T[];
  } finally {
    await c.end();
  }
}
