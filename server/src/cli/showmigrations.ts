/**
 * `tsmigrate showmigrations [app...] [--plan] [--database ALIAS] [--json]`.
 * Follows `django/core/management/commands/showmigrations.py` (Django 3.2):
 * ` [X] 0001_initial` / ` [ ] 0002_...` per app, `(no migrations)`, and
 * with `--plan` `[X]  shop.0001_initial` in global order. An applied
 * migration whose file changed since gets ` (modified since applied)`.
 */
import type { Project } from "../engine/project";
import type { AppliedRecord } from "../engine/recorder";
import { type CommonOptions, cliProject, requireCleanMigrations, validateApps } from "./context";
import { type Output, styles } from "./output";

/** Options of showmigrations. */
export interface ShowMigrationsOptions extends CommonOptions {
  plan?: boolean;
  database?: string;
  json?: boolean;
}

/** One migration in the `--json` output. */
export interface MigrationJson {
  app: string;
  name: string;
  applied: boolean;
  /** ISO 8601, when applied. */
  appliedAt: string | null;
  /** Applied, and the file changed since (checksum differs). */
  modified: boolean;
  /** Names it replaces (a squash). */
  replaces: string[];
}

/** Runs the command; returns the exit code. */
export async function showMigrations(apps: string[], opts: ShowMigrationsOptions, output: Output): Promise<number> {
  const project = cliProject(opts);
  try {
    requireCleanMigrations(project);
    validateApps(project, apps);
    const alias = opts.database ?? "default";
    const applied = await project.appliedMigrations(alias);
    project.loader.buildGraph(applied);
    project.loader.throwIfErrors();
    const info = (app: string, name: string): MigrationJson => {
      const id = `${app}.${name}`;
      const m = project.graph.nodes.get(id)!;
      const rec: AppliedRecord | undefined = project.loader.appliedMigrations.get(id);
      return {
        app, name, applied: rec !== undefined, appliedAt: rec ? rec.applied.toISOString() : null,
        modified: rec !== undefined && rec.checksum !== "" && rec.checksum !== m.checksum(),
        replaces: m.replaces.map((r) => r[1]),
      };
    };
    if (opts.plan) return showPlan(project, apps, info, opts, output);
    return showList(project, apps, info, opts, output);
  } finally {
    await project.close();
  }
}

function showList(
  project: Project, apps: string[], info: (a: string, n: string) => MigrationJson, opts: ShowMigrationsOptions, output: Output,
): number {
  const s = styles(output);
  const graph = project.graph;
  const names = apps.length ? apps : project.appLabels().sort();
  const json: Record<string, MigrationJson[]> = {};
  for (const app of names) {
    const list: MigrationJson[] = [];
    const shown = new Set<string>();
    for (const key of graph.forwardsPlanMany(graph.leafNodes(app))) {
      if (key[0] !== app || shown.has(key[1])) continue;
      shown.add(key[1]);
      list.push(info(app, key[1]));
    }
    json[app] = list;
    if (opts.json) continue;
    output.out(`${s.label(app)}\n`);
    for (const m of list) {
      let title = m.name;
      if (m.replaces.length) title += ` (${m.replaces.length} squashed migrations)`;
      const mark = m.applied ? "X" : " ";
      const modified = m.modified ? s.warning(" (modified since applied)") : "";
      output.out(` [${mark}] ${title}${modified}\n`);
    }
    if (!list.length) output.out(`${s.error(" (no migrations)")}\n`);
  }
  if (opts.json) output.out(`${JSON.stringify({ database: opts.database ?? "default", apps: json }, null, 2)}\n`);
  return 0;
}

function showPlan(
  project: Project, apps: string[], info: (a: string, n: string) => MigrationJson, opts: ShowMigrationsOptions, output: Output,
): number {
  const s = styles(output);
  const graph = project.graph;
  const targets = apps.length ? graph.leafNodes().filter((k) => apps.includes(k[0])) : graph.leafNodes();
  const plan = graph.forwardsPlanMany(targets).map((k) => info(k[0], k[1]));
  if (opts.json) {
    output.out(`${JSON.stringify({ database: opts.database ?? "default", plan }, null, 2)}\n`);
    return 0;
  }
  for (const m of plan) {
    const modified = m.modified ? s.warning(" (modified since applied)") : "";
    output.out(`[${m.applied ? "X" : " "}]  ${m.app}.${m.name}${modified}\n`);
  }
  if (!plan.length) output.out(`${s.error("(no migrations)")}\n`);
  return 0;
}
