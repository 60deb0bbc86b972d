/**
 * Database drift: the live schema of a database against the schema its
 * applied migrations build (Django has no such check; Prisma and Atlas use
 * a shadow database). The applied migrations, in the order `migrate` would
 * run them, are run on a scratch database of the same vendor (SQLite: in
 * memory) through the executor's own statement collection, RunCode steps
 * left out (they move data, not schema); then both databases are
 * introspected and compared (`backends/base/snapshot.ts`). The live
 * database is only read, on a read-only connection.
 */
import * as path from "node:path";
import type { Connection } from "./backends/base/base";
import { introspectionOf } from "./backends/base/introspection";
import { diffSnapshots } from "./backends/base/snapshot";
import { collectStatements } from "./executor-sql";
import { CACHE_DIR, CacheFolder } from "./loader-cache";
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

/**
 * Runs the migrations `applied` names (ids "app.name") on `scratch`, in
 * plan order, skipping RunCode, all in one transaction (the scratch
 * database is private and empty). When the backend can dump a schema
 * (SQLite), the schema after the longest already-built prefix of the same
 * migrations is taken from `.tsmigrate-cache/schemas/` and only the rest
 * replayed; the schema built is stored for the next run. The project's
 * loader graph must have been built against the same applied set (squash
 * choices depend on it).
 */
async function buildMigrated(project: Project, scratch: Connection, applied: ReadonlySet<string>): Promise<void> {
  const graph = project.loader.graph;
  const replayed = graph.forwardsPlanMany(graph.leafNodes()).filter((k) => applied.has(keyString(k))).map((k) => graph.migration(k));
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
    const actual = await introspectionOf(live).snapshot();
    const scratch = await project.scratchConnection(alias);
    try {
      await buildMigrated(project, scratch, applied);
      const expected = await introspectionOf(scratch).snapshot();
      return { database: alias, applied: appliedRecords.size, differences: diffSnapshots(actual, expected, WORDING) };
    } finally {
      await scratch.close();
    }
  } finally {
    await live.close();
  }
}
