/**
 * The persistent cache of read models (as `loader-cache.ts` is for
 * migrations): `<project>/.tsmigrate-cache/models/<key>.json`, so that a
 * command whose models did not change since the last run (`makemigrations
 * --check`, `migrate`'s drift warning) neither loads the TypeScript compiler
 * nor reads a class.
 *
 * The key is the SHA-256 of what the command knows before reading: the
 * configuration's apps and default auto field, and each app's models file
 * path and text. The entry lists every other file the reading followed
 * (shared constants, enums, field helpers, abstract bases) with the SHA-256
 * of its text: a hit is used only when each of them still has that text.
 * Only loads without errors are kept (a load with errors is read again, to
 * report them). Entries carry the header checks of {@link CacheFolder}
 * (tsmigrate's version, the format, the payload's digest); an entry that is
 * stale, corrupt or of the wrong shape is a miss, and is rewritten.
 *
 * What is kept: each model's state (fields, options, bases) and its source
 * locations (class, fields, Meta, indexes, constraints, each with its file).
 * The locations of values inside options are not kept (nothing after
 * reading uses them).
 */
import * as fs from "node:fs";
import type { ProjectConfig } from "./config";
import type { SourceLocation } from "./errors";
import type { FieldType } from "./fields";
import { CacheFolder, decode, encode, sha256 } from "./loader-cache";
import type { LoadedModels, ModelLocations } from "./source/models";
import { type FieldState, type ModelOptions, ModelState, ProjectState } from "./state";
import type { ObjectValue, Value } from "./values";

/** A location with its file: `[file index, line, column, endLine?, endColumn?]`. */
type Loc = readonly number[];

interface ModelEntry {
  readonly app: string;
  readonly name: string;
  readonly bases: readonly string[];
  readonly options: unknown;
  readonly fields: readonly (readonly [string, string, unknown])[];
  readonly at: {
    readonly model: Loc;
    readonly fields: readonly (readonly [string, Loc])[];
    readonly meta?: Loc;
    readonly indexes: readonly (readonly [string, Loc])[];
    readonly constraints: readonly (readonly [string, Loc])[];
  };
}

interface Payload {
  /** Files the reading followed besides the models files: [absolute path, SHA-256 of its text]. */
  readonly deps: readonly (readonly [string, string])[];
  /** Files named by locations. */
  readonly files: readonly string[];
  readonly models: readonly ModelEntry[];
}

/** Thrown while decoding an entry of the wrong shape. */
class BadEntry extends Error {}

/** `v` without object keys whose value is undefined (as JSON would have it), so that it encodes. */
function defined(v: unknown): Value {
  if (Array.isArray(v)) return v.map(defined);
  if (v === null || typeof v !== "object" || Object.getPrototypeOf(v) !== Object.prototype) return v as Value;
  const out: Record<string, Value> = {};
  for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = defined(x);
  return out;
}

/** Reads and writes the models cache of one project (see the module comment). */
export class ModelsCache {
  private readonly entries: CacheFolder;

  /** @param dir the cache folder (normally `<root>/.tsmigrate-cache`) */
  constructor(readonly dir: string, version?: string) {
    this.entries = new CacheFolder(dir, "models", version);
  }

  /** Counters: entries used, missed, rejected (stale or corrupt), written. */
  get stats(): { hits: number; misses: number; rejected: number; writes: number } {
    return this.entries.stats;
  }

  /** The key of a reading of `texts` (models file -> its text; undefined for a missing file) under `config`. */
  key(config: ProjectConfig, texts: ReadonlyMap<string, string | undefined>): string {
    const apps = config.apps.map((a) => [a.label, a.modelsFile, a.defaultAutoField ?? null, texts.get(a.modelsFile) ?? null]);
    return sha256(JSON.stringify({ defaultAutoField: config.defaultAutoField, apps }));
  }

  /** The models stored under `key`, when every file the reading followed is unchanged; else undefined. */
  get(key: string): LoadedModels | undefined {
    const raw = this.entries.read(key);
    if (raw === undefined) return undefined;
    try {
      const payload = JSON.parse(raw) as Payload;
      if (!Array.isArray(payload.deps) || !payload.deps.every((d) => Array.isArray(d) && unchanged(d[0], d[1]))) {
        this.entries.stats.rejected++;
        return undefined;
      }
      const loaded = decodeModels(payload);
      this.entries.stats.hits++;
      return loaded;
    } catch (e) {
      if (!(e instanceof BadEntry || e instanceof SyntaxError || e instanceof TypeError)) throw e;
      this.entries.stats.rejected++;
      return undefined;
    }
  }

