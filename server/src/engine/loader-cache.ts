/**
 * The persistent caches of `<project>/.tsmigrate-cache/` (Python's
 * `__pycache__` for migrations): {@link CacheFolder}, one kind of entry per
 * folder (models-cache.ts's models, schema-drift.ts's schemas), and
 * `ParsedMigrationCache` (loader-pack.ts), the parsed migration files, so
 * that a command on a long history does not re-parse a thousand files with
 * the TypeScript parser.
 *
 * The parsed files are one pack (one read per command, not one per file),
 * with one line per file content, keyed by the SHA-256 of the file's text
 * (loader-pack.ts): the migration's checksum, dependencies and flags, and
 * what parsing gives before any checking, the object passed to
 * `migrations.Migration({...})` as a `Value` tree with the source
 * locations a migration keeps once read (its operations', its dependency
 * pairs'; see cache-codec.ts). Operations are rebuilt from it, on first
 * use, by the same code as from a parse (`operationFromCall`), so a
 * migration read from the cache is the migration read from its file, with
 * the same checksum and operation locations. A file that does not read is
 * never cached: its messages come from parsing it, with every location.
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
import { sha256 } from "./cache-codec";
import { packageVersion } from "../version";

export { decode, encode, sha256 } from "./cache-codec";

/** The cache folder's name, under the project root. */
export const CACHE_DIR = ".tsmigrate-cache";

/** Bumped whenever the encoding below changes. */
const FORMAT = 1;

let versionRead: string | undefined;

/** tsmigrate's version, read once per process. */
export function ownVersion(): string {
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

  /**
   * Deletes the entries whose key `stale` matches but that are not in
   * `keep` (the files of an older format, left by an older tsmigrate).
   * Failures are ignored, as for writes.
   */
  dropStale(stale: RegExp, keep: readonly string[]): void {
    try {
      for (const f of fs.readdirSync(this.folder)) {
        const key = f.endsWith(".json") ? f.slice(0, -".json".length) : undefined;
        if (key !== undefined && stale.test(key) && !keep.includes(key)) fs.rmSync(this.file(key), { force: true });
      }
    } catch {
      // a folder that cannot be read or written: nothing to tidy
    }
  }

  /** True when an entry file for `key` exists (not yet checked). */
  has(key: string): boolean {
    return fs.existsSync(this.file(key));
  }

  /**
   * The trusted payload of `key`, else undefined (counted as a miss or a
   * rejection). The payload's digest is taken of the bytes read, before
   * they are decoded (the digest of the same text: see {@link sha256}).
   */
  read(key: string): string | undefined {
    let raw: Buffer;
    try {
      raw = fs.readFileSync(this.file(key));
    } catch {
      this.stats.misses++;
      return undefined;
    }
    const nl = raw.indexOf(0x0a);
    let header: Header | undefined;
    try {
      header = nl < 0 ? undefined : JSON.parse(raw.toString("utf8", 0, nl)) as Header;
    } catch {
      header = undefined;
    }
    const payload = raw.subarray(nl + 1);
    if (header?.tsmigrate !== this.version || header.format !== FORMAT || header.source !== key || header.payload !== sha256(payload)) {
      this.stats.rejected++;
      return undefined;
    }
    return payload.toString("utf8");
  }

  /** Stores `payload` under `key`. Failures to write are ignored (the cache is then not kept this run). */
  write(key: string, payload: string): void {
    if (this.unwritable) return;
    // Encoded once, hashed and written as bytes (node:crypto would encode the string again to hash it).
    const bytes = Buffer.from(payload, "utf8");
    const header: Header = { tsmigrate: this.version, format: FORMAT, source: key, payload: sha256(bytes) };
    const file = this.file(key);
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      this.prepare();
      fs.writeFileSync(tmp, Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`, "utf8"), bytes]));
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
