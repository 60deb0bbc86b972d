/**
 * The parse cache's pack (see loader-cache.ts's module comment): every
 * migration file read, one line per file text, in two files read once per
 * command at most, `<root>/.tsmigrate-cache/migrations/pack-4.json` and
 * `bodies-4.json`.
 *
 * A pack line is `<SHA-256 of the text> <meta>`: the meta (JSON) holds
 * what the graph and the checksums need (the checksum, dependencies with
 * their locations, `runBefore`, `replaces`, `initial`, `atomic`), decoded
 * when the loader asks for the text. A bodies line is `<SHA-256> <body>`:
 * the body (JSON, cache-codec.ts) is the `migrations.Migration({...})`
 * argument, decoded only when the migration's operations are first used
 * (`Migration.readOperations`); the bodies file is read then, and only
 * then. A command that needs only the graph, checksums and cached states
 * (state-cache.ts) or cached statements (statement-cache.ts) never reads
 * the bodies (at 1,000 realistic models, 1.6 MB of the 1.6 MB), nor builds
 * the operations of a long history.
 *
 * Each file is a {@link CacheFolder} entry, trusted on its own. The two are
 * written one after the other, so a reader may meet a pack newer than the
 * bodies: a body missing for a meta is a rejected line like a body that
 * does not decode (the file is parsed again and both rewritten).
 */
import { CorruptEntry, decode, encode, type Loc, locIn, locOut, migrationLocations } from "./cache-codec";
import { CacheFolder, ownVersion } from "./loader-cache";
import type { Migration, MigrationKey } from "./migration";
import { locationOf, setLocation } from "./source/read";
import { type ObjectValue, isObjectValue } from "./values";

/** Bumped whenever the pack's lines change shape. */
const PACK_FORMAT = 4;

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
 * The parsed migration files of one project, as a pack and its bodies (see
 * the module comment). Each is one {@link CacheFolder} entry: trusted only
 * when its header names this tsmigrate version and the SHA-256 of
 * everything after it; a line whose meta or body does not decode (or is
 * missing), or whose body does not read, is rejected ({@link rejectHit});
 * a file or line not trusted is a miss: the file is parsed again and the
 * pack rewritten ({@link flush}). `dir` is the cache folder (normally
 * `<root>/.tsmigrate-cache`).
 */
export class ParsedMigrationCache {
  private readonly folder: CacheFolder;
  private readonly packKey = `pack-${PACK_FORMAT}`;
  private readonly bodiesKey = `bodies-${PACK_FORMAT}`;
  /** The pack's metas by text SHA-256, once read (undefined before). */
  private metas: Map<string, string> | undefined;
  /** The bodies by text SHA-256, once read (undefined before: most commands never need them). */
  private bodyLines: Map<string, string> | undefined;
  /** The pack on disk could not be trusted (so lookups count as rejected). */
  private packRejected = false;
  /** Lines added, replaced or dropped since the files were read: they must be written. */
  private dirty = false;
  private added = 0;
  /** Counters of this cache's use: lines used, missed (absent), rejected (stale or corrupt), written. */
  readonly stats = { hits: 0, misses: 0, rejected: 0, writes: 0 };

  constructor(readonly dir: string, version = ownVersion()) {
    this.folder = new CacheFolder(dir, "migrations", version);
  }

  /** The pack file (the metas). */
  get packFile(): string {
    return this.folder.file(this.packKey);
  }

  /** The bodies file. */
  get bodiesFile(): string {
    return this.folder.file(this.bodiesKey);
  }

  /** The pack's metas, read on first use (an untrusted pack: none). */
  private pack(): Map<string, string> {
    if (this.metas) return this.metas;
    const read = this.readLines(this.packKey);
    this.metas = read.lines;
    // A pack that is there but not trusted is rewritten even when nothing is added to it.
    if (read.rejected) this.packRejected = this.dirty = true;
    return this.metas;
  }

  /** The bodies, read on first use (an untrusted file: none, so each body asked for is a rejected line). */
  private bodies(): Map<string, string> {
    if (this.bodyLines) return this.bodyLines;
    const read = this.readLines(this.bodiesKey);
    this.bodyLines = read.lines;
    if (read.rejected) this.dirty = true;
    return this.bodyLines;
  }

