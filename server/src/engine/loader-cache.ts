/**
 * The persistent cache of parsed migration files (Python's `__pycache__`
 * for migrations): `<project>/.tsmigrate-cache/migrations/<sha256>.json`,
 * one entry per file content, so a command on a long history does not
 * re-parse a thousand files with the TypeScript parser.
 *
 * An entry holds what parsing gives before any checking: the object passed
 * to `migrations.Migration({...})` as a {@link Value} tree, with the source
 * locations of every array, object, call, reference and member (for error
 * messages). Operations are rebuilt from it by the same code as from a
 * parse (`operationFromCall`), so a migration read from the cache is the
 * migration read from its file, with the same checksum.
 *
 * An entry is trusted only when its header names this tsmigrate version and
 * cache format, the SHA-256 of the file's text, and the SHA-256 of its own
 * payload; anything else (another version, a truncated or edited entry, a
 * payload of the wrong shape) is a miss: the file is parsed and the entry
 * rewritten. Only files that parse without error are cached. The folder is
 * safe to delete; the first write puts a `.gitignore` of `*` in it. Writes
 * go through a temporary file and a rename, so concurrent runs never see a
 * half-written entry; a folder that cannot be written is not an error (the
 * cache is then simply not kept).
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { SourceLocation } from "./errors";
import { locationOf, memberLocation, setLocation, setMemberLocation } from "./source/read";
import { CallValue, type ObjectValue, RefValue, type Value, isObjectValue } from "./values";
import { packageVersion } from "../version";

/** The cache folder's name, under the project root. */
export const CACHE_DIR = ".tsmigrate-cache";

/** Bumped whenever the encoding below changes. */
const FORMAT = 1;

/** A location without its file: `[line, column, endLine?, endColumn?]`. */
type Loc = readonly number[];

/** An encoded value (see {@link encode}). */
type Enc =
  | null | boolean | number | string
  | { readonly f: string }
  | { readonly a: readonly Enc[]; readonly m?: readonly (Loc | null)[]; readonly l?: Loc }
  | { readonly o: readonly (readonly [string, Enc, Loc | null])[]; readonly l?: Loc }
  | { readonly c: string; readonly x: Enc; readonly l?: Loc }
  | { readonly r: string; readonly l?: Loc };

/** Thrown by {@link decode} for a payload of the wrong shape (a corrupt entry). */
class CorruptEntry extends Error {}

function locOut(loc: SourceLocation | undefined): Loc | undefined {
  if (!loc) return undefined;
  return loc.endLine !== undefined && loc.endColumn !== undefined
    ? [loc.line, loc.column, loc.endLine, loc.endColumn]
    : [loc.line, loc.column];
}

function locIn(loc: unknown, file: string): SourceLocation | undefined {
  if (loc === undefined || loc === null) return undefined;
  if (!Array.isArray(loc) || (loc.length !== 2 && loc.length !== 4) || !loc.every((n) => Number.isInteger(n))) {
    throw new CorruptEntry("bad location");
  }
  const out: SourceLocation = { file, line: loc[0] as number, column: loc[1] as number };
  if (loc.length === 4) {
    out.endLine = loc[2] as number;
    out.endColumn = loc[3] as number;
  }
  return out;
}

/** `v` with its locations as plain JSON data. */
export function encode(v: Value): Enc {
  if (v === null || typeof v === "boolean" || typeof v === "string") return v;
  if (typeof v === "number") return Number.isFinite(v) && !Object.is(v, -0) ? v : { f: Object.is(v, -0) ? "-0" : String(v) };
  const l = locOut(locationOf(v));
  if (Array.isArray(v)) {
    const items = v as readonly Value[];
    const m = items.map((_, i) => locOut(memberLocation(items, i)) ?? null);
    return { a: items.map(encode), ...(m.some((x) => x) ? { m } : {}), ...(l ? { l } : {}) };
  }
  if (v instanceof CallValue) return { c: v.callee, x: encode(v.args), ...(l ? { l } : {}) };
  if (v instanceof RefValue) return { r: v.name, ...(l ? { l } : {}) };
  const o = v as ObjectValue;
  return { o: Object.keys(o).map((k) => [k, encode(o[k]!), locOut(memberLocation(o, k)) ?? null] as const), ...(l ? { l } : {}) };
}

