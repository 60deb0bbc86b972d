/**
 * Operation dependencies of the autodetector (Django's 4-tuples
 * `(app_label, model_name, field_name, create/delete/alter...)`), the index
 * that finds the operations satisfying one (`check_dependency`) without
 * scanning, and the stable topological sort (`_sort_migrations`).
 */
import { TsMigrateError } from "../errors";
import type { Operation, Provision } from "../operations/base";

/**
 * Django's dependency tuple. `model` is lowercase; `kind`: `true` created,
 * `false` removed, `"alter"` altered field, `"foo_together_change"` a
 * unique/index_together change, `"order_wrt_unset"` (an
 * AlterOrderWithRespectTo of the model setting it to anything but `field`),
 * and `"renamed"` (not in Django):
 * the RenameModel giving the model this name.
 */
export interface Dependency {
  readonly app: string;
  readonly model: string;
  readonly field: string | null;
  readonly kind: boolean | "alter" | "foo_together_change" | "order_wrt_unset" | "renamed";
}

/** The index key of a dependency, or undefined when nothing can satisfy it. */
function dependencyKey(d: Dependency): string | undefined {
  const m = `${d.app}.${d.model.toLowerCase()}`;
  const f = d.field?.toLowerCase();
  if (d.kind === true) return f === undefined ? `cm:${m}` : `cf:${m}.${f}`;
  if (d.kind === false) return f === undefined ? `dm:${m}` : `rf:${m}.${f}`;
  if (d.kind === "alter" && f !== undefined) return `af:${m}.${f}`;
  if (d.kind === "foo_together_change") return `ft:${m}`;
  if (d.kind === "order_wrt_unset") return `ow:${m}`;
  if (d.kind === "renamed") return `rn:${m}`;
  return undefined;
}

const PROVISION_PREFIX: Record<Provision["change"], string> = {
  "create-model": "cm", "delete-model": "dm", "rename-model": "rn", "alter-together": "ft",
  "create-field": "cf", "remove-field": "rf", "alter-field": "af", "order-wrt": "ow", "order-wrt-set": "ows",
};

/** The keys of the dependencies `op` satisfies (Django's `check_dependency`, inverted), from its {@link Operation.provisions}. */
function satisfiedKeys(app: string, op: Operation): string[] {
  return op.provisions().map((p) => {
    const m = `${app}.${p.model.toLowerCase()}`;
    return `${PROVISION_PREFIX[p.change]}:${"field" in p ? `${m}.${p.field.toLowerCase()}` : m}`;
  });
}

/** Operations by the dependency keys they satisfy. */
export class DependencyIndex {
  private readonly map = new Map<string, Set<Operation>>();

  add(app: string, op: Operation): void {
    for (const k of satisfiedKeys(app, op)) {
      let s = this.map.get(k);
      if (!s) this.map.set(k, (s = new Set()));
      s.add(op);
    }
  }

  delete(app: string, op: Operation): void {
    for (const k of satisfiedKeys(app, op)) this.map.get(k)?.delete(op);
  }

  /**
   * The operations satisfying `d` (empty when none). `order_wrt_unset` is
   * Django's "an AlterOrderWithRespectTo whose value is not this field":
   * those of the model minus those set to the field.
   */
  satisfying(d: Dependency): ReadonlySet<Operation> {
    const k = dependencyKey(d);
    const found = (k === undefined ? undefined : this.map.get(k)) ?? EMPTY;
    if (d.kind !== "order_wrt_unset" || !found.size || d.field === null) return found;
    const setToField = this.map.get(`ows:${d.app}.${d.model.toLowerCase()}.${d.field.toLowerCase()}`);
    return setToField?.size ? new Set([...found].filter((op) => !setToField.has(op))) : found;
  }
}

const EMPTY: ReadonlySet<Operation> = new Set();

/**
 * Django's `_sort_migrations` for one app: `stable_topological_sort` over
 * the intra-app dependencies, i.e. operations grouped by dependency depth
 * (Django's `topological_sort_as_sets` layers), each layer in original order.
 * @throws TsMigrateError code `cycle` when the dependencies form a cycle.
 */
export function sortOperations(app: string, ops: readonly Operation[], deps: ReadonlyMap<Operation, readonly Dependency[]>): Operation[] {
  const index = new DependencyIndex();
  for (const op of ops) index.add(app, op);
  const position = new Map(ops.map((op, i) => [op, i]));
  const preds: number[][] = ops.map(() => []);
  const succs: number[][] = ops.map(() => []);
  ops.forEach((op, i) => {
    for (const d of deps.get(op) ?? []) {
      if (d.app !== app) continue;
      for (const other of index.satisfying(d)) {
        const j = position.get(other)!;
        if (j === i) continue;
        preds[i]!.push(j);
        succs[j]!.push(i);
      }
    }
  });
  // Longest-path layers (Kahn's algorithm).
  const level = ops.map(() => 0);
  const remaining = preds.map((p) => new Set(p).size);
  const seenPred = preds.map((p) => new Set(p));
  const queue: number[] = [];
  remaining.forEach((r, i) => r === 0 && queue.push(i));
  let done = 0;
  for (let q = 0; q < queue.length; q++) {
    const i = queue[q]!;
    done++;
    for (const s of new Set(succs[i]!)) {
      if (!seenPred[s]!.has(i)) continue;
      level[s] = Math.max(level[s]!, level[i]! + 1);
      if (--remaining[s]! === 0) queue.push(s);
    }
  }
  if (done !== ops.length) {
    const stuck = ops.filter((_, i) => remaining[i]! > 0).map((o) => o.describe());
    throw new TsMigrateError(`Cannot resolve operation dependencies (cycle) in app '${app}': ${stuck.join("; ")}`, { code: "cycle" });
  }
  return ops.map((op, i) => [op, i] as const).sort((a, b) => level[a[1]]! - level[b[1]]! || a[1] - b[1]).map(([op]) => op);
}
