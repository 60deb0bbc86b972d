/**
 * Migration files the server proposes (never writes itself: the client
 * applies them as a WorkspaceEdit so that the user can undo): the pending
 * migrations of some apps, and merge migrations for conflicts.
 */
import * as path from "node:path";
import {
  type CreateFile, type TextDocumentEdit, type WorkspaceEdit,
} from "vscode-languageserver";
import { Answers, AnswersQuestioner, type AskedQuestion, type MakeMigrationsAnswers } from "../engine/answers";
import { type DetectOptions, detectChanges, detectChangesSync } from "../engine/autodetector";
import { TsMigrateError } from "../engine/errors";
import { DriftQuestioner } from "../engine/questioner";
import type { MigrationLoader } from "../engine/loader";
import { keyString, Migration, type MigrationKey } from "../engine/migration";
import { AddField } from "../engine/operations";
import type { ProjectState } from "../engine/state";
import { writeMigration } from "../engine/writer";
import { pathToUri } from "./documents";
import { leafNames } from "./drift";
import { type AskClient, EditorQuestioner, QuestionsCancelled } from "./questions";
import type { Workspace } from "./workspace";

/** One migration file to create. */
export interface ProposedFile {
  readonly path: string;
  readonly content: string;
  /** `describe()` of each operation. */
  readonly description: string[];
  readonly app: string;
  readonly name: string;
}

/**
 * Why makemigrations cannot run now, or undefined: as Django's command, it
 * refuses while the models have errors (system checks), a migration file
 * cannot be read, or an app has conflicting leaves. (Writing anyway would
 * turn a typo in a field into a RemoveField.)
 */
export function makeMigrationsBlocker(ws: Workspace): string | undefined {
  const analysis = ws.analyze();
  const first = analysis.models.errors[0] ?? ws.loader.errors[0];
  if (first) {
    const count = analysis.models.errors.length + ws.loader.errors.length;
    const where = first.location ? `${path.relative(ws.root, first.location.file)}:${first.location.line}: ` : "";
    return `Fix ${count === 1 ? "this error" : `these ${count} errors`} first: ${where}${first.message}`;
  }
  const conflicts = ws.loader.detectConflicts();
  for (const [app, leaves] of conflicts) {
    return `Conflicting migrations detected; multiple leaf nodes in the migration graph: (${leaves.join(", ")} in ${app}). ` +
      "Merge them first ('Merge migrations' or 'tsmigrate makemigrations --merge').";
  }
  return undefined;
}

/**
 * The files `makemigrations [apps...]` would write now: the drift
 * migrations of `apps` (all when absent), plus those of other apps they
 * depend on (Django keeps dependencies when trimming to apps). `name`
 * replaces the generated name (one migration per app, as `--name` does).
 * Questions are answered as the drift diagnostics answer them (no rename
 * guessed; a one-off default needed is refused): see {@link proposeAnswered}.
 * @throws TsMigrateError code `blocked` (see {@link makeMigrationsBlocker}).
 */
export function proposeMigrations(ws: Workspace, apps?: readonly string[], name?: string): ProposedFile[] {
  const blocker = makeMigrationsBlocker(ws);
  if (blocker) throw new TsMigrateError(blocker, { code: "blocked" });
  return proposeFrom(ws, ws.fullDrift(), apps, name, true);
}

/** {@link proposeAnswered}'s and {@link proposeAsking}'s result: the files, and every question asked with its answer. */
export interface AnsweredProposal {
  /** Empty while a question is unanswered, or when the user cancelled one. */
  files: ProposedFile[];
  questions: AskedQuestion[];
  /** True when the user cancelled a question ({@link proposeAsking}): nothing is to be written. */
  cancelled?: boolean;
}

/** What the detector compares, from the latest analysis. @throws TsMigrateError code `blocked` (see {@link makeMigrationsBlocker}). */
function detectorInput(ws: Workspace): { from: ProjectState; to: ProjectState; opts: DetectOptions } {
  const blocker = makeMigrationsBlocker(ws);
  if (blocker) throw new TsMigrateError(blocker, { code: "blocked" });
  const analysis = ws.analyze();
  return { from: analysis.migrationState, to: analysis.models.state, opts: { leaves: leafNames(ws.loader) } };
}

