/**
 * LSP diagnostics from engine results: drift (one per pending operation),
 * errors the engine rejects (Django's system checks, bad migration files,
 * missing dependencies) and conflicts (several leaves in one app).
 *
 * Codes are stable: drift diagnostics use `drift-<operation>` in kebab case
 * (`drift-add-field`, `drift-create-model`, ...); errors use the engine's
 * TsMigrateError code (`syntax`, `unknown-field-type`, `unknown-option`,
 * `unknown-model`, `missing-option`, `bad-migration`, `missing-dependency`,
 * `conflict`, ...).
 */
import { type Diagnostic, DiagnosticSeverity, DiagnosticTag } from "vscode-languageserver";
import { TsMigrateError } from "../engine/errors";
import { mergeBranches, type MergeOverlap, mergeOverlaps } from "../engine/merge";
import type { MigrationLoader } from "../engine/loader";
import type { Operation } from "../engine/operations/base";
import { DiagnosticSource } from "../protocol";
import type { DriftItem } from "./drift";
import { fileStartRange, lineText, locationRange, type TextLines } from "./ranges";

/** The `tsmigrate.drift.severity` setting's values. */
export type DiagnosticSeverityName = "error" | "warning" | "information" | "hint";

const SEVERITY: Record<DiagnosticSeverityName, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** `AddField` -> `add-field`. */
function kebab(kind: string): string {
  return kind.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
}

/** The diagnostic code of a drift operation kind: `drift-add-field`, ... */
function driftCode(kind: string): string {
  return `drift-${kebab(kind)}`;
}

/** What a drift diagnostic carries in `data`, for code actions. */
export interface DriftData {
  readonly kind: "drift";
  readonly app: string;
  readonly operation: string;
  readonly model?: string;
  readonly field?: string;
  /** True for a NOT NULL field added (or made NOT NULL) with no default on an existing table. */
  readonly needsDefault?: boolean;
}

/** What a conflict diagnostic carries in `data`. */
export interface ConflictData {
  readonly kind: "conflict";
  readonly app: string;
  readonly leaves: string[];
  /** What both branches touch (engine/merge.ts's overlap subjects, `shop.product.price`), for the "Merge migrations" action's title. */
  readonly overlaps?: string[];
}

/** The diagnostic of one pending operation ("Add field stock to product — not in any migration"). */
export function driftDiagnostic(item: DriftItem, severity: DiagnosticSeverityName = "warning"): Diagnostic {
  const data: DriftData = {
    kind: "drift", app: item.app, operation: item.op.kind, model: item.model, field: item.field,
    needsDefault: item.needsDefault || undefined,
  };
  return {
    range: item.range,
    severity: SEVERITY[severity],
    source: DiagnosticSource,
    code: driftCode(item.op.kind),
    message: `${item.description} — not in any migration`,
    data,
  };
}

/**
 * The diagnostic of an engine error, placed at its location (the start of
 * `fallbackFile` when it has none). `text` gives file contents, used to
 * extend a location without an end to the end of its line.
 */
export function errorDiagnostic(e: TsMigrateError, text: (file: string) => TextLines | undefined, fallbackFile?: string): Diagnostic {
  const loc = e.location;
  const file = loc?.file ?? fallbackFile;
  const content = file ? text(file) : undefined;
  const range = loc ? locationRange(loc, content) : fileStartRange(content);
  const d: Diagnostic = {
    range,
    severity: DiagnosticSeverity.Error,
    source: DiagnosticSource,
    code: e.code,
    message: e.message,
  };
  if (e.code === "unused" || e.code === "deprecated") d.tags = [DiagnosticTag.Unnecessary];
  return d;
}

/**
 * The field a pending operation is about: its target's, else the field it
 * creates, removes or alters (RemoveField targets its class: the field is
 * no longer written there).
 */
export function operationField(op: Operation): string | undefined {
  return op.target().field ?? op.provisions().map((p) => ("field" in p ? p.field : undefined)).find((f) => f !== undefined);
}

/**
 * True when one of `errors` (diagnostics of a models file whose text is
 * `text`) sits on a line declaring the field `field` (`price = models...`):
 * the engine rejected that field, so drift about it is a consequence.
 */
export function rejectedField(errors: readonly Diagnostic[] | undefined, text: TextLines | undefined, field: string | undefined): boolean {
  if (!errors?.length || text === undefined || field === undefined) return false;
  const declares = new RegExp(`^\\s*${field.replace(/[$]/g, "\\$&")}\\s*[=:!?]`);
  return errors.some((d) => {
    for (let line = d.range.start.line; line <= d.range.end.line; line++) if (declares.test(lineText(text, line))) return true;
    return false;
  });
}

/**
 * Conflict diagnostics: for every app with more than one leaf migration, one
 * error on each leaf's file, in Django's words. Keyed by file.
 */
export function conflictDiagnostics(loader: MigrationLoader, text: (file: string) => string | undefined): Map<string, Diagnostic[]> {
  const out = new Map<string, Diagnostic[]>();
  for (const [app, leaves] of loader.detectConflicts()) {
    const overlaps = branchOverlaps(loader, app, leaves);
    const message = `Conflicting migrations detected; multiple leaf nodes in the migration graph: ` +
      `(${leaves.join(", ")} in ${app}). To fix them run 'tsmigrate makemigrations --merge'` +
      overlaps.map((o) => `\nBoth branches touch ${o.subject}: ${o.changes[0]}; ${o.changes[1]} — check the merged result.`).join("");
    const data: ConflictData = { kind: "conflict", app, leaves, ...(overlaps.length ? { overlaps: overlaps.map((o) => o.subject) } : {}) };
    for (const name of leaves) {
      const file = loader.diskMigrations.get(`${app}.${name}`)?.file;
      if (!file) continue;
      const d: Diagnostic = {
        range: migrationCallRange(text(file)),
        severity: DiagnosticSeverity.Error,
        source: DiagnosticSource,
        code: "conflict",
        message,
        data,
      };
      out.set(file, [...(out.get(file) ?? []), d]);
    }
  }
  return out;
}

/** The overlaps between the branches (engine/merge.ts), as `makemigrations --merge` warns of them; none when unreadable. */
function branchOverlaps(loader: MigrationLoader, app: string, leaves: readonly string[]): MergeOverlap[] {
  try {
    const branches = mergeBranches(loader.graph, app, leaves);
    return mergeOverlaps(branches, loader.projectState([app, branches.ancestor]));
  } catch (e) {
    if (e instanceof TsMigrateError) return []; // a broken history has its own diagnostics
    throw e;
  }
}

/** The range of `migrations.Migration` in a migration file's text (its first line when absent). */
function migrationCallRange(text: string | undefined): Diagnostic["range"] {
  if (text !== undefined) {
    const i = text.indexOf("migrations.Migration");
    if (i >= 0) {
      const before = text.slice(0, i).split("\n");
      const line = before.length - 1;
      const character = before[line]!.length;
      return { start: { line, character }, end: { line, character: character + "migrations.Migration".length } };
    }
  }
  return fileStartRange(text);
}
