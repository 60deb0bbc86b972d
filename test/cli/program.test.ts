// The CLI registers only the command named on the command line (start-up);
// what that command does and prints is the same as with every command
// registered, and help or a misspelt command still sees them all.
import assert from "node:assert/strict";
import { test } from "node:test";
import { buildProgram } from "../../server/src/cli/program";
import type { Output } from "../../server/src/cli/output";

/** An output that drops what is written (nothing runs here). */
function captured(): Output {
  return { out: () => undefined, err: () => undefined, color: false };
}

const ALL = buildProgram(captured(), () => undefined).commands.map((c) => c.name());

test("every command registers under its own name alone", () => {
  assert.ok(ALL.length >= 9, `commands: ${ALL.join(", ")}`);
  for (const name of ALL) {
    assert.deepEqual(buildProgram(captured(), () => undefined, name).commands.map((c) => c.name()), [name]);
  }
});

test("without a command's name every command is registered", () => {
  for (const first of [undefined, "--help", "help", "migrat", "--version"]) {
    assert.deepEqual(buildProgram(captured(), () => undefined, first).commands.map((c) => c.name()), ALL, String(first));
  }
});

test("a command's help is the same registered alone", () => {
  for (const name of ALL) {
    const help = (p: ReturnType<typeof buildProgram>) => p.commands.find((c) => c.name() === name)!.helpInformation();
    assert.equal(help(buildProgram(captured(), () => undefined, name)), help(buildProgram(captured(), () => undefined)), name);
  }
});
