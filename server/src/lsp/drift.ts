/**
 * Drift: the operations `makemigrations` would write now, and where each
 * shows in the models files. The autodetector runs with a questioner that
 * never asks (renames are not guessed, a NOT NULL field without a default
 * is reported as it is), as Django's `makemigrations --check --dry-run`.
 */
import * as path from "node:path";
import type { Range } from "vscode-languageserver";
import type { ProjectConfig } from "../engine/config";
import type { MigrationLoader } from "../engine/loader";
import type { Migration } from "../engine/migration";
import type { Operation } from "../engine/operations/base";
import type { LoadedModels } from "../engine/source/models";
import { modelKey, type ProjectState } from "../engine/state";
import { scopedDrift } from "./incremental";
import { fileStartRange, locationRange, type TextLines } from "./ranges";

/** One pending operation and where the editor shows it. */
export interface DriftItem {
  readonly app: string;
  readonly op: Operation;
  /** The app's `models.ts` (absolute). */
  readonly file: string;
  readonly range: Range;
  /** The model's class name, when the operation is about one model. */
  readonly model?: string;
  /** The field, for field operations (the new name for renames). */
  readonly field?: string;
  /** Django's `describe()`. */
  readonly description: string;
  /** A NOT NULL field added (or made NOT NULL) with no default to a table that exists. */
  readonly needsDefault: boolean;
}

/**
 * The migrations makemigrations would write for every app, by app label
 * (apps without changes absent). `from` is the migrations' state, `to` the
 * models'. Never asks a question. Only `dirty` apps are recomputed (see
 * {@link scopedDrift}); the others come from `previous`. With `models`,
 * only those models of the dirty apps are recomputed.
 */
export function computeDrift(
  from: ProjectState, to: ProjectState, leaves: ReadonlyMap<string, string | undefined>,
  dirty: Set<string> | "all" = "all", previous: ReadonlyMap<string, Migration[]> = new Map(), models?: ReadonlySet<string>,
): Map<string, Migration[]> {
  return scopedDrift(from, to, { leaves, dirty, previous, models });
}

/** Each app's leaf migration name (the newest when several; undefined with none), for naming new migrations. */
export function leafNames(loader: MigrationLoader): Map<string, string | undefined> {
  const byApp = new Map<string, string[]>();
  for (const [app, name] of loader.graph.leafNodes()) byApp.set(app, [...(byApp.get(app) ?? []), name]);
  const out = new Map<string, string | undefined>();
  for (const app of loader.config.apps) {
    const names = byApp.get(app.label);
    out.set(app.label, names?.sort()[names.length - 1]);
  }
  return out;
}

/**
 * Each pending operation placed in its app's `models.ts`: on the field for
 * field operations (the class for removals), on the index or constraint
 * call, on Meta for Meta changes, on the class otherwise; a deleted model
 * (no class left) on the file's first line.
 */
export function driftItems(
  drift: ReadonlyMap<string, Migration[]>, models: LoadedModels, config: ProjectConfig,
  text: (file: string) => TextLines | undefined, from?: ProjectState,
): DriftItem[] {
  const items: DriftItem[] = [];
  for (const [app, migrations] of drift) {
    const appConfig = config.apps.find((a) => a.label === app);
    if (!appConfig) continue;
    const file = path.resolve(appConfig.modelsFile);
    const content = text(file);
    if (content === undefined) continue;
    for (const migration of migrations) {
      for (const op of migration.operations) {
        const target = op.target();
        const locs = target.model ? models.locations.get(modelKey(app, target.model)) : undefined;
        const state = target.model ? models.state.get(app, target.model) : undefined;
        let loc = locs?.model;
        if (locs) {
          if (target.field && locs.fields.get(target.field)) loc = locs.fields.get(target.field);
          else if (target.index && locs.indexes.get(target.index)) loc = locs.indexes.get(target.index);
          else if (target.constraint && locs.constraints.get(target.constraint)) loc = locs.constraints.get(target.constraint);
          else if (target.meta && locs.meta) loc = locs.meta;
        }
        // A location in another file (an inherited field) is shown on the class instead.
        if (loc && path.resolve(loc.file) !== file) loc = locs?.model && path.resolve(locs.model.file) === file ? locs.model : undefined;
        items.push({
          app, op, file,
          range: loc ? locationRange(loc, content) : fileStartRange(content),
          model: state?.name ?? target.model,
          field: target.field,
          description: op.describe(),
          needsDefault: from ? op.needsDefault(app, from, models.state) : false,
        });
      }
    }
  }
  return items;
}
