/**
 * The persistent caches of `<project>/.tsmigrate-cache/` (Python's
 * `__pycache__` for migrations): {@link CacheFolder}, one kind of entry per
 * folder (models-cache.ts's models, schema-drift.ts's schemas), and
 * {@link ParsedMigrationCache}, the parsed migration files, so that a
 * command on a long history does not re-parse a thousand files with the
 * TypeScript parser.
 *
 * The parsed files are one pack (one read per command, not one per file),
 * with one line per file content, keyed by the SHA-256 of the file's text.
 * A line holds what parsing gives before any checking: the object passed to
 * `migrations.Migration({...})` as a {@link Value} tree, with the source
 * locations a migration keeps once read (its operations', its dependency
 * pairs'; see cache-codec.ts), and the migration's checksum. Operations
 * are rebuilt from it by the same code as from a parse
 * (`operationFromCall`), so a migration read from the cache is the
 * migration read from its file, with the same checksum and operation
 * locations. A file that does not read is never cached: its messages come
 * from parsing it, with every location.
 *
 * An entry (or the pack) is trusted only when its header names this
 * tsmigrate version and cache format and the SHA-256 of its own payload,
 * and a pack line only when it decodes to a body that reads; anything else
 * (another version, a truncated or edited pack, a line of the wrong shape)
 * is a miss: the file is parsed and the pack rewritten. The folder is safe
 * to delete; the first write puts a `.gitignore` of `*` in it. Writes go
 * through a temporary file and a rename, so concurrent runs never see a
 * half-written entry; a folder that cannot be written is not an error (the
 * cache is then simply not kept).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { CorruptEntry, decode, encode, migrationLocations, sha256 } from "./cache-codec";
import { type ObjectValue, type Value, isObjectValue } from "./values";
import { packageVersion } from "../version";

export { decode, encode, sha256 } from "./cache-codec";

/** The cache folder's name, under the project root. */
export const CACHE_DIR = ".tsmigrate-cache";

/** Bumped whenever the encoding below changes. */
const FORMAT = 1;

let versionRead: string | undefined;

/** tsmigrate's version, read once per process. */
function ownVersion(): string {
  return (versionRead ??= packageVersion());
}

/** What an entry's first line says. */
interface Header {
  readonly tsmigrate: string;
  readonly format: number;
  readonly source: string;
  readonly payload: string;
}

/**
 * One kind of entry in the cache folder: `<dir>/<kind>/<key>.json`, each a
 * header line (tsmigrate's version, the format, the key, the SHA-256 of the
 * payload) and the payload. {@link read} returns a payload only when the
 * header matches all of them; writes go through a temporary file and a
 * rename; the first write puts the folder's `.gitignore` in place.
 */
export class CacheFolder {
  private readonly folder: string;
  private ready = false;
  private unwritable = false;
  /** Counters: entries used, missed (absent), rejected (stale or corrupt), written. */
  readonly stats = { hits: 0, misses: 0, rejected: 0, writes: 0 };

  constructor(readonly dir: string, kind: string, private readonly version = ownVersion()) {
    this.folder = path.join(dir, kind);
  }

  /** The entry file of `key`. */
  file(key: string): string {
    return path.join(this.folder, `${key}.json`);
  }

  /** True when an entry file for `key` exists (not yet checked). */
  has(key: string): boolean {
    return fs.existsSync(this.file(key));
  }

  /** The trusted payload of `key`, else undefined (counted as a miss or a rejection). */
  read(key: string): string | undefined {
    let raw: string;
    try {
      raw = fs.readFileSync(this.file(key), "utf8");
    } catch {
      this.stats.misses++;
      return undefined;
    }
    const nl = raw.indexOf("\n");
    let header: Header | undefined;
    try {
      header = nl < 0 ? undefined : JSON.parse(raw.slice(0, nl)) as Header;
    } catch {
      header = undefined;
    }
    const payload = raw.slice(nl + 1);
    if (header?.tsmigrate !== this.version || header.format !== FORMAT || header.source !== key || header.payload !== sha256(payload)) {
      this.stats.rejected++;
      return undefined;
    }
    return payload;
  }

