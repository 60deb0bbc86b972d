/**
 * The `tsmigrate` executable's entry (bundled to dist/cli.js, required by
 * bin/tsmigrate.js): runs the program on `process.argv` and sets the exit
 * code. The program itself is in program.ts so tests can import it.
 */
import { main } from "./program";

main().then((code) => {
  process.exitCode = code;
}, (err: unknown) => {
  process.stderr.write(`tsmigrate: ${String(err)}\n`);
  process.exitCode = 2;
});
