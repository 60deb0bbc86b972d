/**
 * Models files -> {@link ProjectState}: joins the per-file parses
 * ({@link parseModelFile}) of every app, decides which classes are models
 * (their `extends` chain reaches `models.Model`), applies abstract
 * inheritance, adds the implicit primary key, resolves relation targets
 * across apps, and reads Meta. Follows Django 3.2's `ModelBase.__new__`,
 * `Options` and `ModelState.from_model`.
 *
 * All problems are collected (never only the first); a field or Meta entry
 * in error is left out and the rest of the model is kept.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { appRelativeFunctionRef } from "../callables";
import { type ProjectConfig, appDefaultAutoField, isMissing } from "../config";
import { ErrorCollector, type SourceLocation, TsMigrateError } from "../errors";
import { FIELD_SPECS } from "../fields";
import type { ModelsCache } from "../models-cache";
import { type FieldState, ModelState, ProjectState, fieldOption, isManyToMany, makeField, modelKey } from "../state";
import { RefValue, type Value, isObjectValue } from "../values";
import { type FieldContext, fieldFromCall, show } from "./field-values";
import { formatName, readMeta } from "./meta";
import { type ParsedClass, type ParsedField, type ParsedModelFile, parseModelFile } from "./model-file";
import { ModelProgram } from "./program";
import { checkProxy, isProxyMeta, proxyOptions, splitChain, withParentLink } from "./inheritance";
import { nearest } from "./q";
import { valueLocation } from "./read";

export { parseModelFile } from "./model-file";
export type { ParsedClass, ParsedField, ParsedModelFile } from "./model-file";

/** Where a model's parts are written (for editor diagnostics). */
export interface ModelLocations {
  /** The class name. */
  readonly model: SourceLocation;
  /** Field name -> its property (the parent's, for inherited fields; the class name for the implicit `id`). */
  readonly fields: Map<string, SourceLocation>;
  /** The `static Meta` property in effect (possibly an abstract parent's). */
  readonly meta?: SourceLocation;
  /** Final index name -> its `models.Index(...)`. */
  readonly indexes: Map<string, SourceLocation>;
  /** Constraint name -> its call. */
  readonly constraints: Map<string, SourceLocation>;
}

/** The models of a project as read from its files. */
export interface LoadedModels {
  readonly state: ProjectState;
  /** Model key (`"app.model"`) -> locations. */
  readonly locations: Map<string, ModelLocations>;
  /** Every problem found, in file order; models and fields in error are left out of `state`. */
  readonly errors: TsMigrateError[];
}

interface ClassRef {
  readonly file: ParsedModelFile;
  readonly cls: ParsedClass;
}

/**
 * A concrete (or proxy) model found: its key, its class chain (root first),
 * the nearest non-abstract ancestor (multi-table or proxy parent) and the
 * classes after it, whose fields and Meta are the model's own.
 */
interface Concrete {
  readonly key: string;
  readonly app: string;
  readonly ref: ClassRef;
  readonly chain: readonly ClassRef[];
  readonly parent?: ClassRef;
  readonly local: readonly ClassRef[];
}

const MODEL_BASE = "models.Model";

/** A concrete model's fields as read, before Meta. */
interface Built {
  readonly c: Concrete;
  /** Django's `bases` (the parent's key), empty for models.Model. */
  readonly bases: readonly string[];
  readonly proxy: boolean;
  readonly fields: Map<string, FieldState>;
  readonly fieldLocs: Map<string, SourceLocation>;
  readonly meta?: Value;
  readonly metaLoc?: SourceLocation;
}

/**
 * Joins parsed model files into project state.
 *
 * @param files one parse per app models file (files of apps not in `config` are ignored)
 * @param config apps (labels, files) and `defaultAutoField`
 * @returns state, locations and all errors (never throws for bad user code;
 *   a bug of tsmigrate escapes as the exception it is)
 */
export function resolveModels(
  files: readonly ParsedModelFile[], config: ProjectConfig, modules: ModuleReader = moduleReader(new ModelProgram()),
): LoadedModels {
  return new ModelResolver(files, config, modules).resolve();
}

/**
 * Reads a project file that is not an app's models.ts (abstract bases shared
 * by apps): absolute module path without extension -> its parse, or
 * undefined when there is no such file.
 */
export type ModuleReader = (moduleNoExt: string) => ParsedModelFile | undefined;

