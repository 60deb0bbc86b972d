/**
 * Incremental model resolution and drift, so that a keystroke in one
 * `models.ts` costs work proportional to that app, not to the project.
 *
 * - Models: when one app's file changed and nothing crosses files (no
 *   relative imports to or from it, same classes as before), only that file
 *   is resolved, against "stubs" of the other apps (their classes with only
 *   their relation fields, enough to resolve references and reverse names);
 *   the other apps' models, locations and errors are reused. Anything else
 *   (and every save) resolves the whole project.
 * - Drift: the autodetector runs on the changed apps' models plus the models
 *   related to them (relation targets and referrers, in both states); the
 *   other apps' pending operations are reused.
 *
 * `verify` mode (TSMIGRATE_LSP_VERIFY=1) recomputes everything in full after
 * each incremental step and reports any difference (used by the fuzz test).
 */
import { detectChangesSync } from "../engine/autodetector";
import type { ProjectConfig } from "../engine/config";
import type { SourceLocation, TsMigrateError } from "../engine/errors";
import { Migration } from "../engine/migration";
import { DriftQuestioner } from "../engine/questioner";
import { type LoadedModels, type ModelLocations, type ModuleReader, moduleReader, type ParsedClass, type ParsedModelFile, resolveModels, dedupeErrors, sortErrors } from "../engine/source/models";
import { ModelProgram } from "../engine/source/program";
import { type ModelState, modelKey, ProjectState } from "../engine/state";
import { type CallValue, isObjectValue, type Value } from "../engine/values";
import { type ErrorOwners, ownersOf, RELATION_CALLEES, resolveClasses, type SpansOf } from "./classLevel";

/** The app label of a relation target written as `"app.Model"`, else undefined. */
function targetApp(v: Value | undefined): string | undefined {
  if (typeof v !== "string") return undefined;
  const dot = v.indexOf(".");
  return dot > 0 ? v.slice(0, dot) : undefined;
}

/** The apps a relation field call names as `"app.Model"` (first argument, or its `to` option). */
function fieldTargetApps(call: CallValue): string[] {
  const out: string[] = [];
  for (const arg of call.args) {
    const direct = targetApp(arg);
    if (direct) out.push(direct);
    else if (isObjectValue(arg)) {
      for (const key of ["to", "through"]) {
        const app = targetApp(arg[key]);
        if (app) out.push(app);
      }
    }
  }
  return out;
}

const referencedCache = new WeakMap<ParsedModelFile, Set<string>>();
const classReferences = new WeakMap<ParsedClass, readonly string[]>();

/** Apps whose models `file`'s relation fields name as `"app.Model"` (cached per parse, and per class: a quick read reuses most). */
function referencedApps(file: ParsedModelFile): Set<string> {
  let s = referencedCache.get(file);
  if (!s) {
    s = new Set();
    for (const c of file.classes) {
      let apps = classReferences.get(c);
      if (!apps) {
        const found: string[] = [];
        for (const f of c.fields) if (RELATION_CALLEES.has(f.call.callee)) found.push(...fieldTargetApps(f.call));
        classReferences.set(c, (apps = found));
      }
      for (const a of apps) s.add(a);
    }
    referencedCache.set(file, s);
  }
  return s;
}

/**
 * Another app's file reduced to what resolving app `app` needs: its classes
 * (relation targets), with only the relation fields that point at `app`
 * (reverse names used by `app`'s `ordering`).
 */
function stubOf(file: ParsedModelFile, app: string): ParsedModelFile {
  return {
    ...file,
    errors: [],
    classes: file.classes.map((c) => ({
      ...c,
      meta: undefined,
      metaLocation: undefined,
      fields: c.fields.filter((f) => RELATION_CALLEES.has(f.call.callee) && fieldTargetApps(f.call).includes(app)),
    })),
  };
}

/** True when the classes have the same shape (names, bases, abstract flags): when it changes, other apps' resolution may change. */
function sameShape(a: ParsedModelFile, b: ParsedModelFile): boolean {
  if (a.classes.length !== b.classes.length) return false;
  for (let i = 0; i < a.classes.length; i++) {
    const x = a.classes[i]!;
    const y = b.classes[i]!;
    if (x !== y && (x.name !== y.name || (x.base ?? "") !== (y.base ?? "") || x.abstract !== y.abstract)) return false;
  }
  return true;
}