  /** Stores `loaded` (read without errors) under `key`, with the other files the reading followed (`deps`, absolute paths). */
  put(key: string, loaded: LoadedModels, deps: readonly string[]): void {
    const hashed: [string, string][] = [];
    for (const file of deps) {
      let text: string;
      try {
        text = fs.readFileSync(file, "utf8");
      } catch {
        return; // a file that went away meanwhile: not worth keeping
      }
      hashed.push([file, sha256(text)]);
    }
    this.entries.write(key, JSON.stringify(encodeModels(loaded, hashed)));
  }
}

function unchanged(file: unknown, digest: unknown): boolean {
  if (typeof file !== "string" || typeof digest !== "string") throw new BadEntry("bad dependency");
  try {
    return sha256(fs.readFileSync(file, "utf8")) === digest;
  } catch {
    return false;
  }
}

function encodeModels(loaded: LoadedModels, deps: readonly (readonly [string, string])[]): Payload {
  const files: string[] = [];
  const index = new Map<string, number>();
  const loc = (l: SourceLocation): Loc => {
    let i = index.get(l.file);
    if (i === undefined) index.set(l.file, (i = files.push(l.file) - 1));
    return l.endLine !== undefined && l.endColumn !== undefined ? [i, l.line, l.column, l.endLine, l.endColumn] : [i, l.line, l.column];
  };
  const pairs = (m: ReadonlyMap<string, SourceLocation>): [string, Loc][] => [...m].map(([k, l]) => [k, loc(l)]);
  const models = [...loaded.state.models.values()].map((m): ModelEntry => {
    const at = loaded.locations.get(m.key)!;
    return {
      app: m.app, name: m.name, bases: m.bases,
      options: encode(defined(m.options)),
      fields: [...m.fields].map(([n, f]) => [n, f.type, encode(defined(f.options))] as const),
      at: {
        model: loc(at.model), fields: pairs(at.fields), ...(at.meta ? { meta: loc(at.meta) } : {}),
        indexes: pairs(at.indexes), constraints: pairs(at.constraints),
      },
    };
  });
  return { deps, files, models };
}

function decodeModels(p: Payload): LoadedModels {
  if (!Array.isArray(p.files) || !Array.isArray(p.models)) throw new BadEntry("bad payload");
  const loc = (l: unknown): SourceLocation => {
    if (!Array.isArray(l) || (l.length !== 3 && l.length !== 5) || !l.every(Number.isInteger) || typeof p.files[l[0]] !== "string") {
      throw new BadEntry("bad location");
    }
    const out: SourceLocation = { file: p.files[l[0]]!, line: l[1], column: l[2] };
    if (l.length === 5) Object.assign(out, { endLine: l[3], endColumn: l[4] });
    return out;
  };
  const pairs = (list: unknown): Map<string, SourceLocation> => {
    if (!Array.isArray(list)) throw new BadEntry("bad locations");
    return new Map(list.map((x: unknown) => {
      if (!Array.isArray(x) || typeof x[0] !== "string") throw new BadEntry("bad location pair");
      return [x[0], loc(x[1])];
    }));
  };
  const state = new ProjectState();
  const locations = new Map<string, ModelLocations>();
  for (const m of p.models as readonly ModelEntry[]) {
    const model = loc(m.at.model);
    const options = decode(m.options, model.file);
    if (typeof options !== "object" || options === null || Array.isArray(options)) throw new BadEntry("bad options");
    const fields = m.fields.map(([n, type, o]): [string, FieldState] => {
      const opts = decode(o, model.file);
      if (typeof n !== "string" || typeof type !== "string" || typeof opts !== "object" || opts === null || Array.isArray(opts)) {
        throw new BadEntry("bad field");
      }
      return [n, Object.freeze({ type: type as FieldType, options: Object.freeze(opts as ObjectValue) })];
    });
    const ms = new ModelState(m.app, m.name, fields, options as ModelOptions, m.bases);
    state.put(ms);
    locations.set(ms.key, {
      model, fields: pairs(m.at.fields), ...(m.at.meta ? { meta: loc(m.at.meta) } : {}),
      indexes: pairs(m.at.indexes), constraints: pairs(m.at.constraints),
    });
  }
  return { state, locations, errors: [] };
}