  /** The lines `<SHA-256> <text>` of entry `key`; `rejected` when the entry is there but not trusted. */
  private readLines(key: string): { lines: Map<string, string>; rejected: boolean } {
    const lines = new Map<string, string>();
    const exists = this.folder.has(key);
    const payload = exists ? this.folder.read(key) : undefined;
    if (payload === undefined) return { lines, rejected: exists };
    for (const line of payload.split("\n")) {
      if (!line) continue;
      if (line.indexOf(" ") !== 64) {
        lines.clear();
        return { lines, rejected: true };
      }
      lines.set(line.slice(0, 64), line.slice(65));
    }
    return { lines, rejected: false };
  }

  /**
   * The migration stored for a file of text SHA-256 `hash`, its locations
   * in `file`; undefined when there is none or it cannot be trusted (an
   * untrusted pack, a meta that does not decode). Its body is read from the
   * bodies file when first asked for.
   */
  get(file: string, hash: string): CachedMigration | undefined {
    const line = this.pack().get(hash);
    if (line === undefined) {
      if (this.packRejected) this.stats.rejected++;
      else this.stats.misses++;
      return undefined;
    }
    try {
      const meta = JSON.parse(line) as Meta;
      if (typeof meta.c !== "string" || !/^[0-9a-f]{64}$/.test(meta.c) || typeof meta.i !== "boolean" || typeof meta.a !== "boolean") {
        throw new CorruptEntry("bad meta");
      }
      const hit: CachedMigration = {
        checksum: meta.c, initial: meta.i, atomic: meta.a,
        dependencies: keysIn(meta.d, file), runBefore: keysIn(meta.r, file), replaces: keysIn(meta.p, file),
        body: () => decodeBody(this.bodies().get(hash), file),
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
   * body as {@link encodeBody} gave it (replacing the lines of that text).
   * Kept by the next {@link flush}.
   */
  put(hash: string, encodedBody: string, migration: Migration): void {
    const meta: Meta = {
      c: migration.checksum(), d: keysOut(migration.dependencies), r: keysOut(migration.runBefore),
      p: keysOut(migration.replaces), i: migration.initial, a: migration.atomic,
    };
    this.pack().set(hash, JSON.stringify(meta));
    this.bodies().set(hash, encodedBody);
    this.dirty = true;
    this.added++;
  }

  /**
   * Takes back a hit {@link get} gave: its body was missing, did not decode
   * or did not read, so the file is parsed again and {@link put} stores it anew.
   */
  rejectHit(): void {
    this.stats.hits--;
    this.stats.rejected++;
  }

  /**
   * Writes the pack and the bodies when they changed, keeping only the
   * lines of `keep` (text SHA-256s; default: every line of the pack), so
   * that texts no file has any more leave them. The bodies are read first
   * when they were not (they are rewritten whole). Failures to write are
   * ignored (the cache is then not kept).
   */
  flush(keep?: ReadonlySet<string>): void {
    const metas = this.pack();
    if (keep) {
      for (const hash of metas.keys()) {
        if (!keep.has(hash)) {
          metas.delete(hash);
          this.dirty = true;
        }
      }
    }
    if (!this.dirty) return;
    const bodies = this.bodies();
    const before = this.folder.stats.writes;
    this.folder.write(this.bodiesKey, linesOf(metas, (hash) => bodies.get(hash)));
    this.folder.write(this.packKey, linesOf(metas, (hash) => (bodies.has(hash) ? metas.get(hash) : undefined)));
    if (this.folder.stats.writes === before + 2) {
      this.stats.writes += this.added;
      this.folder.dropStale(/^(pack|bodies)-\d+$/, [this.packKey, this.bodiesKey]);
    }
    this.added = 0;
    this.dirty = false;
  }
}

/** `<hash> <text>` lines of the hashes of `metas` for which `text` gives one. */
function linesOf(metas: ReadonlyMap<string, string>, text: (hash: string) => string | undefined): string {
  let out = "";
  for (const hash of metas.keys()) {
    const t = text(hash);
    if (t !== undefined) out += `${hash} ${t}\n`;
  }
  return out;
}

function decodeBody(text: string | undefined, file: string): ObjectValue {
  if (text === undefined) throw new CorruptEntry("no body");
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