function importsModelsFile(file: ParsedModelFile, files: readonly ParsedModelFile[]): boolean {
  // Imports of project files of no app (constants, enums, shared abstract bases) do not involve another app's parse.
  const stems = new Set(files.flatMap((f) => {
    const stem = f.file.replace(/\.(ts|tsx|js|mjs|cjs|mts|cts)$/, "");
    return [stem, stem.slice(0, Math.max(stem.lastIndexOf("/"), stem.lastIndexOf("\\")))];
  }));
  for (const imp of file.imports.values()) if (imp.relative && stems.has(imp.module)) return true;
  return false;
}

/** True when `file` has the very classes of `before` (a parse standing in for a text that does not parse). */
function sameClasses(before: ParsedModelFile, file: ParsedModelFile): boolean {
  return before.classes.length === file.classes.length && before.classes.every((c, i) => c === file.classes[i]) &&
    before.imports === file.imports;
}

/** What {@link IncrementalModels.resolve} answers. */
export interface Resolution {
  readonly loaded: LoadedModels;
  /** Apps whose models may have changed ("all" after a full resolution). */
  readonly dirty: Set<string> | "all";
  /** When only some models of the dirty app were resolved again: their keys. */
  readonly models?: Set<string>;
}

/** Keeps the last resolution and answers the next one incrementally when it safely can. */
export class IncrementalModels {
  private files = new Map<string, ParsedModelFile>();
  /** Stubs of the other apps for resolving one app: app -> (other app -> stub), built on first use. */
  private stubs = new Map<string, Map<string, ParsedModelFile>>();
  private loaded: LoadedModels | undefined;
  /** Per app, which class holds each error the resolution found in its file. */
  private owners = new Map<string, ErrorOwners>();

  /**
   * @param modules reads shared model modules (abstract bases of no app) for a resolution
   * @param spans where each class of a models file is in its last parse (class-level resolution needs it)
   */
  constructor(
    private readonly config: ProjectConfig,
    private readonly modules: () => ModuleReader = () => moduleReader(new ModelProgram()),
    private readonly spans: (file: string) => SpansOf | undefined = () => undefined,
  ) {}

  /**
   * Resolves `files` (one per app, in any order). `full` forces a whole
   * resolution. Returns the models and what may have changed.
   */
  resolve(files: readonly ParsedModelFile[], full = false): Resolution {
    const changed = files.filter((f) => this.files.get(f.app) !== f);
    const removed = [...this.files.keys()].filter((app) => !files.some((f) => f.app === app));
    const prev = this.loaded;
    const canPartial = !full && prev !== undefined && removed.length === 0 && changed.length === 1 &&
      this.files.has(changed[0]!.app) && this.partialSafe(changed[0]!, files);
    const next = new Map(files.map((f) => [f.app, f]));
    if (!canPartial) {
      this.files = next;
      this.stubs = new Map();
      this.loaded = resolveModels(files, this.config, this.modules());
      this.noteOwners(files);
      return { loaded: this.loaded, dirty: "all" };
    }
    const file = changed[0]!;
    const app = file.app;
    const before = this.files.get(app)!;
    if (sameClasses(before, file)) {
      // The last parse standing in for a text that does not parse: only the file's own errors changed.
      this.files = next;
      const own = new Set(before.errors);
      this.loaded = { ...prev!, errors: sortErrors(dedupeErrors([...prev!.errors.filter((e) => !own.has(e)), ...file.errors])) };
      return { loaded: this.loaded, dirty: new Set([app]), models: new Set() };
    }
    const others = this.othersFor(file, files);
    const owners = this.owners.get(app);
    const spans = this.spans(file.file);
    const byClass = owners && spans ? resolveClasses({
      before: this.files.get(app)!, file, prev: prev!, owners, spans, others, config: this.config, modules: this.modules(),
    }) : undefined;
    this.files = next;
    // Stubs of this app made for resolving the others are out of date now.
    for (const [target, m] of this.stubs) if (target !== app) m.delete(app);
    if (byClass) {
      this.loaded = byClass.loaded;
      this.noteOwners([file]);
      return { loaded: this.loaded, dirty: new Set([app]), models: byClass.models };
    }
    const part = resolveModels([file, ...others], this.config, this.modules());
    this.loaded = merge(prev!, part, app, file.file, this.config);
    this.noteOwners([file]);
    return { loaded: this.loaded, dirty: new Set([app]) };
  }

