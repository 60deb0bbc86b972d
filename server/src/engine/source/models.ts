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
import type { ProjectConfig } from "../config";
import { type SourceLocation, TsMigrateError } from "../errors";
import { FIELD_SPECS } from "../fields";
import { type FieldState, ModelState, ProjectState, fieldOption, isManyToMany, makeField, modelKey } from "../state";
import { RefValue, type Value } from "../values";
import { type FieldContext, fieldFromCall, show } from "./field-values";
import { formatName, readMeta } from "./meta";
import { type ParsedClass, type ParsedModelFile, collect, parseModelFile } from "./model-file";
import { nearest } from "./q";

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

/** A concrete model found: its key and its class chain, root first. */
interface Concrete {
  readonly key: string;
  readonly app: string;
  readonly ref: ClassRef;
  readonly chain: readonly ClassRef[];
}

const MODEL_BASE = "models.Model";

/**
 * Joins parsed model files into project state.
 *
 * @param files one parse per app models file (files of apps not in `config` are ignored)
 * @param config apps (labels, files) and `defaultAutoField`
 * @returns state, locations and all errors (never throws for bad user code)
 */
export function resolveModels(files: readonly ParsedModelFile[], config: ProjectConfig): LoadedModels {
  const errors: TsMigrateError[] = [];
  const locations = new Map<string, ModelLocations>();
  const appLabels = new Set(config.apps.map((a) => a.label));
  const appOrder = new Map(config.apps.map((a, i) => [a.label, i]));
  const used = [...files].filter((f) => appLabels.has(f.app))
    .sort((a, b) => (appOrder.get(a.app)! - appOrder.get(b.app)!));
  for (const f of used) errors.push(...f.errors);

  // Module path (extension stripped) or app folder -> file, for relative imports.
  const modules = new Map<string, ParsedModelFile>();
  for (const f of used) {
    modules.set(f.file.replace(/\.(ts|tsx|js|mjs|cjs|mts|cts)$/, ""), f);
    if (!modules.has(path.dirname(f.file))) modules.set(path.dirname(f.file), f);
  }
  const byFile = (moduleNoExt: string) => modules.get(moduleNoExt);
  /** A class visible under `name` in `file`: declared there or imported from another models file. */
  const lookupClass = (file: ParsedModelFile, name: string): ClassRef | undefined => {
    const local = file.classes.find((c) => c.name === name);
    if (local) return { file, cls: local };
    const imp = file.imports.get(name);
    if (!imp || !imp.relative) return undefined;
    const other = byFile(imp.module);
    const cls = other?.classes.find((c) => c.name === imp.name);
    return other && cls ? { file: other, cls } : undefined;
  };

  /** The chain root..self when `ref` is a model class (extends reaches models.Model), else undefined. */
  const chainCache = new Map<ParsedClass, readonly ClassRef[] | null>();
  const chainOf = (ref: ClassRef, seen: Set<ParsedClass> = new Set()): readonly ClassRef[] | undefined => {
    const cached = chainCache.get(ref.cls);
    if (cached !== undefined) return cached ?? undefined;
    if (seen.has(ref.cls) || !ref.cls.base) return undefined;
    seen.add(ref.cls);
    let chain: readonly ClassRef[] | undefined;
    if (ref.cls.base === MODEL_BASE) chain = [ref];
    else if (!ref.cls.base.includes(".")) {
      const parent = lookupClass(ref.file, ref.cls.base);
      const pc = parent ? chainOf(parent, seen) : undefined;
      chain = pc ? [...pc, ref] : undefined;
    }
    chainCache.set(ref.cls, chain ?? null);
    return chain;
  };

  // Pass 1: concrete models and their keys.
  const concretes: Concrete[] = [];
  const byKey = new Map<string, Concrete>();
  const byClass = new Map<ParsedClass, Concrete>();
  const abstracts: ClassRef[] = [];
  for (const file of used) {
    for (const cls of file.classes) {
      const ref = { file, cls };
      const chain = chainOf(ref);
      if (!chain) continue;
      if (cls.abstract) {
        abstracts.push(ref);
        continue;
      }
      const concreteParent = chain.slice(0, -1).find((c) => !c.cls.abstract);
      if (concreteParent) {
        errors.push(new TsMigrateError(
          `${cls.name} extends the concrete model ${concreteParent.cls.name}: multi-table inheritance is not supported; ` +
            `make ${concreteParent.cls.name} abstract (Meta.abstract: true) or extend models.Model`,
          { code: "bad-model", location: cls.baseLocation ?? cls.location }));
        continue;
      }
      const key = modelKey(file.app, cls.name);
      if (byKey.has(key)) {
        errors.push(new TsMigrateError(`model ${cls.name} is declared twice in app ${file.app}`,
          { code: "bad-model", location: cls.location }));
        continue;
      }
      const c: Concrete = { key, app: file.app, ref, chain };
      concretes.push(c);
      byKey.set(key, c);
      byClass.set(cls, c);
    }
  }

  const expectedTarget = (app: string) =>
    `expected a model class, a model name of app ${app} ("Category"), "app.Model" or "self"`;
  /** A FieldContext for fields written in `defFile`, belonging to model `selfKey` of `app`. */
  const contextFor = (defFile: ParsedModelFile, app: string, selfKey: string, location: SourceLocation): FieldContext => ({
    location,
    resolveTarget(target: Value, option: "to" | "through", loc: SourceLocation | undefined): string {
      const unknown = (what: string, guessFrom?: Iterable<string>) => {
        const guess = guessFrom ? nearest(what, guessFrom) : undefined;
        return new TsMigrateError(`unknown model ${what}` + (guess ? ` (did you mean ${guess}?)` : "") + `; ${expectedTarget(app)}`,
          { code: "unknown-model", location: loc });
      };
      if (typeof target === "string") {
        if (target === "self") return selfKey;
        const dot = target.indexOf(".");
        if (dot < 0) {
          const key = modelKey(app, target);
          if (byKey.has(key)) return key;
          throw unknown(`"${target}"`, concretes.filter((c) => c.app === app).map((c) => c.ref.cls.name));
        }
        const [a, m] = [target.slice(0, dot), target.slice(dot + 1)];
        if (!appLabels.has(a)) {
          throw new TsMigrateError(`unknown app "${a}" in "${target}"; installed apps: ${[...appLabels].join(", ")}`,
            { code: "unknown-model", location: loc });
        }
        const key = modelKey(a, m);
        if (byKey.has(key)) return key;
        throw unknown(`"${target}"`, concretes.filter((c) => c.app === a).map((c) => `${a}.${c.ref.cls.name}`));
      }
      if (target instanceof RefValue && !target.name.includes(".")) {
        const ref = lookupClass(defFile, target.name);
        if (!ref) {
          throw unknown(target.name, defFile.classes.map((c) => c.name));
        }
        const c = byClass.get(ref.cls);
        if (!c) {
          const why = ref.cls.abstract ? "is abstract" : "is not a model (it does not extend models.Model)";
          throw new TsMigrateError(`${option === "to" ? "relation" : "through"} target ${target.name} ${why} (fields.E300); ${expectedTarget(app)}`,
            { code: "unknown-model", location: loc });
        }
        return c.key;
      }
      throw new TsMigrateError(`${option === "to" ? "relation target" : "through"}: ${expectedTarget(app)}, found ${show(target)}`,
        { code: "bad-option", location: loc });
    },
  });

  // Pass 2: fields of each concrete model.
  interface Built { c: Concrete; fields: Map<string, FieldState>; fieldLocs: Map<string, SourceLocation>; meta?: Value; metaLoc?: SourceLocation }
  const built: Built[] = [];
  for (const c of concretes) {
    try {
      built.push(buildFields(c));
    } catch (e) {
      collect(errors, e, c.ref.cls.location);
    }
  }
  function buildFields(c: Concrete): Built {
    const own = c.ref.cls;
    // Meta in effect: own, else the nearest abstract ancestor's (Django inherits the parent's Meta class).
    let metaRef: ClassRef | undefined;
    for (let i = c.chain.length - 1; i >= 0 && !metaRef; i--) if (c.chain[i]!.cls.meta !== undefined) metaRef = c.chain[i];
    const meta = metaRef?.cls.meta;
    const defaultRelatedName = meta && typeof meta === "object" && !Array.isArray(meta) && typeof (meta as Record<string, Value>).defaultRelatedName === "string"
      ? (meta as Record<string, string>).defaultRelatedName : undefined;
    const fields = new Map<string, FieldState>();
    const fieldLocs = new Map<string, SourceLocation>();
    const fmt = (s: string) => s.replaceAll("%(class)s", own.name.toLowerCase()).replaceAll("%(model_name)s", own.name.toLowerCase())
      .replaceAll("%(app_label)s", c.app.toLowerCase());
    // Parent fields first; a child's field of the same name replaces the parent's (Django: not copied).
    const declared = new Map<string, { ref: ClassRef; field: ParsedClass["fields"][number] }>();
    for (const ref of c.chain) {
      for (const f of ref.cls.fields) {
        declared.delete(f.name);
        declared.set(f.name, { ref, field: f });
      }
    }
    for (const { ref, field } of declared.values()) {
      const problem = fieldNameProblem(field.name);
      if (problem) {
        errors.push(new TsMigrateError(problem, { code: "bad-field-name", location: field.nameLocation }));
        continue;
      }
      try {
        let fs = fieldFromCall(field.call, contextFor(ref.file, c.app, c.key, field.location));
        const spec = FIELD_SPECS[fs.type];
        if (spec.relation) {
          const opts: Record<string, Value> = { ...fs.options };
          if (opts.relatedName === undefined && defaultRelatedName !== undefined) opts.relatedName = defaultRelatedName;
          for (const k of ["relatedName", "relatedQueryName"]) if (typeof opts[k] === "string") opts[k] = fmt(opts[k] as string);
          fs = makeField(fs.type, opts);
        }
        fields.set(field.name, fs);
        fieldLocs.set(field.name, field.location);
      } catch (e) {
        collect(errors, e, field.location);
      }
    }
    // Django: local_fields, then many-to-many fields.
    const ordered = new Map<string, FieldState>();
    for (const [n, f] of fields) if (!isManyToMany(f)) ordered.set(n, f);
    for (const [n, f] of fields) if (isManyToMany(f)) ordered.set(n, f);
    const pks = [...ordered].filter(([, f]) => fieldOption(f, "primaryKey") === true);
    if (pks.length > 1) {
      errors.push(new TsMigrateError(
        `The model cannot have more than one field with primaryKey: true (models.E026): ${pks.map(([n]) => n).join(", ")}`,
        { code: "bad-option", location: fieldLocs.get(pks[1]![0]) ?? own.location }));
    }
    let result = ordered;
    if (pks.length === 0) {
      if (ordered.has("id")) {
        errors.push(new TsMigrateError(
          "'id' can only be used as a field name if the field also sets primaryKey: true (models.E004)",
          { code: "bad-field-name", location: fieldLocs.get("id") ?? own.location }));
        ordered.delete("id");
      }
      result = new Map([["id", makeField(config.defaultAutoField, {
        autoCreated: true, primaryKey: true, serialize: false, verboseName: "ID",
      })], ...ordered]);
      fieldLocs.set("id", own.location);
    }
    return { c, fields: result, fieldLocs, meta, metaLoc: metaRef?.cls.metaLocation };
  }

  // Reverse query names for `ordering` (Django's related_query_name()).
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

  // Pass 3: Meta, state, locations; project-wide name checks (models.E029/E031).
  const state = new ProjectState();
  const indexOwners = new Map<string, string>();
  const constraintOwners = new Map<string, string>();
  for (const b of built) {
    const own = b.c.ref.cls;
    const metaErrors: TsMigrateError[] = [];
    const m = readMeta(b.meta, {
      app: b.c.app, name: own.name, fields: b.fields, reverseNames: reverse.get(b.c.key) ?? new Set(),
      location: b.metaLoc ?? own.location,
    }, metaErrors);
    errors.push(...metaErrors);
    for (const [name, loc] of m.indexes) {
      const other = indexOwners.get(name);
      if (other !== undefined && other !== b.c.key) {
        errors.push(new TsMigrateError(`index name "${name}" is not unique among models: ${other}, ${b.c.key} (models.E029)`,
          { code: "bad-meta", location: loc }));
      }
      indexOwners.set(name, b.c.key);
    }
    for (const [name, loc] of m.constraints) {
      const other = constraintOwners.get(name);
      if (other !== undefined && other !== b.c.key) {
        errors.push(new TsMigrateError(`constraint name "${name}" is not unique among models: ${other}, ${b.c.key} (models.E031)`,
          { code: "bad-meta", location: loc }));
      }
      constraintOwners.set(name, b.c.key);
    }
    state.put(new ModelState(b.c.app, own.name, b.fields, m.options));
    locations.set(b.c.key, {
      model: own.location, fields: b.fieldLocs, meta: b.metaLoc, indexes: m.indexes, constraints: m.constraints,
    });
  }

  // Abstract classes nobody extends still get their fields checked.
  const extended = new Set(concretes.flatMap((c) => c.chain.map((r) => r.cls)));
  for (const ref of abstracts) {
    if (extended.has(ref.cls)) continue;
    for (const f of ref.cls.fields) {
      try {
        fieldFromCall(f.call, contextFor(ref.file, ref.file.app, modelKey(ref.file.app, ref.cls.name), f.location));
      } catch (e) {
        collect(errors, e, f.location);
      }
    }
  }
  return { state, locations, errors: sortErrors(dedupe(errors)) };
}

