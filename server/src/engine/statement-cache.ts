/**
 * The persistent cache of what a migration does, derived from it and the
 * state it runs on: `<root>/.tsmigrate-cache/statements/<key>.json`, the
 * statements `migrate` executes for it (collectStatements' output, as one
 * script: sql-script.ts), and
 * `<root>/.tsmigrate-cache/losses/<key>.json`, what it destroys (its
 * `DataLoss` list, data-loss.ts). A repeated `migrate` from empty (CI, a
 * test database set up on every run) then builds neither the operations
 * nor their SQL: at 1,000 models that is most of what `migrate` costs
 * besides the SQL itself. Django has no such cache.
 *
 * Both are pure functions of what the key holds, and of nothing else:
 * - the migration (`app.name` and its checksum, which covers every
 *   operation's arguments) and the direction;
 * - the exact sequence of migrations replayed onto an empty state to make
 *   the state it runs on, in order (each `app.name` and checksum: the
 *   state-cache.ts prefix keys' lines), and the config's default auto field
 *   (which the states depend on);
 * - for statements, the backend's own seed ({@link Connection.statementCacheSeed}):
 *   its vendor, version and editor options. Only a backend whose schema
 *   editor never reads the database while generating SQL gives one
 *   (SQLite's is pure: it emits through a callback and holds no
 *   connection); PostgreSQL gives none, so its statements are never cached.
 * tsmigrate's version and the cache format are in every entry's header
 * ({@link CacheFolder}), so another release never trusts an entry.
 *
 * A migration whose statements include RunCode (code run by Node, not SQL)
 * is never stored. An entry that is stale, corrupt, of the wrong shape (a
 * digest that matches a payload that is not a list of statements or
 * losses) is not used: the statements are generated again and the entry
 * rewritten. As with the other entries of the folder, an entry written
 * by hand with a matching digest is trusted: the folder is the project's
 * own, like its migration files.
 */
import { createHash, type Hash } from "node:crypto";
import type { Statement } from "./executor-sql";
import { SCRIPT_SEPARATOR, SqlScript } from "./sql-script";
import { CacheFolder } from "./loader-cache";
import { keyString, type Migration } from "./migration";
import type { DataLoss } from "./operations/base";

/** The folders of `.tsmigrate-cache` this module keeps (each a {@link CacheFolder} kind). */
export const DERIVED_CACHE_KINDS = ["statements", "losses"] as const;

/**
 * The running key of a sequence of migrations replayed in order: {@link
 * push} one more, {@link keyOf} the key of a migration run on the state the
 * sequence so far makes. Each push hashes one line: a plan of N migrations
 * costs O(N), not O(N²).
 */
export class SequenceKey {
  private readonly hash: Hash;

  /** `seed`: what the states depend on besides the migrations (the config's default auto field). */
  constructor(seed: string, migrations: readonly Migration[] = []) {
    this.hash = createHash("sha256").update(`tsmigrate-derived\n${seed}`);
    for (const m of migrations) this.push(m);
  }

  /** Adds `migration` to the end of the sequence. */
  push(migration: Migration): this {
    this.hash.update(`\n${keyString(migration.key)}:${migration.checksum()}`);
    return this;
  }

  /** The key (SHA-256, hex) of `what` done by `migration` (`backwards` or not) on the sequence's state. */
  keyOf(migration: Migration, backwards: boolean, what: string): string {
    return this.hash.copy()
      .update(`\n=> ${what} ${backwards ? "backwards" : "forwards"} ${keyString(migration.key)}:${migration.checksum()}`)
      .digest("hex");
  }
}

/** The statements and losses of migrations (see the module comment). */
export class DerivedCache {
  private readonly statementFolder: CacheFolder;
  private readonly lossFolder: CacheFolder;

  /**
   * @param dir the cache folder (normally `<root>/.tsmigrate-cache`)
   * @param seed what the states depend on besides the migrations (the config's default auto field)
   */
  constructor(readonly dir: string, readonly seed: string, version?: string) {
    this.statementFolder = new CacheFolder(dir, DERIVED_CACHE_KINDS[0], version);
    this.lossFolder = new CacheFolder(dir, DERIVED_CACHE_KINDS[1], version);
  }

  /** Counters of the statements' entries: used, missed, rejected (stale or corrupt), written. */
  get statementStats(): { hits: number; misses: number; rejected: number; writes: number } {
    return this.statementFolder.stats;
  }

  /** Counters of the losses' entries. */
  get lossStats(): { hits: number; misses: number; rejected: number; writes: number } {
    return this.lossFolder.stats;
  }

  /** A running key starting from the empty state followed by `migrations`. */
  sequence(migrations: readonly Migration[] = []): SequenceKey {
    return new SequenceKey(this.seed, migrations);
  }

  /** The statements stored under `key`, as one script, when the entry is there and can be trusted. */
  statements(key: string): SqlScript | undefined {
    const folder = this.statementFolder;
    const payload = this.payload(folder, key);
    if (payload === undefined) return undefined;
    const script = decodeScript(payload);
    if (script) folder.stats.hits++;
    else folder.stats.rejected++;
    return script;
  }

