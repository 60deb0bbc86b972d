/**
 * Serves the read-only `tsmigrate-sql:` documents of "Show SQL" by asking the
 * server (`tsmigrate/sqlmigrate`); refreshes open ones when the status
 * changes.
 */
import * as vscode from "vscode";
import type { Rpc } from "./rpc";
import { rpcErrorMessage } from "./rpc";
import { parseSqlDocument, sqlErrorText } from "./sql_uri";

/** The TextDocumentContentProvider of the `tsmigrate-sql` scheme. */
export class SqlDocumentProvider implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  /** @param rpc the server, or undefined while it is not running. */
  constructor(private readonly rpc: () => Rpc | undefined) {}

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const params = parseSqlDocument(uri.path, uri.query);
    const rpc = this.rpc();
    if (rpc === undefined) return sqlErrorText(params, "The tsmigrate language server is not running.");
    try {
      const result = await rpc.request("tsmigrate/sqlmigrate", params, token);
      return result.sql.endsWith("\n") ? result.sql : `${result.sql}\n`;
    } catch (error) {
      return sqlErrorText(params, rpcErrorMessage(error));
    }
  }

  /** Asks VS Code to reload every open SQL document (migrations or models changed). */
  refreshAll(): void {
    for (const document of vscode.workspace.textDocuments) {
      if (document.uri.scheme === "tsmigrate-sql") this.changed.fire(document.uri);
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}
