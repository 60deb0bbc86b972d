/**
 * The status bar item's text and tooltip from the counts the server reports
 * (pending migrations, drift = model changes not in any migration), with no
 * `vscode` import.
 */

/** What the status bar shows; `text` uses codicon syntax. */
export interface StatusView {
  text: string;
  tooltip: string;
  /** True when something needs the user (pending migrations or drift): the item gets the warning background. */
  attention: boolean;
}

/** The status bar view for `pending` migrations and `drift` changes; `state` says when the server is not running. */
export function statusView(pending: number, drift: number, state: "running" | "starting" | "failed" | "stopped" = "running"): StatusView {
  if (state === "starting") return { text: "$(loading~spin) tsmigrate", tooltip: "tsmigrate: starting the language server", attention: false };
  if (state === "failed" || state === "stopped") {
    return { text: "$(error) tsmigrate", tooltip: "tsmigrate: the language server is not running. Click to open the Migrations view.", attention: true };
  }
  const parts: string[] = [];
  if (pending > 0) parts.push(`${pending} pending migration${pending === 1 ? "" : "s"}`);
  if (drift > 0) parts.push(`${drift} model change${drift === 1 ? "" : "s"} not in any migration`);
  if (parts.length === 0) return { text: "$(database) $(check)", tooltip: "tsmigrate: all migrations applied, models match the migrations", attention: false };
  const text = [pending > 0 ? `$(database) ${pending}` : "$(database)", drift > 0 ? `$(warning) ${drift}` : ""].filter((t) => t !== "").join(" ");
  return { text, tooltip: `tsmigrate: ${parts.join(", ")}. Click to open the Migrations view.`, attention: true };
}
