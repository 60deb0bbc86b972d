/**
 * The VS Code extension's entry (bundled to dist/client.js): activates on a
 * workspace holding `tsmigrate.config.json` or a `models.ts` (or when the
 * Migrations view opens), creates the {@link Ctx} and starts the language
 * server.
 */
import type * as vscode from "vscode";
import { Ctx } from "./ctx";

let ctx: Ctx | undefined;

/** Called by VS Code on activation; resolves once the server started or failed (never rejects). */
export async function activate(extension: vscode.ExtensionContext): Promise<void> {
  ctx = new Ctx(extension);
  extension.subscriptions.push(ctx);
  await ctx.start();
}

/** Called by VS Code on deactivation: stops the server. */
export async function deactivate(): Promise<void> {
  await ctx?.stop();
  ctx = undefined;
}
