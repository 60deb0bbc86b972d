/**
 * Code actions:
 * - quick fix "Make migration for 'shop'" on a drift diagnostic, and the
 *   same as a `source` action on any model file with drift;
 * - for a NOT NULL field added with no default: "Add a default" and "Make
 *   it nullable" (edits to the models buffer);
 * - "Merge migrations for 'shop'" on a conflict diagnostic;
 * - "Change to 'maxLength'" on a "did you mean" error (didYouMean.ts).
 * Migration files are created through a WorkspaceEdit, so the editor can
 * undo them.
 */
import {
  type CancellationToken, type CodeAction, CodeActionKind, type CodeActionParams, type Diagnostic,
} from "vscode-languageserver";
import { FIELD_SPECS, type FieldType } from "../engine/fields";
import { type AskedQuestion, DiagnosticSource } from "../protocol";
import type { ConflictData, DriftData } from "./diagnostics";
import { pathToUri, uriToPath } from "./documents";
import { didYouMeanFix } from "./didYouMean";
import { checkCancelled } from "./guard";
import { createFilesEdit, makeMigrationsBlocker, proposeAnswered, proposeMerge, proposeMigrations, type ProposedFile } from "./makemigrations";
import { setFieldOptionEdit, suggestedDefault } from "./modelEdits";
import { overlaps } from "./ranges";
import type { Workspace } from "./workspace";

/** The kind of the "make migrations" source action. */
const MAKE_MIGRATIONS_KIND = `${CodeActionKind.Source}.tsmigrate.makeMigrations`;

/** The VS Code extension's command that makes, writes, opens and announces migrations (see InitializationOptions.clientCommands). */
export const MAKE_MIGRATIONS_COMMAND = "tsmigrate.makeMigrations";

/** What a code action left to `codeAction/resolve` carries: the files to compute. */
export type ActionData = { readonly make: string } | { readonly merge: string };



function wants(only: readonly string[] | undefined, kind: string): boolean {
  return !only || only.some((o) => kind === o || kind.startsWith(`${o}.`));
}

/** What the client can do with a code action (from `initialize`). */
export interface ActionClient {
  /** It resolves code actions' `edit` (`codeAction/resolve`). */
  readonly lazyEdits: boolean;
  /** It has the extension's commands (InitializationOptions.clientCommands): "Make migration" runs {@link MAKE_MIGRATIONS_COMMAND}. */
  readonly commands: boolean;
  /** It answers `tsmigrate/askQuestion` (InitializationOptions.askQuestions). */
  readonly asks: boolean;
}

const PLAIN_CLIENT: ActionClient = { lazyEdits: false, commands: false, asks: false };

/**
 * Code actions for a range of a models or migration file. With `lazyEdits`
 * (the client resolves code actions' `edit`), the costly edits (a
 * whole-project autodetector run) are left to `codeAction/resolve`, so they
 * are computed only for the action the user picks, not on every cursor move.
 * A client with the commands that answers questions gets "Make migration"
 * enabled when a question must be asked (a one-off default, a rename): the
 * command asks. Other clients get it disabled, with the reason.
 */
