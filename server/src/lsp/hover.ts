/**
 * Hover SQL previews (no database needed):
 * - over an operation in a migration file: its SQL;
 * - over the `migrations.Migration(...)` call elsewhere: the whole migration
 *   as `sqlmigrate` prints it, forwards, and backwards below;
 * - over a model class in `models.ts`: the SQL of its pending changes, or its
 *   CREATE TABLE when it has none;
 * - over a field of a model: its column definition for the project's
 *   database and, when the field has changes not in any migration, their SQL.
 */
import * as path from "node:path";
import { ts } from "ts-morph";
import type { CancellationToken, Hover, HoverParams, Position, Range } from "vscode-languageserver";
import { describeError, checkCancelled } from "./guard";
import { uriToPath } from "./documents";
import { contains, locationRange, rangeSize } from "./ranges";
import { createModelSql, fieldColumnSql, formatLines, makeEditor, migrationSql, operationSql, sqlBlock, type SqlTarget } from "./sql";
import type { Workspace } from "./workspace";
import { keyString } from "../engine/migration";
import { describeLoss, lossesByOperation, migrationLosses } from "../engine/data-loss";
import type { DataLoss, Operation } from "../engine/operations/base";
import type { ModelState, ProjectState } from "../engine/state";

/** The hover at `p`, or null when there is nothing to show there. */
export function hover(ws: Workspace, p: HoverParams, token?: CancellationToken): Hover | null {
  const file = uriToPath(p.textDocument.uri);
  if (!file) return null;
  const where = ws.appOf(file);
  if (!where) return null;
  const text = ws.documents.text(file);
  if (text === undefined) return null;
  const analysis = ws.analyze();
  checkCancelled(token);
  if (where.kind === "models") return modelHover(ws, where.app.label, text, p.position, analysis);
  return migrationHover(ws, where.app.label, file, text, p.position);
}

function markdown(value: string, range?: Range): Hover {
  return { contents: { kind: "markdown", value }, range };
}

function offsetAt(text: string, pos: Position): number {
  let offset = 0;
  for (let line = 0; line < pos.line; line++) {
    const nl = text.indexOf("\n", offset);
    if (nl < 0) return text.length;
    offset = nl + 1;
  }
  return Math.min(text.length, offset + pos.character);
}

function nodeRange(sf: ts.SourceFile, node: ts.Node): Range {
  const s = sf.getLineAndCharacterOfPosition(node.getStart(sf));
  const e = sf.getLineAndCharacterOfPosition(node.getEnd());
  return { start: { line: s.line, character: s.character }, end: { line: e.line, character: e.character } };
}

/**
 * The hover in a models file: over a model class's header, its pending
 * changes' SQL or its CREATE TABLE; over a field of a model, its column.
 */
