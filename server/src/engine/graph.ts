/**
 * The migration graph: one node per migration, one edge per dependency.
 * Mirrors `django/db/migrations/graph.py` (Django 3.2), with the same plan
 * order (parents visited in sorted order, post-order DFS), but every walk is
 * iterative and shares its visited set, so plans over thousands of
 * migrations take linear time and no recursion depth.
 */
import { type SourceLocation, TsMigrateError } from "./errors";
import { keyString, type Migration, type MigrationKey } from "./migration";
import { ProjectState } from "./state";

/** A node of the graph: the migration key and its direct neighbours. */
export interface GraphNode {
  readonly key: MigrationKey;
  /** `"app.name"`. */
  readonly id: string;
  /** Nodes this one depends on. */
  readonly parents: Set<GraphNode>;
  /** Nodes that depend on this one. */
  readonly children: Set<GraphNode>;
  /**
   * Set for a placeholder made by a dependency on a migration that does not
   * exist (Django's `DummyNode`): the migration that named it and where.
   */
  readonly dummy?: { readonly origin: MigrationKey; readonly location?: SourceLocation };
}

/** Compares two keys as Django compares `(app, name)` tuples. */
export function compareKeys(a: MigrationKey, b: MigrationKey): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  return 0;
}

function byKey(a: GraphNode, b: GraphNode): number {
  return compareKeys(a.key, b.key);
}

/**
 * The graph of all migrations of a project (Django's `MigrationGraph`).
 *
 * `nodes` maps `"app.name"` to the migration; placeholder nodes for missing
 * dependencies are kept apart until {@link MigrationGraph.validateConsistency}.
 */
export class MigrationGraph {
  /** Real nodes: `"app.name"` -> migration. */
  readonly nodes = new Map<string, Migration>();
  private readonly nodeMap = new Map<string, GraphNode>();
  /** Where each dependency edge was declared: `"child->parent"` ids. */
  private readonly edgeLocations = new Map<string, SourceLocation>();
  /** {@link forwardsPlanMany}'s plans by their targets' ids, until the graph changes (commands ask for the same plan several times). */
  private readonly plans = new Map<string, readonly MigrationKey[]>();

  /** Adds a migration (Django's `add_node`). Throws when the key is already in the graph. */
  addNode(migration: Migration): void {
    this.plans.clear();
    const id = keyString(migration.key);
    const existing = this.nodeMap.get(id);
    if (existing && !existing.dummy) throw new Error(`migration ${id} added twice to the graph`);
    if (existing) {
      // A dependency named it before it was added: turn the placeholder into a real node.
      this.nodeMap.set(id, { key: migration.key, id, parents: existing.parents, children: existing.children });
      const real = this.nodeMap.get(id)!;
      for (const p of existing.parents) { p.children.delete(existing); p.children.add(real); }
      for (const c of existing.children) { c.parents.delete(existing); c.parents.add(real); }
    } else {
      this.nodeMap.set(id, { key: migration.key, id, parents: new Set(), children: new Set() });
    }
    this.nodes.set(id, migration);
  }

  /**
   * Records that `child` depends on `parent` (Django's `add_dependency` with
   * `skip_validation=True`). A key not in the graph gets a placeholder node,
   * reported by {@link validateConsistency} at `location` (the dependency as
   * written in `origin`'s file).
   */
  addDependency(origin: MigrationKey, child: MigrationKey, parent: MigrationKey, location?: SourceLocation): void {
    this.plans.clear();
    const c = this.nodeOrDummy(child, origin, location);
    const p = this.nodeOrDummy(parent, origin, location);
    c.parents.add(p);
    p.children.add(c);
    if (location) this.edgeLocations.set(`${c.id}->${p.id}`, location);
  }

  private nodeOrDummy(key: MigrationKey, origin: MigrationKey, location?: SourceLocation): GraphNode {
    const id = keyString(key);
    let node = this.nodeMap.get(id);
    if (!node) {
      node = { key: [key[0], key[1]], id, parents: new Set(), children: new Set(), dummy: { origin, location } };
      this.nodeMap.set(id, node);
    }
    return node;
  }