/** The apps of `changes` that have new migrations. */
function withChanges(changes: ReadonlyMap<string, Migration[]>): Map<string, Migration[]> {
  return new Map([...changes].filter(([, list]) => list.length > 0));
}

/**
 * {@link proposeMigrations} with the editor's answers (the CLI's `--rename`,
 * `--default`, `--answers` in JSON: engine/answers.ts). Every question the
 * autodetector asks is listed; while one is left unanswered no file is
 * proposed (`files` empty) and the client asks the user and sends the
 * answers again. An unanswered rename is taken as "no" meanwhile, so the
 * added field's own questions may show up; they go once the rename is
 * answered "yes".
 * @throws TsMigrateError code `blocked` (see {@link makeMigrationsBlocker}), or code
 *   `bad-answer` / `unmatched-answer` for a malformed answer or one no question used.
 */
export function proposeAnswered(
  ws: Workspace, answers: MakeMigrationsAnswers, apps?: readonly string[], name?: string,
): AnsweredProposal {
  const { from, to, opts } = detectorInput(ws);
  const given = new Answers();
  given.addJson(answers, "the answers");
  const questioner = new AnswersQuestioner(given, new DriftQuestioner(), "unanswered");
  const drift = withChanges(detectChangesSync(from, to, questioner, opts));
  const questions = questioner.asked;
  if (questions.some((q) => q.answeredBy === "unanswered")) return { files: [], questions };
  given.throwIfUnused();
  return { files: proposeFrom(ws, drift, apps, name, false), questions };
}

/**
 * {@link proposeMigrations} asking the user each question as the terminal
 * does, through `ask` (the client's `tsmigrate/askQuestion`: lsp/questions.ts),
 * in the autodetector's order, on the analysis of the moment the request
 * came (edits made while a question is open go into the next migration).
 * A cancelled question gives `cancelled: true` and no file.
 * @throws TsMigrateError code `blocked` (see {@link makeMigrationsBlocker}).
 */
export async function proposeAsking(
  ws: Workspace, ask: AskClient, apps?: readonly string[], name?: string,
): Promise<AnsweredProposal> {
  const { from, to, opts } = detectorInput(ws);
  const questioner = new AnswersQuestioner(new Answers(), new EditorQuestioner(ask), "editor");
  try {
    const drift = withChanges(await detectChanges(from, to, questioner, opts));
    return { files: proposeFrom(ws, drift, apps, name, false), questions: questioner.asked };
  } catch (e) {
    if (e instanceof QuestionsCancelled) return { files: [], questions: questioner.asked, cancelled: true };
    throw e;
  }
}

/** The files of `drift` for `apps` and what they depend on; `refuseDefaults`: refuse an AddField needing a one-off default. */
function proposeFrom(
  ws: Workspace, drift: ReadonlyMap<string, Migration[]>, apps: readonly string[] | undefined, name: string | undefined,
  refuseDefaults: boolean,
): ProposedFile[] {
  const wanted = new Set(apps && apps.length ? apps : [...drift.keys()]);
  const newKeys = new Map<string, string>();
  for (const [app, list] of drift) for (const m of list) newKeys.set(keyString(m.key), app);
  // Close over dependencies on other apps' new migrations.
  let grew = true;
  while (grew) {
    grew = false;
    for (const app of [...wanted]) {
      for (const m of drift.get(app) ?? []) {
        for (const dep of m.dependencies) {
          const depApp = newKeys.get(keyString(dep));
          if (depApp && !wanted.has(depApp)) {
            wanted.add(depApp);
            grew = true;
          }
        }
      }
    }
  }
  if (refuseDefaults) refuseInventedDefaults(drift, wanted);
  // `--name`: rename each app's single new migration, and the dependencies on it (copies: the analysis is shared).
  const renamed = new Map<string, string>();
  if (name !== undefined) {
    for (const app of wanted) {
      const list = drift.get(app) ?? [];
      if (list.length !== 1) continue;
      const m = list[0]!;
      renamed.set(keyString(m.key), `${/^(\d+)_/.exec(m.name)?.[1] ?? "0001"}_${name}`);
    }
  }
  const out: ProposedFile[] = [];
  for (const app of ws.config.apps) {
    if (!wanted.has(app.label)) continue;
    for (const m of drift.get(app.label) ?? []) {
      const copy = new Migration(m.app, renamed.get(keyString(m.key)) ?? m.name, {
        dependencies: m.dependencies.map((d) => {
          const r = renamed.get(keyString(d));
          return r ? ([d[0], r] as const) : d;
        }),
        operations: m.operations, initial: m.initial, runBefore: m.runBefore, replaces: m.replaces, atomic: m.atomic,
      });
      out.push(toFile(ws, copy));
    }
  }
  return out;
}

