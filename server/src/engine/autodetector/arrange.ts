/**
 * From generated operations to named migrations: Django's
 * `_sort_migrations`, `_build_migration_list`, `_optimize_migrations`,
 * `arrange_for_graph` and `_trim_to_apps` (Django 3.2), with Django 4.0+'s
 * `Migration.suggest_name()`.
 */
import { TsMigrateError } from "../errors";
import { Migration, type MigrationKey } from "../migration";
import type { Operation } from "../operations/base";
import { optimize } from "../optimizer";
import { type Dependency, DependencyIndex, sortOperations } from "./deps";

/** Django's `_sort_migrations`: each app's operations in a stable topological order. */
export function sortAll(generated: Map<string, Operation[]>, deps: ReadonlyMap<Operation, readonly Dependency[]>): void {
  for (const app of [...generated.keys()].sort()) generated.set(app, sortOperations(app, generated.get(app)!, deps));
}

/**
 * Django's `_build_migration_list`: chops each app's operations into
 * migrations so that every dependency on another app points at a migration
 * made before (this run's `auto_N`, the app's current leaf, or
 * `__first__`).
 * @throws TsMigrateError code `cycle` when the dependencies cannot be resolved.
 */
export function buildMigrationList(
  generated: Map<string, Operation[]>, deps: ReadonlyMap<Operation, readonly Dependency[]>,
  existingApps: ReadonlySet<string>, leaf: (app: string) => string | undefined, hasLeaf: (app: string) => boolean,
): Map<string, Migration[]> {
  const migrations = new Map<string, Migration[]>();
  const pending = new DependencyIndex();
  for (const [app, ops] of generated) for (const op of ops) pending.add(app, op);
  let numOps = [...generated.values()].reduce((n, l) => n + l.length, 0);
  let chopMode = false;
  while (numOps) {
    for (const app of [...generated.keys()].sort()) {
      const ops = generated.get(app)!;
      const chopped: Operation[] = [];
      const dependencies = new Map<string, MigrationKey>();
      let k = 0;
      for (; k < ops.length; k++) {
        const op = ops[k]!;
        let satisfied = true;
        const opDeps = new Map<string, MigrationKey>();
        for (const dep of deps.get(op) ?? []) {
          if (dep.app === app) continue;
          // External app dependency: not satisfied while an operation of that app still makes it true.
          if (pending.satisfying(dep).size > 0) {
            satisfied = false;
            break;
          }
          const made = migrations.get(dep.app);
          if (made) {
            const key: MigrationKey = [dep.app, made[made.length - 1]!.name];
            opDeps.set(key.join("\0"), key);
          } else if (chopMode) {
            const key: MigrationKey = [dep.app, leaf(dep.app) ?? "__first__"];
            opDeps.set(key.join("\0"), key);
          } else {
            satisfied = false;
          }
        }
        if (!satisfied) break;
        chopped.push(op);
        for (const [s, key] of opDeps) dependencies.set(s, key);
      }
      if (!chopped.length && !dependencies.size) continue;
      const rest = ops.slice(k);
      if (!rest.length || chopMode) {
        const list = migrations.get(app) ?? [];
        const m = new Migration(app, `auto_${list.length + 1}`, {
          dependencies: [...dependencies.values()],
          operations: chopped,
          initial: !existingApps.has(app) && !hasLeaf(app),
        });
        list.push(m);
        migrations.set(app, list);
        for (const op of chopped) pending.delete(app, op);
        generated.set(app, rest);
        chopMode = false;
      }
    }
    const newNumOps = [...generated.values()].reduce((n, l) => n + l.length, 0);
    if (newNumOps === numOps) {
      if (!chopMode) chopMode = true;
      else {
        const left = [...generated].flatMap(([app, ops]) => ops.map((o) => `${app}: ${o.describe()}`));
        throw new TsMigrateError(`Cannot resolve operation dependencies: ${left.join("; ")}`, { code: "cycle" });
      }
    }
    numOps = newNumOps;
  }
  return migrations;
}

/** Django's `_optimize_migrations`: chain each app's new migrations, dedupe dependencies, optimize. */
export function optimizeMigrations(migrations: Map<string, Migration[]>): void {
  for (const [app, list] of migrations) {
    for (let i = 1; i < list.length; i++) list[i]!.dependencies.push([app, list[i - 1]!.name]);
    for (const m of list) {
      m.dependencies = dedupeKeys(m.dependencies);
      m.operations = optimize(m.operations, app);
    }
  }
}

