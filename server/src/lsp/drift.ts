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
import { fieldOption, isManyToMany, modelKey, type ProjectState } from "../engine/state";
import { scopedDrift } from "./incremental";
import { fileStartRange, locationRange } from "./ranges";

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
 * {@link scopedDrift}); the others come from `previous`.
 */
export function computeDrift(
  from: ProjectState, to: ProjectState, leaves: ReadonlyMap<string, string | undefined>,
  dirty: Set<string> | "all" = "all", previous: ReadonlyMap<string, Migration[]> = new Map(),
): Map<string, Migration[]> {
  return scopedDrift(from, to, { leaves, dirty, previous });
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

type Args = Readonly<Record<string, unknown>>;

/** The model (class or lowercase name) and field an operation is about, from its deconstructed arguments. */
export function operationTarget(op: Operation): { model?: string; field?: string; index?: string; constraint?: string } {
  const args = op.deconstruct().args as Args;
  const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
  const named = (v: unknown): string | undefined => {
    const o = (op as unknown as Record<string, unknown>)[v as string] as { name?: unknown } | undefined;
    return str(o?.name);
  };
  switch (op.kind) {
    case "CreateModel": case "DeleteModel": case "AlterModelTable": case "AlterModelOptions":
    case "AlterUniqueTogether": case "AlterIndexTogether": case "AlterOrderWithRespectTo": case "AlterModelManagers":
      return { model: str(args.name) };
    case "RenameModel":
      return { model: str(args.newName) };
    case "AddField": case "AlterField":
      return { model: str(args.modelName), field: str(args.name) };
    case "RemoveField":
      return { model: str(args.modelName) };
    case "RenameField":
      return { model: str(args.modelName), field: str(args.newName) };
    case "AddIndex":
      return { model: str(args.modelName), index: named("index") };
    case "AddConstraint":
      return { model: str(args.modelName), constraint: named("constraint") };
    default:
      return { model: str(args.modelName) ?? str(args.name) };
  }
}

/**
 * True when `op` adds a NOT NULL column with no default to a table that
 * exists (or makes a nullable column NOT NULL without a default): the case
 * where Django's makemigrations asks for a one-off default. `from` is the
 * migrations' state, `to` the models' (the field as written: the operation
 * may carry a one-off default the questioner filled in).
 */
export function needsDefault(op: Operation, app: string, from: ProjectState, to: ProjectState): boolean {
  if (op.kind !== "AddField" && op.kind !== "AlterField") return false;
  const { model, field: name } = operationTarget(op);
  if (!model || !name) return false;
  const field = to.get(app, model)?.fields.get(name);
  if (!field || isManyToMany(field)) return false;
  if (fieldOption(field, "null") === true || field.options.default !== undefined) return false;
  if (fieldOption(field, "primaryKey") === true || field.options.autoNow === true || field.options.autoNowAdd === true) return false;
  const existing = from.get(app, model);
  if (!existing) return false;
  if (op.kind === "AddField") return true;
  const before = existing.fields.get(name);
  return before !== undefined && fieldOption(before, "null") === true;
}

/**
 * Each pending operation placed in its app's `models.ts`: on the field for
 * field operations (the class for removals), on the index or constraint
 * call, on Meta for Meta changes, on the class otherwise; a deleted model
 * (no class left) on the file's first line.
 */
export function driftItems(
  drift: ReadonlyMap<string, Migration[]>, models: LoadedModels, config: ProjectConfig,
  text: (file: string) => string | undefined, from?: ProjectState,
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
        const target = operationTarget(op);
        const locs = target.model ? models.locations.get(modelKey(app, target.model)) : undefined;
        const state = target.model ? models.state.get(app, target.model) : undefined;
        let loc = locs?.model;
        if (locs) {
          if (target.field && locs.fields.get(target.field)) loc = locs.fields.get(target.field);
          else if (target.index && locs.indexes.get(target.index)) loc = locs.indexes.get(target.index);
          else if (target.constraint && locs.constraints.get(target.constraint)) loc = locs.constraints.get(target.constraint);
          else if (/^(AlterModel|AlterUnique|AlterIndex|RemoveIndex|RemoveConstraint|RenameIndex)/.test(op.kind) && locs.meta) loc = locs.meta;
        }
        // A location in another file (an inherited field) is shown on the class instead.
        if (loc && path.resolve(loc.file) !== file) loc = locs?.model && path.resolve(locs.model.file) === file ? locs.model : undefined;
        items.push({
          app, op, file,
          range: loc ? locationRange(loc, content) : fileStartRange(content),
          model: state?.name ?? target.model,
          field: target.field,
          description: op.describe(),
          needsDefault: from ? needsDefault(op, app, from, models.state) : false,
        });
      }
    }
  }
  return items;
}
