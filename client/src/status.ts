/**
 * The status bar item's text and tooltip from what the server reports
 * (pending migrations, drift = model changes not in any migration, errors in
 * the project's files, whether the database was read), with no `vscode`
 * import. It never shows the "all clear" check unless the database was read
 * and the files have no errors.
 */
import type { DatabaseState, DidChangeStatusParams } from "../../server/src/protocol";

/** What the status bar shows; `text` uses codicon syntax. */
export interface StatusView {
  text: string;
  tooltip: string;
  /** True when something needs the user (pending migrations, drift, errors, an unreadable database). */
  attention: boolean;
}

/** The counts behind the status bar (the tree's summary or the server's status notification). */
export interface StatusCounts {
  /** Migrations not applied (meaningful only when the database was read or is missing). */
  pending: number;
  /** Model changes not in any migration. */
  drift: number;
  /** tsmigrate errors in the project's files (absent: 0). */
  errors?: number;
  /** Whether the database was read (absent: "read"). */
  databaseState?: DatabaseState;
  /** Why the database was not read. */
  databaseError?: string;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

/** True when the database's statuses are not known (untrusted workspace, a database error). */
export function databaseUnknown(counts: StatusCounts): boolean {
  return counts.databaseState === "untrusted" || counts.databaseState === "error";
}

/** A one-line reason the database was not read, short enough for a tree row's description. */
export function shortDatabaseReason(state: DatabaseState | undefined, error: string | undefined): string {
  if (state === "untrusted") return "workspace not trusted: trust it to apply migrations";
  if (state === "missing") return "not created yet: migrate creates it";
  const first = (error ?? "unknown error").split("\n")[0]!.replace(/^.*?: (?=[A-Z])/, "");
  return first.length > 60 ? `${first.slice(0, 59)}…` : first;
}

/** The status bar view for `counts`; `state` says when the server is not running. */
export function statusView(counts: StatusCounts, state: "running" | "starting" | "failed" | "stopped" = "running"): StatusView {
  if (state === "starting") return { text: "$(loading~spin) tsmigrate", tooltip: "tsmigrate: starting the language server", attention: false };
  if (state === "failed" || state === "stopped") {
    return { text: "$(error) tsmigrate", tooltip: "tsmigrate: the language server is not running. Click to open the Migrations view.", attention: true };
  }
  const { pending, drift } = counts;
  const errors = counts.errors ?? 0;
  const unknown = databaseUnknown(counts);
  const parts: string[] = [];
  let database = "$(database)";
  const text: string[] = [];
  if (unknown) {
    parts.push(`migrations unknown: ${shortDatabaseReason(counts.databaseState, counts.databaseError)}`);
    database = "$(database) ?";
  } else if (pending > 0) {
    parts.push(plural(pending, "pending migration"));
    database = `$(database) ${pending}`;
  }
  if (errors > 0) {
    parts.push(`${plural(errors, "error")} in the models or migrations (see the Problems panel)`);
    text.push(`$(error) ${errors}`);
  }
  if (drift > 0) {
    parts.push(`${plural(drift, "model change")} not in any migration`);
    text.push(`$(warning) ${drift}`);
  }
  if (parts.length === 0) return { text: "$(database) $(check)", tooltip: "tsmigrate: all migrations applied, models match the migrations", attention: false };
  return { text: [database, ...text].join(" "), tooltip: `tsmigrate: ${parts.join("; ")}. Click to open the Migrations view.`, attention: true };
}

/** The counts of a `tsmigrate/didChangeStatus` notification. */
export function statusCounts(params: DidChangeStatusParams): StatusCounts {
  return {
    pending: params.pendingCount,
    drift: params.driftCount,
    errors: params.errorCount ?? 0,
    databaseState: params.databaseState,
    databaseError: params.databaseError,
  };
}

/**
 * The Migrations view's activity-bar badge: pending migrations (when known)
 * plus model changes not in any migration; undefined when both are 0.
 */
export function viewBadge(counts: StatusCounts): { value: number; tooltip: string } | undefined {
  const pending = databaseUnknown(counts) ? 0 : counts.pending;
  const value = pending + counts.drift;
  if (value === 0) return undefined;
  const parts = [pending > 0 ? plural(pending, "pending migration") : "", counts.drift > 0 ? `${plural(counts.drift, "model change")} not in any migration` : ""];
  return { value, tooltip: parts.filter((p) => p !== "").join(", ") };
}
