/**
 * Database drift: the live schema of a database against the schema its
 * applied migrations build (Django has no such check; Prisma and Atlas use
 * a shadow database). The applied migrations, in the order `migrate` would
 * run them, are run on a scratch database of the same vendor (SQLite: in
 * memory) through the executor's own statement collection, RunCode steps
 * left out (they move data, not schema); then both databases are
 * introspected and compared (`backends/base/snapshot.ts`). The live
 * database is only read, on a read-only connection, and its schema always
 * read: a cached schema never hides a hand change.
 */
import * as path from "node:path";
import type { Connection } from "./backends/base/base";
import { introspectionOf } from "./backends/base/introspection";
import { diffSnapshots, type SchemaSnapshot } from "./backends/base/snapshot";
import { collectStatements } from "./executor-sql";
import { CACHE_DIR, CacheFolder, sha256 } from "./loader-cache";
import { keyString, type Migration } from "./migration";
import type { Project } from "./project";
import { MigrationRecorder } from "./recorder";
import { PrefixKeys } from "./state-cache";

/** The result of {@link schemaDrift}. */
export interface SchemaDrift {
  /** The database alias compared. */
  readonly database: string;
  /** How many migrations the database has applied. */
  readonly applied: number;
  /**
   * One sentence per difference (`table "shop_product": column "legacy_code"
   * exists in the database but in no migration`); empty when none.
   */
  readonly differences: readonly string[];
}

/** The phrases of the differences: the live database first, the migrations second. */
const WORDING = {
  labels: ["the database", "the migrations"] as const,
  only: ["exists in the database but in no migration", "is in the migrations but not in the database"] as const,
};

/**
 * The keys of the schema cache for each prefix of `replayed`: `key(i)`
 * names the schema after the first `i` migrations (each migration by id and
 * checksum, after the vendor and the SQL options).
 */
function prefixKeys(project: Project, vendor: string, replayed: readonly Migration[]): PrefixKeys {
  return new PrefixKeys(`tsmigrate-schema\n${vendor}\n${project.config.defaultAutoField ?? ""}`, replayed);
}

/** The longest prefix of the replay whose schema the cache holds: its length and statements (0 and none when no entry is usable). */
function cachedPrefix(cache: CacheFolder, keys: PrefixKeys): { start: number; dump: string[] } {
  for (let i = keys.count; i > 0; i--) {
    const key = keys.key(i);
    if (!cache.has(key)) continue;
    const payload = cache.read(key);
    if (payload === undefined) continue;
    try {
      const dump = JSON.parse(payload) as unknown;
      if (Array.isArray(dump) && dump.every((x) => typeof x === "string")) return { start: i, dump };
    } catch {
      // a corrupt entry: not used
    }
  }
  return { start: 0, dump: [] };
}

/** The applied migrations (ids "app.name" in `applied`), in the order `migrate` runs them. */
function replayedMigrations(project: Project, applied: ReadonlySet<string>): Migration[] {
  const graph = project.loader.graph;
  return graph.forwardsPlanMany(graph.leafNodes()).filter((k) => applied.has(keyString(k))).map((k) => graph.migration(k));
}

/**
 * Runs `replayed` on `scratch`, in order, skipping RunCode, all in one
 * transaction (the scratch database is private and empty). When the
 * backend can dump a schema (SQLite), the schema after the longest
 * already-built prefix of the same migrations is taken from
 * `.tsmigrate-cache/schemas/` and only the rest replayed; the schema built
 * is stored for the next run.
 */
async function buildMigrated(project: Project, scratch: Connection, replayed: readonly Migration[]): Promise<void> {
  if (!replayed.length) return;
  const cache = scratch.schemaDump ? new CacheFolder(path.join(project.root, CACHE_DIR), "schemas") : undefined;
  const keys = cache ? prefixKeys(project, scratch.vendor, replayed) : undefined;
  const { start, dump } = cache && keys ? cachedPrefix(cache, keys) : { start: 0, dump: [] };
  const state = project.loader.stateAfter(replayed.slice(0, start));
  await scratch.atomic(async () => {
    for (const sql of dump) await scratch.execute(sql);
    for (const migration of replayed.slice(start)) {
      const statements = collectStatements(migration, state, (emit) => scratch.schemaEditor(emit));
      for (const st of statements) if (st.code === undefined) await scratch.execute(st.sql);
    }
  });
  // The executor's applied state is this one: migrate does not replay the history a second time.
  project.loader.rememberState(replayed, state);
  if (cache && keys && start < replayed.length) cache.write(keys.key(replayed.length), JSON.stringify(await scratch.schemaDump!()));
}