/**
 * The {@link ModuleReader} of the files on disk (or in `overrides`):
 * `<module>.ts`, then `<module>/index.ts`, parsed in `program`, each once.
 */
export function moduleReader(program: ModelProgram, overrides?: ReadonlyMap<string, string>): ModuleReader {
  const cache = new Map<string, ParsedModelFile | undefined>();
  return (moduleNoExt) => {
    if (cache.has(moduleNoExt)) return cache.get(moduleNoExt);
    let parsed: ParsedModelFile | undefined;
    for (const file of [`${moduleNoExt}.ts`, path.join(moduleNoExt, "index.ts")]) {
      const text = overrides?.get(file) ?? readIfExists(file);
      if (text !== undefined) {
        parsed = parseModelFile("", file, text, program);
        break;
      }
    }
    cache.set(moduleNoExt, parsed);
    return parsed;
  };
}

/** The text of `file`, or undefined when there is no such file. */
function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (e) {
    if (isMissing(e)) return undefined;
    throw new TsMigrateError(`cannot read ${file}: ${(e as Error).message}`, { code: "io", location: { file, line: 1, column: 1 }, cause: e });
  }
}

/** The steps of {@link resolveModels}, sharing the files, the classes found and the error collector. */
class ModelResolver {
  private readonly errors = new ErrorCollector();
  private readonly appLabels: Set<string>;
  private readonly used: ParsedModelFile[];
  /** Module path (extension stripped) or app folder -> file, for relative imports. */
  private readonly modules = new Map<string, ParsedModelFile>();
  private readonly chainCache = new Map<ParsedClass, readonly ClassRef[] | null>();
  private readonly concretes: Concrete[] = [];
  private readonly byKey = new Map<string, Concrete>();
  private readonly byClass = new Map<ParsedClass, Concrete>();
  private readonly abstracts: ClassRef[] = [];

  constructor(files: readonly ParsedModelFile[], private readonly config: ProjectConfig, private readonly readModule: ModuleReader) {
    this.appLabels = new Set(config.apps.map((a) => a.label));
    const appOrder = new Map(config.apps.map((a, i) => [a.label, i]));
    this.used = files.filter((f) => this.appLabels.has(f.app)).sort((a, b) => appOrder.get(a.app)! - appOrder.get(b.app)!);
    for (const f of this.used) {
      this.errors.push(...f.errors);
      this.modules.set(f.file.replace(/\.(ts|tsx|js|mjs|cjs|mts|cts)$/, ""), f);
      if (!this.modules.has(path.dirname(f.file))) this.modules.set(path.dirname(f.file), f);
    }
  }

  resolve(): LoadedModels {
    this.findModels();
    const built: Built[] = [];
    for (const c of this.concretes) built.push(this.buildFields(c));
    const { state, locations } = this.readMetas(built);
    this.checkUnusedAbstracts();
    return { state, locations, errors: sortErrors(dedupeErrors(this.errors.errors)) };
  }

  /** A class visible under `name` in `file`: declared there or imported from another models file. */
  private lookupClass(file: ParsedModelFile, name: string): ClassRef | undefined {
    const local = file.classes.find((c) => c.name === name);
    if (local) return { file, cls: local };
    const imp = file.imports.get(name);
    if (!imp || !imp.relative) return undefined;
    const other = this.modules.get(imp.module) ?? this.sharedModule(imp.module);
    const cls = other?.classes.find((c) => c.name === imp.name);
    return other && cls ? { file: other, cls } : undefined;
  }

  /** A project file of no app (shared abstract bases), parsed on first use; its problems are reported once. */
  private sharedModule(moduleNoExt: string): ParsedModelFile | undefined {
    if (this.modules.has(moduleNoExt)) return this.modules.get(moduleNoExt);
    const parsed = this.errors.attempt(() => this.readModule(moduleNoExt));
    if (parsed) {
      this.modules.set(moduleNoExt, parsed);
      this.errors.push(...parsed.errors);
    }
    return parsed;
  }

