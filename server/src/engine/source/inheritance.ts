/**
 * Model inheritance as Django's `ModelBase.__new__` and `Options._prepare`
 * (Django 3.2, `django/db/models/base.py`, `options.py`) read it, for the
 * model reader: a class's `extends` chain split into the part its concrete
 * parent owns and its own part, the parent link of multi-table inheritance
 * (`<parent>_ptr`), and the rules of proxy models.
 *
 * TypeScript classes have one base, so a model has at most one concrete (or
 * proxy) parent: Django's `bases` is that parent's label, or `models.Model`.
 */
import type { ErrorCollector, SourceLocation } from "../errors";
import { type FieldState, type ModelOptions, fieldOption, makeField } from "../state";
import { type Value, isObjectValue } from "../values";

/** One class of a model's `extends` chain: its name, whether it is abstract, and where it is written. */
export interface ChainClass {
  readonly name: string;
  readonly abstract: boolean;
  readonly location: SourceLocation;
  readonly baseLocation?: SourceLocation;
}

/**
 * A model's chain (root first, the model last) split at its nearest
 * non-abstract ancestor: `parent` is that ancestor's index in the chain
 * (undefined when every ancestor is abstract), `local` the indexes of the
 * classes whose fields and Meta are the model's own (abstract ancestors
 * after the parent, then the model). Undefined, with an error, when an
 * abstract class extends a concrete model (its fields would belong to two
 * tables).
 */
export function splitChain<T extends ChainClass>(
  chain: readonly T[], errors: ErrorCollector,
): { parent?: T; local: readonly T[] } | undefined {
  let parentIndex = -1;
  for (let i = chain.length - 2; i >= 0; i--) {
    if (!chain[i]!.abstract) {
      parentIndex = i;
      break;
    }
  }
  const local = chain.slice(parentIndex + 1);
  if (parentIndex < 0) return { local };
  const parent = chain[parentIndex]!;
  const abstractChild = local.slice(0, -1)[0];
  if (abstractChild) {
    errors.add(`the abstract model ${abstractChild.name} extends the concrete model ${parent.name}; an abstract model ` +
      `extends models.Model or another abstract model`, "bad-model", abstractChild.baseLocation ?? abstractChild.location);
    return undefined;
  }
  return { parent, local };
}

/**
 * The parent link Django creates for multi-table inheritance:
 * `OneToOneField(parent, on_delete=CASCADE, auto_created=True,
 * parent_link=True)`, named `<parent model name>_ptr`; it is the primary key
 * (`serialize=False`) unless the model declares one (`Options._prepare`).
 */
export function autoParentLink(parentKey: string, parentName: string, isPrimaryKey: boolean): [string, FieldState] {
  return [`${parentName.toLowerCase()}_ptr`, makeField("OneToOneField", {
    autoCreated: true, onDelete: "CASCADE", parentLink: true, primaryKey: isPrimaryKey || undefined,
    serialize: isPrimaryKey ? false : undefined, to: parentKey,
  })];
}

/** The name of a field declared as the parent link (`parentLink: true` to `parentKey`), if any. */
export function declaredParentLink(fields: ReadonlyMap<string, FieldState>, parentKey: string): string | undefined {
  for (const [name, f] of fields) {
    if (f.type === "OneToOneField" && f.options.parentLink === true && f.options.to === parentKey) return name;
  }
  return undefined;
}

/**
 * The fields of a multi-table child: the parent link first (auto-created,
 * or the declared one made the primary key as Django's `setup_pk` does),
 * then the child's own fields.
 */
export function withParentLink(
  fields: ReadonlyMap<string, FieldState>, parentKey: string, parentName: string,
): Map<string, FieldState> {
  const hasPk = [...fields.values()].some((f) => fieldOption(f, "primaryKey") === true);
  const declared = declaredParentLink(fields, parentKey);
  if (declared !== undefined) {
    if (hasPk) return new Map(fields);
    const f = fields.get(declared)!;
    const out = new Map(fields);
    out.set(declared, makeField(f.type, { ...f.options, primaryKey: true, serialize: false }));
    return out;
  }
  return new Map([autoParentLink(parentKey, parentName, !hasPk), ...fields]);
}

/** True when the Meta in effect says `proxy: true`. */
export function isProxyMeta(meta: Value | undefined): boolean {
  return isObjectValue(meta) && meta.proxy === true;
}

/** Meta options a proxy model cannot have: they describe a table, and a proxy has none (its model's table is used). */
const TABLE_OPTIONS = ["dbTable", "indexes", "constraints", "uniqueTogether", "indexTogether"] as const;

/**
 * Django's proxy rules: a proxy extends a concrete or proxy model
 * (models.E017 "has no non-abstract model base class") and declares no
 * fields ("contains model fields"); options that describe a table are
 * rejected here (Django ignores or rejects them later). Returns false, with
 * errors, when the proxy cannot be a model.
 */
export function checkProxy(
  name: string, location: SourceLocation, hasParent: boolean, fieldLocations: readonly SourceLocation[], errors: ErrorCollector,
): boolean {
  if (!hasParent) {
    errors.add(`Proxy model '${name}' has no non-abstract model base class (models.E017); a proxy extends a concrete model ` +
      `(class ${name} extends Product { static Meta = { proxy: true } })`, "bad-model", location);
    return false;
  }
  for (const at of fieldLocations) {
    errors.add(`Proxy model '${name}' contains model fields: a proxy has no table of its own; move the field to the model it extends, ` +
      `or drop proxy: true for multi-table inheritance`, "bad-model", at);
  }
  return fieldLocations.length === 0;
}

/** Errors for Meta options of a proxy that describe a table; the options kept are the others. */
export function proxyOptions(options: ModelOptions, name: string, at: (key: string) => SourceLocation, errors: ErrorCollector): ModelOptions {
  const out: Record<string, unknown> = { ...options };
  for (const key of TABLE_OPTIONS) {
    if (options[key] === undefined) continue;
    errors.add(`Meta.${key}: proxy model '${name}' has no table of its own (it uses its model's); declare ${key} on the concrete model`,
      "bad-meta", at(key));
    delete out[key];
  }
  return out as ModelOptions;
}
