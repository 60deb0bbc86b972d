/** Helpers for the autodetector tests: states from model sources, a scripted questioner, summaries. */
import assert from "node:assert/strict";
import { detectChanges, detectChangesSync } from "../server/src/engine/autodetector";
import type { ProjectConfig } from "../server/src/engine/config";
import type { Migration } from "../server/src/engine/migration";
import type { NotNullAlteration, Questioner } from "../server/src/engine/questioner";
import { loadModels } from "../server/src/engine/source/models";
import type { FieldState, ModelState, ProjectState } from "../server/src/engine/state";
import type { Value } from "../server/src/engine/values";

/** The project state of model files given as `{ app: source }` (apps in the given order). */
export function modelsState(apps: Record<string, string>): ProjectState {
  const config = {
    root: "/p",
    apps: Object.keys(apps).map((label) => ({
      label, dir: `/p/${label}`, modelsFile: `/p/${label}/models.ts`, migrationsDir: `/p/${label}/migrations`,
    })),
    databases: { default: { engine: "sqlite", name: "/p/db.sqlite3" } },
    defaultAutoField: "BigAutoField",
  } as unknown as ProjectConfig;
  const texts = new Map(Object.entries(apps).map(([label, text]) => [`/p/${label}/models.ts`, `import { models } from "tsmigrate";\n${text}`]));
  const loaded = loadModels(config, texts);
  assert.deepEqual(loaded.errors.map((e) => e.format()), [], "model sources must load without errors");
  return loaded.state;
}

/** A questioner answering from a script; records every question. */
export class ScriptedQuestioner implements Questioner {
  readonly asked: string[] = [];
  constructor(private readonly answers: {
    renameModel?: boolean; renameField?: boolean; notNullAddition?: Value; notNullAlteration?: NotNullAlteration;
  } = {}) {}

  askRenameModel(o: ModelState, n: ModelState): boolean {
    this.asked.push(`renameModel ${o.app}.${o.name} -> ${n.name}`);
    return this.answers.renameModel ?? false;
  }

  askRenameField(model: string, oldName: string, newName: string, field: FieldState): boolean {
    this.asked.push(`renameField ${model}.${oldName} -> ${newName} (${field.type})`);
    return this.answers.renameField ?? false;
  }

  askNotNullAddition(field: string, model: string): Value {
    this.asked.push(`notNullAddition ${model}.${field}`);
    if (this.answers.notNullAddition === undefined) throw new Error("unexpected question");
    return this.answers.notNullAddition;
  }

  askNotNullAlteration(field: string, model: string): NotNullAlteration {
    this.asked.push(`notNullAlteration ${model}.${field}`);
    if (this.answers.notNullAlteration === undefined) throw new Error("unexpected question");
    return this.answers.notNullAlteration;
  }

  askMerge(): boolean {
    return false;
  }
}

/** A fixed clock: 2026-11-21 06:36 local time. */
export const CLOCK = () => new Date(2026, 10, 21, 6, 36);

/** What makemigrations would print, plus dependencies: `{ app: [{ name, dependencies, operations }] }`. */
export function summary(changes: Map<string, Migration[]>): Record<string, { name: string; dependencies: string[]; operations: string[] }[]> {
  const out: Record<string, { name: string; dependencies: string[]; operations: string[] }[]> = {};
  for (const [app, list] of changes) {
    out[app] = list.map((m) => ({
      name: m.name,
      dependencies: m.dependencies.map((d) => `${d[0]}.${d[1]}`),
      operations: m.operations.map((o) => o.describe()),
    }));
  }
  return out;
}

/** Runs the detector (async path) with leaves given as a map. */
export async function detect(
  from: ProjectState, to: ProjectState, questioner: Questioner = new ScriptedQuestioner(),
  leaves: Record<string, string> = {}, opts: { apps?: string[]; name?: string } = {},
): Promise<Map<string, Migration[]>> {
  return detectChanges(from, to, questioner, { leaves: new Map(Object.entries(leaves)), now: CLOCK, ...opts });
}

/**
 * Applies the new migrations to `from` (respecting their dependencies) and
 * checks that nothing is left to detect against `to`: the operations
 * really lead to the models' state.
 */
export function assertReaches(from: ProjectState, to: ProjectState, changes: Map<string, Migration[]>): ProjectState {
  const state = from.clone();
  const todo = [...changes.values()].flat();
  const done = new Set<string>();
  const isNew = new Set(todo.map((m) => `${m.app}.${m.name}`));
  while (todo.length) {
    const i = todo.findIndex((m) => m.dependencies.every((d) => !isNew.has(`${d[0]}.${d[1]}`) || done.has(`${d[0]}.${d[1]}`)));
    assert.ok(i >= 0, "the new migrations' dependencies form a cycle");
    const [m] = todo.splice(i, 1);
    m!.mutateState(state);
    done.add(`${m!.app}.${m!.name}`);
  }
  const again = detectChangesSync(state, to, new ScriptedQuestioner(), { leaves: () => "0001_x", now: CLOCK });
  assert.deepEqual(summary(again), {}, "applying the migrations must reach the models' state");
  return state;
}