  /** The chain root..self when `ref` is a model class (extends reaches models.Model), else undefined. */
  private chainOf(ref: ClassRef, seen: Set<ParsedClass> = new Set()): readonly ClassRef[] | undefined {
    const cached = this.chainCache.get(ref.cls);
    if (cached !== undefined) return cached ?? undefined;
    if (seen.has(ref.cls) || !ref.cls.base) return undefined;
    seen.add(ref.cls);
    let chain: readonly ClassRef[] | undefined;
    if (ref.cls.base === MODEL_BASE) chain = [ref];
    else if (!ref.cls.base.includes(".")) {
      const parent = this.lookupClass(ref.file, ref.cls.base);
      const pc = parent ? this.chainOf(parent, seen) : undefined;
      chain = pc ? [...pc, ref] : undefined;
    }
    this.chainCache.set(ref.cls, chain ?? null);
    return chain;
  }

  /** Pass 1: the model classes; concrete ones get their keys. */
  private findModels(): void {
    for (const file of this.used) {
      for (const cls of file.classes) {
        const ref = { file, cls };
        const chain = this.chainOf(ref);
        if (!chain) continue;
        if (cls.abstract) this.abstracts.push(ref);
        else this.addConcrete(ref, chain);
      }
    }
  }

  private addConcrete(ref: ClassRef, chain: readonly ClassRef[]): void {
    const { file, cls } = ref;
    const split = splitChain(chain.map((r) => ({ ...r.cls, ref: r })), this.errors);
    if (!split) return;
    const key = modelKey(file.app, cls.name);
    if (this.byKey.has(key)) {
      this.errors.add(`model ${cls.name} is declared twice in app ${file.app}`, "bad-model", cls.location);
      return;
    }
    const c: Concrete = { key, app: file.app, ref, chain, parent: split.parent?.ref, local: split.local.map((l) => l.ref) };
    this.concretes.push(c);
    this.byKey.set(key, c);
    this.byClass.set(cls, c);
  }

  /** A FieldContext for fields written in `defFile`, belonging to model `selfKey` of `app`. */
  private contextFor(defFile: ParsedModelFile, app: string, selfKey: string, location: SourceLocation): FieldContext {
    return {
      location,
      resolveTarget: (target, option, loc) => typeof target === "string"
        ? this.targetByName(target, app, selfKey, loc)
        : this.targetByClass(target, option, defFile, app, loc),
    };
  }

  private expectedTarget(app: string): string {
    return `expected a model class, a model name of app ${app} ("Category"), "app.Model" or "self"`;
  }

  private unknownModel(what: string, app: string, loc: SourceLocation | undefined, guessFrom: Iterable<string>): TsMigrateError {
    const guess = nearest(what, guessFrom);
    return new TsMigrateError(`unknown model ${what}` + (guess ? ` (did you mean ${guess}?)` : "") + `; ${this.expectedTarget(app)}`,
      { code: "unknown-model", location: loc });
  }

  /** A target written as a string: `"self"`, `"Category"` (same app) or `"app.Model"`. */
  private targetByName(target: string, app: string, selfKey: string, loc: SourceLocation | undefined): string {
    if (target === "self") return selfKey;
    const dot = target.indexOf(".");
    const [a, m] = dot < 0 ? [app, target] : [target.slice(0, dot), target.slice(dot + 1)];
    if (!this.appLabels.has(a)) {
      throw new TsMigrateError(`unknown app "${a}" in "${target}"; installed apps: ${[...this.appLabels].join(", ")}`,
        { code: "unknown-model", location: loc });
    }
    const key = modelKey(a, m);
    if (this.byKey.has(key)) return key;
    const names = this.concretes.filter((c) => c.app === a).map((c) => (dot < 0 ? c.ref.cls.name : `${a}.${c.ref.cls.name}`));
    throw this.unknownModel(`"${target}"`, app, loc, names);
  }

  /** A target written as a class reference (`Category`, declared in or imported by `defFile`). */
  private targetByClass(target: Value, option: "to" | "through", defFile: ParsedModelFile, app: string, loc: SourceLocation | undefined): string {
    if (!(target instanceof RefValue) || target.name.includes(".")) {
      throw new TsMigrateError(`${option === "to" ? "relation target" : "through"}: ${this.expectedTarget(app)}, found ${show(target)}`,
        { code: "bad-option", location: loc });
    }
    const ref = this.lookupClass(defFile, target.name);
    if (!ref) throw this.unknownModel(target.name, app, loc, defFile.classes.map((c) => c.name));
    const c = this.byClass.get(ref.cls);
    if (c) return c.key;
    const why = ref.cls.abstract ? "is abstract" : "is not a model (it does not extend models.Model)";
    throw new TsMigrateError(`${option === "to" ? "relation" : "through"} target ${target.name} ${why} (fields.E300); ${this.expectedTarget(app)}`,
      { code: "unknown-model", location: loc });
  }

