/**
 * {@link Ui} over the vscode API: modal confirmations, notification
 * progress, file creation as one undoable WorkspaceEdit, the SQL documents.
 */
import * as vscode from "vscode";
import type { SqlMigrateParams } from "../../server/src/protocol";
import { SQL_SCHEME, sqlDocumentParts } from "./sql_uri";
import { errorLocation } from "./rpc";
import type { InputOptions, NewFile, PickOptions, ProgressReporter, Ui } from "./ui";

/** The vscode implementation of {@link Ui}; `log` receives every message shown. */
export class VscodeUi implements Ui {
  constructor(private readonly log: vscode.LogOutputChannel) {}

  async confirm(message: string, detail: string, action: string): Promise<boolean> {
    const picked = await vscode.window.showWarningMessage(message, { modal: true, detail }, action);
    return picked === action;
  }

  withProgress<T>(title: string, task: (report: ProgressReporter, token: vscode.CancellationToken) => Promise<T>): Promise<T> {
    return Promise.resolve(
      vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) =>
        task((message, increment) => progress.report({ message, increment }), token),
      ),
    );
  }

  info(message: string): void {
    this.log.info(message);
    void vscode.window.showInformationMessage(message);
  }

  error(message: string): void {
    this.log.error(message);
    const at = errorLocation(message);
    const actions = at !== undefined ? ["Go to Error", "Show Log"] : ["Show Log"];
    void vscode.window.showErrorMessage(message, ...actions).then((picked) => {
      if (picked === "Show Log") this.log.show(true);
      if (picked === "Go to Error" && at !== undefined) {
        const position = new vscode.Position(Math.max(at.line - 1, 0), Math.max(at.column - 1, 0));
        void vscode.window.showTextDocument(vscode.Uri.file(at.file), { selection: new vscode.Range(position, position) });
      }
    });
  }

  untrusted(message: string): void {
    this.log.warn(message);
    void vscode.window.showWarningMessage(message, "Manage Workspace Trust").then((picked) => {
      if (picked !== undefined) void vscode.commands.executeCommand("workbench.trust.manage");
    });
  }

  async createFiles(files: NewFile[], label: string): Promise<boolean> {
    const edit = new vscode.WorkspaceEdit();
    const encoder = new TextEncoder();
    for (const file of files) {
      edit.createFile(vscode.Uri.file(file.path), { overwrite: false, contents: encoder.encode(file.content) }, { label, needsConfirmation: false });
    }
    const applied = await vscode.workspace.applyEdit(edit, { isRefactoring: false });
    if (!applied) {
      this.error(`Could not create ${files.map((f) => f.path).join(", ")} (does a file of that name exist already?).`);
      return false;
    }
    for (const file of files) this.log.info(`created ${file.path}`);
    if (files.length > 0) await this.openFile(files[0]!.path);
    return true;
  }

  async openFile(path: string): Promise<void> {
    await vscode.window.showTextDocument(vscode.Uri.file(path), { preview: true });
  }

  async pick(options: PickOptions): Promise<string | undefined> {
    const items = options.choices.map((c) => ({ label: c.label, detail: c.detail, id: c.id }));
    const placeHolder = options.prompt.replace(/\s+/g, " ").trim();
    const picked = await vscode.window.showQuickPick(items, { title: options.title, placeHolder, ignoreFocusOut: true });
    return picked?.id;
  }

  /** An input box (createInputBox: it can open with a validation message, the reason the last answer was refused). */
  input(options: InputOptions): Promise<string | undefined> {
    const box = vscode.window.createInputBox();
    box.title = options.title;
    box.prompt = options.prompt.replace(/\s+/g, " ").trim();
    box.placeholder = options.placeholder;
    box.value = options.value ?? "";
    box.validationMessage = options.error;
    box.ignoreFocusOut = true;
    return new Promise((resolve) => {
      let accepted: string | undefined;
      // The message was about the refused text: typing clears it.
      box.onDidChangeValue(() => (box.validationMessage = undefined));
      box.onDidAccept(() => {
        accepted = box.value;
        box.hide();
      });
      box.onDidHide(() => {
        box.dispose();
        resolve(accepted);
      });
      box.show();
    });
  }

  async showSql(params: SqlMigrateParams): Promise<void> {
    const { path, query } = sqlDocumentParts(params);
    const uri = vscode.Uri.from({ scheme: SQL_SCHEME, path, query });
    const document = await vscode.workspace.openTextDocument(uri);
    if (document.languageId !== "sql") await vscode.languages.setTextDocumentLanguage(document, "sql");
    await vscode.window.showTextDocument(document, { preview: true });
  }
}
