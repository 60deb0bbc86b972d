/**
 * The parse cache's pack (see loader-cache.ts's module comment): every
 * migration file read, one line per file text, in one file,
 * `<root>/.tsmigrate-cache/migrations/pack-3.json`, read once per command.
 *
 * A line is `<SHA-256 of the text> <meta>\t<body>`: the meta (JSON) holds
 * what the graph and the checksums need (the checksum, dependencies with
 * their locations, `runBefore`, `replaces`, `initial`, `atomic`), decoded
 * when the loader asks for the text; the body (JSON, cache-codec.ts) is the
 * `migrations.Migration({...})` argument, decoded only when the migration's
 * operations are first used (`Migration.readOperations`), so a command
 * that needs only the graph, checksums and cached states
 * (state-cache.ts) never builds the operations of a long history.
 */
import { CorruptEntry, decode, encode, type Loc, locIn, locOut, migrationLocations } from "./cache-codec";
import { CacheFolder, ownVersion } from "./loader-cache";
import type { Migration, MigrationKey } from "./migration";
import { locationOf, setLocation } from "./source/read";
import { type ObjectValue, isObjectValue } from "./values";

/** Bumped whenever the pack's lines change shape. */
const PACK_FORMAT = 3;

/** What {@link ParsedMigrationCache.get} gives for a file's text: the migration's header, and its body on demand. */
export interface CachedMigration {
  /** The migration's checksum (`Migration.checksum`), computed when the line was stored. */
  readonly checksum: string;
  readonly dependencies: MigrationKey[];
  readonly runBefore: MigrationKey[];
  readonly replaces: MigrationKey[];
  readonly initial: boolean;
  readonly atomic: boolean;
  /**
   * The `migrations.Migration({...})` argument, with the locations a
   * migration keeps (cache-codec.ts's `migrationLocations`).
   * @throws CorruptEntry when the stored body does not decode.
   */
  body(): ObjectValue;
}

/** A line's meta as stored. */
interface Meta {
  readonly c: string;
  readonly d: readonly (readonly [string, string, Loc | null])[];
  readonly r: readonly (readonly [string, string, Loc | null])[];
  readonly p: readonly (readonly [string, string, Loc | null])[];
  readonly i: boolean;
  readonly a: boolean;
}

function keysOut(keys: readonly MigrationKey[]): [string, string, Loc | null][] {
  return keys.map((k) => [k[0], k[1], locOut(locationOf(k)) ?? null]);
}

function keysIn(stored: unknown, file: string): MigrationKey[] {
  if (!Array.isArray(stored)) throw new CorruptEntry("bad keys");
  return stored.map((k: unknown) => {
    if (!Array.isArray(k) || k.length !== 3 || typeof k[0] !== "string" || typeof k[1] !== "string") throw new CorruptEntry("bad key");
    const key: MigrationKey = [k[0], k[1]];
    setLocation(key, locIn(k[2], file));
    return key;
  });
}

/**
 * The parsed migration files of one project, as one pack (see the module
 * comment). The pack is one {@link CacheFolder} entry: it is trusted only
 * when its header names this tsmigrate version and the SHA-256 of
 * everything after it; a line whose meta or body does not decode, or whose
 * body does not read, is rejected ({@link reject}); a pack or line not
 * trusted is a miss: the file is parsed again and the pack rewritten
 * ({@link flush}). `dir` is the cache folder (normally `<root>/.tsmigrate-cache`).
 */
export class ParsedMigrationCache {
  private readonly folder: CacheFolder;
  private readonly key = `pack-${PACK_FORMAT}`;
  /** The pack's lines by text SHA-256, once read (undefined before). */
  private lines: Map<string, string> | undefined;
  /** The pack on disk could not be trusted (so lookups count as rejected). */
  private packRejected = false;
  /** Lines added, replaced or dropped since the pack was read: the pack must be written. */
  private dirty = false;
  private added = 0;
  /** Counters of this cache's use: lines used, missed (absent), rejected (stale or corrupt), written. */
  readonly stats = { hits: 0, misses: 0, rejected: 0, writes: 0 };

  constructor(readonly dir: string, version = ownVersion()) {
    this.folder = new CacheFolder(dir, "migrations", version);
  }

  /** The pack file. */
  get packFile(): string {
    return this.folder.file(this.key);
  }

