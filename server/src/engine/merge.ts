/**
 * What `makemigrations --merge` looks at before writing a merge migration:
 * each conflicting branch's migrations since the common ancestor (Django's
 * `handle_merge`), and, beyond Django, where two branches touch the same
 * thing: the same field, index, constraint or model, or one deletes or
 * renames what the other changes. A merge migration has no operations, so
 * such overlaps are exactly what a reviewer must check by hand.
 */
import { TsMigrateError } from "./errors";
import type { MigrationGraph } from "./graph";
import { keyString, type Migration } from "./migration";
import type { Operation } from "./operations/base";
import type { ProjectState } from "./state";
import { type Value, valueKey } from "./values";

/** One conflicting leaf and the migrations of its branch since the common ancestor, oldest first. */
export interface MergeBranch {
  readonly leaf: string;
  readonly migrations: readonly Migration[];
}

/** The branches of `app`'s leaves `leaves` (Django's `handle_merge`), and the last common migration. */
export interface MergeBranches {
  readonly app: string;
  /** The newest migration every branch shares. */
  readonly ancestor: string;
  readonly branches: readonly MergeBranch[];
}

/**
 * Splits `leaves` of `app` into branches at their newest common ancestor
 * in the app (Django's `handle_merge`).
 * @throws TsMigrateError code `conflict` when the leaves share no migration.
 */
export function mergeBranches(graph: MigrationGraph, app: string, leaves: readonly string[]): MergeBranches {
  const ancestries = leaves.map((n) => graph.forwardsPlan([app, n]).filter((k) => k[0] === app).map(keyString));
  let common = 0;
  while (ancestries.every((a) => common < a.length && a[common] === ancestries[0]![common])) common++;
  if (!common) throw new TsMigrateError(`Could not find common ancestor of ${leaves.join(", ")}`, { code: "conflict" });
  return {
    app,
    ancestor: ancestries[0]![common - 1]!.slice(app.length + 1),
    branches: leaves.map((leaf, i) => ({ leaf, migrations: ancestries[i]!.slice(common).map((id) => graph.nodes.get(id)!) })),
  };
}

/** Two branches touching the same thing: what, and what each branch does to it. */
export interface MergeOverlap {
  /** `"shop.product.price"`, `"shop.product (index name_idx)"`, `"shop.product"`. */
  readonly subject: string;
  /** One line per branch: `0006_a: Alter field price on product (maxDigits=10)`. */
  readonly changes: readonly [string, string];
}

/**
 * Where two branches of `merge` touch the same field, index, constraint or
 * model (`state` is the project state at the common ancestor, for naming
 * what an AlterField changes). An operation that references a field or
 * model (Django's `references_field` / `references_model`) another
 * branch's operation is about counts: a rename, a removal, a relation to a
 * deleted model. Each subject is reported once per pair of branches.
 */
export function mergeOverlaps(merge: MergeBranches, state: ProjectState): MergeOverlap[] {
  const entries = merge.branches.map((b) => b.migrations.flatMap((m) => m.operations.map((op) => ({ m, op }))));
  const out = new Map<string, MergeOverlap>();
  for (let i = 0; i < entries.length; i++) {
    for (let j = i + 1; j < entries.length; j++) {
      for (const a of entries[i]!) {
        for (const b of entries[j]!) {
          const subject = sharedSubject(merge.app, a.op, b.op);
          const key = `${i}/${j}/${subject}`;
          if (subject === undefined || out.has(key)) continue;
          out.set(key, { subject, changes: [change(merge.app, a.m, a.op, state), change(merge.app, b.m, b.op, state)] });
        }
      }
    }
  }
  return [...out.values()];
}

/** What one operation touches, as subjects named for people. */
interface Touches {
  /** `shop.product.price`: fields created, altered, removed or renamed. */
  readonly fields: readonly string[];
  /** `shop.product (index name_idx)`: indexes and constraints. */
  readonly entries: readonly string[];
  /** `shop.product`: models whose options (Meta, table, `*Together`) or existence change. */
  readonly models: readonly string[];
  /** `shop.product`: models deleted or renamed: anything else on them overlaps. */
  readonly destroys: readonly string[];
}

function touches(app: string, op: Operation): Touches {
  const name = (model: string, field?: string) => `${app}.${model.toLowerCase()}${field === undefined ? "" : `.${field}`}`;
  const fields: string[] = [];
  const models: string[] = [];
  const destroys: string[] = [];
  for (const p of op.provisions()) {
    if ("field" in p) fields.push(name(p.model, p.field));
    else if (p.change === "delete-model" || p.change === "rename-model") destroys.push(name(p.model));
    else models.push(name(p.model));
  }
  const t = op.target();
  const entries: string[] = [];
  if (t.model) {
    if (t.field !== undefined) fields.push(name(t.model, t.field));
    if (t.index !== undefined) entries.push(`${name(t.model)} (index ${t.index})`);
    if (t.constraint !== undefined) entries.push(`${name(t.model)} (constraint ${t.constraint})`);
    if (t.meta && t.index === undefined && t.constraint === undefined) models.push(name(t.model));
  }
  return { fields, entries, models, destroys };
}

/** What `a` and `b` both touch, or undefined when they touch nothing in common. */
function sharedSubject(app: string, a: Operation, b: Operation): string | undefined {
  const ta = touches(app, a);
  const tb = touches(app, b);
  const common = (x: readonly string[], y: readonly string[]) => x.find((s) => y.includes(s));
  const found = common(ta.fields, tb.fields) ?? common(ta.entries, tb.entries) ?? common(ta.models, tb.models);
  if (found) return found;
  for (const [tx, y, ty] of [[ta, b, tb], [tb, a, ta]] as const) {
    // A rename or a relation names the other's field under another name: ask the field operation.
    const other = y.target();
    for (const f of tx.fields) {
      const [, model, field] = f.split(".") as [string, string, string];
      if (other.field !== undefined && y.referencesField(model, field, app)) return f;
    }
    // Deleted or renamed on one side, used on the other.
    const all = [...ty.fields, ...ty.entries, ...ty.models, ...ty.destroys];
    for (const m of tx.destroys) {
      if (all.some((s) => s === m || s.startsWith(`${m}.`) || s.startsWith(`${m} `))) return m;
      if (other.field !== undefined && y.referencesModel(m.slice(app.length + 1), app)) return m;
    }
  }
  return undefined;
}

/** `0006_a: Alter field price on product (maxDigits=10, null=true)`: the options an AlterField changes from `state`. */
function change(app: string, m: Migration, op: Operation, state: ProjectState): string {
  const text = `${m.name}: ${op.describe()}`;
  const t = op.target();
  const field = (op as { field?: { options: Readonly<Record<string, Value>> } }).field;
  const before = t.model && t.field ? state.get(app, t.model)?.fields.get(t.field) : undefined;
  if (!field || !before) return text;
  const keys = new Set([...Object.keys(before.options), ...Object.keys(field.options)]);
  const diffs = [...keys].filter((k) => valueKey(before.options[k]) !== valueKey(field.options[k]))
    .map((k) => (field.options[k] === undefined ? `${k} removed` : `${k}=${valueKey(field.options[k])}`));
  return diffs.length ? `${text} (${diffs.join(", ")})` : text;
}