  /** The node of `key` (real or placeholder), or undefined. */
  node(key: MigrationKey): GraphNode | undefined {
    return this.nodeMap.get(keyString(key));
  }

  /** True when `key` is a real migration in the graph. */
  has(key: MigrationKey): boolean {
    return this.nodes.has(keyString(key));
  }

  /** The migration at `key`; throws TsMigrateError code `unknown-migration` when absent. */
  migration(key: MigrationKey): Migration {
    const m = this.nodes.get(keyString(key));
    if (!m) throw new TsMigrateError(`Node ${keyString(key)} not a valid node`, { code: "unknown-migration" });
    return m;
  }

  /**
   * Removes the `replaced` nodes (when present) and points their edges at
   * `replacement` instead (Django's `remove_replaced_nodes`, used when a
   * squash is usable).
   */
  removeReplacedNodes(replacement: MigrationKey, replaced: readonly MigrationKey[]): void {
    this.plans.clear();
    const repl = this.nodeMap.get(keyString(replacement));
    if (!repl) throw new Error(`Unable to find replacement node ${keyString(replacement)}`);
    const replacedIds = new Set(replaced.map(keyString));
    for (const id of replacedIds) {
      this.nodes.delete(id);
      const node = this.nodeMap.get(id);
      if (!node) continue;
      this.nodeMap.delete(id);
      for (const child of node.children) {
        child.parents.delete(node);
        if (!replacedIds.has(child.id)) { repl.children.add(child); child.parents.add(repl); }
      }
      for (const parent of node.parents) {
        parent.children.delete(node);
        if (!replacedIds.has(parent.id)) { repl.parents.add(parent); parent.children.add(repl); }
      }
    }
  }

  /**
   * Removes a squash that cannot be used (some but not all of what it
   * replaces is applied) and points its children at the last of the
   * replaced nodes (Django's `remove_replacement_node`).
   */
  removeReplacementNode(replacement: MigrationKey, replaced: readonly MigrationKey[]): void {
    this.plans.clear();
    const id = keyString(replacement);
    this.nodes.delete(id);
    const repl = this.nodeMap.get(id);
    if (!repl) throw new Error(`Unable to remove replacement node ${id}`);
    this.nodeMap.delete(id);
    const replacedNodes = new Set<GraphNode>();
    const replacedParents = new Set<GraphNode>();
    for (const key of replaced) {
      const n = this.nodeMap.get(keyString(key));
      if (!n) continue;
      replacedNodes.add(n);
      for (const p of n.parents) replacedParents.add(p);
    }
    for (const p of replacedParents) replacedNodes.delete(p);
    for (const child of repl.children) {
      child.parents.delete(repl);
      for (const r of replacedNodes) { r.children.add(child); child.parents.add(r); }
    }
    for (const parent of repl.parents) parent.children.delete(repl);
  }

  /**
   * Errors for every dependency on a migration that does not exist (Django's
   * `validate_consistency`, which raises the first): code
   * `missing-dependency`, located at the dependency as written. Placeholders
   * whose key is in `ignore` (files that failed to load) are skipped.
   */
  consistencyErrors(ignore: ReadonlySet<string> = new Set()): TsMigrateError[] {
    const errors: TsMigrateError[] = [];
    for (const node of this.nodeMap.values()) {
      if (!node.dummy || ignore.has(node.id)) continue;
      // One error per migration that names the missing node.
      const origins = new Map<string, SourceLocation | undefined>();
      for (const child of node.children) {
        if (child.dummy) continue;
        origins.set(child.id, this.edgeLocations.get(`${child.id}->${node.id}`) ?? node.dummy.location);
      }
      for (const parent of node.parents) {
        if (parent.dummy) continue; // run_before naming a missing migration
        origins.set(parent.id, this.edgeLocations.get(`${node.id}->${parent.id}`) ?? node.dummy.location);
      }
      if (origins.size === 0) origins.set(keyString(node.dummy.origin), node.dummy.location);
      for (const [origin, location] of origins) {
        errors.push(new TsMigrateError(
          `Migration ${origin} dependencies reference nonexistent parent node ('${node.key[0]}', '${node.key[1]}')`,
          { code: "missing-dependency", location },
        ));
      }
    }
    return errors;
  }

