/**
 * The loader's reading of migration files (loader.ts): each file's text,
 * hashed, from the persistent parse cache when it holds the text
 * (loader-pack.ts), else parsed (loader-file.ts) and stored there; and,
 * for a loader that reads again (the language server), what each file gave
 * the last time, reused while the file is unchanged.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { CorruptEntry, sha256, sha256OfFile } from "./cache-codec";
import type { AppConfig } from "./config";
import { MultipleErrors, TsMigrateError } from "./errors";
import { migrationBody, migrationFromBody, readMigrationFile } from "./loader-file";
import type { ParsedMigrationCache } from "./loader-pack";
import { Migration } from "./migration";
import type { Operation } from "./operations/base";
import type { ObjectValue } from "./values";

/** What reading one file gave: its migration, or the errors that kept it from reading. */
export interface CacheEntry {
  readonly stamp: string;
  /** The SHA-256 of the text read (the parse cache's key), when it was read. */
  readonly hash?: string;
  readonly migration?: Migration;
  readonly errors: readonly TsMigrateError[];
}

/** Reads migration files for one loader (see the module comment). */
export class MigrationFileReader {
  private readonly cache = new Map<string, CacheEntry>();

  /** @param parsedCache the persistent parse cache, or undefined when off */
  constructor(private readonly parsedCache: ParsedMigrationCache | undefined) {}

  /**
   * The entry of `file` (`text`: an editor's buffer). A file read before is
   * taken as unchanged when its time and size are (a stat, taken before it
   * is read again) or when its text has the same SHA-256; a file read for
   * the first time is not stat'ed (a command reads each file once).
   */
  entry(app: AppConfig, file: string, text?: string): CacheEntry {
    const cached = this.cache.get(file);
    let stamp: string | undefined;
    let hash: string | undefined;
    if (text !== undefined) {
      hash = sha256(text);
      stamp = `text:${hash}`;
    } else if (cached) {
      try {
        const st = fs.statSync(file);
        stamp = `stat:${st.mtimeMs}:${st.size}`;
      } catch (err) {
        return { stamp: "missing", errors: [cannotRead(file, err)] };
      }
    }
    if (cached && cached.stamp === stamp) return cached;
    try {
      hash ??= sha256OfFile(file);
    } catch (err) {
      return { stamp: "missing", errors: [cannotRead(file, err)] };
    }
    // A file is hashed as read, in chunks, and read whole only when parsed (a cache hit never needs its text).
    let decoded = text;
    const digest = hash;
    const source = () => (decoded ??= textOf(file, digest));
    stamp ??= `hash:${hash}`;
    let entry: CacheEntry;
    if (cached && cached.hash === hash) {
      entry = { ...cached, stamp };
    } else {
      try {
        entry = { stamp, hash, migration: this.parse(app, file, source, hash, text === undefined), errors: [] };
      } catch (err) {
        // A bug of ours (not a TsMigrateError) is not the file's fault: it escapes with its stack.
        if (!(err instanceof TsMigrateError)) throw err;
        entry = { stamp, hash, errors: asBadMigration(err, file) };
      }
    }
    this.cache.set(file, entry);
    return entry;
  }

  /**
   * The migration in `file` of text `source()` (SHA-256 `hash`): from the
   * persistent parse cache when it holds a trusted line for this text (its
   * checksum pinned as stored, its operations read on first use), else
   * parsed (and, for a file read from disk, stored there once it reads
   * without error).
   */
  private parse(app: AppConfig, file: string, source: () => string, hash: string, fromDisk: boolean): Migration {
    const cache = this.parsedCache;
    const hit = cache?.get(file, hash);
    if (hit) {
      const migration = new Migration(app.label, path.basename(file, ".ts"), {
        dependencies: hit.dependencies, runBefore: hit.runBefore, replaces: hit.replaces, initial: hit.initial, atomic: hit.atomic, file,
        readOperations: () => this.cachedOperations(app, file, source, hash, hit.body),
      });
      migration.pinChecksum(hit.checksum);
      return migration;
    }
    if (!cache || !fromDisk) return readMigrationFile(app.label, file, source());
    return this.parseAndStore(cache, app, file, source(), hash);
  }

  /** Parses `source` and stores the migration in the parse cache under `hash`. */
  private parseAndStore(cache: ParsedMigrationCache, app: AppConfig, file: string, source: string, hash: string): Migration {
    const parsed = migrationBody(file, source);
    const encoded = cache.encodeBody(parsed);
    const migration = migrationFromBody(app.label, file, parsed);
    migration.pinChecksum();
    cache.put(hash, encoded, migration);
    return migration;
  }

  /**
   * The operations of a migration from the parse cache, from its stored
   * body. A body that does not decode or read is not trusted: the file's
   * text read with it (`source`) decides, and the pack line is replaced.
   */
  private cachedOperations(app: AppConfig, file: string, source: () => string, hash: string, body: () => ObjectValue): Operation[] {
    try {
      return migrationFromBody(app.label, file, body()).operations;
    } catch (err) {
      if (!(err instanceof TsMigrateError || err instanceof CorruptEntry)) throw err;
    }
    const cache = this.parsedCache!;
    cache.rejectHit();
    const migration = this.parseAndStore(cache, app, file, source(), hash);
    cache.flush();
    return migration.operations;
  }

  /** Forgets what was read of files not in `files` (absolute paths). */
  keepOnly(files: ReadonlySet<string>): void {
    for (const file of this.cache.keys()) if (!files.has(file)) this.cache.delete(file);
  }

  /** Forgets what was read (of every file, or of `file`). */
  invalidate(file?: string): void {
    if (file === undefined) this.cache.clear();
    else this.cache.delete(path.resolve(file));
  }
}

/**
 * The text of `file`, which must be the text of SHA-256 `hash` (the digest
 * the parse cache was asked with): a file saved again in between would
 * otherwise be parsed and stored under its old text's digest.
 * @throws TsMigrateError code `bad-migration` when it cannot be read or changed since it was hashed
 */
function textOf(file: string, hash: string): string {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    throw cannotRead(file, err);
  }
  if (sha256(bytes) !== hash) {
    throw new TsMigrateError(`${file} changed while tsmigrate was reading it: run the command again`, {
      code: "bad-migration", location: { file, line: 1, column: 1 },
    });
  }
  return bytes.toString("utf8");
}

/** Every error of a failed parse as code `bad-migration`, each with a location (the file's start when unknown). */
function asBadMigration(err: TsMigrateError, file: string): TsMigrateError[] {
  const list = err instanceof MultipleErrors ? err.errors : [err];
  return list.map((e) => {
    if (e.code === "bad-migration" && e.location) return e;
    return new TsMigrateError(e.message, { code: "bad-migration", location: e.location ?? { file, line: 1, column: 1 }, cause: e });
  });
}

/** A migration file that exists in the listing but cannot be read (I/O, permissions). */
function cannotRead(file: string, err: unknown): TsMigrateError {
  return new TsMigrateError(`cannot read ${file}: ${(err as Error).message}`, {
    code: "bad-migration", location: { file, line: 1, column: 1 }, cause: err,
  });
}