  /** The stubs of the apps `file`'s app names, and of those naming it. */
  private othersFor(file: ParsedModelFile, files: readonly ParsedModelFile[]): ParsedModelFile[] {
    const app = file.app;
    let stubs = this.stubs.get(app);
    if (!stubs) this.stubs.set(app, (stubs = new Map()));
    const wanted = referencedApps(file);
    const others: ParsedModelFile[] = [];
    for (const f of files) {
      if (f.app === app || !(wanted.has(f.app) || referencedApps(f).has(app))) continue;
      let stub = stubs.get(f.app);
      if (!stub) stubs.set(f.app, (stub = stubOf(f, app)));
      others.push(stub);
    }
    return others;
  }

  /** Records which class holds each resolver error of `files` (for the next class-level resolution). */
  private noteOwners(files: readonly ParsedModelFile[]): void {
    const byFile = new Map<string, TsMigrateError[]>();
    for (const e of this.loaded!.errors) {
      const f = e.location?.file;
      if (f === undefined) continue;
      const list = byFile.get(f);
      if (list) list.push(e);
      else byFile.set(f, [e]);
    }
    for (const f of files) {
      const spans = this.spans(f.file);
      const own = new Set(f.errors);
      const errors = (byFile.get(f.file) ?? []).filter((e) => !own.has(e));
      if (spans) this.owners.set(f.app, ownersOf(errors, f.file, spans));
      else this.owners.delete(f.app);
    }
  }

  private partialSafe(file: ParsedModelFile, files: readonly ParsedModelFile[]): boolean {
    const before = this.files.get(file.app)!;
    if (!sameShape(before, file)) return false;
    if (importsModelsFile(file, files) || importsModelsFile(before, files)) return false;
    // Another models file importing from this one (abstract bases across apps).
    const stem = file.file.replace(/\.(ts|tsx|js|mjs|cjs|mts|cts)$/, "");
    const dir = stem.slice(0, Math.max(stem.lastIndexOf("/"), stem.lastIndexOf("\\")));
    for (const f of files) {
      if (f === file) continue;
      for (const imp of f.imports.values()) if (imp.relative && (imp.module === stem || imp.module === dir)) return false;
    }
    return true;
  }
}

/** The previous project resolution with app `app`'s models, locations and errors replaced by those of `part`. */
function merge(prev: LoadedModels, part: LoadedModels, app: string, file: string, config: ProjectConfig): LoadedModels {
  const byApp = new Map<string, ModelState[]>();
  for (const m of prev.state.models.values()) {
    if (m.app === app) continue;
    const list = byApp.get(m.app);
    if (list) list.push(m);
    else byApp.set(m.app, [m]);
  }
  byApp.set(app, part.state.appModels(app));
  const state = new ProjectState();
  for (const a of config.apps) for (const m of byApp.get(a.label) ?? []) state.put(m);
  const locations = new Map<string, ModelLocations>();
  for (const [k, v] of prev.locations) if (!k.startsWith(`${app}.`)) locations.set(k, v);
  for (const [k, v] of part.locations) if (k.startsWith(`${app}.`)) locations.set(k, v);
  const errors: TsMigrateError[] = [
    ...prev.errors.filter((e) => e.location?.file !== file),
    ...part.errors.filter((e) => e.location?.file === file),
  ];
  return { state, locations, errors };
}

const targetCache = new WeakMap<ModelState, string[]>();

/** Relation targets of a model (`"app.model"` keys); cached per (immutable) ModelState. */
function targets(m: ModelState): string[] {
  let out = targetCache.get(m);
  if (out) return out;
  out = [];
  for (const f of m.fields.values()) {
    for (const key of ["to", "through"]) {
      const v = f.options[key];
      if (typeof v === "string") out.push(v.toLowerCase());
    }
  }
  targetCache.set(m, out);
  return out;
}

/** Adds to `out` the keys of the models of `state` that point at one of `keys` (one pass, nothing built per model). */
function addReferrers(state: ProjectState, keys: ReadonlySet<string>, out: Set<string>): void {
  state.models.forEach((m, key) => {
    for (const t of targets(m)) if (keys.has(t)) out.add(key);
  });
}