/** The snapshot stored under `key`, when it can be trusted (see {@link CacheFolder}) and has a snapshot's shape. */
function cachedSnapshot(cache: CacheFolder, key: string): SchemaSnapshot | undefined {
  if (!cache.has(key)) return undefined;
  const payload = cache.read(key);
  if (payload === undefined) return undefined;
  try {
    const s = JSON.parse(payload) as SchemaSnapshot;
    const ok = Array.isArray(s.tables) && s.tables.every((t) => typeof t?.name === "string" && Array.isArray(t.columns)
      && Array.isArray(t.checks) && Array.isArray(t.indexes) && Array.isArray(t.foreignKeys));
    if (ok) return s;
  } catch {
    // a corrupt entry: not used
  }
  return undefined;
}

/**
 * The snapshot of the schema the migrations `applied` names build, run on
 * a scratch database of `alias`'s vendor ({@link buildMigrated}). The
 * project's loader graph must have been built against the same applied set
 * (squash choices depend on it). On SQLite the snapshot itself is kept in
 * `.tsmigrate-cache/snapshots/` under the schema's key, so that a check
 * whose applied migrations did not change opens no scratch database.
 */
async function migratedSnapshot(project: Project, alias: string, applied: ReadonlySet<string>): Promise<SchemaSnapshot> {
  const replayed = replayedMigrations(project, applied);
  const { vendor } = project.dialect(alias);
  const cache = replayed.length && vendor === "sqlite" ? new CacheFolder(path.join(project.root, CACHE_DIR), "snapshots") : undefined;
  const key = cache && prefixKeys(project, vendor, replayed).key(replayed.length);
  const cached = cache && key !== undefined ? cachedSnapshot(cache, key) : undefined;
  if (cached) return cached;
  const scratch = await project.scratchConnection(alias);
  try {
    await buildMigrated(project, scratch, replayed);
    const snapshot = await introspectionOf(scratch).snapshot();
    if (cache && key !== undefined) cache.write(key, JSON.stringify(snapshot));
    return snapshot;
  } finally {
    await scratch.close();
  }
}

/**
 * The live database's snapshot, always read from the database. On SQLite,
 * whose schema is wholly the text of `sqlite_master`, the snapshot is kept
 * in `.tsmigrate-cache/snapshots/` under the SHA-256 of that text (and of
 * SQLite's version): a database whose schema did not change since the last
 * check is not introspected again, and any change to it, by hand or not,
 * changes the key.
 */
async function liveSnapshot(project: Project, live: Connection): Promise<SchemaSnapshot> {
  if (live.vendor !== "sqlite") return introspectionOf(live).snapshot();
  const master = await live.query("SELECT type, name, tbl_name, sql, sqlite_version() AS version FROM sqlite_master ORDER BY type, name");
  const key = sha256(`tsmigrate-live\n${JSON.stringify(master)}`);
  const cache = new CacheFolder(path.join(project.root, CACHE_DIR), "snapshots");
  const cached = cachedSnapshot(cache, key);
  if (cached) return cached;
  const snapshot = await introspectionOf(live).snapshot();
  cache.write(key, JSON.stringify(snapshot));
  return snapshot;
}

/**
 * Compares database `alias` with what its applied migrations describe.
 * Neither database is changed but the scratch one; both connections are closed after.
 * @throws TsMigrateError `database` when the database cannot be opened
 *   (a SQLite file that does not exist), `config` for an unknown alias,
 *   `database` naming the migration whose SQL fails on the scratch database.
 */
export async function schemaDrift(project: Project, alias = "default"): Promise<SchemaDrift> {
  const live = await project.readOnlyConnection(alias);
  try {
    const appliedRecords = await new MigrationRecorder(live).appliedMigrations();
    project.loader.buildGraph(appliedRecords);
    project.loader.throwIfErrors();
    const applied = new Set(project.loader.appliedMigrations.keys());
    const actual = await liveSnapshot(project, live);
    const expected = await migratedSnapshot(project, alias, applied);
    return { database: alias, applied: appliedRecords.size, differences: diffSnapshots(actual, expected, WORDING) };
  } finally {
    await live.close();
  }
}