  /** Throws the first {@link consistencyErrors} error (Django's `validate_consistency`). */
  validateConsistency(): void {
    const errors = this.consistencyErrors();
    if (errors.length) throw errors[0];
  }

  /** Removes placeholder nodes and their edges (after their errors were collected), so plans can still be made. */
  dropDummies(): void {
    this.plans.clear();
    for (const [id, node] of this.nodeMap) {
      if (!node.dummy) continue;
      for (const c of node.children) c.parents.delete(node);
      for (const p of node.parents) p.children.delete(node);
      this.nodeMap.delete(id);
    }
  }

  /**
   * The migrations to apply to reach `target`, dependencies first, ending
   * with `target` (Django's `forwards_plan`). Throws TsMigrateError code
   * `unknown-migration` when `target` is not in the graph.
   */
  forwardsPlan(target: MigrationKey): MigrationKey[] {
    return this.dfs([this.requireNode(target)], true, new Set());
  }

  /** The migrations to unapply to remove `target`, dependents first, ending with `target` (Django's `backwards_plan`). */
  backwardsPlan(target: MigrationKey): MigrationKey[] {
    return this.dfs([this.requireNode(target)], false, new Set());
  }

  /**
   * The union of the forwards plans of `targets`, each node once, in the
   * order Django's `_generate_plan` gives (linear time: one shared visited set).
   */
  forwardsPlanMany(targets: readonly MigrationKey[]): MigrationKey[] {
    const id = targets.map(keyString).join("\n");
    const known = this.plans.get(id);
    if (known) return [...known];
    const visited = new Set<GraphNode>();
    const out: MigrationKey[] = [];
    for (const t of targets) out.push(...this.dfs([this.requireNode(t)], true, visited));
    this.plans.set(id, [...out]);
    return out;
  }

  private requireNode(key: MigrationKey): GraphNode {
    const node = this.nodeMap.get(keyString(key));
    if (!node || node.dummy) {
      throw new TsMigrateError(`Node ('${key[0]}', '${key[1]}') not a valid node`, { code: "unknown-migration" });
    }
    return node;
  }

  /**
   * Django's `iterative_dfs`: post-order, neighbours pushed in sorted order
   * (so the largest is visited first). Nodes already in `visited` are
   * skipped; a node met again while in progress (a cycle) is skipped too,
   * so a cyclic graph cannot loop forever.
   */
  private dfs(starts: GraphNode[], forwards: boolean, visited: Set<GraphNode>): MigrationKey[] {
    const out: MigrationKey[] = [];
    const inProgress = new Set<GraphNode>();
    const stack: [GraphNode, boolean][] = [];
    for (let i = starts.length - 1; i >= 0; i--) stack.push([starts[i]!, false]);
    while (stack.length) {
      const [node, processed] = stack.pop()!;
      if (visited.has(node)) continue;
      if (processed) {
        visited.add(node);
        inProgress.delete(node);
        if (!node.dummy) out.push(node.key);
        continue;
      }
      if (inProgress.has(node)) continue;
      inProgress.add(node);
      stack.push([node, true]);
      const next = [...(forwards ? node.parents : node.children)].sort(byKey);
      for (const n of next) if (!visited.has(n)) stack.push([n, false]);
    }
    return out;
  }

  /** Nodes with no dependency inside their app, sorted (Django's `root_nodes`). */
  rootNodes(app?: string): MigrationKey[] {
    const out: MigrationKey[] = [];
    for (const id of this.nodes.keys()) {
      const node = this.nodeMap.get(id)!;
      if (app && node.key[0] !== app) continue;
      let root = true;
      for (const p of node.parents) if (p.key[0] === node.key[0]) { root = false; break; }
      if (root) out.push(node.key);
    }
    return out.sort(compareKeys);
  }

