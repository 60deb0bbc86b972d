/**
 * The autodetector's handling of model inheritance (Django 3.2,
 * `django/db/migrations/autodetector.py`): the dependencies of a created
 * model on its bases (`generate_created_models`), proxy models
 * (`generate_created_proxies`, `generate_deleted_proxies`), and changes of a
 * model's parent, which Django 3.2 does not detect.
 */
import { TsMigrateError } from "../errors";
import { AlterField } from "../operations/fields";
import { CreateModel, DeleteModel } from "../operations/models";
import { type ModelState, isManyToMany } from "../state";
import type { Dependency } from "./deps";
import { type Detector, appOf, modelOf } from "./detector";

/**
 * Django's "Depend on all bases" of `generate_created_models` and
 * `generate_created_proxies`: the base's creation, and (created models
 * only) the removal of a base field the new model declares again (a field
 * moved from the parent to a new child).
 */
export function baseDependencies(d: Detector, model: ModelState, movedFields: boolean): Dependency[] {
  const out: Dependency[] = [];
  for (const base of model.bases) {
    const app = appOf(base);
    const name = modelOf(base);
    out.push({ app, model: name, field: null, kind: true });
    if (!movedFields) continue;
    const oldBase = d.from.models.get(base);
    const newBase = d.to.models.get(base);
    if (!oldBase || !newBase) continue;
    for (const f of oldBase.fields.keys()) {
      if (!newBase.fields.has(f) && model.fields.has(f)) out.push({ app, model: name, field: f, kind: false });
    }
  }
  return out;
}

/**
 * Django's `generate_deleted_proxies`: DeleteModel for each proxy gone (it
 * runs no SQL). Unlike Django, the DeleteModel comes after the removal or
 * change of the relations pointing at the proxy, as `generate_deleted_models`
 * orders it for a concrete model: Django may put it first, leaving a state
 * whose relation names no model, which unapplying the migration then
 * cannot use.
 */
export function generateDeletedProxies(d: Detector): void {
  const deleted = [...d.oldProxyKeys].filter((k) => !d.newProxyKeys.has(k)).sort();
  for (const key of deleted) {
    const model = d.from.models.get(key)!;
    const deps: Dependency[] = [];
    // A proxy turned concrete keeps its relations (generateSwitchedRelations alters them after the CreateModel).
    for (const r of d.to.models.has(key) ? [] : d.reverseOld(key, true)) {
      deps.push({ app: r.owner.app, model: r.owner.nameLower, field: r.name, kind: false });
      if (!isManyToMany(r.field)) deps.push({ app: r.owner.app, model: r.owner.nameLower, field: r.name, kind: "alter" });
    }
    d.addOperation(model.app, new DeleteModel(model.name), deps);
  }
}

/**
 * Django's `generate_created_proxies`: CreateModel with no fields, the
 * proxy's options and bases, after the deletion of a non-proxy model of the
 * same name (a model turned into a proxy) and after its bases' creation.
 */
export function generateCreatedProxies(d: Detector): void {
  const added = [...d.newProxyKeys].filter((k) => !d.oldProxyKeys.has(k)).sort();
  for (const key of added) {
    const model = d.to.models.get(key)!;
    const deps: Dependency[] = [{ app: model.app, model: model.nameLower, field: null, kind: false }, ...baseDependencies(d, model, false)];
    d.addOperation(model.app, new CreateModel(model.name, [], model.options, model.bases), deps);
  }
}

/**
 * Changes of a kept model's parent (models.Model -> a concrete model, one
 * parent -> another, a proxy's model): Django 3.2's autodetector does not
 * compare bases, so it writes field operations that cannot apply (a new
 * `<parent>_ptr` primary key beside the old `id`) or nothing at all (a
 * proxy's new model). tsmigrate stops with this error instead.
 * @throws TsMigrateError code `inheritance-change` naming each changed model.
 */
export function checkBaseChanges(d: Detector): void {
  const problems: string[] = [];
  for (const [key, model] of d.to.models) {
    const old = d.from.models.get(d.renamedModels.get(key) ?? key);
    if (!old || old.isProxy !== model.isProxy) continue; // a proxy <-> concrete switch is a delete and a create
    if (old.bases.join(",") === model.bases.join(",")) continue;
    const show = (m: ModelState) => (m.bases.length ? m.bases.join(", ") : "models.Model");
    problems.push(`${model.app}.${model.name} (extends ${show(old)} in the migrations, ${show(model)} in the models)`);
  }
  if (!problems.length) return;
  throw new TsMigrateError(
    `the parent of a model changed: ${problems.join("; ")}. Changing the class a model extends (adding, removing or ` +
      `replacing a concrete or proxy parent) is not supported: Django's makemigrations does not detect it either. ` +
      `Remove the model in one migration and add it back with its new parent in the next, or write the migration by hand ` +
      `(RunSQL to move the rows)`,
    { code: "inheritance-change" },
  );
}

/**
 * Django's "Fix relationships if the model changed from a proxy model to a
 * concrete model" (`generate_created_models`): a relation to a proxy that
 * becomes a concrete model keeps its state but now references the new
 * table, so it gets an AlterField after the new model's CreateModel.
 * Unlike Django, only relations that existed before are altered (Django
 * also alters relations added in the same step, and its migration then
 * fails: "Tag has no field named ..."). The other way (a concrete model
 * with relations pointing at it turned into a proxy) is rejected: Django
 * drops the table its relations reference.
 * @throws TsMigrateError code `inheritance-change` for a concrete model with relations turned into a proxy.
 */
export function generateSwitchedRelations(d: Detector): void {
  const switched = [...d.to.models.keys()].filter((k) => {
    const old = d.from.models.get(k);
    return old !== undefined && old.isProxy !== d.to.models.get(k)!.isProxy;
  }).sort();
  for (const key of switched) {
    const toProxy = d.to.models.get(key)!.isProxy;
    for (const r of d.reverseNew(key)) {
      const before = d.from.models.get(r.owner.key)?.fields.get(r.name);
      if (before === undefined || before.options.to !== key) continue;
      if (toProxy) {
        throw new TsMigrateError(`${key} becomes a proxy model while ${r.owner.key}.${r.name} points at it: its table would be ` +
          `dropped under the relation. Remove or repoint the relation in one migration, then make the model a proxy in the next`,
          { code: "inheritance-change" });
      }
      d.addOperation(r.owner.app, new AlterField(r.owner.nameLower, r.name, r.field),
        [{ app: appOf(key), model: modelOf(key), field: null, kind: true }]);
    }
  }
}
