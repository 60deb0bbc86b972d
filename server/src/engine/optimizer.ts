/**
 * The migration optimizer: Django's `MigrationOptimizer.optimize()`
 * (`django/db/migrations/optimizer.py`, Django 3.2) with the same result,
 * without its cubic cost.
 *
 * Django repeats a pass until nothing changes; each pass scans every
 * operation `i` against every later `j`, and the first `reduce()` that
 * returns a list rewrites the list and starts the next pass from the top.
 * Here the same rewrites happen in the same order, but:
 *
 * - an operation is compared only with the operations whose `reduce()`
 *   result can be something else than `true` (found through the
 *   {@link OptimizerHints} indexes: operations referencing its model, and
 *   operations that reference every model), and its scan ends at the first
 *   "barrier" (RunSQL, index operations...) past which no reduction can
 *   happen;
 * - an operation whose scan found nothing is not scanned again until a
 *   rewrite could change its outcome (a new operation that reduces with it,
 *   or the removal of an operation its scan stopped on or depended on).
 *
 * So a 300-model initial migration optimizes in milliseconds where Django
 * takes ~20 s.
 */
import type { Operation, OptimizerHints } from "./operations/base";

interface Node {
  op: Operation;
  pos: number;
  /** Order key that never changes for a node (kept consistent with `pos`), for the heap. */
  label: number;
  alive: boolean;
  /** Never scanned, or a rewrite may have changed the outcome of its scan. */
  valid: boolean;
  readonly own: string | undefined;
  readonly refs: ReadonlySet<string> | "all";
  /** Only the next operation can reduce with it (or it is elidable). */
  readonly nextOnly: boolean;
  /** No hints: scanned like Django does, against everything. */
  readonly fullScan: boolean;
  /** No reduction can be made across it (`m.reduce(x)` is never true). */
  readonly barrier: boolean;
  /** Nodes whose removal must trigger a rescan of this one. */
  watching: Node[];
}

interface Fire {
  y: Node;
  x: Node;
  result: Operation[];
  right: boolean;
}

/**
 * Django's `MigrationOptimizer().optimize(operations, app_label)`: a list of
 * operations equal in effect and at most as long (CreateModel + AddField
 * folded, AddField + RemoveField cancelled, ...).
 */
export function optimize(operations: readonly Operation[], app: string): Operation[] {
  return new Optimizer(app, operations).run();
}

class Optimizer {
  private nodes: Node[];
  private readonly refIndex = new Map<string, Set<Node>>();
  private readonly ownIndex = new Map<string, Set<Node>>();
  /** Nodes referencing every model, by position. */
  private allRef: Node[] = [];
  /** Barrier nodes, by position (a subset of allRef). */
  private barriers: Node[] = [];
  private readonly fullScan = new Set<Node>();
  /** Reverse of Node.watching. */
  private readonly watchers = new Map<Node, Set<Node>>();
  /**
   * Nodes to scan, by label (position order). Rewrites keep the relative
   * order of the nodes that survive them, so labels never need to change.
   */
  private readonly todo = new NodeHeap();

  constructor(private readonly app: string, operations: readonly Operation[]) {
    this.nodes = operations.map((op, pos) => this.makeNode(op, pos));
    for (const n of this.nodes) this.index(n);
    this.allRef = this.nodes.filter((n) => n.refs === "all");
    this.barriers = this.allRef.filter((n) => n.barrier);
  }

  private makeNode(op: Operation, pos: number): Node {
    const hints: OptimizerHints | undefined = op.optimizerHints?.(this.app);
    const elidable = op.elidable;
    const fullScan = hints === undefined || (elidable && !hints.nextOnly);
    const nextOnly = !fullScan && (hints!.nextOnly || elidable);
    return {
      op, pos, label: pos, alive: true, valid: false,
      own: hints?.own, refs: hints?.refs ?? "all", nextOnly, fullScan,
      barrier: !fullScan && nextOnly, watching: [],
    };
  }

  private index(n: Node): void {
    if (n.fullScan) this.fullScan.add(n);
    if (n.refs !== "all") for (const k of n.refs) setOf(this.refIndex, k).add(n);
    if (n.own !== undefined) setOf(this.ownIndex, n.own).add(n);
  }

  private unindex(n: Node): void {
    this.fullScan.delete(n);
    if (n.refs !== "all") for (const k of n.refs) this.refIndex.get(k)?.delete(n);
    if (n.own !== undefined) this.ownIndex.get(n.own)?.delete(n);
    this.unwatch(n);
  }

  private watch(n: Node, targets: (Node | undefined)[]): void {
    for (const t of targets) {
      if (!t) continue;
      n.watching.push(t);
      setOf(this.watchers, t).add(n);
    }
  }

  private unwatch(n: Node): void {
    for (const t of n.watching) this.watchers.get(t)?.delete(n);
    n.watching = [];
  }