  /** The pack's lines, read on first use (an untrusted pack: none). */
  private pack(): Map<string, string> {
    if (this.lines) return this.lines;
    this.lines = new Map();
    const exists = this.folder.has(this.key);
    const payload = exists ? this.folder.read(this.key) : undefined;
    if (payload === undefined) {
      // A pack that is there but not trusted is rewritten even when nothing is added to it.
      this.packRejected = this.dirty = exists;
      return this.lines;
    }
    for (const line of payload.split("\n")) {
      if (!line) continue;
      if (line.indexOf(" ") !== 64 || line.indexOf("\t") < 0) {
        this.packRejected = this.dirty = true;
        this.lines.clear();
        break;
      }
      this.lines.set(line.slice(0, 64), line.slice(65));
    }
    return this.lines;
  }

  /**
   * The migration stored for a file of text SHA-256 `hash`, its locations
   * in `file`; undefined when there is none or it cannot be trusted (an
   * untrusted pack, a meta that does not decode).
   */
  get(file: string, hash: string): CachedMigration | undefined {
    const line = this.pack().get(hash);
    if (line === undefined) {
      if (this.packRejected) this.stats.rejected++;
      else this.stats.misses++;
      return undefined;
    }
    const tab = line.indexOf("\t");
    try {
      const meta = JSON.parse(line.slice(0, tab)) as Meta;
      if (typeof meta.c !== "string" || !/^[0-9a-f]{64}$/.test(meta.c) || typeof meta.i !== "boolean" || typeof meta.a !== "boolean") {
        throw new CorruptEntry("bad meta");
      }
      const hit: CachedMigration = {
        checksum: meta.c, initial: meta.i, atomic: meta.a,
        dependencies: keysIn(meta.d, file), runBefore: keysIn(meta.r, file), replaces: keysIn(meta.p, file),
        body: () => decodeBody(line.slice(tab + 1), file),
      };
      this.stats.hits++;
      return hit;
    } catch (e) {
      if (!(e instanceof CorruptEntry || e instanceof SyntaxError)) throw e;
    }
    this.stats.rejected++;
    this.pack().delete(hash);
    this.dirty = true;
    return undefined;
  }

  /** The stored form of `body` (the parsed `migrations.Migration({...})` argument), to be encoded before anything reads it. */
  encodeBody(body: ObjectValue): string {
    return JSON.stringify(encode(body, migrationLocations(body)));
  }

  /**
   * Stores `migration`, read from a file of text SHA-256 `hash`, with its
   * body as {@link encodeBody} gave it (replacing the line of that text).
   * Kept by the next {@link flush}.
   */
  put(hash: string, encodedBody: string, migration: Migration): void {
    const meta: Meta = {
      c: migration.checksum(), d: keysOut(migration.dependencies), r: keysOut(migration.runBefore),
      p: keysOut(migration.replaces), i: migration.initial, a: migration.atomic,
    };
    this.pack().set(hash, `${JSON.stringify(meta)}\t${encodedBody}`);
    this.dirty = true;
    this.added++;
  }

  /**
   * Takes back a hit {@link get} gave: its body did not decode or read, so
   * the file is parsed again and {@link put} stores it anew.
   */
  rejectHit(): void {
    this.stats.hits--;
    this.stats.rejected++;
  }

  /**
   * Writes the pack when it changed, keeping only the lines of `keep`
   * (text SHA-256s; default: every line), so that texts no file has any
   * more leave it. Failures to write are ignored (the cache is then not kept).
   */
  flush(keep?: ReadonlySet<string>): void {
    const lines = this.pack();
    if (keep) {
      for (const hash of lines.keys()) {
        if (!keep.has(hash)) {
          lines.delete(hash);
          this.dirty = true;
        }
      }
    }
    if (!this.dirty) return;
    const before = this.folder.stats.writes;
    this.folder.write(this.key, [...lines].map(([hash, line]) => `${hash} ${line}\n`).join(""));
    if (this.folder.stats.writes > before) this.stats.writes += this.added;
    this.added = 0;
    this.dirty = false;
  }
}

function decodeBody(text: string, file: string): ObjectValue {
  let stored: unknown;
  try {
    stored = JSON.parse(text);
  } catch {
    throw new CorruptEntry("bad body");
  }
  const body = decode(stored, file);
  if (!isObjectValue(body)) throw new CorruptEntry("bad body");
  return body;
}
