/**
 * `static Meta = {...}` of a model class -> {@link ModelOptions}, with the
 * checks Django's `Options` and model system checks make
 * (`django/db/models/options.py`, `base.py`: models.E012, E013, E014, E015,
 * E033, E034) and Django's default index names.
 */
import type { ErrorCollector, SourceLocation } from "../errors";
import { defaultIndexName } from "../names";
import { type ConstraintState, type FieldState, type IndexState, type ModelOptions, fieldColumn, isForeignKey, isManyToMany, normalizeTogether } from "../state";
import { CallValue, type ObjectValue, type Value, isObjectValue } from "../values";
import { constraintFromValue, indexFromValue, indexNameProblem, show } from "./field-values";
import { nearest } from "./q";
import { locationOf, memberLocation, valueLocation } from "./read";

/** Meta keys of the model language (Django's `DEFAULT_NAMES`, camelCase, the ones that make sense here). */
export const META_KEYS = [
  "dbTable", "ordering", "indexes", "constraints", "uniqueTogether", "indexTogether", "verboseName",
  "verboseNamePlural", "managed", "proxy", "abstract", "getLatestBy", "permissions", "defaultPermissions",
  "defaultRelatedName", "orderWithRespectTo",
] as const;

/** What {@link readMeta} needs to know about the concrete model. */
export interface MetaContext {
  readonly app: string;
  /** Class name (case kept). */
  readonly name: string;
  /** The model's fields, final (inherited ones included). */
  readonly fields: ReadonlyMap<string, FieldState>;
  /** Reverse relation query names usable in `ordering` (from relations pointing at this model). */
  readonly reverseNames: ReadonlySet<string>;
  /** Field names of concrete ancestors (multi-table or proxy parents), usable in `ordering` as Django's lookups span the parent link. */
  readonly inheritedNames?: ReadonlySet<string>;
  /** Where to report problems that have no better place (the Meta property or the class name). */
  readonly location: SourceLocation;
}

/** The options read, with where each index and constraint was written (by final name). */
export interface MetaResult {
  readonly options: ModelOptions;
  readonly indexes: Map<string, SourceLocation>;
  readonly constraints: Map<string, SourceLocation>;
}

/** Django's `%(app_label)s` / `%(class)s` interpolation of index and constraint names (`Options._format_names_with_class`). */
export function formatName(name: string, app: string, className: string): string {
  return name.replaceAll("%(app_label)s", app.toLowerCase()).replaceAll("%(class)s", className.toLowerCase());
}

/**
 * Reads `meta` (undefined = no Meta) for the concrete model `ctx`, adding
 * every problem to `errors` (codes `bad-meta`, `unknown-option`,
 * `missing-option`, `bad-option`) and keeping what is valid.
 * Empty `indexes`, `constraints`, `uniqueTogether` and `indexTogether` are
 * left out; `abstract` is never kept (abstract models are not in state).
 */
export function readMeta(meta: Value | undefined, ctx: MetaContext, errors: ErrorCollector): MetaResult {
  const result: MetaResult = { options: {} as ModelOptions, indexes: new Map(), constraints: new Map() };
  if (meta === undefined) return result;
  const fallback = locationOf(meta) ?? ctx.location;
  if (!isObjectValue(meta)) {
    errors.add("Meta must be an object literal: static Meta = { ... }", "bad-meta", fallback);
    return result;
  }
  const r = new MetaReader(meta, ctx, errors, fallback, result);
  for (const key of Object.keys(meta)) r.read(key);
  const options = result.options as Record<string, unknown>;
  if (options.ordering !== undefined && options.orderWithRespectTo !== undefined) {
    r.bad("ordering", "'ordering' and 'orderWithRespectTo' cannot be used together (models.E021)");
    delete options.ordering;
  }
  return result;
}

/** Reads one Meta object entry by entry (one method per kind of entry). */
class MetaReader {
  private readonly options: Record<string, unknown>;
  private readonly table: string;

  constructor(
    private readonly m: ObjectValue, private readonly ctx: MetaContext, private readonly errors: ErrorCollector,
    private readonly fallback: SourceLocation, private readonly result: MetaResult,
  ) {
    this.options = result.options as Record<string, unknown>;
    this.table = typeof m.dbTable === "string" && m.dbTable ? m.dbTable : `${ctx.app}_${ctx.name.toLowerCase()}`;
  }

  /** A `bad-meta` problem about `key`, at `at` or where the key's value is written. */
  bad(key: string, msg: string, at?: SourceLocation): void {
    this.errors.add(`Meta.${key}: ${msg}`, "bad-meta", at ?? valueLocation(this.m, key) ?? this.fallback);
  }

