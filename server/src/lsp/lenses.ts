/**
 * CodeLenses, as Ruby LSP has for Rails migrations:
 * - above `migrations.Migration(` in a migration file: its state on the
 *   database ("applied 2026-12-05 14:07 UTC", "pending", "unknown: ..."),
 *   then "Apply up to here" (not applied) or "Roll back to here" (applied),
 *   and "Show SQL";
 * - on a model class with changes not in any migration: "N changes not in a
 *   migration — Make migration".
 * The clickable lenses run the VS Code extension's commands, so they are
 * offered only to a client that has them (`clientCommands`); other clients
 * get the state lenses, whose command is empty (shown as text).
 */
import * as path from "node:path";
import type { CodeLens, Command, Range } from "vscode-languageserver";
import { uriToPath } from "./documents";
import { readDatabase, type DatabaseRead } from "./status";
import type { Workspace } from "./workspace";

/** Where to put a lens: the line holding `needle` (a regular expression), else the first line. */
function lineRange(text: string, needle: RegExp): Range {
  const match = needle.exec(text);
  const line = match === null ? 0 : text.slice(0, match.index).split("\n").length - 1;
  return { start: { line, character: 0 }, end: { line, character: 0 } };
}

/** A lens that only shows text (no command to run). */
function label(range: Range, title: string): CodeLens {
  return { range, command: { title, command: "" } };
}

/** The state of migration `app.name` on the database, in words. */
function migrationState(ws: Workspace, read: DatabaseRead, app: string, name: string): { words: string; applied: boolean | undefined } {
  if (read.state === "untrusted" || read.state === "error") {
    return { words: `unknown: ${read.state === "untrusted" ? "workspace not trusted" : "database not read"}`, applied: undefined };
  }
  const rec = read.applied.get(`${app}.${name}`);
  if (rec === undefined) return { words: "pending", applied: false };
  let modified = false;
  try {
    const m = ws.loader.graph.migration([app, name]);
    modified = rec.checksum !== "" && rec.checksum !== m.checksum();
  } catch {
    // Not in the graph (a broken file): the record alone says it is applied.
  }
  const when = `${rec.applied.toISOString().slice(0, 16).replace("T", " ")} UTC`;
  return { words: `${modified ? "modified since applied" : "applied"} ${when}`, applied: true };
}

/** The lenses of a migration file. */
async function migrationLenses(ws: Workspace, file: string, app: string, text: string, commands: boolean, trusted: boolean): Promise<CodeLens[]> {
  const name = path.basename(file, ".ts");
  const range = lineRange(text, /migrations\s*\.\s*Migration\s*\(/);
  const read = await ws.exclusive(() => readDatabase(ws, ws.database, trusted));
  const state = migrationState(ws, read, app, name);
  const lenses = [label(range, state.words)];
  if (!commands) return lenses;
  const target = { app, name, file, database: ws.database };
  const command = (title: string, id: string): CodeLens => ({ range, command: { title, command: id, arguments: [target] } });
  if (state.applied !== true) lenses.push(command("Apply up to here", "tsmigrate.applyTo"));
  if (state.applied !== false) lenses.push(command("Roll back to here", "tsmigrate.rollbackTo"));
  lenses.push(command("Show SQL", "tsmigrate.showSql"));
  return lenses;
}

/** The lenses of a models file: one per model class with changes not in any migration. */
function modelLenses(ws: Workspace, file: string, app: string, text: string, commands: boolean): CodeLens[] {
  const counts = new Map<string, number>();
  for (const item of ws.analyze().driftItems) {
    if (item.file === file && item.model !== undefined) counts.set(item.model, (counts.get(item.model) ?? 0) + 1);
  }
  const lenses: CodeLens[] = [];
  for (const [model, n] of counts) {
    const range = lineRange(text, new RegExp(`\\bclass\\s+${model}\\b`));
    const title = `${n} change${n === 1 ? "" : "s"} not in a migration — Make migration`;
    const command: Command = commands ? { title, command: "tsmigrate.makeMigrations", arguments: [{ apps: [app] }] } : { title, command: "" };
    lenses.push({ range, command });
  }
  return lenses.sort((a, b) => a.range.start.line - b.range.start.line);
}

/**
 * `textDocument/codeLens` for a models or migration file of the project
 * (none for other files). Reads the database (trusted workspaces only) for
 * a migration's state; never throws for a database that cannot be read.
 */
export async function codeLenses(ws: Workspace, uri: string, commands: boolean, trusted: boolean): Promise<CodeLens[]> {
  const file = uriToPath(uri);
  if (!file) return [];
  const where = ws.appOf(file);
  const text = ws.documents.text(file);
  if (!where || text === undefined) return [];
  if (where.kind === "models") return modelLenses(ws, path.resolve(file), where.app.label, text, commands);
  if (!ws.loader.graph.node([where.app.label, path.basename(file, ".ts")])) return [];
  return migrationLenses(ws, file, where.app.label, text, commands, trusted);
}