  /** Stores `payload` under `key`. Failures to write are ignored (the cache is then not kept this run). */
  write(key: string, payload: string): void {
    if (this.unwritable) return;
    const header: Header = { tsmigrate: this.version, format: FORMAT, source: key, payload: sha256(payload) };
    const file = this.file(key);
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      this.prepare();
      fs.writeFileSync(tmp, `${JSON.stringify(header)}\n${payload}`);
      fs.renameSync(tmp, file);
      this.stats.writes++;
    } catch {
      // A read-only project, a full disk: run without keeping the cache.
      this.unwritable = true;
      try {
        fs.rmSync(tmp, { force: true });
      } catch {
        // nothing was written
      }
    }
  }

  /** Creates the folders and the `.gitignore` that keeps the cache out of version control. */
  private prepare(): void {
    if (this.ready) return;
    fs.mkdirSync(this.folder, { recursive: true });
    const ignore = path.join(this.dir, ".gitignore");
    if (!fs.existsSync(ignore)) fs.writeFileSync(ignore, "# tsmigrate's cache (parsed migrations, schemas): safe to delete.\n*\n");
    this.ready = true;
  }
}


/** Bumped whenever the pack's entries change shape (see {@link ParsedMigrationCache}). */
const PACK_FORMAT = 2;

/** What {@link ParsedMigrationCache.get} gives for a file's text. */
export interface CachedMigration {
  /** The `migrations.Migration({...})` argument, with the locations a migration keeps (cache-codec.ts's `migrationLocations`). */
  readonly body: ObjectValue;
  /** The migration's checksum (`Migration.checksum`), computed when the entry was stored. */
  readonly checksum: string;
}

/**
 * The persistent cache of parsed migration files of one project (see the
 * module comment): one pack, `<dir>/migrations/pack-2.json`, read once
 * per command, holding one line per file text, `<SHA-256 of the text>
 * {"c": checksum, "b": encoded body}`. The pack is one {@link CacheFolder}
 * entry: it is trusted only when its header names this tsmigrate version
 * and the SHA-256 of everything after it; then each line is decoded when
 * its text is asked for, and a line that does not decode is rejected. A
 * pack or line not trusted is a miss: the file is parsed again and the
 * pack rewritten ({@link flush}). `dir` is the cache folder (normally
 * `<root>/.tsmigrate-cache`).
 */
export class ParsedMigrationCache {
  private readonly folder: CacheFolder;
  private readonly key = `pack-${PACK_FORMAT}`;
  /** The pack's lines by text SHA-256, once read (undefined before). */
  private lines: Map<string, string> | undefined;
  /** The pack on disk could not be trusted (so lookups count as rejected). */
  private packRejected = false;
  /** Lines added or dropped since the pack was read: the pack must be written. */
  private dirty = false;
  private added = 0;
  /** Counters of this cache's use: entries used, missed (absent), rejected (stale or corrupt), written. */
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
      const sp = line.indexOf(" ");
      if (sp !== 64) {
        this.packRejected = true;
        this.dirty = true;
        this.lines.clear();
        break;
      }
      this.lines.set(line.slice(0, sp), line.slice(sp + 1));
    }
    return this.lines;
  }

  /**
   * The migration stored for a file of text SHA-256 `hash`, its locations
   * in `file`; undefined when there is none or it cannot be trusted (an
   * untrusted pack, a line that does not decode or is of the wrong shape).
   */
  get(file: string, hash: string): CachedMigration | undefined {
    const lines = this.pack();
    const line = lines.get(hash);
    if (line === undefined) {
      if (this.packRejected) this.stats.rejected++;
      else this.stats.misses++;
      return undefined;
    }
    try {
      const entry = JSON.parse(line) as { c?: unknown; b?: unknown };
      const body = decode(entry.b, file);
      if (typeof entry.c === "string" && /^[0-9a-f]{64}$/.test(entry.c) && isObjectValue(body)) {
        this.stats.hits++;
        return { body, checksum: entry.c };
      }
    } catch (e) {
      if (!(e instanceof CorruptEntry || e instanceof SyntaxError)) throw e;
    }
    this.drop(hash);
    return undefined;
  }

  /**
   * Takes back the hit {@link get} gave for `hash`: a stored body that does
   * not read is not trusted either (the file is parsed again and {@link put}
   * stores it anew).
   */
  reject(hash: string): void {
    this.stats.hits--;
    this.drop(hash);
  }

  private drop(hash: string): void {
    this.stats.rejected++;
    this.pack().delete(hash);
    this.dirty = true;
  }

  /** The stored form of `body` (the parsed `migrations.Migration({...})` argument), to be encoded before anything reads it. */
  encodeBody(body: ObjectValue): string {
    return JSON.stringify(encode(body, migrationLocations(body)));
  }

  /** Stores the migration read from a file of text SHA-256 `hash`: its body as {@link encodeBody} gave it, and its checksum. Kept by the next {@link flush}. */
  put(hash: string, encodedBody: string, checksum: string): void {
    this.pack().set(hash, `{"c":${JSON.stringify(checksum)},"b":${encodedBody}}`);
    this.dirty = true;
    this.added++;
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