export function codeActions(ws: Workspace, p: CodeActionParams, token?: CancellationToken, client: ActionClient = PLAIN_CLIENT): CodeAction[] {
  const file = uriToPath(p.textDocument.uri);
  if (!file) return [];
  const where = ws.appOf(file);
  if (!where) return [];
  const analysis = ws.analyze();
  checkCancelled(token);
  const only = p.context.only;
  const actions: CodeAction[] = [];
  const published = analysis.diagnostics.get(file) ?? [];
  const ours = ownDiagnostics(p, published);
  // Diagnostics the client sends back may lack `data`: find ours by code and range.
  const withData = (d: Diagnostic): Diagnostic =>
    d.data ? d : (published.find((x) => x.code === d.code && overlaps(x.range, d.range)) ?? d);

  if (wants(only, CodeActionKind.QuickFix)) {
    const madeFor = new Set<string>();
    for (const raw of ours) {
      const d = withData(raw);
      const data = d.data as DriftData | ConflictData | undefined;
      if (data?.kind === "drift") {
        if (!madeFor.has(data.app)) {
          madeFor.add(data.app);
          const a = makeMigrationAction(ws, analysis.diagnostics, data.app, CodeActionKind.QuickFix, [raw], client);
          if (a) actions.push(a);
        }
        if (data.needsDefault && data.model && data.field) actions.push(...nullFixes(ws, file, data, raw));
      } else if (data === undefined) {
        const text = ws.documents.text(file);
        const fix = text === undefined ? undefined : didYouMeanFix(p.textDocument.uri, text, raw);
        if (fix) actions.push(fix);
      } else if (data?.kind === "conflict") {
        const action: CodeAction = {
          title: `Merge migrations for '${data.app}'` +
            (data.overlaps?.length ? ` (both branches touch ${data.overlaps.join(", ")}: check the merged result)` : ""),
          kind: CodeActionKind.QuickFix,
          diagnostics: [raw],
          isPreferred: true,
        };
        const done = withEdit(ws, action, { merge: data.app }, client.lazyEdits);
        if (done) actions.push(done);
      }
    }
  }
  if (where.kind === "models" && wants(only, MAKE_MIGRATIONS_KIND) && analysis.drift.has(where.app.label)) {
    const a = makeMigrationAction(ws, analysis.diagnostics, where.app.label, MAKE_MIGRATIONS_KIND, undefined, client);
    if (a) actions.push(a);
  }
  return actions;
}

/**
 * Our diagnostics the action is for: those in the request's context, else
 * (a client whose context is empty or older than our last publication: VS
 * Code right after a publication, a client that sends none) ours at the
 * requested range from the latest analysis, so that "Make migration" is
 * offered as soon as the squiggle shows.
 */
function ownDiagnostics(p: CodeActionParams, published: readonly Diagnostic[]): Diagnostic[] {
  const ours = p.context.diagnostics.filter((d) => d.source === DiagnosticSource);
  if (ours.length > 0) return ours;
  return published.filter((d) => overlaps(d.range, p.range));
}

function makeMigrationAction(
  ws: Workspace, published: ReadonlyMap<string, readonly Diagnostic[]>, app: string, kind: string,
  diagnostics: Diagnostic[] | undefined, client: ActionClient,
): CodeAction | undefined {
  const action: CodeAction = {
    title: `Make migration for '${app}'`,
    kind,
    diagnostics,
    isPreferred: kind === CodeActionKind.QuickFix ? true : undefined,
  };
  // The command asks the questions (tsmigrate/askQuestion) of a client that answers them.
  const asks = client.commands && client.asks;
  const blocker = makeMigrationsBlocker(ws) ?? (asks ? undefined : renameBlocker(ws, app) ?? needsDefaultBlocker(published, app));
  if (blocker) return { ...action, isPreferred: undefined, disabled: { reason: blocker } };
  if (client.commands) return { ...action, command: { title: action.title, command: MAKE_MIGRATIONS_COMMAND, arguments: [{ apps: [app] }] } };
  return withEdit(ws, action, { make: app }, client.lazyEdits);
}

/** The rename question of the latest analysis for each app (null: none), for {@link renameBlocker}. */
const renameQuestions = new WeakMap<object, Map<string, AskedQuestion | null>>();

/**
 * Why the app's migration cannot be made by a client that does not answer
 * questions: a field or model that may have been renamed (makemigrations
 * would ask; made here it would be removed and added, its data lost). Runs
 * the autodetector once per analysis and app, when the app's drift removes
 * a field or a model (only for such clients).
 */
