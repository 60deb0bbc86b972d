/**
 * The PostgreSQL connection on the `pg` driver: one connection per command
 * (Django's `DatabaseWrapper`, `django/db/backends/postgresql/base.py`).
 * DDL is transactional: `atomic` is BEGIN/COMMIT (savepoints when nested).
 * The migrate lock is a session advisory lock on a key derived from the
 * database name, so it is released by the server when the connection dies
 * (`kill -9` included). Errors never show the password, not even inside a URL.
 */
import { Client, type ClientConfig } from "pg";
import { TsMigrateError } from "../../errors";
import type { Connection, MigrateLockOptions } from "../base/base";
import type { Emit, SchemaEditor } from "../base/schema";
import { quoteName } from "../base/literals";
import { POSTGRES_FEATURES, type PostgresFeatures } from "./features";
import { type NamespaceSql, PostgresIntrospection } from "./introspection";
import { PostgresSchemaEditor, type PostgresSchemaEditorOptions } from "./schema";

/** `url` with its password replaced by `***` (for messages). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return url.replace(/\/\/([^:/@]*):[^@/]*@/, "//$1:***@");
  }
}

/** Host, port and database a URL names, for messages (`127.0.0.1:5432/shop`). */
function hostOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || "localhost"}:${u.port || "5432"}${u.pathname}`;
  } catch {
    return "?";
  }
}

/** Wraps a driver error as a TsMigrateError (code `database`) naming the statement, never a password. */
export function postgresError(err: unknown, sql: string): TsMigrateError {
  if (err instanceof TsMigrateError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  return new TsMigrateError(`PostgreSQL error: ${msg}\n  while executing: ${sql}`, { code: "database", cause: err });
}

/** {@link Connection} on PostgreSQL. */
export class PostgresConnection implements Connection {
  readonly vendor = "postgresql" as const;
  readonly transactionalDdl: boolean;
  private depth = 0;

  constructor(
    readonly alias: string, readonly client: Client, private readonly options: PostgresSchemaEditorOptions = {},
    readonly features: PostgresFeatures = POSTGRES_FEATURES,
    /** The schema this connection's tables live in: `current_schema()`, or the session's temporary one (a scratch connection). */
    readonly namespace: NamespaceSql = "current",
  ) {
    this.transactionalDdl = features.canRollbackDdl;
  }

  /** PostgreSQL's introspection of {@link namespace} (Django's `connection.introspection`). */
  introspection(): PostgresIntrospection {
    return new PostgresIntrospection(this, this.namespace);
  }

  async execute(sql: string, params?: readonly unknown[]): Promise<void> {
    try {
      await this.client.query(sql, params && params.length ? [...params] : undefined);
    } catch (e) {
      throw postgresError(e, sql);
    }
  }

  async query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]> {
    try {
      return (await this.client.query(sql, params ? [...params] : undefined)).rows as T[];
    } catch (e) {
      throw postgresError(e, sql);
    }
  }

  /** BEGIN ... COMMIT around `fn` (ROLLBACK when it rejects); nested calls use savepoints. */
  async atomic<T>(fn: () => Promise<T>): Promise<T> {
    const outer = this.depth === 0;
    const sp = quoteName(`tsmigrate_sp_${this.depth}`);
    await this.execute(outer ? "BEGIN" : `SAVEPOINT ${sp}`);
    this.depth++;
    try {
      const result = await fn();
      await this.execute(outer ? "COMMIT" : `RELEASE SAVEPOINT ${sp}`);
      return result;
    } catch (e) {
      try {
        await this.client.query(outer ? "ROLLBACK" : `ROLLBACK TO SAVEPOINT ${sp}`);
      } catch {
        // the connection is gone: the server rolled back
      }
      throw e;
    } finally {
      this.depth--;
    }
  }

  /**
   * Opens a transaction that is never committed (a scratch session's): every
   * later `atomic` is a savepoint inside it, and closing the connection rolls
   * back all that was done through it.
   */
  async beginUncommitted(): Promise<void> {
    await this.execute("BEGIN");
    this.depth++;
  }

  schemaEditor(emit: Emit): SchemaEditor {
    return new PostgresSchemaEditor(emit, this.options);
  }

  async tableNames(): Promise<string[]> {
    const rows = await this.query<{ name: string }>(
      "SELECT c.relname AS name FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      + "WHERE c.relkind IN ('r', 'p', 'v') AND n.nspname = current_schema() ORDER BY 1",
    );
    return rows.map((r) => r.name);
  }

  async hasTable(name: string): Promise<boolean> {
    const rows = await this.query(
      "SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      + "WHERE c.relkind IN ('r', 'p', 'v') AND n.nspname = current_schema() AND c.relname = $1", [name],
    );
    return rows.length > 0;
  }

  async columnNames(table: string): Promise<string[]> {
    const rows = await this.query<{ name: string }>(
      "SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
      [table],
    );
    return rows.map((r) => r.name);
  }

  /**
   * The migrate lock: `pg_advisory_lock` on a key derived from the database
   * name, held by this session until released or the connection closes. While
   * another session holds it, calls `onWait` once with who holds it (pid,
   * client address, application) and tries again every 200 ms, up to
   * `timeoutSeconds`; then throws TsMigrateError code `locked`.
   */
  async acquireMigrateLock(options: MigrateLockOptions = {}): Promise<() => Promise<void>> {
    const key = "hashtext('tsmigrate migrate ' || current_database())";
    const deadline = Date.now() + (options.timeoutSeconds ?? 60) * 1000;
    let told = false;
    for (;;) {
      const [row] = await this.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(${key}) AS ok`);
      if (row?.ok) break;
      const holder = await this.lockHolder(key);
      if (!told) {
        options.onWait?.(`Waiting for the migrate lock on database '${this.alias}', held by ${holder}`);
        told = true;
      }
      if (Date.now() >= deadline) {
        throw new TsMigrateError(
          `Another migrate is running on database '${this.alias}': the migrate lock is held by ${holder}; ` +
          `gave up after ${options.timeoutSeconds ?? 60} s. It is released when that migrate ends or its connection closes.`,
          { code: "locked" },
        );
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      await this.query(`SELECT pg_advisory_unlock(${key})`);
    };
  }

  private async lockHolder(key: string): Promise<string> {
    const rows = await this.query<{ pid: number; addr: string | null; app: string | null; since: Date | null }>(
      `SELECT a.pid, host(a.client_addr) AS addr, a.application_name AS app, a.backend_start AS since
         FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted AND l.objid = (${key})::oid AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    const r = rows[0];
    if (!r) return "another session";
    return `server process ${r.pid}${r.app ? ` (${r.app})` : ""}${r.addr ? ` from ${r.addr}` : ""}`;
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}

/** Where to connect: a URL, or fields as in the config (`host`, `port`, `name`, `user`, `password`). */
export interface PostgresTarget {
  readonly url?: string;
  readonly host?: string;
  readonly port?: number;
  readonly name?: string;
  readonly user?: string;
  readonly password?: string;
}

/** What kind of session {@link openPostgres} opens. */
export interface PostgresSession {
  /**
   * Every transaction READ ONLY (and REPEATABLE READ, so that one
   * introspection sees one state): nothing can change the database through
   * the connection (inspectdb, diffschema).
   */
  readonly readonly?: boolean;
  /**
   * A scratch session: `search_path` is only the session's temporary schema,
   * so every table it creates is a temporary table and no unqualified name
   * reaches the user's tables; and all it does is one transaction that is
   * never committed (rolled back when the connection closes), so not even
   * SQL naming `public.x` leaves a trace (diffschema builds the migrations'
   * schema there). Needs the TEMPORARY privilege on the database (PUBLIC
   * has it by default).
   */
  readonly scratch?: boolean;
}

/**
 * Connects to PostgreSQL. The application name is `tsmigrate <pid>`, so the
 * lock holder can be told.
 * @throws TsMigrateError code `database` naming the alias and host (never the password) when the server cannot be reached,
 *   or, for a scratch session, when the user may not create temporary tables.
 */
export async function openPostgres(
  alias: string, target: PostgresTarget, options: PostgresSchemaEditorOptions = {}, session: PostgresSession = {},
): Promise<PostgresConnection> {
  const config: ClientConfig = target.url
    ? { connectionString: target.url }
    : { host: target.host, port: target.port, database: target.name, user: target.user, password: target.password };
  config.application_name = `tsmigrate ${process.pid}`;
  config.connectionTimeoutMillis = 15000;
  const client = new Client(config);
  client.on("error", () => undefined); // a dropped connection fails the next query instead
  try {
    await client.connect();
  } catch (e) {
    const where = target.url ? hostOf(target.url) : `${target.host ?? "localhost"}:${target.port ?? 5432}/${target.name ?? ""}`;
    let msg = e instanceof Error ? e.message : String(e);
    if (target.url) msg = msg.split(target.url).join(redactUrl(target.url));
    if (target.password) msg = msg.split(target.password).join("***");
    throw new TsMigrateError(`cannot connect to PostgreSQL database '${alias}' at ${where}: ${msg}`, { code: "database", cause: e });
  }
  const connection = new PostgresConnection(alias, client, options, POSTGRES_FEATURES, session.scratch ? "temporary" : "current");
  try {
    if (session.readonly) await connection.execute("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    if (session.scratch) await startScratch(connection);
  } catch (e) {
    await connection.close();
    throw e;
  }
  return connection;
}

/**
 * Makes `connection` a scratch session ({@link PostgresSession.scratch}).
 * @throws TsMigrateError code `database` when the user lacks the TEMPORARY privilege.
 */
async function startScratch(connection: PostgresConnection): Promise<void> {
  const [row] = await connection.query<{ ok: boolean; db: string; usr: string }>(
    "SELECT has_database_privilege(current_database(), 'TEMPORARY') AS ok, current_database() AS db, current_user AS usr");
  if (!row?.ok) {
    throw new TsMigrateError(
      `database '${connection.alias}': cannot build the schema of the migrations: user "${row?.usr}" may not create temporary tables ` +
      `in database "${row?.db}" (diffschema builds it in a temporary schema; GRANT TEMPORARY ON DATABASE ${quoteName(row?.db ?? "")} TO ${quoteName(row?.usr ?? "")})`,
      { code: "database" },
    );
  }
  await connection.execute("SET search_path = pg_temp");
  await connection.beginUncommitted();
}

/** A PostgreSQL schema editor whose statements go to `emit` (for `sqlmigrate` and hovers: no database needed). */
export function postgresSchemaEditor(emit: Emit, options: PostgresSchemaEditorOptions = {}): PostgresSchemaEditor {
  return new PostgresSchemaEditor(emit, options);
}
