/**
 * Shows the offer of dev_dependency.ts once per workspace: a notification
 * "Add to devDependencies" / "Not now" when a models file imports
 * `tsmigrate` and the project's package.json lacks it. Looked for at
 * activation and when a `models.ts` is opened; once shown (whatever the
 * answer) it is not shown again in that workspace (`workspaceState`).
 * "Add" edits package.json as an undoable edit and saves it; installing is
 * left to the user's package manager.
 */
import * as path from "node:path";
import * as vscode from "vscode";
import { findOffer, PACKAGE, withDevDependency, type DevDependencyOffer } from "./dev_dependency";

/** The workspaceState key remembering that the offer was shown. */
const SHOWN_KEY = "tsmigrate.devDependencyOfferShown";
const ADD = "Add to devDependencies";
const NOT_NOW = "Not now";

/** The text of a file: its open document's, else the disk's; undefined when it does not exist. */
async function read(file: string): Promise<string | undefined> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.scheme === "file" && d.uri.fsPath === file);
  if (open !== undefined) return open.getText();
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.file(file)));
  } catch {
    return undefined;
  }
}

/** Adds `tsmigrate` to the offer's package.json (one undoable edit, then saved). */
async function addDevDependency(offer: DevDependencyOffer, range: string, log: vscode.LogOutputChannel): Promise<void> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(offer.packageJson));
  const text = document.getText();
  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, new vscode.Range(document.positionAt(0), document.positionAt(text.length)), withDevDependency(text, range));
  if (!(await vscode.workspace.applyEdit(edit)) || !(await document.save())) {
    log.error(`could not add ${PACKAGE} to ${offer.packageJson}`);
    void vscode.window.showErrorMessage(`Could not add ${PACKAGE} to ${offer.packageJson}.`);
    return;
  }
  log.info(`added "${PACKAGE}": "${range}" to the devDependencies of ${offer.packageJson}`);
  void vscode.window.showInformationMessage(`Added ${PACKAGE} ${range} to devDependencies in ${vscode.workspace.asRelativePath(offer.packageJson)}: install it with your package manager (npm install).`);
}

/**
 * Looks for the case at once and whenever a `models.ts` opens, and shows the
 * offer once per workspace; returns the listener to dispose. The range added
 * is `^<the extension's version>` (the npm package has the same version).
 */
export function offerDevDependency(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): vscode.Disposable {
  let busy = false;
  const check = async (files?: string[]): Promise<void> => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (busy || folder === undefined || context.workspaceState.get<boolean>(SHOWN_KEY)) return;
    busy = true;
    try {
      const models = files ?? (await vscode.workspace.findFiles("**/models.ts", "**/node_modules/**", 50)).map((u) => u.fsPath);
      const offer = await findOffer(models, folder.uri.fsPath, { read });
      if (offer === undefined) return;
      await context.workspaceState.update(SHOWN_KEY, true);
      const where = vscode.workspace.asRelativePath(offer.modelsFile);
      const picked = await vscode.window.showInformationMessage(
        `${where} imports "${PACKAGE}", which ${vscode.workspace.asRelativePath(offer.packageJson)} does not list. ` +
          `The editor gives its types through the tsmigrate extension; add the package for the CLI (npx ${PACKAGE}), CI and other editors?`,
        ADD,
        NOT_NOW,
      );
      if (picked === ADD) await addDevDependency(offer, `^${String((context.extension.packageJSON as { version: string }).version)}`, log);
    } catch (error) {
      log.warn(`the devDependencies offer: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      busy = false;
    }
  };
  void check();
  return vscode.workspace.onDidOpenTextDocument((d) => {
    if (d.uri.scheme === "file" && path.basename(d.uri.fsPath) === "models.ts") void check([d.uri.fsPath]);
  });
}
