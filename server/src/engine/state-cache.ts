/**
 * The persistent cache of migration states:
 * `<root>/.tsmigrate-cache/states/<key>.json`, the {@link ProjectState}
 * after a sequence of migrations replayed in order, so that a command on a
 * long history (`makemigrations --check`, `migrate` of one new migration)
 * replays only the migrations after the longest sequence already known,
 * and never builds the operations of the others (loader-pack.ts).
 *
 * `keys[i]` names the state after the first `i` migrations: a chain of
 * SHA-256 over each migration's `app.name` and checksum, after the
 * default auto field, so that a changed migration changes the key of
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

  /** `keys[i]`: the key of the state after `migrations[0..i)` (`keys.length` is `migrations.length + 1`). */
  keys(migrations: readonly Migration[]): string[] {
    const keys = [sha256(`tsmigrate-state\n${this.seed}`)];
    for (const m of migrations) keys.push(sha256(`${keys[keys.length - 1]}\n${keyString(m.key)}:${m.checksum()}`));
    return keys;
  }

  /**
   * The longest prefix of the migrations `keys` names whose state the
   * cache holds and can be trusted: its length and state (0 and an empty
   * state when none).
   */
  longest(keys: readonly string[]): { length: number; state: ProjectState } {
    for (let i = keys.length - 1; i > 0; i--) {
      if (!this.folder.has(keys[i]!)) continue;
      const payload = this.folder.read(keys[i]!);
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
