/**
 * `Meta.orderWithRespectTo` in Django's autodetector
 * (`django/db/migrations/autodetector.py`, Django 3.2): the
 * AlterOrderWithRespectTo of a created model (after its relation fields,
 * before its indexes; the optimizer folds it into the CreateModel's
 * options) and `generate_altered_order_with_respect_to` for kept models.
 * A RemoveField waits for an AlterOrderWithRespectTo that stops naming the
 * field (the `order_wrt_unset` dependency, see fields.ts and deps.ts).
 */
import { AlterOrderWithRespectTo } from "../operations/order-wrt";
import type { Dependency } from "./deps";
import { type Detector, appOf, modelOf } from "./detector";

/**
 * The AlterOrderWithRespectTo of a model `generate_created_models` creates
 * (model `name` lowercase), depending on the field and on the model.
 */
export function generateCreatedOrderWrt(d: Detector, app: string, name: string, orderWithRespectTo: string | undefined): void {
  if (!orderWithRespectTo) return;
  d.addOperation(app, new AlterOrderWithRespectTo(name, orderWithRespectTo), [
    { app, model: name, field: orderWithRespectTo, kind: true },
    { app, model: name, field: null, kind: true },
  ]);
}

/**
 * Django's `generate_altered_order_with_respect_to`: for each kept model
 * whose option changed, an AlterOrderWithRespectTo, after the field it
 * names is created (when set).
 */
export function generateAlteredOrderWrt(d: Detector): void {
  for (const key of [...d.keptModelKeys].sort()) {
    const before = d.oldModel(key).options.orderWithRespectTo;
    const after = d.newModel(key).options.orderWithRespectTo;
    if (before === after) continue;
    const app = appOf(key);
    const model = modelOf(key);
    const deps: Dependency[] = after ? [{ app, model, field: after, kind: true }] : [];
    d.addOperation(app, new AlterOrderWithRespectTo(model, after ?? null), deps);
  }
}
