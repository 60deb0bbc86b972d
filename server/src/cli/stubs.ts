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