/**
 * Refuses to propose a migration that adds a NOT NULL field with no default
 * to an existing table: the editor cannot ask for a one-off default (the
 * CLI's question), and inventing one (`0`, `""`) would fill existing rows
 * with made-up data. The field's "Add a default" and "Make it nullable"
 * quick fixes, or `tsmigrate makemigrations` in a terminal, resolve it.
 * @throws TsMigrateError code `blocked` naming the field.
 */
function refuseInventedDefaults(drift: ReadonlyMap<string, readonly Migration[]>, apps: ReadonlySet<string>): void {
  for (const app of apps) {
    for (const m of drift.get(app) ?? []) {
      for (const op of m.operations) {
        if (op instanceof AddField && !op.preserveDefault) {
          throw new TsMigrateError(
            `It is impossible to add the non-nullable field '${op.name}' to ${op.modelName} without a default: ` +
            "existing rows need a value. Use the field's 'Add a default' or 'Make it nullable' quick fix, " +
            "or run 'tsmigrate makemigrations' in a terminal to give a one-off default.",
            { code: "blocked" },
          );
        }
      }
    }
  }
}

function toFile(ws: Workspace, m: Migration): ProposedFile {
  const app = ws.config.apps.find((a) => a.label === m.app)!;
  return {
    path: path.join(app.migrationsDir, `${m.name}.ts`),
    content: writeMigration(m),
    description: m.operations.map((op) => op.describe()),
    app: m.app,
    name: m.name,
  };
}

/**
 * The merge migration for an app with several leaves (Django 4.0+'s
 * `makemigrations --merge` naming): `NNNN_merge_<sorted leaf names>`, NNNN
 * being the highest leaf number + 1; depends on every leaf; no operations.
 */
export function proposeMerge(ws: Workspace, loader: MigrationLoader, app: string): ProposedFile | undefined {
  const leaves = loader.graph.leafNodes(app).map((k) => k[1]).sort();
  if (leaves.length < 2) return undefined;
  const numbers = leaves.map((l) => Number(/^(\d+)_/.exec(l)?.[1] ?? 0));
  const next = String(Math.max(...numbers) + 1).padStart(4, "0");
  const joined = leaves.join("_");
  const suffix = joined.length > 47 ? timestamp() : joined;
  const name = `${next}_merge_${suffix}`;
  const deps: MigrationKey[] = leaves.map((l) => [app, l] as const);
  const migration = new Migration(app, name, { dependencies: deps });
  return toFile(ws, migration);
}

/** Django's `get_migration_name_timestamp()`: `YYYYMMDD_HHMM` (local time). */
function timestamp(d = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, "0");
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}_${p(d.getHours())}${p(d.getMinutes())}`;
}

/** A WorkspaceEdit creating each file with its content (undoable in the editor). */
export function createFilesEdit(files: readonly ProposedFile[]): WorkspaceEdit {
  const documentChanges: (CreateFile | TextDocumentEdit)[] = [];
  for (const f of files) {
    const uri = pathToUri(f.path);
    documentChanges.push({ kind: "create", uri, options: { overwrite: false, ignoreIfExists: false } });
    documentChanges.push({
      textDocument: { uri, version: null },
      edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: f.content }],
    });
  }
  return { documentChanges };
}