function dedupeKeys(keys: readonly MigrationKey[]): MigrationKey[] {
  const seen = new Map<string, MigrationKey>();
  for (const k of keys) seen.set(`${k[0]}\0${k[1]}`, k);
  return [...seen.values()];
}

/** Django's `get_migration_name_timestamp`: `YYYYMMDD_HHMM` (local time). */
export function migrationNameTimestamp(now: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${p(now.getFullYear(), 4)}${p(now.getMonth() + 1)}${p(now.getDate())}_${p(now.getHours())}${p(now.getMinutes())}`;
}

/**
 * Django 4.0+'s `Migration.suggest_name()`: `initial`, else the operations'
 * name fragments joined by `_` (cut with `_and_more` past 52 characters),
 * else `auto_<timestamp>` when an operation has no fragment.
 */
export function suggestName(migration: Migration, now: () => Date): string {
  if (migration.initial) return "initial";
  const fragments = migration.operations.map((op) => op.migrationNameFragment).filter((f): f is string => !!f);
  if (!fragments.length || fragments.length !== migration.operations.length) return `auto_${migrationNameTimestamp(now())}`;
  let name = fragments[0]!;
  for (const fragment of fragments.slice(1)) {
    const next = `${name}_${fragment}`;
    if (next.length > 52) {
      name = `${name}_and_more`;
      break;
    }
    name = next;
  }
  return name;
}

/** The number a migration name starts with (Django's `parse_number`), or undefined. */
export function parseNumber(name: string): number | undefined {
  const m = /^\d+/.exec(name);
  return m ? Number(m[0]) : undefined;
}

/**
 * Django's `arrange_for_graph`: numbers each app's new migrations after its
 * leaf (`0001_initial` for a new app), names them (`--name`, else
 * {@link suggestName}), makes the first depend on the leaf, and rewrites
 * this run's `auto_N` dependencies to the final names. Dependencies end up
 * sorted, for deterministic files.
 */
export function arrangeForGraph(
  changes: Map<string, Migration[]>, leaf: (app: string) => string | undefined, name: string | undefined, now: () => Date,
): Map<string, Migration[]> {
  const nameMap = new Map<string, string>();
  const out = new Map<string, Migration[]>();
  for (const [app, list] of changes) {
    if (!list.length) continue;
    const appLeaf = leaf(app);
    let next = appLeaf === undefined ? 1 : (parseNumber(appLeaf) ?? 0) + 1;
    const renamed: Migration[] = [];
    list.forEach((m, i) => {
      if (i === 0 && appLeaf !== undefined) m.dependencies.push([app, appLeaf]);
      const part = name ? name : i === 0 && appLeaf === undefined ? "initial" : suggestName(m, now).slice(0, 100);
      const newName = `${String(next).padStart(4, "0")}_${part}`;
      nameMap.set(`${app}\0${m.name}`, newName);
      next++;
      renamed.push(new Migration(app, newName, {
        dependencies: m.dependencies, operations: m.operations, initial: m.initial,
      }));
    });
    out.set(app, renamed);
  }
  for (const list of out.values()) {
    for (const m of list) {
      m.dependencies = dedupeKeys(m.dependencies.map((d): MigrationKey => [d[0], nameMap.get(`${d[0]}\0${d[1]}`) ?? d[1]]))
        .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
    }
  }
  return out;
}

/**
 * Django's `_trim_to_apps`: keeps the migrations of `apps` and of the apps
 * they depend on (transitively).
 */
export function trimToApps(changes: Map<string, Migration[]>, apps: readonly string[]): Map<string, Migration[]> {
  const appDeps = new Map<string, Set<string>>();
  for (const [app, list] of changes) {
    for (const m of list) for (const [depApp] of m.dependencies) {
      let s = appDeps.get(app);
      if (!s) appDeps.set(app, (s = new Set()));
      s.add(depApp);
    }
  }
  const required = new Set(apps);
  const todo = [...required];
  while (todo.length) {
    for (const dep of appDeps.get(todo.pop()!) ?? []) {
      if (!required.has(dep)) {
        required.add(dep);
        todo.push(dep);
      }
    }
  }
  return new Map([...changes].filter(([app]) => required.has(app)));
}