  /** Reads the entry `key`, keeping it in the options when valid. */
  read(key: string): void {
    const v = this.m[key]!;
    switch (key) {
      case "abstract":
      case "managed":
      case "proxy":
        if (typeof v !== "boolean") this.bad(key, `expected true or false, found ${show(v)}`);
        else if (key !== "abstract") this.options[key] = v;
        return;
      case "dbTable": case "verboseName": case "verboseNamePlural": case "defaultRelatedName":
        if (typeof v !== "string" || v.length === 0) this.bad(key, `expected a non-empty string, found ${show(v)}`);
        else this.options[key] = v;
        return;
      case "orderWithRespectTo": return this.orderWithRespectTo(v);
      case "getLatestBy":
        return this.keepIf(key, v, typeof v === "string" || isStringArray(v), "a field name or an array of field names");
      case "permissions":
        return this.keepIf(key, v, Array.isArray(v) && v.every((p) => isStringArray(p) && p.length === 2),
          "an array of [codename, name] pairs");
      case "defaultPermissions":
        return this.keepIf(key, v, isStringArray(v), `an array of strings such as ["add", "change", "delete", "view"]`);
      case "ordering": return this.ordering(v);
      case "uniqueTogether": case "indexTogether": return this.together(key, v);
      case "indexes": return this.indexes(v);
      case "constraints": return this.constraints(v);
      case "appLabel":
        return this.bad(key, `a model's app is the folder of its models.ts (here "${this.ctx.app}"); move the model to the ` +
          `models.ts of the app it belongs to, or give the folder another label in tsmigrate.config.json`);
      default: {
        const guess = nearest(key, META_KEYS);
        this.errors.add(`unknown Meta option ${key}` + (guess ? ` (did you mean ${guess}?)` : "") +
          `; expected one of: ${META_KEYS.join(", ")}`, "bad-meta", memberLocation(this.m, key) ?? this.fallback);
      }
    }
  }

  private keepIf(key: string, v: Value, ok: boolean, expected: string): void {
    if (ok) this.options[key] = v;
    else this.bad(key, `expected ${expected}, found ${show(v)}`);
  }

  private orderWithRespectTo(v: Value): void {
    const key = "orderWithRespectTo";
    if (typeof v !== "string") this.bad(key, `expected a field name string, found ${show(v)}`);
    else if (!this.ctx.fields.has(v) || !isForeignKey(this.ctx.fields.get(v)!)) {
      this.bad(key, `expected the name of a ForeignKey of this model, found "${v}"`);
    } else this.options[key] = v;
  }

  /**
   * The field named `name`, or by its column when it is a foreign key's
   * attname (`project_id`, accepted in indexes, constraints and
   * `*Together` as Django 3.2 accepts it); a leading `-` is kept.
   */
  private fieldName(name: string): string {
    const desc = name.startsWith("-") ? "-" : "";
    const n = name.slice(desc.length);
    if (this.ctx.fields.has(n) || !n.endsWith("_id")) return name;
    const fk = n.slice(0, -3);
    const f = this.ctx.fields.get(fk);
    return f && isForeignKey(f) ? desc + fk : name;
  }

  private fieldNames(names: readonly string[]): string[] {
    return names.map((n) => this.fieldName(n));
  }

  /** Field-name checks (models.E012/E013); true when every name is a usable field. */
  private checkFields(option: string, names: readonly string[], at: SourceLocation | undefined, allowDesc: boolean): boolean {
    let ok = true;
    for (const raw of names) {
      const n = allowDesc && raw.startsWith("-") ? raw.slice(1) : raw;
      const f = this.ctx.fields.get(n);
      if (!f) {
        const guess = nearest(n, this.ctx.fields.keys());
        this.bad(option, `refers to the nonexistent field '${n}' (models.E012)` + (guess ? `; did you mean '${guess}'?` : ""), at);
        ok = false;
      } else if (isManyToMany(f)) {
        this.bad(option, `refers to a ManyToManyField '${n}', but ManyToManyFields are not permitted in '${option}' (models.E013)`, at);
        ok = false;
      }
    }
    return ok;
  }

  /** Django's models.E014/E015 checks of `ordering`. */
  private ordering(v: Value): void {
    const key = "ordering";
    if (!isStringArray(v)) {
      this.bad(key, `expected an array of field names (even for one field) (models.E014), found ${show(v)}`);
      return;
    }
    let ok = true;
    v.forEach((o, i) => {
      if (o === "?" || this.knownOrdering(o)) return;
      ok = false;
      this.bad(key, `refers to the nonexistent field, related field, or lookup '${o.replace(/^-/, "")}' (models.E015)`,
        memberLocation(v, i) ?? valueLocation(this.m, key));
    });
    if (ok) this.options[key] = v;
  }

