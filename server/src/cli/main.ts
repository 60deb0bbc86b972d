/**
 * The `tsmigrate` executable's entry (bundled to dist/cli.js, required by
 * bin/tsmigrate.js): runs the program on `process.argv` and sets the exit
 * code. The program itself is in program.ts so tests can import it.
 */
import { ExitCode } from "../engine/errors";
import { main } from "./program";

main().then((code) => {
  process.exitCode = code;
}, (err: unknown) => {
  // main() prints every error itself; reaching here is a bug of ours.
  process.stderr.write(`tsmigrate: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = ExitCode.INTERNAL;
});
