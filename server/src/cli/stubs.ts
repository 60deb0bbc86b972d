/**
 * Commands that exist in the contract but are not built yet: they say so
 * on stderr and exit 2, so scripts never mistake them for a success.
 */
import { ExitCode } from "../engine/errors";
import type { Output } from "./output";

/** `squashmigrations`: not implemented yet. */
export async function squashStub(output: Output): Promise<number> {
  output.err("tsmigrate: squashmigrations is not implemented yet.\n");
  return ExitCode.BAD_INPUT;
}

/** `lsp --stdio`: the language server is not wired into the CLI yet. */
export async function lspStub(output: Output): Promise<number> {
  output.err("tsmigrate: the language server (lsp --stdio) is not available in this build yet.\n");
  return ExitCode.BAD_INPUT;
}
