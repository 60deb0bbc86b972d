/**
 * What every command needs: the project, its validated app labels, the
 * applied migrations of a database without creating it, and the questioner
 * to use (never one that waits without a terminal).
 */
import * as readline from "node:readline";
import { MultipleErrors, TsMigrateError } from "../engine/errors";
import { injectFault } from "../engine/faults";
import { openProject, type Project } from "../engine/project";
import type { Output } from "./output";

/** Options every command takes. */
export interface CommonOptions {
  /** `--project DIR`. */
  project?: string;
}

/** Opens the project of `--project` (or found from the current folder). Config errors throw. */
export function cliProject(opts: CommonOptions): Project {
  injectFault("cli.project");
  return openProject({ project: opts.project });
}

/**
 * Throws the migration files' errors (all of them) when there are any:
 * a command cannot work on a broken history.
 */
export function requireCleanMigrations(project: Project): void {
  project.loader.throwIfErrors();
}

/**
 * Checks app labels given on the command line (Django's
 * `apps.get_app_config`). @throws TsMigrateError code `unknown-app`
 * ("No installed app with label 'x'."), one per bad label.
 */
export function validateApps(project: Project, labels: readonly string[]): void {
  const known = new Set(project.appLabels());
  const bad = labels.filter((l) => !known.has(l)).map((l) => new TsMigrateError(
    `No installed app with label '${l}'.${known.size ? ` Apps: ${[...known].sort().join(", ")}.` : " No app found (no folder holds a models.ts)."}`,
    { code: "unknown-app" },
  ));
  if (bad.length === 1) throw bad[0]!;
  if (bad.length > 1) throw new MultipleErrors(bad);
}


/**
 * True when questions may be asked: stdin is a terminal and `--noinput`
 * was not given. Without a terminal, a question is never waited on.
 */
export function interactive(noinput: boolean | undefined): boolean {
  return !noinput && Boolean(process.stdin.isTTY);
}

/**
 * Django's prompt loop: an empty answer is no, `y…`/`n…` answer, anything
 * else asks again; the end of input is no.
 */
export async function confirm(question: string, output: Output): Promise<boolean> {
  const rl = readline.createInterface({ input: process.stdin, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  try {
    for (;;) {
      output.out(question);
      const next = await lines.next();
      if (next.done) return false;
      const answer = next.value.trim().toLowerCase();
      if (!answer) return false;
      if (answer[0] === "y" || answer[0] === "n") return answer[0] === "y";
    }
  } finally {
    rl.close();
  }
}
