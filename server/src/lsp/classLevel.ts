/**
 * Class-level model resolution for the language server: when a keystroke
 * changed a few plain model classes (`extends models.Model`, not abstract,
 * extended by none) of one app and nothing else about the file's shape, only
 * those models and the models of the app they name (relation targets, whose
 * `ordering` may use the reverse names) are resolved again. The other classes
 * of the app take part as stubs (their relation fields naming the resolved
 * models, for reverse names), other apps as their stubs; every other model,
 * location and error is reused from the previous resolution.
 *
 * Errors are owned by the class whose lines hold them, decided when each
 * resolution is made; anything not owned by a class (an error between
 * classes, a name clash between models) makes the caller resolve the whole
 * app instead.
 */
import type { ProjectConfig } from "../engine/config";
import type { TsMigrateError } from "../engine/errors";
import { FIELD_SPECS, type FieldType } from "../engine/fields";
import {
  dedupeErrors, type LoadedModels, type ModelLocations, type ModuleReader, type ParsedClass, type ParsedField, type ParsedModelFile, resolveModels,
  sortErrors,
} from "../engine/source/models";
import { modelKey, ProjectState } from "../engine/state";
import { isObjectValue, RefValue, type Value } from "../engine/values";

const MODEL_BASE = "models.Model";
/** More changed classes than this (a paste, a replace-all): resolve the app. */
const MAX_CHANGED = 16;

/** The callees of relation fields (`models.ForeignKey`, ...). */
export const RELATION_CALLEES: ReadonlySet<string> = new Set(
  (Object.keys(FIELD_SPECS) as FieldType[]).filter((t) => FIELD_SPECS[t].relation).map((t) => `models.${t}`),
);

/** Class name -> its first and last line (1-based), of the parse the errors' locations refer to. */
export type ClassSpans = ReadonlyMap<string, readonly [number, number]>;

/** The errors of one app's file in a resolution, by the class holding them ("" for none). */
export type ErrorOwners = Map<TsMigrateError, string>;

/** The {@link ClassSpans} of a file's last parse, made when first asked for (most analyses never ask). */
export type SpansOf = () => ClassSpans;

/** Which class of `spans` holds each error located in `file` ("" when none does). */
export function ownersOf(errors: readonly TsMigrateError[], file: string, spans: SpansOf): ErrorOwners {
  const owners: ErrorOwners = new Map();
  let sorted: [string, readonly [number, number]][] | undefined;
  for (const e of errors) {
    const loc = e.location;
    if (!loc || loc.file !== file) continue;
    sorted ??= sortedSpans(spans());
    let owner = "";
    let lo = 0;
    let hi = sorted.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const [name, [start, end]] = sorted[mid]!;
      if (loc.line < start) hi = mid - 1;
      else if (loc.line > end) lo = mid + 1;
      else {
        owner = (loc.endLine ?? loc.line) <= end ? name : "";
        break;
      }
    }
    owners.set(e, owner);
  }
  return owners;
}

const sortedCache = new WeakMap<ClassSpans, [string, readonly [number, number]][]>();

/** `spans` by first line (made once per parse). */
function sortedSpans(spans: ClassSpans): [string, readonly [number, number]][] {
  let sorted = sortedCache.get(spans);
  if (!sorted) sortedCache.set(spans, (sorted = [...spans].sort((a, b) => a[1][0] - b[1][0])));
  return sorted;
}

/** Class names a relation field call names in its own app (`Category`, `"Category"`, `"app.Category"`); undefined when unreadable. */
function targetNames(call: { args: readonly Value[] }, app: string): string[] | undefined {
  const cached = targetCache.get(call);
  if (cached?.app === app) return cached.names;
  const names = readTargetNames(call, app);
  targetCache.set(call, { app, names });
  return names;
}

const targetCache = new WeakMap<object, { app: string; names: string[] | undefined }>();

function readTargetNames(call: { args: readonly Value[] }, app: string): string[] | undefined {
  const out: string[] = [];
  const add = (v: Value | undefined): boolean => {
    if (v instanceof RefValue) out.push(v.name);
    else if (typeof v === "string") {
      const dot = v.indexOf(".");
      if (dot < 0) out.push(v);
      else if (v.slice(0, dot) === app) out.push(v.slice(dot + 1));
    } else return v === undefined;
    return true;
  };
  const [first, second] = call.args;
  if (isObjectValue(first)) return add(first.to) && add(first.through) ? out : undefined;
  if (!add(first)) return undefined;
  if (isObjectValue(second) && !add(second.through)) return undefined;
  return out;
}

