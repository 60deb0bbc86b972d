/**
 * The Migrations view's TreeDataProvider: {@link MigrationsTreeData}'s nodes
 * as `vscode.TreeItem`s (look from {@link itemView}).
 */
import * as vscode from "vscode";
import type { MigrationsTreeData, TreeNode } from "./tree";
import { itemView } from "./tree";

const COLLAPSIBLE = {
  none: vscode.TreeItemCollapsibleState.None,
  collapsed: vscode.TreeItemCollapsibleState.Collapsed,
  expanded: vscode.TreeItemCollapsibleState.Expanded,
} as const;

/** The TreeDataProvider of the `tsmigrate.migrations` view. */
export class MigrationsTreeProvider implements vscode.TreeDataProvider<TreeNode> {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly data: MigrationsTreeData) {}

  /** Asks the server again; redraws the tree only when the listing changed. Resolves once done. */
  async refresh(): Promise<void> {
    if (await this.data.reload()) this.changed.fire(undefined);
  }

  /** Forgets every listing and redraws (the server stopped or restarted). */
  reset(): void {
    this.data.invalidate();
    this.changed.fire(undefined);
  }

  getChildren(node?: TreeNode): Promise<TreeNode[]> {
    return this.data.children(node);
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const view = itemView(node);
    const item = new vscode.TreeItem(view.label, COLLAPSIBLE[view.collapsible]);
    item.id = view.id;
    item.description = view.description;
    const tooltip = new vscode.MarkdownString(view.tooltip);
    tooltip.supportThemeIcons = true;
    item.tooltip = tooltip;
    item.iconPath = new vscode.ThemeIcon(view.icon.id, view.icon.color !== undefined ? new vscode.ThemeColor(view.icon.color) : undefined);
    item.contextValue = view.contextValue;
    if (view.command !== undefined) item.command = view.command;
    // No resourceUri: VS Code would paint the row with the file's problems, TypeScript's included
    // (a project without the tsmigrate package reads as all red); the row's icon says the status.
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