  /**
   * Pass 2: the fields of a concrete model, inherited ones first, with the
   * implicit primary key or the parent link; a proxy has none. Only the
   * classes after a concrete parent count (Django's multi-table inheritance:
   * the parent's fields and Meta stay in the parent).
   */
  private buildFields(c: Concrete): Built {
    // Meta in effect: own, else the nearest abstract ancestor's (Django inherits the parent's Meta class).
    const metaRef = [...c.local].reverse().find((r) => r.cls.meta !== undefined);
    const meta = metaRef?.cls.meta;
    const fields = new Map<string, FieldState>();
    const fieldLocs = new Map<string, SourceLocation>();
    // Parent fields first; a child's field of the same name replaces the parent's (Django: not copied).
    const declared = new Map<string, { ref: ClassRef; field: ParsedField }>();
    for (const ref of c.local) {
      for (const f of ref.cls.fields) {
        declared.delete(f.name);
        declared.set(f.name, { ref, field: f });
      }
    }
    for (const { ref, field } of declared.values()) {
      const fs = this.readField(c, ref, field, meta);
      if (!fs) continue;
      fields.set(field.name, fs);
      fieldLocs.set(field.name, field.location);
    }
    const base = { c, fieldLocs, meta, metaLoc: metaRef?.cls.metaLocation };
    const parentKey = c.parent ? this.byClass.get(c.parent.cls)?.key : undefined;
    if (c.parent && parentKey === undefined) {
      this.errors.add(`${c.ref.cls.name} extends ${c.parent.cls.name}, which is not a model of an app (a concrete parent must be ` +
        `declared in an app's models.ts)`, "bad-model", c.ref.cls.baseLocation ?? c.ref.cls.location);
    }
    const bases = parentKey === undefined ? [] : [parentKey];
    if (isProxyMeta(meta)) {
      checkProxy(c.ref.cls.name, c.ref.cls.location, parentKey !== undefined, [...declared.values()].map((d) => d.field.location), this.errors);
      return { ...base, bases, proxy: true, fields: new Map() };
    }
    if (parentKey === undefined) return { ...base, bases, proxy: false, fields: this.withPrimaryKey(c, orderFields(fields), fieldLocs) };
    const linked = withParentLink(orderFields(fields), parentKey, c.parent!.cls.name);
    for (const n of linked.keys()) if (!fieldLocs.has(n)) fieldLocs.set(n, c.ref.cls.location);
    return { ...base, bases, proxy: false, fields: this.withPrimaryKey(c, linked, fieldLocs) };
  }

  /** One field of concrete model `c`, declared in `ref`; relation names get Meta.defaultRelatedName and `%(class)s`. */
  private readField(c: Concrete, ref: ClassRef, field: ParsedField, meta: Value | undefined): FieldState | undefined {
    const problem = fieldNameProblem(field.name);
    if (problem) return void this.errors.add(problem, "bad-field-name", field.nameLocation);
    const read = this.errors.attempt(() => fieldFromCall(field.call, this.contextFor(ref.file, c.app, c.key, field.location)));
    const fs = read && this.withAppRelativeDefault(read, c.app);
    if (!fs || !FIELD_SPECS[fs.type].relation) return fs;
    const defaultRelatedName = isObjectValue(meta) && typeof meta.defaultRelatedName === "string" ? meta.defaultRelatedName : undefined;
    const lower = c.ref.cls.name.toLowerCase();
    const fmt = (s: string) => s.replaceAll("%(class)s", lower).replaceAll("%(model_name)s", lower)
      .replaceAll("%(app_label)s", c.app.toLowerCase());
    const opts: Record<string, Value> = { ...fs.options };
    if (opts.relatedName === undefined && defaultRelatedName !== undefined) opts.relatedName = defaultRelatedName;
    for (const k of ["relatedName", "relatedQueryName"]) if (typeof opts[k] === "string") opts[k] = fmt(opts[k] as string);
    return makeField(fs.type, opts);
  }

  /** A default naming a project function by its absolute module, relative to the folder of app `app` (see `projectFunctionRef`). */
  private withAppRelativeDefault(fs: FieldState, app: string): FieldState {
    const d = fs.options.default;
    const dir = this.config.apps.find((a) => a.label === app)?.dir;
    if (d === undefined || dir === undefined) return fs;
    const rel = appRelativeFunctionRef(d, dir);
    return rel === d ? fs : makeField(fs.type, { ...fs.options, default: rel });
  }

