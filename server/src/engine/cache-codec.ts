/**
 * The encoding of read values ({@link Value} trees and their source
 * locations) as plain JSON data, for the caches in `.tsmigrate-cache/`
 * (loader-cache.ts: parsed migration files; models-cache.ts: models' options).
 *
 * A location is kept without its file (the entry's file gives it back when
 * decoding). {@link encode} keeps every location unless told which to keep:
 * the parse cache keeps only those a migration keeps after reading (see
 * {@link migrationLocations}); the others serve only messages about a file
 * that does not read, and such a file is never read from the cache.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import type { SourceLocation } from "./errors";
import { locationOf, memberLocation, setLocation, setMemberLocation } from "./source/read";
import { CallValue, type ObjectValue, RefValue, type Value } from "./values";

/** A location without its file: `[line, column, endLine?, endColumn?]`. */
export type Loc = readonly number[];

/** An encoded value (see {@link encode}). */
export type Enc =
  | null | boolean | number | string
  | { readonly f: string }
  | { readonly a: readonly Enc[]; readonly m?: readonly (Loc | null)[]; readonly l?: Loc }
  | { readonly o: readonly (readonly [string, Enc, Loc | null])[]; readonly l?: Loc }
  | { readonly c: string; readonly x: Enc; readonly l?: Loc }
  | { readonly r: string; readonly l?: Loc }
  | { readonly u: 0 };

/** Thrown by {@link decode} for a payload of the wrong shape (a corrupt entry). */
export class CorruptEntry extends Error {}

/**
 * The SHA-256 (hex) of `data`: of a string's UTF-8 bytes, so a file's text
 * and the bytes read from it (valid UTF-8) give the same digest. Hashing the
 * bytes costs about a third of hashing the decoded string (node:crypto
 * encodes a string again first), so large files are hashed as read.
 */
export function sha256(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** The buffer {@link sha256OfFile} reads into, reused (a megabyte file is not a megabyte of new memory). */
let chunk: Buffer | undefined;

/**
 * The SHA-256 (hex) of the file `file`'s bytes ({@link sha256} of its
 * text), read in chunks of 256 KiB into one reused buffer: a command that
 * needs only the digest of a large file (a parse cache hit) does not
 * allocate it whole (fresh memory costs ~2.5 ms a megabyte here, more than
 * the digest).
 * @throws the error of `fs.openSync` / `fs.readSync` (a missing or unreadable file)
 */
export function sha256OfFile(file: string): string {
  const buf = (chunk ??= Buffer.allocUnsafe(256 * 1024));
  const hash = createHash("sha256");
  const fd = fs.openSync(file, "r");
  try {
    for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0;) hash.update(buf.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest("hex");
}

/** `loc` without its file, as stored. */
export function locOut(loc: SourceLocation | undefined): Loc | undefined {
  if (!loc) return undefined;
  return loc.endLine !== undefined && loc.endColumn !== undefined
    ? [loc.line, loc.column, loc.endLine, loc.endColumn]
    : [loc.line, loc.column];
}

/**
 * A stored location ({@link locOut}) in `file`; undefined for none.
 * @throws CorruptEntry when `loc` is not such a location.
 */
export function locIn(loc: unknown, file: string): SourceLocation | undefined {
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

/**
 * Which locations {@link encode} keeps: `own(v)` for the location of an
 * array, object, call or reference; `members` for the locations of the
 * members of arrays and objects.
 */
export interface KeptLocations {
  readonly own: (v: object) => boolean;
  readonly members: boolean;
}

/** Every location (the default of {@link encode}). */
export const ALL_LOCATIONS: KeptLocations = { own: () => true, members: true };

/** No location (values of states, which have none). */
export const NO_LOCATIONS: KeptLocations = { own: () => false, members: false };

/**
 * The locations a migration keeps once read (loader-file.ts): its
 * operations' (the `migrations.*` calls, also nested ones), its
 * `["app", "migration"]` pairs' (dependency errors of the graph) and the
 * body's own. Every other location of a migration file only ever locates a
 * message about a file that does not read, which the parse cache never holds.
 */
export function migrationLocations(body: ObjectValue): KeptLocations {
  return {
    own: (v) => v === body || (v instanceof CallValue && v.callee.startsWith("migrations."))
      || (Array.isArray(v) && v.length === 2 && typeof v[0] === "string" && typeof v[1] === "string"),
    members: false,
  };
}

/** `v` with its locations (those `keep` names) as plain JSON data (`undefined`, as an object member's value, is kept). */
export function encode(v: Value | undefined, keep: KeptLocations = ALL_LOCATIONS): Enc {
  if (v === undefined) return { u: 0 };
  if (v === null || typeof v === "boolean" || typeof v === "string") return v;
  if (typeof v === "number") return Number.isFinite(v) && !Object.is(v, -0) ? v : { f: Object.is(v, -0) ? "-0" : String(v) };
  const l = keep.own(v) ? locOut(locationOf(v)) : undefined;
  if (Array.isArray(v)) {
    const items = v as readonly Value[];
    const m = keep.members ? items.map((_, i) => locOut(memberLocation(items, i)) ?? null) : [];
    return { a: items.map((x) => encode(x, keep)), ...(m.some((x) => x) ? { m } : {}), ...(l ? { l } : {}) };
  }
  if (v instanceof CallValue) return { c: v.callee, x: encode(v.args, keep), ...(l ? { l } : {}) };
  if (v instanceof RefValue) return { r: v.name, ...(l ? { l } : {}) };
  const o = v as ObjectValue;
  const member = (k: string) => (keep.members ? locOut(memberLocation(o, k)) ?? null : null);
  return { o: Object.keys(o).map((k) => [k, encode(o[k]!, keep), member(k)] as const), ...(l ? { l } : {}) };
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
  if (r.u === 0) return undefined as unknown as Value; // a member set to undefined (states' options), kept as such
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
    out = decodeObject(r.o as unknown[], file);
  } else if (typeof r.c === "string") {
    const args = decode(r.x, file);
    if (!Array.isArray(args)) throw new CorruptEntry("bad call arguments");
    out = new CallValue(r.c, args as readonly Value[]);
  } else if (typeof r.r === "string") {
    out = new RefValue(r.r);
  } else {
    throw new CorruptEntry("unknown value");
  }
  if (r.l !== undefined) setLocation(out, locIn(r.l, file));
  return out;
}

function decodeObject(members: readonly unknown[], file: string): ObjectValue {
  const obj: Record<string, Value> = {};
  for (const p of members) {
    if (!Array.isArray(p) || p.length !== 3 || typeof p[0] !== "string") throw new CorruptEntry("bad member");
    if (Object.prototype.hasOwnProperty.call(obj, p[0])) throw new CorruptEntry("duplicate key");
    obj[p[0]] = decode(p[1], file);
    const at = locIn(p[2], file);
    if (at) setMemberLocation(obj, p[0], at);
  }
  return obj;
}
