/**
 * Comparing the models with the migrations for the commands: the
 * autodetector run as `makemigrations` runs it, and the check `migrate`
 * makes after "No migrations to apply." (never asks, never fails).
 */
import { detectChanges } from "../engine/autodetector";
import type { Migration } from "../engine/migration";
import type { Project } from "../engine/project";
import { DriftQuestioner, type Questioner } from "../engine/questioner";
import type { ProjectState } from "../engine/state";

/**
 * The new migrations that would bring the migrations' state to `models`,
 * by app (apps without changes absent). `apps` trims to those apps (and
 * what they depend on, as Django's `trim_to_apps`); `name` is `--name`.
 * Questions go to `questioner` (QuestionError, exit 3, when unanswerable).
 */
export async function runDetector(
  project: Project, models: ProjectState, questioner: Questioner, opts: { apps?: string[]; name?: string } = {},
): Promise<Map<string, Migration[]>> {
  const loader = project.loader;
  const leaves = new Map<string, string | undefined>();
  for (const label of project.appLabels()) leaves.set(label, loader.leafName(label));
  const changes = await detectChanges(loader.projectState(), models, questioner, {
    leaves, apps: opts.apps, name: opts.name,
  });
  return new Map([...changes].filter(([, list]) => list.length > 0));
}

/** Result of {@link detectDrift}: apps with model changes not in a migration, or why it could not tell. */
export interface DriftResult {
  apps: string[];
  error?: string;
}

/**
 * Django's check in `migrate`: which apps' models have changes not yet in a
 * migration. Never asks (renames are not guessed) and never throws: model
 * errors come back as `error`.
 */
export async function detectDrift(project: Project): Promise<DriftResult> {
  try {
    const models = project.loadModels();
    if (models.errors.length) {
      return { apps: [], error: `the model files have ${models.errors.length} error(s); run 'tsmigrate makemigrations' to see them` };
    }
    const changes = await runDetector(project, models.state, new DriftQuestioner());
    return { apps: [...changes.keys()].sort() };
  } catch (err) {
    return { apps: [], error: err instanceof Error ? err.message : String(err) };
  }
}