function modelHover(ws: Workspace, app: string, text: string, pos: Position, analysis: ReturnType<Workspace["analyze"]>): Hover | null {
  const sf = ts.createSourceFile("models.ts", text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const offset = offsetAt(text, pos);
  const cls = sf.statements.find((s): s is ts.ClassDeclaration =>
    ts.isClassDeclaration(s) && s.name !== undefined && s.getStart(sf) <= offset && offset <= s.end);
  if (!cls?.name) return null;
  const model = analysis.models.state.get(app, cls.name.text);
  if (!model) return null;
  const at: ModelAt = { ws, app, className: cls.name.text, model, analysis };
  if (offset <= cls.members.pos) return classHover(at, nodeRange(sf, cls.name));
  const member = cls.members.find((m): m is ts.PropertyDeclaration =>
    ts.isPropertyDeclaration(m) && m.getStart(sf) <= offset && offset <= m.end && ts.isIdentifier(m.name));
  if (!member) return null;
  return fieldHover(at, (member.name as ts.Identifier).text, nodeRange(sf, member));
}

/** A model class of a models file, as the hovers read it. */
interface ModelAt {
  readonly ws: Workspace;
  readonly app: string;
  readonly className: string;
  readonly model: ModelState;
  readonly analysis: ReturnType<Workspace["analyze"]>;
}

/** The hover of a model class's header: the SQL of its pending changes, else its CREATE TABLE. */
function classHover(at: ModelAt, range: Range): Hover {
  const { ws, app, className, model, analysis } = at;
  const vendor = ws.sqlTarget;
  const lower = className.toLowerCase();
  const pending = (analysis.drift.get(app) ?? []).flatMap((m) => m.operations);
  const mine = pending.filter((op) => op.target().model?.toLowerCase() === lower);
  try {
    if (mine.length) return markdown(`**${className}**: changes not in any migration${pendingSection(at, pending, mine)}`, range);
    const lines = createModelSql(model, analysis.models.state, vendor);
    return markdown(`**${className}** (\`${model.dbTable}\`): no pending changes\n\n${sqlBlock(formatLines(lines, vendor))}`, range);
  } catch (e) {
    return markdown(`**${className}**: cannot compute its SQL: ${describeError(e).split("\n")[0]}`, range);
  }
}

/**
 * The hover of a field of a model: its column as CREATE TABLE writes it for
 * the project's database (a many-to-many field has none: its join table
 * says so) and, when the field has changes not in any migration, their
 * SQL. Null for a class member that is not a field (`static Meta`).
 */
function fieldHover(at: ModelAt, name: string, range: Range): Hover | null {
  const { ws, app, className, model, analysis } = at;
  const field = model.fields.get(name);
  if (!field) return null;
  const vendor = ws.sqlTarget;
  const title = `**${className}.${name}** (\`${model.dbTable}\`)`;
  const lowerModel = className.toLowerCase();
  const pending = (analysis.drift.get(app) ?? []).flatMap((m) => m.operations);
  const mine = pending.filter((op) => op.target().model?.toLowerCase() === lowerModel && op.target().field === name);
  try {
    const column = fieldColumnSql(model, name, analysis.models.state, vendor);
    const definition = column === undefined
      ? "many-to-many: no column; its rows live in a join table"
      : `column\n\n${sqlBlock(formatLines([column], vendor))}`;
    const changes = mine.length ? `\n\n**Changes not in any migration**${pendingSection(at, pending, mine)}` : "";
    return markdown(`${title}: ${definition}${changes}`, range);
  } catch (e) {
    return markdown(`${title}: cannot compute its SQL: ${describeError(e).split("\n")[0]}`, range);
  }
}

/** The list of `mine` (changes not in any migration), what they destroy and their SQL (`mine` among the app's `pending`). */
function pendingSection(at: ModelAt, pending: readonly Operation[], mine: readonly Operation[]): string {
  const vendor = at.ws.sqlTarget;
  const { lines, losses } = pendingSql(pending, new Set(mine), at.app, at.analysis.migrationState, vendor);
  const list = mine.map((op) => `- ${op.describe()}`).join("\n");
  return `\n\n${list}${lossNote(losses, [])}\n\n${sqlBlock(formatLines(lines, vendor) || "-- no SQL")}`;
}

/**
 * SQL of the operations in `mine`, with every pending operation of the app
 * applied to the state in order (so that references to models created in
 * the same pending migration resolve); only `mine` emit; and what `mine`
 * would destroy once in a migration and applied.
 */
function pendingSql(
  all: readonly Operation[], mine: ReadonlySet<unknown>, app: string, from: ProjectState, vendor: SqlTarget,
): { lines: string[]; losses: DataLoss[] } {
  const state = from.clone();
  const lines: string[] = [];
  const losses: DataLoss[] = [];
  for (const op of all) {
    if (mine.has(op)) {
      const editor = makeEditor(vendor, (sql) => lines.push(sql.endsWith(";") ? sql : `${sql};`));
      const before = state.clone();
      op.stateForwards(app, state);
      op.databaseForwards(app, editor, before, state);
      losses.push(...op.losses(app, before, state, false));
      editor.flush();
    } else {
      op.stateForwards(app, state);
    }
  }
  return { lines, losses };
}

/** The hover in a migration file: one operation's SQL, or the whole migration's. */
function migrationHover(ws: Workspace, app: string, file: string, text: string, pos: Position): Hover | null {
  if (ws.isBrokenMigration(file)) return null;
  const name = path.basename(file, ".ts");
  const loader = ws.loader;
  const migration = loader.diskMigrations.get(`${app}.${name}`);
  if (!migration) return null;
  const vendor = ws.sqlTarget;
  // The innermost operation under the cursor.
  let best: { index: number; range: Range } | undefined;
  migration.operations.forEach((op, index) => {
    if (!op.location) return;
    const range = locationRange(op.location);
    if (contains(range, pos) && (!best || rangeSize(range) < rangeSize(best.range))) best = { index, range };
  });
  const title = `${keyString(migration.key)}`;
  if (best) {
    const op = migration.operations[best.index]!;
    try {
      const state = ws.stateBefore(migration);
      const lines = operationSql(migration, best.index, state, vendor);
      const sql = lines.length ? formatLines(lines, vendor) : "-- this operation changes no schema";
      const loss = lossNote(lossesByOperation(migration, state, false)[best.index]!, lossesByOperation(migration, state, true)[best.index]!);
      return markdown(`**${op.describe()}** (${title})${loss}\n\n${sqlBlock(sql)}`, best.range);
    } catch (e) {
      return markdown(`**${op.describe()}**: cannot compute its SQL: ${describeError(e).split("\n")[0]}`, best.range);
    }
  }
  const call = migrationCall(text);
  if (!call || !contains(call, pos)) return null;
  try {
    const forwards = migrationSql(loader, migration, false, vendor);
    const backwards = migrationSql(loader, migration, true, vendor);
    const fw = forwards.length ? formatLines(forwards, vendor) : "-- No operations found.";
    const bw = backwards.length ? formatLines(backwards, vendor) : "-- No operations found.";
    const state = ws.stateBefore(migration);
    const loss = lossNote(migrationLosses(migration, state, false), migrationLosses(migration, state, true));
    return markdown(`**sqlmigrate ${migration.app} ${migration.name}**${loss}\n\n${sqlBlock(fw)}\n\n**Backwards** (\`--backwards\`)\n\n${sqlBlock(bw)}`, call);
  } catch (e) {
    return markdown(`**${title}**: cannot compute its SQL: ${describeError(e).split("\n")[0]}`, call);
  }
}

/**
 * The data-loss warning of a hover (the engine's analysis, without counts:
 * hovers never query the database): what applying destroys, and what
 * unapplying does; "" when neither destroys anything.
 */
function lossNote(forwards: readonly DataLoss[], backwards: readonly DataLoss[]): string {
  const list = (heading: string, losses: readonly DataLoss[]): string =>
    (losses.length ? `\n\n⚠ **${heading}:**\n${losses.map((l) => `- ${describeLoss(l)}`).join("\n")}` : "");
  return list("Data loss when applied", forwards) + list("Data loss when unapplied", backwards);
}

/** The range of the `export default migrations.Migration(...)` call expression in `text`. */
function migrationCall(text: string): Range | undefined {
  const sf = ts.createSourceFile("migration.ts", text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  for (const st of sf.statements) {
    if (ts.isExportAssignment(st) && ts.isCallExpression(st.expression)) return nodeRange(sf, st.expression);
  }
  return undefined;
}

