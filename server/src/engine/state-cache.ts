/**
 * The persistent cache of migration states:
 * `<root>/.tsmigrate-cache/states/<key>.json`, the {@link ProjectState}
 * after a sequence of migrations replayed in order, so that a command on a
 * long history (`makemigrations --check`, `migrate` of one new migration)
 * replays only the migrations after the longest sequence already known,
 * and never builds the operations of the others (loader-pack.ts).
 *
 * The key of the state after the first `i` migrations is the SHA-256 of
 * the default auto field and each migration's `app.name` and checksum
 * ({@link PrefixKeys}), so that a changed migration changes the key of
 * every state after it. Entries carry {@link CacheFolder}'s header checks
 * (tsmigrate's version, the format, the payload's digest); an entry that is
 * stale, corrupt or of the wrong shape is not used (the states before it
 * are tried, then none) and the state is replayed and stored again.
 *
 * A state is its models, each `[app, name, bases, options, fields]`, the
 * options and each field's `[name, type, options]` as cache-codec.ts
 * encodes values (no locations: a state has none).
 */
import { type Enc, CorruptEntry, decode, encode, NO_LOCATIONS, sha256 } from "./cache-codec";
import type { FieldType } from "./fields";
import { CacheFolder } from "./loader-cache";
import { keyString, type Migration } from "./migration";
import { type FieldState, type ModelOptions, ModelState, ProjectState } from "./state";
import type { ObjectValue, Value } from "./values";

/** A model as stored: app, name, bases, options, fields. */
type StoredModel = readonly [string, string, readonly string[], Enc, readonly (readonly [string, string, Enc])[]];

/** `state` as the JSON text an entry stores. */
export function encodeState(state: ProjectState): string {
  const models = [...state.models.values()].map((m): StoredModel => [
    m.app, m.name, m.bases, encode(m.options as unknown as Value, NO_LOCATIONS),
    [...m.fields].map(([n, f]) => [n, f.type, encode(f.options as ObjectValue, NO_LOCATIONS)] as const),
  ]);
  return JSON.stringify(models);
}

function objectOf(e: unknown): ObjectValue {
  const v = decode(e, "");
  if (typeof v !== "object" || v === null || Array.isArray(v) || Object.getPrototypeOf(v) !== Object.prototype) {
    throw new CorruptEntry("bad options");
  }
  return v as ObjectValue;
}

/**
 * The state {@link encodeState} encoded.
 * @throws CorruptEntry (or SyntaxError) when `text` is not such an encoding.
 */
export function decodeState(text: string): ProjectState {
  const models = JSON.parse(text) as unknown;
  if (!Array.isArray(models)) throw new CorruptEntry("bad state");
  return new ProjectState(models.map((m: unknown) => {
    if (!Array.isArray(m) || m.length !== 5 || typeof m[0] !== "string" || typeof m[1] !== "string"
      || !Array.isArray(m[2]) || !m[2].every((b) => typeof b === "string") || !Array.isArray(m[4])) {
      throw new CorruptEntry("bad model");
    }
    const fields = (m[4] as unknown[]).map((f): [string, FieldState] => {
      if (!Array.isArray(f) || f.length !== 3 || typeof f[0] !== "string" || typeof f[1] !== "string") throw new CorruptEntry("bad field");
      return [f[0], Object.freeze({ type: f[1] as FieldType, options: Object.freeze(objectOf(f[2])) })];
    });
    return new ModelState(m[0], m[1], fields, objectOf(m[3]) as ModelOptions, m[2] as string[]);
  }));
}

/**
 * The cache keys of the prefixes of a sequence of migrations: `key(i)`
 * names what follows from the first `i` of them, the SHA-256 of `seed` and
 * each migration's `app.name` and checksum, one a line, so that a changed
 * migration changes the key of every prefix holding it. A key is computed
 * when asked for, from its prefix's text: a lookup from the longest prefix
 * down hashes only the prefixes it tries.
 */
export class PrefixKeys {
  private readonly text: string;
  /** `ends[i]`: where the text of the first `i` migrations ends. */
  private readonly ends: number[];

  constructor(seed: string, migrations: readonly Migration[]) {
    const parts = [seed];
    this.ends = [seed.length];
    let end = seed.length;
    for (const m of migrations) {
      const line = `\n${keyString(m.key)}:${m.checksum()}`;
      parts.push(line);
      this.ends.push((end += line.length));
    }
    this.text = parts.join("");
  }

  /** How many migrations the sequence has. */
  get count(): number {
    return this.ends.length - 1;
  }

  /** The key of the first `i` migrations (0 ≤ i ≤ {@link count}). */
  key(i: number): string {
    return sha256(this.text.slice(0, this.ends[i]));
  }
}

/** The states of one project's migrations (see the module comment). */
export class StateCache {
  private readonly folder: CacheFolder;

  /**
   * @param dir the cache folder (normally `<root>/.tsmigrate-cache`)
   * @param seed what, besides the migrations, the states depend on (the config's default auto field)
   */
  constructor(readonly dir: string, private readonly seed: string, version?: string) {
    this.folder = new CacheFolder(dir, "states", version);
  }

  /** Counters: entries used, missed, rejected (stale or corrupt), written. */
  get stats(): { hits: number; misses: number; rejected: number; writes: number } {
    return this.folder.stats;
  }

  /** The keys of the states after each prefix of `migrations`. */
  keys(migrations: readonly Migration[]): PrefixKeys {
    return new PrefixKeys(`tsmigrate-state\n${this.seed}`, migrations);
  }

  /**
   * The longest prefix of the migrations of `keys` whose state the cache
   * holds and can be trusted: its length and state (0 and an empty state
   * when none).
   */
  longest(keys: PrefixKeys): { length: number; state: ProjectState } {
    for (let i = keys.count; i > 0; i--) {
      const key = keys.key(i);
      if (!this.folder.has(key)) continue;
      const payload = this.folder.read(key);
      if (payload === undefined) continue;
      try {
        const state = decodeState(payload);
        this.folder.stats.hits++;
        return { length: i, state };
      } catch (e) {
        if (!(e instanceof CorruptEntry || e instanceof SyntaxError)) throw e;
        this.folder.stats.rejected++;
      }
    }
    this.folder.stats.misses++;
    return { length: 0, state: new ProjectState() };
  }

  /** True when an entry for `key` exists (not yet checked). */
  has(key: string): boolean {
    return this.folder.has(key);
  }

  /** Stores `state` under `key`. Failures to write are ignored. */
  put(key: string, state: ProjectState): void {
    this.folder.write(key, encodeState(state));
  }
}