  /**
   * Stores `statements` (or the script already made of them) under `key`,
   * unless there are none or one of them is RunCode's (never stored).
   */
  putStatements(key: string, statements: readonly Statement[] | SqlScript): void {
    if (statements instanceof SqlScript) {
      if (statements.length) this.statementFolder.write(key, encodeScript(statements));
      return;
    }
    if (statements.length === 0 || statements.some((s) => s.code !== undefined)) return;
    this.statementFolder.write(key, encodeScript(SqlScript.of(statements)));
  }

  /** The losses stored under `key`, when the entry is there and can be trusted. */
  losses(key: string): DataLoss[] | undefined {
    return this.readList(this.lossFolder, key, toLoss);
  }

  /** Stores `losses` under `key`. */
  putLosses(key: string, losses: readonly DataLoss[]): void {
    this.lossFolder.write(key, JSON.stringify(losses));
  }

  /** The trusted payload of `key` in `folder` (a missing entry counted as a miss, an untrusted one as rejected). */
  private payload(folder: CacheFolder, key: string): string | undefined {
    if (folder.has(key)) return folder.read(key);
    folder.stats.misses++;
    return undefined;
  }

  private readList<T>(folder: CacheFolder, key: string, item: (x: unknown) => T | undefined): T[] | undefined {
    const payload = this.payload(folder, key);
    if (payload === undefined) return undefined;
    let list: unknown;
    try {
      list = JSON.parse(payload);
    } catch {
      list = undefined;
    }
    const out = Array.isArray(list) ? list.map(item) : [undefined];
    if (out.some((x) => x === undefined)) {
      folder.stats.rejected++;
      return undefined;
    }
    folder.stats.hits++;
    return out as T[];
  }
}

/**
 * A script as stored: a header line `{"j": joinable, "l": [op, length, ...]}`
 * (each statement's operation index and length), then the script's text.
 * Reading it makes no string or object per statement.
 */
function encodeScript(script: SqlScript): string {
  return `${JSON.stringify({ j: script.joinable, l: script.layout() })}\n${script.text}`;
}

/** The script {@link encodeScript} stored, or undefined when `payload` is not one (lengths, operations or separators do not fit). */
function decodeScript(payload: string): SqlScript | undefined {
  const nl = payload.indexOf("\n");
  let header: { j?: unknown; l?: unknown } | undefined;
  try {
    header = nl < 0 ? undefined : JSON.parse(payload.slice(0, nl)) as typeof header;
  } catch {
    return undefined;
  }
  const layout = header?.l;
  if (typeof header?.j !== "boolean" || !Array.isArray(layout) || layout.length === 0 || layout.length % 2 !== 0) return undefined;
  const ops: number[] = [];
  const starts: number[] = [];
  let at = nl + 1;
  for (let i = 0; i < layout.length; i += 2) {
    const op: unknown = layout[i];
    const length: unknown = layout[i + 1];
    if (!Number.isInteger(op) || (op as number) < -1 || !Number.isInteger(length) || (length as number) < 1) return undefined;
    if (i > 0) {
      if (!payload.startsWith(SCRIPT_SEPARATOR, at)) return undefined;
      at += SCRIPT_SEPARATOR.length;
    }
    ops.push(op as number);
    starts.push(at - nl - 1);
    at += length as number;
  }
  if (at !== payload.length) return undefined;
  // The flag is trusted as the statements are: the entry's digest covers both, and whoever could forge one
  // could put any SQL in the other.
  return new SqlScript(payload.slice(nl + 1), ops, starts, header.j);
}

const isString = (v: unknown): v is string => typeof v === "string";

/** A stored {@link DataLoss}, checked field by field, else undefined. */
function toLoss(x: unknown): DataLoss | undefined {
  if (typeof x !== "object" || x === null || Array.isArray(x)) return undefined;
  const o = x as Record<string, unknown>;
  const keys = Object.keys(o).sort().join(",");
  switch (o.kind) {
    case "drop-table": return keys === "kind,table" && isString(o.table) ? o as DataLoss : undefined;
    case "drop-column": return keys === "column,kind,table" && isString(o.table) && isString(o.column) ? o as DataLoss : undefined;
    case "raw-sql": return keys === "kind,sql" && isString(o.sql) ? o as DataLoss : undefined;
    case "narrow":
      return keys === "column,kind,lost,table,what" && isString(o.table) && isString(o.column) && isString(o.what) && isLost(o.lost)
        ? o as DataLoss : undefined;
    default: return undefined;
  }
}

function isLost(x: unknown): boolean {
  if (typeof x !== "object" || x === null || Array.isArray(x)) return false;
  const o = x as Record<string, unknown>;
  const keys = Object.keys(o).sort().join(",");
  if (o.kind === "null" || o.kind === "nonNull") return keys === "kind";
  return (o.kind === "longer" || o.kind === "outside") && keys === "kind,limit" && typeof o.limit === "number" && Number.isFinite(o.limit);
}