  private knownOrdering(o: string): boolean {
    const n = o.startsWith("-") ? o.slice(1) : o;
    const first = n.split("__")[0]!;
    const f = this.ctx.fields.get(first);
    const attname = [...this.ctx.fields].some(([fn, fs]) => isForeignKey(fs) && `${fn}_id` === first);
    return first === "pk" || (f !== undefined && !isManyToMany(f)) || attname || this.ctx.reverseNames.has(first) ||
      this.ctx.inheritedNames?.has(first) === true ||
      (f !== undefined && n.includes("__"));
  }

  /** `uniqueTogether` / `indexTogether`: a list of field-name lists, one list, or null (Django's `None`: none). */
  private together(key: "uniqueTogether" | "indexTogether", v: Value): void {
    if (v === null) return;
    const t = normalizeTogether(v)?.map((names) => this.fieldNames(names));
    if (t === undefined) {
      this.bad(key, `expected an array of arrays of field names, e.g. [["name", "category"]], found ${show(v)}`);
      return;
    }
    const at = valueLocation(this.m, key);
    if (t.every((l) => this.checkFields(key, l, at, false)) && t.length > 0) this.options[key] = t;
  }

  private indexes(v: Value): void {
    if (!Array.isArray(v)) {
      this.bad("indexes", `expected an array of models.Index({ ... }), found ${show(v)}`);
      return;
    }
    const out: IndexState[] = [];
    (v as readonly Value[]).forEach((iv, i) => {
      const loc = valueLocation(v, i) ?? valueLocation(this.m, "indexes");
      const idx = this.errors.attempt(() => this.index(iv, loc));
      if (idx) out.push(idx);
    });
    if (out.length > 0) this.options.indexes = out;
  }

  /** One `models.Index(...)` with its final name (Django's default name when unnamed); undefined when in error. */
  private index(iv: Value, loc: SourceLocation | undefined): IndexState | undefined {
    const read = indexFromValue(iv, { requireName: false, location: loc });
    const idx = { ...read, fields: this.fieldNames(read.fields) };
    const fieldsAt = (iv instanceof CallValue ? valueLocation(iv.args[0], "fields") : undefined) ?? loc;
    if (!this.checkFields("indexes", idx.fields, fieldsAt, true)) return undefined;
    let name = idx.name;
    if (name === "") {
      name = defaultIndexName(this.table, idx.fields.map((f) => {
        const desc = f.startsWith("-");
        const n = desc ? f.slice(1) : f;
        return `${desc ? "-" : ""}${fieldColumn(n, this.ctx.fields.get(n)!) ?? n}`;
      }));
    } else {
      name = formatName(name, this.ctx.app, this.ctx.name);
      const p = idx.name.includes("%(") ? indexNameProblem(name) : undefined;
      if (p) return void this.bad("indexes", p, loc);
    }
    if (this.result.indexes.has(name)) return void this.bad("indexes", `index name "${name}" is used twice in this model (models.E030)`, loc);
    this.result.indexes.set(name, loc ?? this.fallback);
    return idx.condition === undefined ? { name, fields: idx.fields } : { name, fields: idx.fields, condition: idx.condition };
  }

  private constraints(v: Value): void {
    if (!Array.isArray(v)) {
      this.bad("constraints", `expected an array of models.UniqueConstraint({ ... }) or models.CheckConstraint({ ... }), found ${show(v)}`);
      return;
    }
    const out: ConstraintState[] = [];
    (v as readonly Value[]).forEach((cv, i) => {
      const loc = valueLocation(v, i) ?? valueLocation(this.m, "constraints");
      const c = this.errors.attempt(() => this.constraint(cv, loc));
      if (c) out.push(c);
    });
    if (out.length > 0) this.options.constraints = out;
  }

  private constraint(cv: Value, loc: SourceLocation | undefined): ConstraintState | undefined {
    const read = constraintFromValue(cv, { location: loc });
    const c = read.kind === "UniqueConstraint" ? { ...read, fields: this.fieldNames(read.fields) } : read;
    if (c.kind === "UniqueConstraint" && !this.checkFields("constraints", c.fields, loc, false)) return undefined;
    const name = formatName(c.name, this.ctx.app, this.ctx.name);
    if (this.result.constraints.has(name)) {
      return void this.bad("constraints", `constraint name "${name}" is used twice in this model (models.E032)`, loc);
    }
    this.result.constraints.set(name, loc ?? this.fallback);
    return { ...c, name };
  }
}

function isStringArray(v: Value | undefined): v is readonly string[] {
  return Array.isArray(v) && v.every((s) => typeof s === "string");
}