  run(): Operation[] {
    for (const n of this.nodes) this.todo.push(n);
    for (let y = this.todo.pop(); y; y = this.todo.pop()) {
      if (!y.alive || y.valid) continue;
      this.unwatch(y);
      const fire = this.evaluate(y);
      if (!fire) {
        y.valid = true;
        continue;
      }
      if (!this.apply(fire)) break; // Django's fixpoint: the rewrite gave the same list
    }
    return this.nodes.map((n) => n.op);
  }

  /* ------------------------------------------------------------ scanning */

  /** Django's inner loop for operation `y`: the rewrite it makes, or undefined. */
  private evaluate(y: Node): Fire | undefined {
    if (y.fullScan) return this.evaluateFull(y);
    if (y.nextOnly) {
      const next = this.nodes[y.pos + 1];
      if (!next) return undefined;
      const r = y.op.reduce(next.op, this.app);
      if (Array.isArray(r)) return { y, x: next, result: r, right: true };
      if (r === true) return this.evaluateFull(y); // hints broken: be exact anyway
      return undefined;
    }
    const partners = this.partners(y);
    let right = true;
    const falses: Node[] = [];
    for (const z of partners) {
      const r = y.op.reduce(z.op, this.app);
      if (Array.isArray(r)) {
        if (right) return { y, x: z, result: r, right: true };
        const failing = this.inBetweenFailure(y, z);
        if (!failing) return { y, x: z, result: r, right: false };
        this.watch(y, [z, failing, ...falses]);
        return undefined;
      }
      if (r === false) {
        right = false;
        falses.push(z);
      }
    }
    const last = partners[partners.length - 1];
    if (last?.barrier) this.watch(y, [last]);
    return undefined;
  }

  /**
   * The operations after `y` whose reduce with `y` may matter, up to and
   * including the first barrier: those referencing `y`'s model, the first
   * operation referencing every model, the later ones of `y`'s own model,
   * and unhinted ones. An operation referencing every model (DeleteModel
   * of another model, an index operation) reduces with `y` to `false`, so
   * once the first one has cleared Django's `right` flag the others change
   * nothing and are skipped.
   */
  private partners(y: Node): Node[] {
    const out: Node[] = [];
    const cutNode = this.barriers[firstAfter(this.barriers, y.pos)];
    const cut = cutNode ? cutNode.pos : Infinity;
    const inRange = (n: Node) => n !== y && n.pos > y.pos && n.pos <= cut;
    const first = this.allRef[firstAfter(this.allRef, y.pos)];
    if (first) out.push(first);
    if (cutNode && cutNode !== first) out.push(cutNode);
    const own = y.own === undefined ? undefined : this.ownIndex.get(y.own);
    if (own) for (const n of own) if (n.refs === "all" && n !== first && n !== cutNode && inRange(n)) out.push(n);
    for (const n of this.fullScan) if (n !== first && n !== cutNode && inRange(n)) out.push(n);
    const refs = y.own === undefined ? undefined : this.refIndex.get(y.own);
    if (refs) for (const n of refs) if (inRange(n)) out.push(n);
    if (out.length > 1) out.sort((a, b) => a.pos - b.pos);
    return out;
  }

  /**
   * Django's left-reduction check: every operation between `y` and `z` must
   * reduce with `z` to `true`. Returns the first one that does not.
   */
  private inBetweenFailure(y: Node, z: Node): Node | undefined {
    if (z.pos === y.pos + 1) return undefined;
    const check = (m: Node) => m.pos > y.pos && m.pos < z.pos && m.op.reduce(z.op, this.app) !== true;
    if (z.refs === "all" || z.fullScan || z.op.elidable || y.fullScan) {
      for (let q = y.pos + 1; q < z.pos; q++) {
        const m = this.nodes[q]!;
        if (m.op.reduce(z.op, this.app) !== true) return m;
      }
      return undefined;
    }
    const b = this.barriers[firstAfter(this.barriers, y.pos)];
    if (b && b.pos < z.pos) return b;
    for (const m of this.fullScan) if (check(m)) return m;
    for (const k of z.refs) {
      const owners = this.ownIndex.get(k);
      if (owners) for (const m of owners) if (check(m)) return m;
    }
    return undefined;
  }

  /** Django's inner loop verbatim, for operations without hints. */
  private evaluateFull(y: Node): Fire | undefined {
    let right = true;
    for (let q = y.pos + 1; q < this.nodes.length; q++) {
      const z = this.nodes[q]!;
      const r = y.op.reduce(z.op, this.app);
      if (Array.isArray(r)) {
        if (right) return { y, x: z, result: r, right: true };
        for (let k = y.pos + 1; k < q; k++) if (this.nodes[k]!.op.reduce(z.op, this.app) !== true) return undefined;
        return { y, x: z, result: r, right: false };
      }
      if (!r) right = false;
    }
    return undefined;
  }

  /* ------------------------------------------------------------ rewriting */