  /** Nodes with no dependent inside their app, sorted: the newest migrations (Django's `leaf_nodes`). */
  leafNodes(app?: string): MigrationKey[] {
    const out: MigrationKey[] = [];
    for (const id of this.nodes.keys()) {
      const node = this.nodeMap.get(id)!;
      if (app && node.key[0] !== app) continue;
      let leaf = true;
      for (const c of node.children) if (c.key[0] === node.key[0] && !c.dummy) { leaf = false; break; }
      if (leaf) out.push(node.key);
    }
    return out.sort(compareKeys);
  }

  /**
   * Finds dependency cycles (Django's `ensure_not_cyclic`). Returns one error
   * per cycle found, code `cycle`, message naming the path
   * ("shop.0001_initial, shop.0002_b"), located at the dependency that
   * closes the cycle when known.
   */
  cycleErrors(): TsMigrateError[] {
    const errors: TsMigrateError[] = [];
    const color = new Map<GraphNode, 1 | 2>(); // 1 = on the stack, 2 = done
    const ids = [...this.nodes.keys()].sort();
    for (const id of ids) {
      const start = this.nodeMap.get(id)!;
      if (color.has(start)) continue;
      const path: GraphNode[] = [start];
      const iters: Iterator<GraphNode>[] = [[...start.children].sort(byKey)[Symbol.iterator]()];
      color.set(start, 1);
      while (path.length) {
        const top = path[path.length - 1]!;
        const step = iters[iters.length - 1]!.next();
        if (step.done) {
          color.set(top, 2);
          path.pop();
          iters.pop();
          continue;
        }
        const child = step.value;
        const c = color.get(child);
        if (c === 1) {
          const cycle = path.slice(path.indexOf(child));
          // `child` depends on `top`: the closing dependency is written in child's file.
          const location = this.edgeLocations.get(`${child.id}->${top.id}`) ?? this.nodes.get(child.id)?.location;
          errors.push(new TsMigrateError(
            `Circular dependency between migrations: ${cycle.map((n) => n.id).join(", ")}`,
            { code: "cycle", location },
          ));
        } else if (c === undefined && !child.dummy) {
          color.set(child, 1);
          path.push(child);
          iters.push([...child.children].sort(byKey)[Symbol.iterator]());
        }
      }
    }
    return errors;
  }

  /** Throws the first cycle found (Django's `ensure_not_cyclic`). */
  ensureNotCyclic(): void {
    const errors = this.cycleErrors();
    if (errors.length) throw errors[0];
  }

  /**
   * The project state after `nodes` (default: every leaf), or before them
   * when `atEnd` is false (Django's `make_state`). Migrations are replayed
   * onto one plain {@link ProjectState}: no rendering, no per-step copies.
   * A `stateForwards` failure becomes TsMigrateError code `bad-migration`
   * located at the operation.
   */
  makeState(nodes?: MigrationKey | readonly MigrationKey[], atEnd = true): ProjectState {
    const list: readonly MigrationKey[] = nodes === undefined
      ? this.leafNodes()
      : isKey(nodes) ? [nodes] : nodes;
    const state = new ProjectState();
    if (!list.length) return state;
    const exclude = atEnd ? undefined : new Set(list.map(keyString));
    for (const key of this.forwardsPlanMany(list)) {
      if (exclude?.has(keyString(key))) continue;
      this.migration(key).mutateState(state);
    }
    return state;
  }

  /** `[nodes, edges]` counts, as Django's `__str__` prints them. */
  size(): [number, number] {
    let edges = 0;
    for (const n of this.nodeMap.values()) edges += n.parents.size;
    return [this.nodes.size, edges];
  }
}

function isKey(v: MigrationKey | readonly MigrationKey[]): v is MigrationKey {
  return typeof v[0] === "string";
}