  /** Django's models.E026/E004 checks, and the implicit `id` (config.defaultAutoField) when no field is the primary key. */
  private withPrimaryKey(c: Concrete, ordered: Map<string, FieldState>, fieldLocs: Map<string, SourceLocation>): Map<string, FieldState> {
    const own = c.ref.cls;
    const pks = [...ordered].filter(([, f]) => fieldOption(f, "primaryKey") === true);
    if (pks.length > 1) {
      this.errors.add(`The model cannot have more than one field with primaryKey: true (models.E026): ${pks.map(([n]) => n).join(", ")}`,
        "bad-option", fieldLocs.get(pks[1]![0]) ?? own.location);
    }
    if (pks.length > 0) return ordered;
    if (ordered.has("id")) {
      this.errors.add("'id' can only be used as a field name if the field also sets primaryKey: true (models.E004)",
        "bad-field-name", fieldLocs.get("id") ?? own.location);
      ordered.delete("id");
    }
    fieldLocs.set("id", own.location);
    return new Map([["id", makeField(appDefaultAutoField(this.config, c.app), {
      autoCreated: true, primaryKey: true, serialize: false, verboseName: "ID",
    })], ...ordered]);
  }

  /** Pass 3: Meta, state, locations; project-wide name checks (models.E029/E031). */
  private readMetas(built: readonly Built[]): { state: ProjectState; locations: Map<string, ModelLocations> } {
    const state = new ProjectState();
    const locations = new Map<string, ModelLocations>();
    const reverse = reverseQueryNames(built);
    const indexOwners = new Map<string, string>();
    const constraintOwners = new Map<string, string>();
    for (const b of built) {
      const own = b.c.ref.cls;
      const m = readMeta(b.meta, {
        app: b.c.app, name: own.name, fields: b.fields, reverseNames: reverse.get(b.c.key) ?? new Set(),
        inheritedNames: inheritedNames(b.c),
        location: b.metaLoc ?? own.location,
      }, this.errors);
      this.checkUnique(m.indexes, indexOwners, b.c.key, "index", "E029");
      this.checkUnique(m.constraints, constraintOwners, b.c.key, "constraint", "E031");
      const at = (key: string) => (isObjectValue(b.meta) ? valueLocation(b.meta, key) : undefined) ?? b.metaLoc ?? own.location;
      const options = b.proxy ? proxyOptions(m.options, own.name, at, this.errors) : m.options;
      state.put(new ModelState(b.c.app, own.name, b.fields, options, b.bases));
      locations.set(b.c.key, {
        model: own.location, fields: b.fieldLocs, meta: b.metaLoc, indexes: m.indexes, constraints: m.constraints,
      });
    }
    return { state, locations };
  }

  private checkUnique(names: Map<string, SourceLocation>, owners: Map<string, string>, key: string, what: string, check: string): void {
    for (const [name, loc] of names) {
      const other = owners.get(name);
      if (other !== undefined && other !== key) {
        this.errors.add(`${what} name "${name}" is not unique among models: ${other}, ${key} (models.${check})`, "bad-meta", loc);
      }
      owners.set(name, key);
    }
  }

  /** Abstract classes nobody extends still get their fields checked. */
  private checkUnusedAbstracts(): void {
    const extended = new Set(this.concretes.flatMap((c) => c.chain.map((r) => r.cls)));
    for (const ref of this.abstracts) {
      if (extended.has(ref.cls)) continue;
      const ctx = (f: ParsedField) => this.contextFor(ref.file, ref.file.app, modelKey(ref.file.app, ref.cls.name), f.location);
      for (const f of ref.cls.fields) this.errors.attempt(() => fieldFromCall(f.call, ctx(f)));
    }
  }
}

/** Field names declared by a model's concrete ancestors and their abstract bases (with `id`), for `ordering`. */
function inheritedNames(c: Concrete): ReadonlySet<string> | undefined {
  if (!c.parent) return undefined;
  const own = new Set(c.local);
  return new Set(["id", ...c.chain.filter((r) => !own.has(r)).flatMap((r) => r.cls.fields.map((f) => f.name))]);
}