/**
 * `cls` reduced to its relation fields that may name one of `names` (and the
 * Meta entry naming reverse relations); with `plain`, its other fields too
 * (a relation target of a resolved class: its primary key and the fields a
 * `toField` names).
 */
function stubClass(cls: ParsedClass, app: string, names: ReadonlySet<string>, plain = false, fields = stubFields(cls, app, names, plain)): ParsedClass {
  const drn = isObjectValue(cls.meta) ? cls.meta.defaultRelatedName : undefined;
  return { ...cls, fields, meta: drn === undefined ? undefined : { defaultRelatedName: drn }, metaLocation: undefined };
}

const relationCache = new WeakMap<ParsedClass, boolean>();

/** True when `cls` has a relation field (cached per class). */
function hasRelation(cls: ParsedClass): boolean {
  let r = relationCache.get(cls);
  if (r === undefined) relationCache.set(cls, (r = cls.fields.some((f) => RELATION_CALLEES.has(f.call.callee))));
  return r;
}

/** The fields {@link stubClass} keeps. */
function stubFields(cls: ParsedClass, app: string, names: ReadonlySet<string>, plain: boolean): ParsedField[] {
  return cls.fields.filter((f) => {
    if (!RELATION_CALLEES.has(f.call.callee)) return plain;
    const t = targetNames(f.call, app);
    return t === undefined || t.some((n) => names.has(n));
  });
}

/** The same-app classes the relation fields of the classes `names` name, other than those. */
function targetsOf(file: ParsedModelFile, names: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  for (const c of file.classes) {
    if (!names.has(c.name)) continue;
    for (const f of c.fields) {
      if (!RELATION_CALLEES.has(f.call.callee)) continue;
      for (const n of targetNames(f.call, file.app) ?? []) if (!names.has(n)) out.add(n);
    }
  }
  return out;
}

/**
 * The classes a class-level resolution reads: the resolved ones in full,
 * the classes their relations name as stubs with their plain fields, the
 * classes naming any of those in a relation as stubs (reverse names), and
 * the ancestors of those as stubs.
 */
function partClasses(file: ParsedModelFile, names: ReadonlySet<string>): ParsedClass[] {
  const targets = targetsOf(file, names);
  const named = new Set([...names, ...targets]);
  const stubs = new Map<string, ParsedClass>();
  /** The class each stub was made from (the last of a name declared twice, as a map of the classes by name holds). */
  const sources = new Map<string, ParsedClass>();
  for (const c of file.classes) {
    if (names.has(c.name)) continue;
    // A class with no relation field is a stub only as a target (no allocation for the thousands that are neither).
    const target = targets.has(c.name);
    if (!target && !hasRelation(c)) continue;
    const fields = stubFields(c, file.app, named, target);
    if (fields.length || target) {
      stubs.set(c.name, stubClass(c, file.app, named, target, fields));
      sources.set(c.name, c);
    }
  }
  const wanted = new Set([...names, ...stubs.keys()]);
  // The ancestors of the stubs (most extend models.Model: the classes by name are made only for the others).
  let byName: Map<string, ParsedClass> | undefined;
  for (const name of [...stubs.keys()]) {
    if (sources.get(name)!.base === MODEL_BASE) continue;
    byName ??= new Map(file.classes.map((c) => [c.name, c]));
    for (let base = byName.get(name)?.base; base && byName.has(base) && !wanted.has(base); base = byName.get(base)?.base) wanted.add(base);
  }
  return file.classes.filter((c) => wanted.has(c.name)).map((c) => (names.has(c.name) ? c : stubs.get(c.name) ?? stubClass(c, file.app, named)));
}

/** What a class-level resolution needs. */
export interface ClassLevelInput {
  readonly before: ParsedModelFile;
  readonly file: ParsedModelFile;
  readonly prev: LoadedModels;
  /** Owners of the previous resolution's errors in this file. */
  readonly owners: ErrorOwners;
  /** Where each class of `file` is. */
  readonly spans: SpansOf;
  /** The other apps' stubs for this one. */
  readonly others: readonly ParsedModelFile[];
  readonly config: ProjectConfig;
  readonly modules: ModuleReader;
}

