/**
 * Saves migration files right after a code action created them. The
 * server's quick fixes ("Make migration for 'shop'", "Merge migrations")
 * are WorkspaceEdits that create a file and insert its text, which leaves an
 * empty file on disk and a dirty editor: until saved, the CLI, the database
 * commands and the test runner would see an empty migration. Only files
 * created by an edit whose first change follows within a few seconds and
 * holds a `migrations.Migration(` are saved, so that a file the user creates
 * by hand in a migrations folder is left alone.
 */
import * as vscode from "vscode";

/** How long after the creation the inserted text may arrive (ms). */
const WINDOW_MS = 5000;

/** True for `<...>/migrations/<name>.ts`. */
export function isMigrationPath(path: string): boolean {
  return /[\\/]migrations[\\/][^\\/]+\.ts$/.test(path);
}

/** Listens for created migration files and saves them once their text is in; dispose to stop. */
export function saveCreatedMigrations(log: vscode.LogOutputChannel): vscode.Disposable {
  const waiting = new Map<string, number>();
  const save = (document: vscode.TextDocument): void => {
    waiting.delete(document.uri.toString());
    if (!document.isDirty || !document.getText().includes("migrations.Migration(")) return;
    void document.save().then((saved) => {
      if (saved) log.info(`saved ${document.uri.fsPath} (created by a code action)`);
    });
  };
  const created = vscode.workspace.onDidCreateFiles((e) => {
    for (const uri of e.files) {
      if (uri.scheme !== "file" || !isMigrationPath(uri.fsPath)) continue;
      const key = uri.toString();
      waiting.set(key, Date.now());
      // The edit's text may already be in (the event can follow the whole edit).
      const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
      if (open?.isDirty) save(open);
    }
  });
  const changed = vscode.workspace.onDidChangeTextDocument((e) => {
    const since = waiting.get(e.document.uri.toString());
    if (since === undefined) return;
    if (Date.now() - since > WINDOW_MS) waiting.delete(e.document.uri.toString());
    else save(e.document);
  });
  return vscode.Disposable.from(created, changed);
}