/** Django's field-name checks (fields.E001-E003). */
function fieldNameProblem(name: string): string | undefined {
  if (name.endsWith("_")) return `field name ${name} must not end with an underscore (fields.E001)`;
  if (name.includes("__")) return `field name ${name} must not contain "__" (fields.E002)`;
  if (name === "pk") return "'pk' is a reserved word that cannot be used as a field name (fields.E003)";
  return undefined;
}

/** Stable sort by file, line, column; errors without a location last. */
function sortErrors(errors: TsMigrateError[]): TsMigrateError[] {
  return errors.map((e, i) => ({ e, i })).sort((a, b) => {
    const la = a.e.location;
    const lb = b.e.location;
    if (!la || !lb) return (la ? 0 : 1) - (lb ? 0 : 1) || a.i - b.i;
    return la.file < lb.file ? -1 : la.file > lb.file ? 1 : la.line - lb.line || la.column - lb.column || a.i - b.i;
  }).map((x) => x.e);
}

function dedupe(errors: TsMigrateError[]): TsMigrateError[] {
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
 * text, used instead of the file on disk.
 */
export function loadModels(config: ProjectConfig, overrides?: ReadonlyMap<string, string>): LoadedModels {
  const parsed: ParsedModelFile[] = [];
  const readErrors: TsMigrateError[] = [];
  for (const app of config.apps) {
    let text = overrides?.get(app.modelsFile);
    if (text === undefined) {
      try {
        text = fs.readFileSync(app.modelsFile, "utf8");
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT" || (e as NodeJS.ErrnoException).code === "ENOTDIR") continue;
        readErrors.push(new TsMigrateError(`cannot read ${app.modelsFile}: ${(e as Error).message}`,
          { code: "io", location: { file: app.modelsFile, line: 1, column: 1 } }));
        continue;
      }
    }
    parsed.push(parseModelFile(app.label, app.modelsFile, text));
  }
  const loaded = resolveModels(parsed, config);
  return readErrors.length ? { ...loaded, errors: [...readErrors, ...loaded.errors] } : loaded;
}

/** Index and constraint name formatting, re-exported for migration-side users. */
export { formatName };
