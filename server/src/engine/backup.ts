/**
 * Backups before `migrate` (not in Django): a consistent copy of a
 * file database (SQLite) through the backend's backup API, made next to
 * it as `<db file>.bak-<UTC timestamp>-before-<app>.<migration>`, the
 * newest `keep` kept. Servers (PostgreSQL) have no such copy: the backend
 * leaves `Connection.backup` out, and the caller says so.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Connection } from "./backends/base/base";
import { TsMigrateError } from "./errors";
import type { MigrationKey } from "./migration";

/** A backup made: its file, and a shell command that puts it back. */
export interface Backup {
  readonly file: string;
  /** `cp '<backup>' '<db file>'` (POSIX shell quoting). */
  readonly restore: string;
  /** Older backups removed to keep the newest `keep`. */
  readonly removed: readonly string[];
}

/** `20261205T231502.123Z`: a UTC timestamp (to the millisecond) that sorts as it reads, safe in file names. */
export function backupTimestamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, "");
}

/**
 * Copies the database of `connection` before migration `first` runs, then
 * removes all but the newest `keep` backups of that database. Returns
 * undefined when the backend cannot copy itself (a server), or when the
 * database holds no table but tsmigrate's own (a new database: nothing to lose).
 * @throws TsMigrateError code `backup` when the copy fails (nothing is migrated then).
 */
export async function backupDatabase(connection: Connection, first: MigrationKey, keep: number, now = new Date()): Promise<Backup | undefined> {
  const db = connection.file;
  if (!connection.backup || db === undefined || !fs.existsSync(db)) return undefined;
  if (!(await connection.tableNames()).some((t) => !t.startsWith("tsmigrate_"))) return undefined;
  const file = `${db}.bak-${backupTimestamp(now)}-before-${first[0]}.${first[1]}`;
  try {
    await connection.backup(file);
  } catch (e) {
    fs.rmSync(file, { force: true });
    throw new TsMigrateError(`could not back up database '${connection.alias}' to ${file} before migrating: ${(e as Error).message} ` +
      "(nothing was migrated; pass --no-backup to migrate without a backup)", { code: "backup", cause: e });
  }
  return { file, restore: `cp ${shellQuote(file)} ${shellQuote(db)}`, removed: pruneBackups(db, keep) };
}

/** Removes all but the newest `keep` (at least 1) backups of database file `db`; returns the removed files. */
export function pruneBackups(db: string, keep: number): string[] {
  const dir = path.dirname(db);
  const prefix = `${path.basename(db)}.bak-`;
  const all = fs.readdirSync(dir).filter((f) => f.startsWith(prefix)).sort();
  const old = all.slice(0, Math.max(0, all.length - Math.max(1, keep))).map((f) => path.join(dir, f));
  for (const f of old) fs.rmSync(f, { force: true });
  return old;
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
}