  /**
   * Applies a rewrite as Django does (right: in-between + result; left:
   * result + in-between), updates the indexes and queues the scans it may
   * have changed. Returns false when the list is unchanged (Django's loop
   * ends there).
   */
  private apply(fire: Fire): boolean {
    const { y, x, result, right } = fire;
    const i = y.pos;
    const j = x.pos;
    if (j === i + 1 && result.length === 2 && result[0] === y.op && result[1] === x.op) return false;

    const between = this.nodes.slice(i + 1, j);
    const added = result.map((op) => this.makeNode(op, 0));
    const invalidate = (n: Node | undefined) => {
      if (n && n.alive && n.valid) {
        n.valid = false;
        this.todo.push(n);
      }
    };

    // Scans that depended on the removed operations.
    for (const d of [y, x]) {
      d.alive = false;
      for (const w of this.watchers.get(d) ?? []) invalidate(w);
      this.watchers.delete(d);
      this.unindex(d);
    }
    const touchesAll = [y, x].some((n) => n.refs === "all") || added.some((n) => n.refs === "all");

    // Splice and renumber.
    if (right) this.nodes.splice(j, 1, ...added);
    else this.nodes.splice(j, 1);
    this.nodes.splice(i, 1, ...(right ? [] : added));
    for (let q = i; q < this.nodes.length; q++) this.nodes[q]!.pos = q;
    this.label(added);
    for (const n of added) {
      this.index(n);
      this.todo.push(n);
    }
    if (touchesAll) {
      this.allRef = this.nodes.filter((n) => n.refs === "all");
      this.barriers = this.allRef.filter((n) => n.barrier);
    }

    // Earlier scans that the new operations may now reduce with.
    for (const r of added) {
      const lower = this.lastBarrierBefore(r.pos);
      const maybe = (w: Node) => {
        if (!w.valid || w.pos >= r.pos || w.pos <= lower || w.nextOnly) return;
        if (w.fullScan || Array.isArray(w.op.reduce(r.op, this.app))) invalidate(w);
      };
      if (r.refs === "all" || r.fullScan) {
        for (let q = lower + 1; q < r.pos; q++) maybe(this.nodes[q]!);
      } else {
        for (const k of r.refs) for (const w of this.ownIndex.get(k) ?? []) maybe(w);
      }
    }
    // Operations that only look at their next neighbour, whose neighbour changed, and unhinted ones.
    const lastBetween = right ? i - 1 + between.length : i + added.length + between.length - 1;
    for (const q of [i - 1, lastBetween]) {
      const n = this.nodes[q];
      if (n && (n.nextOnly || n.fullScan)) invalidate(n);
    }
    for (const n of this.fullScan) if (n.pos < i) invalidate(n);
    return true;
  }

  /** Gives new nodes (contiguous in the list) labels between their neighbours'; relabels all if the gap is spent. */
  private label(added: readonly Node[]): void {
    if (!added.length) return;
    const s = added[0]!.pos;
    const prev = this.nodes[s - 1];
    const next = this.nodes[s + added.length];
    const lo = prev ? prev.label : (next ? next.label : 0) - added.length - 1;
    const hi = next ? next.label : lo + added.length + 1;
    const step = (hi - lo) / (added.length + 1);
    added.forEach((n, k) => (n.label = lo + step * (k + 1)));
    const ok = added.every((n, k) => n.label > (k ? added[k - 1]!.label : lo) && n.label < hi);
    if (!ok) {
      for (const n of this.nodes) n.label = n.pos;
      this.todo.rebuild(this.nodes.filter((n) => !n.valid));
    }
  }

  private lastBarrierBefore(pos: number): number {
    const k = firstAfter(this.barriers, pos - 1) - 1;
    return k >= 0 ? this.barriers[k]!.pos : -1;
  }
}

/** A binary min-heap of nodes by label. */
class NodeHeap {
  private items: Node[] = [];

  rebuild(nodes: readonly Node[]): void {
    this.items = [];
    for (const n of nodes) this.push(n);
  }

  push(n: Node): void {
    const a = this.items;
    a.push(n);
    let k = a.length - 1;
    while (k > 0) {
      const parent = (k - 1) >> 1;
      if (a[parent]!.label <= a[k]!.label) break;
      [a[parent], a[k]] = [a[k]!, a[parent]!];
      k = parent;
    }
  }

  pop(): Node | undefined {
    const a = this.items;
    if (!a.length) return undefined;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length) {
      a[0] = last;
      let k = 0;
      for (;;) {
        const l = 2 * k + 1;
        const r = l + 1;
        let m = k;
        if (l < a.length && a[l]!.label < a[m]!.label) m = l;
        if (r < a.length && a[r]!.label < a[m]!.label) m = r;
        if (m === k) break;
        [a[m], a[k]] = [a[k]!, a[m]!];
        k = m;
      }
    }
    return top;
  }
}

/** Index of the first node of `sorted` (by pos) with pos > `pos`. */
function firstAfter(sorted: readonly Node[], pos: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]!.pos > pos) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function setOf<K, V>(map: Map<K, Set<V>>, key: K): Set<V> {
  let s = map.get(key);
  if (!s) map.set(key, (s = new Set()));
  return s;
}
