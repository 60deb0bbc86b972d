/**
 * What a config may not do: point tsmigrate's writes outside the project
 * (an app folder outside the root, or a `migrations` folder that a symlink
 * takes outside it), or feed the reader JSON so deep or so large that
 * reading it would exhaust the stack or memory. A database path may be
 * anywhere: that is the user's choice (an untrusted workspace never opens one).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { type SourceLocation, TsMigrateError } from "./errors";

/** The largest config file read, in bytes. */
export const MAX_CONFIG_BYTES = 1_000_000;
/** The deepest nesting of arrays and objects a config may have. */
export const MAX_CONFIG_DEPTH = 64;

/** True when `p` is `root` or inside it (both absolute, resolved). */
function inside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

/** The real path of `p` (symlinks followed), or `p` when it does not exist. */
function real(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

/**
 * Why app folder `dir` (absolute) cannot be used for project `root`, or
 * undefined when it can: the folder, or its `migrations` folder once
 * symlinks are followed, lies outside the root.
 */
export function appFolderProblem(root: string, dir: string): string | undefined {
  const realRoot = real(root);
  if (!inside(root, dir)) return `folder ${dir} is outside the project root ${root}; tsmigrate writes only inside the project`;
  if (!inside(realRoot, real(dir))) return `folder ${dir} is a symlink to ${real(dir)}, outside the project root ${realRoot}`;
  const migrations = path.join(dir, "migrations");
  if (!inside(realRoot, real(migrations))) {
    return `its migrations folder ${migrations} resolves to ${real(migrations)}, outside the project root ${realRoot}; tsmigrate writes only inside the project`;
  }
  return undefined;
}

/**
 * Refuses config text too large or too deeply nested to read safely, at the
 * line and column where the limit is passed.
 * @throws TsMigrateError code `config`.
 */
export function checkConfigSize(file: string, text: string): void {
  if (text.length > MAX_CONFIG_BYTES) {
    throw new TsMigrateError(`${path.basename(file)} is ${text.length} characters long; a config holds at most ${MAX_CONFIG_BYTES}`, {
      code: "config", location: { file, line: 1, column: 1 },
    });
  }
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === "{" || ch === "[") {
      if (++depth > MAX_CONFIG_DEPTH) {
        throw new TsMigrateError(`${path.basename(file)} nests arrays and objects more than ${MAX_CONFIG_DEPTH} deep`, {
          code: "config", location: locationAt(file, text, i),
        });
      }
    } else if (ch === "}" || ch === "]") depth--;
  }
}

function locationAt(file: string, text: string, offset: number): SourceLocation {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { file, line, column: offset - before.lastIndexOf("\n") };
}