/** Options of {@link scopedDrift}. */
export interface DriftScope {
  readonly leaves: ReadonlyMap<string, string | undefined>;
  /** Apps to recompute; the rest come from `previous`. "all": a full run. */
  readonly dirty: Set<string> | "all";
  /** Only these models (keys) of the dirty apps changed: the others' operations come from `previous`. */
  readonly models?: ReadonlySet<string>;
  readonly previous: ReadonlyMap<string, Migration[]>;
}

/**
 * The pending migrations per app, recomputing only the dirty apps: the
 * autodetector sees their models and the models related to them (targets
 * and referrers, in both states), and only the dirty apps' output is kept.
 */
export function scopedDrift(from: ProjectState, to: ProjectState, scope: DriftScope): Map<string, Migration[]> {
  const full = (): Map<string, Migration[]> =>
    new Map([...detectChangesSync(from, to, new DriftQuestioner(), { leaves: scope.leaves })].filter(([, l]) => l.length > 0));
  if (scope.dirty === "all") return full();
  const dirty = scope.dirty;
  const keys = new Set<string>(scope.models);
  if (!scope.models) for (const state of [from, to]) for (const [k, m] of state.models) if (dirty.has(m.app)) keys.add(k);
  const related = new Set<string>();
  for (const state of [from, to]) {
    for (const k of keys) {
      const m = state.models.get(k);
      if (m) for (const t of targets(m)) related.add(t);
    }
    addReferrers(state, keys, related);
  }
  const pick = (state: ProjectState): ProjectState => {
    const s = new ProjectState();
    for (const [k, m] of state.models) if (keys.has(k) || related.has(k)) s.put(m);
    return s;
  };
  const result = detectChangesSync(pick(from), pick(to), new DriftQuestioner(), { leaves: scope.leaves });
  const out = new Map<string, Migration[]>();
  for (const [app, list] of scope.previous) if (!dirty.has(app)) out.set(app, list);
  for (const app of dirty) {
    const list = scope.models ? modelDrift(app, scope.previous.get(app) ?? [], result.get(app) ?? [], keys) : result.get(app);
    if (list && list.length) out.set(app, list);
  }
  return out;
}

/** The key of the model an operation is about, or undefined. */
function opModel(app: string, op: Migration["operations"][number]): string | undefined {
  const model = op.target().model;
  return model === undefined ? undefined : modelKey(app, model);
}

/**
 * An app's pending migrations with the operations on the models `keys` taken
 * from `fresh` (a run over those models and the models related to them) and
 * the others from `previous`. The migrations only group operations for the
 * editor: writing files always uses a full run ({@link Workspace.fullDrift}).
 */
function modelDrift(app: string, previous: readonly Migration[], fresh: readonly Migration[], keys: ReadonlySet<string>): Migration[] {
  const out: Migration[] = [];
  for (const m of previous) {
    const kept = m.operations.filter((op) => !keys.has(opModel(app, op) ?? ""));
    if (kept.length) out.push(kept.length === m.operations.length ? m : new Migration(app, m.name, { dependencies: m.dependencies, operations: kept }));
  }
  for (const m of fresh) {
    const mine = m.operations.filter((op) => keys.has(opModel(app, op) ?? ""));
    if (mine.length) out.push(mine.length === m.operations.length ? m : new Migration(app, m.name, { dependencies: m.dependencies, operations: mine }));
  }
  return out;
}

/** A comparable summary of drift: app -> operation descriptions. */
export function driftSummary(drift: ReadonlyMap<string, Migration[]>): string {
  return JSON.stringify([...drift].sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([app, list]) => [app, list.flatMap((m) => m.operations.map((op) => op.describe())).sort()]));
}

/** A comparable summary of resolved models: errors (message at their span), models with their fields and options, and where each is written. */
export function modelsSummary(loaded: LoadedModels): string {
  const at = (l: SourceLocation | undefined): string => (l ? `${l.file}:${l.line}:${l.column}-${l.endLine}:${l.endColumn}` : "-");
  const errors = loaded.errors.map((e) => `${at(e.location)}:${e.message}`).sort();
  const models = [...loaded.state.models.values()].map((m) => {
    const loc = loaded.locations.get(m.key);
    const fields = [...m.fields].map(([n, f]) => `${n}@${at(loc?.fields.get(n))}=${f.type}${JSON.stringify(f.options)}`);
    return `${m.key}@${at(loc?.model)}(${fields.join(",")})${JSON.stringify(m.options)}`;
  }).sort();
  return JSON.stringify({ errors, models });
}