function renameBlocker(ws: Workspace, app: string): string | undefined {
  const analysis = ws.analyze();
  // A rename is only asked about when something is removed: otherwise no detector run (typing bursts).
  if (!analysis.driftItems.some((i) => i.app === app && (i.op.kind === "RemoveField" || i.op.kind === "DeleteModel"))) return undefined;
  let byApp = renameQuestions.get(analysis);
  if (!byApp) renameQuestions.set(analysis, (byApp = new Map()));
  if (!byApp.has(app)) {
    const { questions } = proposeAnswered(ws, {}, [app]);
    const rename = questions.find((q) => (q.kind === "renameField" || q.kind === "renameModel") && q.key.startsWith(`${app}.`));
    byApp.set(app, rename ?? null);
  }
  const q = byApp.get(app);
  if (!q) return undefined;
  return `${q.question.replace(/ \[y\/N\]$/, "")} Made here, it would be removed and added (its data lost): ` +
    `answer in a terminal ('tsmigrate makemigrations'), or pass ${q.flag}`;
}

/**
 * Why the app's migration cannot be made by a client that does not answer
 * questions: a NOT NULL field added to an existing table with no default
 * (the CLI would ask for a one-off default; the editor will not invent
 * one). See proposeMigrations.
 */
function needsDefaultBlocker(published: ReadonlyMap<string, readonly Diagnostic[]>, app: string): string | undefined {
  for (const list of published.values()) {
    for (const d of list) {
      const data = d.data as DriftData | undefined;
      if (data?.kind === "drift" && data.app === app && data.needsDefault && data.operation === "AddField") {
        return `${data.model}.${data.field} is NOT NULL with no default: use 'Add a default' or 'Make it nullable' first`;
      }
    }
  }
  return undefined;
}

/** The files an action creates, or undefined when there is nothing to write. */
function filesFor(ws: Workspace, data: ActionData): ProposedFile[] | undefined {
  if ("make" in data) {
    const files = proposeMigrations(ws, [data.make]);
    return files.length ? files : undefined;
  }
  const merge = proposeMerge(ws, ws.loader, data.merge);
  return merge ? [merge] : undefined;
}

/** The action with its edit now, or with `data` for `codeAction/resolve` when the client resolves lazily. */
function withEdit(ws: Workspace, action: CodeAction, data: ActionData, lazy: boolean): CodeAction | undefined {
  if (lazy) return { ...action, data };
  const files = filesFor(ws, data);
  return files ? { ...action, edit: createFilesEdit(files) } : undefined;
}

/**
 * `codeAction/resolve`: fills in the edit of an action returned without one.
 * An action with nothing left to write (drift fixed meanwhile) gets an empty edit.
 */
export function resolveCodeAction(ws: Workspace, action: CodeAction): CodeAction {
  const data = action.data as ActionData | undefined;
  if (!data || action.edit) return action;
  return { ...action, edit: createFilesEdit(filesFor(ws, data) ?? []) };
}

/** "Add a default" (when the type has a natural one) and "Make it nullable" for a NOT NULL field without a default. */
function nullFixes(ws: Workspace, file: string, data: DriftData, diagnostic: Diagnostic): CodeAction[] {
  const text = ws.documents.text(file);
  if (text === undefined || !data.model || !data.field) return [];
  const out: CodeAction[] = [];
  const field = ws.analyze().models.state.get(data.app, data.model)?.fields.get(data.field);
  const uri = pathToUri(file);
  const dflt = field && field.type in FIELD_SPECS ? suggestedDefault(field.type as FieldType) : undefined;
  if (dflt !== undefined) {
    const edit = setFieldOptionEdit(text, data.model, data.field, "default", dflt);
    if (edit) {
      out.push({
        title: `Add a default (${data.field}: ${dflt})`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        edit: { changes: { [uri]: [edit] } },
      });
    }
  }
  const nullable = setFieldOptionEdit(text, data.model, data.field, "null", "true");
  if (nullable) {
    out.push({
      title: `Make it nullable (${data.field})`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      edit: { changes: { [uri]: [nullable] } },
    });
  }
  return out;
}
