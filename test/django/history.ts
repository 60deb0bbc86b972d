/**
 * The model histories of test-fixtures/histories: their steps, the models
 * tsmigrate reads at each step, and the same models as Django sources.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { loadConfig } from "../../server/src/engine/config";
import { loadModels } from "../../server/src/engine/source/models";
import type { MakeMigrationsAnswers } from "../../server/src/engine/answers";
import type { ProjectState } from "../../server/src/engine/state";
import { projectToPython } from "./to-django";

/** Where the histories are. */
export const HISTORIES_DIR = path.resolve(__dirname, "..", "..", "test-fixtures", "histories");

/** One step of a history. */
export interface HistoryStep {
  /** 1-based. */
  readonly index: number;
  /** The fixture folder holding the step's files (copied over the project). */
  readonly dir: string;
  /** The models as tsmigrate reads them. */
  readonly state: ProjectState;
  /** App label -> Django models.py source of the same models. */
  readonly python: Readonly<Record<string, string>>;
  /**
   * The step's `answers.json` (renames only: `makemigrations --answers`'s
   * format), answered on both sides: tsmigrate gets `--rename` flags
   * ({@link answerFlags}), Django's questioner the same answers (run_django.py).
   */
  readonly answers?: MakeMigrationsAnswers;
}

/** One history: its name, apps (config order) and steps. */
export interface History {
  readonly name: string;
  readonly apps: readonly string[];
  /** The config's `defaultAutoField` and the apps' own (Django's DEFAULT_AUTO_FIELD, AppConfig.default_auto_field), from step 1. */
  readonly autoFields: { readonly defaultAutoField: string; readonly appAutoFields: Readonly<Record<string, string>> };
  readonly steps: readonly HistoryStep[];
}

/** Names of the history folders, sorted. */
export function listHistories(): string[] {
  return fs
    .readdirSync(HISTORIES_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

/**
 * Reads a history: each `step-N` folder loaded with tsmigrate's own config
 * and model loaders, then translated for Django.
 * @throws Error when a step's models have errors or its apps differ from step 1's.
 */
export function loadHistory(name: string): History {
  const root = path.join(HISTORIES_DIR, name);
  const stepDirs = fs
    .readdirSync(root)
    .filter((d) => /^step-\d+$/.test(d))
    .sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)));
  let apps: string[] | undefined;
  let autoFields: History["autoFields"] | undefined;
  const steps: HistoryStep[] = [];
  for (const d of stepDirs) {
    const dir = path.join(root, d);
    const config = loadConfig({ project: dir });
    const labels = config.apps.map((a) => a.label);
    if (apps && labels.join() !== apps.join()) throw new Error(`${name}/${d}: apps ${labels.join()} differ from step 1's ${apps.join()}`);
    apps = labels;
    autoFields ??= {
      defaultAutoField: config.defaultAutoField,
      appAutoFields: Object.fromEntries(config.apps.filter((a) => a.defaultAutoField).map((a) => [a.label, a.defaultAutoField!])),
    };
    const loaded = loadModels(config);
    if (loaded.errors.length) {
      throw new Error(`${name}/${d}: tsmigrate cannot read the models:\n${loaded.errors.map((e) => e.format()).join("\n")}`);
    }
    const answersFile = path.join(dir, "answers.json");
    const answers = fs.existsSync(answersFile) ? JSON.parse(fs.readFileSync(answersFile, "utf8")) as MakeMigrationsAnswers : undefined;
    if (answers && Object.keys(answers).some((k) => k !== "renames")) throw new Error(`${name}/${d}/answers.json: only "renames" is answered on Django's side`);
    steps.push({ index: Number(d.slice(5)), dir, state: loaded.state, python: projectToPython(loaded.state, labels), answers });
  }
  if (!apps || steps.length === 0) throw new Error(`${name}: no step-N folders`);
  return { name, apps, autoFields: autoFields!, steps };
}

/** The step's answers as tsmigrate's `makemigrations` flags: `--rename app.model.old=new`, ... (none without answers). */
export function answerFlags(step: HistoryStep): string[] {
  return Object.entries(step.answers?.renames ?? {}).flatMap(([k, v]) => ["--rename", `${k}=${v ?? ""}`]);
}

/** Copies the files of a step folder over `project` (recursively; files only, nothing deleted). */
export function copyStep(step: HistoryStep, project: string): void {
  fs.cpSync(step.dir, project, { recursive: true, force: true });
}

/**
 * The table of every model and auto-created M2M join table in a state:
 * `"app.model"` or `"app.model.field"` -> table name (Django's naming:
 * `Meta.dbTable` else `<app>_<model>`; join tables `<table>_<field>` unless the field sets dbTable).
 */
export function tablesOf(state: ProjectState): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of state.models.values()) {
    out.set(m.key, m.dbTable);
    for (const [fname, f] of m.fields) {
      if (f.type !== "ManyToManyField" || f.options.through !== undefined) continue;
      const t = typeof f.options.dbTable === "string" ? f.options.dbTable : `${m.dbTable}_${fname}`;
      out.set(`${m.key}.${fname}`, t);
    }
  }
  return out;
}