/** The result: the project's models and the keys of the models resolved again. */
export interface ClassLevelResult {
  readonly loaded: LoadedModels;
  readonly models: Set<string>;
}

/** The classes of `file` that differ from `before` (same shape), or undefined when the change is not class-level. */
function changedClasses(before: ParsedModelFile, file: ParsedModelFile): ParsedClass[] | undefined {
  if (before.classes.length !== file.classes.length) return undefined;
  if (new Set(file.classes.map((c) => c.name)).size !== file.classes.length) return undefined;
  // A parse with syntax errors and no earlier parse standing in: where its classes end is a guess.
  if (file.errors.some((e) => e.code === "syntax")) return undefined;
  const changed: ParsedClass[] = [];
  const bases = new Set(file.classes.map((c) => c.base));
  for (let i = 0; i < file.classes.length; i++) {
    const c = file.classes[i]!;
    const b = before.classes[i]!;
    if (c === b) continue;
    if (c.name !== b.name || c.base !== MODEL_BASE || b.base !== MODEL_BASE || c.abstract || b.abstract || bases.has(c.name)) return undefined;
    changed.push(c, b);
  }
  return changed.length / 2 > MAX_CHANGED ? undefined : changed;
}

/**
 * Resolves only the changed classes of one app (and their same-app relation
 * targets); undefined when that cannot be done exactly (the caller then
 * resolves the whole app).
 */
export function resolveClasses(input: ClassLevelInput): ClassLevelResult | undefined {
  const { before, file, prev, owners } = input;
  const changed = changedClasses(before, file);
  if (!changed) return undefined;
  if ([...owners.values()].includes("")) return undefined;
  const app = file.app;
  const names = new Set(changed.map((c) => c.name));
  for (const c of changed) {
    for (const f of c.fields) {
      if (!RELATION_CALLEES.has(f.call.callee)) continue;
      const t = targetNames(f.call, app);
      if (!t) return undefined;
      for (const n of t) if (n !== "self" && file.classes.some((k) => k.name === n && !k.abstract)) names.add(n);
    }
  }
  const part = resolveModels([{ ...file, errors: [], classes: partClasses(file, names) }, ...input.others], input.config, input.modules);
  const keys = new Set([...names].map((n) => modelKey(app, n)));
  // "did you mean ...?" looks at every model of the app: such an error needs the whole app.
  if (part.errors.some((e) => e.code === "unknown-model") || clash(part, prev, keys)) return undefined;
  const partOwners = ownersOf(part.errors, file.file, input.spans);
  const fileErrors = new Set(before.errors);
  const errors: TsMigrateError[] = [];
  for (const e of prev.errors) if (!fileErrors.has(e) && !names.has(owners.get(e) ?? "-")) errors.push(e);
  errors.push(...file.errors);
  for (const e of part.errors) {
    const owner = partOwners.get(e);
    if (owner !== undefined && names.has(owner)) errors.push(e);
  }
  return { loaded: merged(prev, part, keys, sortErrors(dedupeErrors(errors))), models: keys };
}

/** True when an index or constraint name of a resolved model is also one of another model (models.E029/E031: resolve the app). */
function clash(part: LoadedModels, prev: LoadedModels, keys: ReadonlySet<string>): boolean {
  const mine = new Set<string>();
  for (const k of keys) {
    const l = part.locations.get(k);
    if (l) for (const n of [...l.indexes.keys(), ...l.constraints.keys()]) mine.add(n);
  }
  if (mine.size === 0) return false;
  for (const [k, l] of prev.locations) {
    if (keys.has(k)) continue;
    for (const n of [...l.indexes.keys(), ...l.constraints.keys()]) if (mine.has(n)) return true;
  }
  return false;
}

/** The previous resolution with the models `keys` (and their locations) taken from `part`, in the same order. */
function merged(prev: LoadedModels, part: LoadedModels, keys: ReadonlySet<string>, errors: TsMigrateError[]): LoadedModels {
  // Native copies, then the few keys replaced in place (a Map keeps a replaced key's position; a new key goes last).
  const state = prev.state.clone();
  const locations = new Map(prev.locations);
  for (const k of keys) {
    const m = part.state.models.get(k);
    const old = prev.state.models.get(k);
    if (m) state.put(m);
    else if (old) state.remove(old.app, old.name);
    const loc = part.locations.get(k);
    if (loc && prev.locations.has(k)) locations.set(k, loc);
    else locations.delete(k);
  }
  return { state, locations, errors };
}
