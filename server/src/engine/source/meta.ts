/**
 * `static Meta = {...}` of a model class -> {@link ModelOptions}, with the
 * checks Django's `Options` and model system checks make
 * (`django/db/models/options.py`, `base.py`: models.E012, E013, E014, E015,
 * E033, E034) and Django's default index names.
 */
import { type SourceLocation, TsMigrateError } from "../errors";
import { defaultIndexName } from "../names";
import { type ConstraintState, type FieldState, type IndexState, type ModelOptions, fieldColumn, isForeignKey, isManyToMany, normalizeTogether } from "../state";
import { CallValue, type ObjectValue, type Value, isObjectValue } from "../values";
import { constraintFromValue, indexFromValue, indexNameProblem, show } from "./field-values";
import { collect } from "./model-file";
import { nearest } from "./q";
import { locationOf, memberLocation, valueLocation } from "./read";

/** Meta keys of the model language (Django's `DEFAULT_NAMES`, camelCase, the ones that make sense here). */
export const META_KEYS = [
  "dbTable", "ordering", "indexes", "constraints", "uniqueTogether", "indexTogether", "verboseName",
  "verboseNamePlural", "managed", "abstract", "getLatestBy", "permissions", "defaultPermissions",
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
 * Reads `meta` (undefined = no Meta) for the concrete model `ctx`, pushing
 * every problem into `errors` (codes `bad-meta`, `unknown-option`,
 * `missing-option`, `bad-option`) and keeping what is valid.
 * Empty `indexes`, `constraints`, `uniqueTogether` and `indexTogether` are
 * left out; `abstract` is never kept (abstract models are not in state).
 */
export function readMeta(meta: Value | undefined, ctx: MetaContext, errors: TsMigrateError[]): MetaResult {
  const options: Record<string, unknown> = {};
  const indexes = new Map<string, SourceLocation>();
  const constraints = new Map<string, SourceLocation>();
  const result: MetaResult = { options: options as ModelOptions, indexes, constraints };
  if (meta === undefined) return result;
  const fallback = locationOf(meta) ?? ctx.location;
  if (!isObjectValue(meta)) {
    errors.push(new TsMigrateError("Meta must be an object literal: static Meta = { ... }", { code: "bad-meta", location: fallback }));
    return result;
  }
  const m: ObjectValue = meta;
  const bad = (key: string, msg: string, at?: SourceLocation) =>
    errors.push(new TsMigrateError(`Meta.${key}: ${msg}`, { code: "bad-meta", location: at ?? valueLocation(m, key) ?? fallback }));
  const table = typeof m.dbTable === "string" && m.dbTable ? m.dbTable : `${ctx.app}_${ctx.name.toLowerCase()}`;

  // Field-name checks (models.E012/E013).
  const checkFields = (option: string, names: readonly string[], at: SourceLocation | undefined, allowDesc: boolean): boolean => {
    let ok = true;
    for (const raw of names) {
      const n = allowDesc && raw.startsWith("-") ? raw.slice(1) : raw;
      const f = ctx.fields.get(n);
      if (!f) {
        const guess = nearest(n, ctx.fields.keys());
        bad(option, `refers to the nonexistent field '${n}' (models.E012)` + (guess ? `; did you mean '${guess}'?` : ""), at);
        ok = false;
      } else if (isManyToMany(f)) {
        bad(option, `refers to a ManyToManyField '${n}', but ManyToManyFields are not permitted in '${option}' (models.E013)`, at);
        ok = false;
      }
    }
    return ok;
  };

  for (const key of Object.keys(m)) {
    const v = m[key]!;
    const at = valueLocation(m, key);
    switch (key) {
      case "abstract":
        if (typeof v !== "boolean") bad(key, `expected true or false, found ${show(v)}`);
        break;
      case "managed":
        if (typeof v !== "boolean") bad(key, `expected true or false, found ${show(v)}`);
        else options[key] = v;
        break;
      case "dbTable":
      case "verboseName":
      case "verboseNamePlural":
      case "defaultRelatedName":
        if (typeof v !== "string" || v.length === 0) bad(key, `expected a non-empty string, found ${show(v)}`);
        else options[key] = v;
        break;
      case "orderWithRespectTo":
        if (typeof v !== "string") bad(key, `expected a field name string, found ${show(v)}`);
        else if (!ctx.fields.has(v) || !isForeignKey(ctx.fields.get(v)!)) bad(key, `expected the name of a ForeignKey of this model, found "${v}"`);
        else options[key] = v;
        break;
      case "getLatestBy":
        if (typeof v === "string" || (Array.isArray(v) && v.every((s) => typeof s === "string"))) options[key] = v;
        else bad(key, `expected a field name or an array of field names, found ${show(v)}`);
        break;
      case "permissions":
        if (Array.isArray(v) && v.every((p) => Array.isArray(p) && p.length === 2 && p.every((s) => typeof s === "string"))) {
          options[key] = v;
        } else {
          bad(key, `expected an array of [codename, name] pairs, found ${show(v)}`);
        }
        break;
      case "defaultPermissions":
        if (Array.isArray(v) && v.every((s) => typeof s === "string")) options[key] = v;
        else bad(key, `expected an array of strings such as ["add", "change", "delete", "view"], found ${show(v)}`);
        break;
      case "ordering": {
        if (!Array.isArray(v) || !v.every((s) => typeof s === "string")) {
          bad(key, `expected an array of field names (even for one field) (models.E014), found ${show(v)}`);
          break;
        }
        let ok = true;
        (v as readonly string[]).forEach((o, i) => {
          if (o === "?") return;
          const n = o.startsWith("-") ? o.slice(1) : o;
          const first = n.split("__")[0]!;
          const f = ctx.fields.get(first);
          const attname = [...ctx.fields].some(([fn, fs]) => isForeignKey(fs) && `${fn}_id` === first);
          const known = first === "pk" || (f !== undefined && !isManyToMany(f)) || attname || ctx.reverseNames.has(first) ||
            (f !== undefined && n.includes("__"));
          if (!known) {
            ok = false;
            bad(key, `refers to the nonexistent field, related field, or lookup '${n}' (models.E015)`, memberLocation(v, i) ?? at);
          }
        });
        if (ok) options[key] = v;
        break;
      }
      case "uniqueTogether":
      case "indexTogether": {
        const t = normalizeTogether(v);
        if (t === undefined) {
          bad(key, `expected an array of arrays of field names, e.g. [["name", "category"]], found ${show(v)}`);
          break;
        }
        if (t.every((l) => checkFields(key, l, at, false)) && t.length > 0) options[key] = t;
        break;
      }
      case "indexes": {
        if (!Array.isArray(v)) {
          bad(key, `expected an array of models.Index({ ... }), found ${show(v)}`);
          break;
        }
        const out: IndexState[] = [];
        (v as readonly Value[]).forEach((iv, i) => {
          const loc = valueLocation(v, i) ?? at;
          try {
            const idx = indexFromValue(iv, { requireName: false, location: loc });
            if (!checkFields("indexes", idx.fields, (iv instanceof CallValue ? valueLocation(iv.args[0], "fields") : undefined) ?? loc, true)) return;
            let name = idx.name;
            if (name === "") {
              const cols = idx.fields.map((f) => {
                const desc = f.startsWith("-");
                const n = desc ? f.slice(1) : f;
                return `${desc ? "-" : ""}${fieldColumn(n, ctx.fields.get(n)!) ?? n}`;
              });
              name = defaultIndexName(table, cols);
            } else {
              name = formatName(name, ctx.app, ctx.name);
              const p = idx.name.includes("%(") ? indexNameProblem(name) : undefined;
              if (p) {
                bad(key, p, loc);
                return;
              }
            }
            if (indexes.has(name)) {
              bad(key, `index name "${name}" is used twice in this model (models.E030)`, loc);
              return;
            }
            indexes.set(name, loc ?? fallback);
            out.push(idx.condition === undefined ? { name, fields: idx.fields } : { name, fields: idx.fields, condition: idx.condition });
          } catch (e) {
            collect(errors, e, loc);
          }
        });
        if (out.length > 0) options[key] = out;
        break;
      }
      case "constraints": {
        if (!Array.isArray(v)) {
          bad(key, `expected an array of models.UniqueConstraint({ ... }) or models.CheckConstraint({ ... }), found ${show(v)}`);
          break;
        }
        const out: ConstraintState[] = [];
        (v as readonly Value[]).forEach((cv, i) => {
          const loc = valueLocation(v, i) ?? at;
          try {
            const c = constraintFromValue(cv, { location: loc });
            if (c.kind === "UniqueConstraint" && !checkFields("constraints", c.fields, loc, false)) return;
            const name = formatName(c.name, ctx.app, ctx.name);
            if (constraints.has(name)) {
              bad(key, `constraint name "${name}" is used twice in this model (models.E032)`, loc);
              return;
            }
            constraints.set(name, loc ?? fallback);
            out.push({ ...c, name });
          } catch (e) {
            collect(errors, e, loc);
          }
        });
        if (out.length > 0) options[key] = out;
        break;
      }
      default: {
        const guess = nearest(key, META_KEYS);
        errors.push(new TsMigrateError(
          `unknown Meta option ${key}` + (guess ? ` (did you mean ${guess}?)` : "") + `; expected one of: ${META_KEYS.join(", ")}`,
          { code: "bad-meta", location: memberLocation(m, key) ?? fallback }));
      }
    }
  }
  if (options.ordering !== undefined && options.orderWithRespectTo !== undefined) {
    bad("ordering", "'ordering' and 'orderWithRespectTo' cannot be used together (models.E021)");
    delete options.ordering;
  }
  return result;
}