/** Django's field order: local fields, then many-to-many fields. */
function orderFields(fields: ReadonlyMap<string, FieldState>): Map<string, FieldState> {
  const ordered = new Map<string, FieldState>();
  for (const [n, f] of fields) if (!isManyToMany(f)) ordered.set(n, f);
  for (const [n, f] of fields) if (isManyToMany(f)) ordered.set(n, f);
  return ordered;
}

/** Reverse query names for `ordering` (Django's related_query_name()): target key -> names. */
function reverseQueryNames(built: readonly Built[]): Map<string, Set<string>> {
  const reverse = new Map<string, Set<string>>();
  for (const b of built) {
    for (const f of b.fields.values()) {
      const to = f.options.to;
      if (typeof to !== "string") continue;
      const rq = f.options.relatedQueryName ?? f.options.relatedName ?? b.c.ref.cls.name.toLowerCase();
      if (typeof rq === "string" && !rq.endsWith("+")) {
        let s = reverse.get(to);
        if (!s) reverse.set(to, (s = new Set()));
        s.add(rq);
      }
    }
  }
  return reverse;
}

/** Django's field-name checks (fields.E001-E003). */
function fieldNameProblem(name: string): string | undefined {
  if (name.endsWith("_")) return `field name ${name} must not end with an underscore (fields.E001)`;
  if (name.includes("__")) return `field name ${name} must not contain "__" (fields.E002)`;
  if (name === "pk") return "'pk' is a reserved word that cannot be used as a field name (fields.E003)";
  return undefined;
}

/** Stable sort by file, line, column; errors without a location last. */
export function sortErrors(errors: TsMigrateError[]): TsMigrateError[] {
  return errors.map((e, i) => ({ e, i })).sort((a, b) => {
    const la = a.e.location;
    const lb = b.e.location;
    if (!la || !lb) return (la ? 0 : 1) - (lb ? 0 : 1) || a.i - b.i;
    return la.file < lb.file ? -1 : la.file > lb.file ? 1 : la.line - lb.line || la.column - lb.column || a.i - b.i;
  }).map((x) => x.e);
}

/** `errors` without repeats (the same code, message and span), in order. */
export function dedupeErrors(errors: TsMigrateError[]): TsMigrateError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const k = `${e.code}|${e.format()}|${e.location?.endLine}:${e.location?.endColumn}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * Reads every app's `models.ts` (a missing file = an app with no models)
 * and resolves them. `overrides` maps absolute paths to unsaved editor
 * text, used instead of the file on disk. With `cache` (and no overrides),
 * a reading of the same models files whose other files are unchanged is
 * taken from it, and a reading without errors is stored in it
 * (models-cache.ts).
 */
export function loadModels(config: ProjectConfig, overrides?: ReadonlyMap<string, string>, cache?: ModelsCache): LoadedModels {
  const texts = new Map<string, string | undefined>();
  const readErrors: TsMigrateError[] = [];
  for (const app of config.apps) {
    let text = overrides?.get(app.modelsFile);
    if (text === undefined) {
      try {
        text = fs.readFileSync(app.modelsFile, "utf8");
      } catch (e) {
        if (!isMissing(e)) {
          readErrors.push(new TsMigrateError(`cannot read ${app.modelsFile}: ${(e as Error).message}`,
            { code: "io", location: { file: app.modelsFile, line: 1, column: 1 } }));
        }
      }
    }
    texts.set(app.modelsFile, text);
  }
  const key = cache && !overrides && readErrors.length === 0 ? cache.key(config, texts) : undefined;
  const hit = key === undefined ? undefined : cache!.get(key);
  if (hit) return hit;
  const program = new ModelProgram(overrides);
  const parsed: ParsedModelFile[] = [];
  for (const app of config.apps) {
    const text = texts.get(app.modelsFile);
    if (text !== undefined) parsed.push(parseModelFile(app.label, app.modelsFile, text, program));
  }
  const loaded = resolveModels(parsed, config, moduleReader(program, overrides));
  if (key !== undefined && loaded.errors.length === 0) {
    const own = new Set(config.apps.map((a) => path.resolve(a.modelsFile)));
    cache!.put(key, loaded, program.readFiles().filter((f) => !own.has(f)));
  }
  return readErrors.length ? { ...loaded, errors: [...readErrors, ...loaded.errors] } : loaded;
}

/** Index and constraint name formatting, re-exported for migration-side users. */
export { formatName };