/**
 * The value {@link encode} encoded, its locations in `file`.
 * @throws CorruptEntry when `e` is not such an encoding.
 */
export function decode(e: unknown, file: string): Value {
  if (e === null || typeof e === "boolean" || typeof e === "string") return e;
  if (typeof e === "number") return e;
  if (typeof e !== "object" || Array.isArray(e)) throw new CorruptEntry("bad value");
  const r = e as Record<string, unknown>;
  let out: Value & object;
  if (typeof r.f === "string") return Number(r.f);
  if (Array.isArray(r.a)) {
    const m = r.m;
    if (m !== undefined && (!Array.isArray(m) || m.length !== r.a.length)) throw new CorruptEntry("bad member locations");
    const arr = r.a.map((x) => decode(x, file));
    (m as unknown[] | undefined)?.forEach((loc, i) => {
      const at = locIn(loc, file);
      if (at) setMemberLocation(arr, i, at);
    });
    out = arr;
  } else if (Array.isArray(r.o)) {
    const obj: Record<string, Value> = {};
    for (const p of r.o as unknown[]) {
      if (!Array.isArray(p) || p.length !== 3 || typeof p[0] !== "string") throw new CorruptEntry("bad member");
      if (Object.prototype.hasOwnProperty.call(obj, p[0])) throw new CorruptEntry("duplicate key");
      obj[p[0]] = decode(p[1], file);
      const at = locIn(p[2], file);
      if (at) setMemberLocation(obj, p[0], at);
    }
    out = obj;
  } else if (typeof r.c === "string") {
    const args = decode(r.x, file);
    if (!Array.isArray(args)) throw new CorruptEntry("bad call arguments");
    out = new CallValue(r.c, args as readonly Value[]);
  } else if (typeof r.r === "string") {
    out = new RefValue(r.r);
  } else {
    throw new CorruptEntry("unknown value");
  }
  setLocation(out, locIn(r.l, file));
  return out;
}

/** The SHA-256 (hex) of `text`. */
export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

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

/**
 * The persistent cache of parsed migration files of one project (see the
 * module comment). `dir` is the cache folder (normally `<root>/.tsmigrate-cache`).
 */
export class ParsedMigrationCache {
  private readonly entries: CacheFolder;

  constructor(readonly dir: string, version = ownVersion()) {
    this.entries = new CacheFolder(dir, "migrations", version);
  }

  /** Counters of this cache's use: entries used, missed (absent), rejected (stale or corrupt), written. */
  get stats(): { hits: number; misses: number; rejected: number; writes: number } {
    return this.entries.stats;
  }

  /** The entry file for a migration file of text `text` (the text's SHA-256). */
  entryFile(text: string): string {
    return this.entries.file(sha256(text));
  }

  /**
   * The migration body stored for `text`, its locations in `file`; undefined
   * when there is no entry or it cannot be trusted (another version or
   * format, another text, a payload that does not match its digest or does
   * not decode).
   */
  get(file: string, text: string): ObjectValue | undefined {
    const payload = this.entries.read(sha256(text));
    if (payload === undefined) return undefined;
    try {
      const body = decode(JSON.parse(payload), file);
      if (isObjectValue(body)) {
        this.entries.stats.hits++;
        return body;
      }
    } catch (e) {
      if (!(e instanceof CorruptEntry || e instanceof SyntaxError)) throw e;
    }
    this.entries.stats.rejected++;
    return undefined;
  }

  /** The payload {@link write} stores for `body` (the parsed `migrations.Migration({...})` argument), encoded before anything reads it. */
  encodeBody(body: ObjectValue): string {
    return JSON.stringify(encode(body));
  }

  /** Stores `payload` (from {@link encodeBody}) as the entry for `text`. Failures to write are ignored. */
  write(text: string, payload: string): void {
    this.entries.write(sha256(text), payload);
  }
}
