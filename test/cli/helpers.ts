// Shared by the CLI end-to-end tests: builds dist/cli.js when it is older
// than the sources, copies fixtures to temp folders, and runs
// `node bin/tsmigrate.js ...` there (stdin not a terminal).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { MIN_NODE_VERSION, type NodeVersions, nodeProblem } from "../../server/src/engine/node-support";

export const REPO = path.resolve(__dirname, "..", "..");
const CLI = path.join(REPO, "bin", "tsmigrate.js");
const NODE = path.join(REPO, "node_modules", ".bin", "node");

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

/** Runs `node scripts/build.mjs` when dist/cli.js is missing or older than server/src. */
export function ensureBuilt(): void {
  const out = path.join(REPO, "dist", "cli.js");
  if (fs.existsSync(out) && fs.statSync(out).mtimeMs >= newestMtime(path.join(REPO, "server", "src"))) return;
  const r = spawnSync(NODE, ["scripts/build.mjs"], { cwd: REPO, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`build failed: ${r.stderr}`);
}

const temps: string[] = [];

/** A copy of `test-fixtures/<name>` in a new temp folder (its path). */
export function copyFixture(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `tsm-cli-${name}-`));
  temps.push(dir);
  fs.cpSync(path.join(REPO, "test-fixtures", name), dir, { recursive: true, filter: (src) => !src.endsWith("db.sqlite3") });
  return dir;
}

/** Removes the temp folders made so far. */
export function cleanTemps(): void {
  for (const d of temps.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** Result of one CLI run. */
export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI with `args` in `cwd` (stdin is a pipe: never a terminal). */
export function tsmigrate(cwd: string, ...args: string[]): Run {
  const r = spawnSync(NODE, [CLI, ...args], { cwd, encoding: "utf8", input: "", env: { ...process.env, NO_COLOR: "1" } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The files of a folder (sorted names), empty when it does not exist. */
export function list(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
}

/**
 * The machine's own Node when it is older than tsmigrate supports (Node 20
 * here): the first `node` on PATH outside any node_modules that the Node
 * check refuses. Throws, saying what to install, when there is none.
 */
export function olderNode(): { node: string; versions: NodeVersions } {
  const found = spawnSync("which", ["-a", "node"], { encoding: "utf8" }).stdout.split("\n").filter((p) => p !== "" && !p.includes("node_modules"));
  for (const node of found) {
    const r = spawnSync(node, ["-p", "JSON.stringify(process.versions)"], { encoding: "utf8" });
    const versions = r.status === 0 ? JSON.parse(r.stdout) as NodeVersions : undefined;
    if (versions && nodeProblem(undefined, versions) !== undefined) return { node, versions };
  }
  throw new Error(`this test needs a Node older than ${MIN_NODE_VERSION} on PATH outside node_modules ` +
    `(Debian: apt-get install nodejs); found ${found.join(", ") || "none"}`);
}

/**
 * Drives a command on a pseudo-terminal (Python's `pty`, in every Python 3;
 * the Django tests need Python already): writes `answer` and a newline once
 * `prompt` shows, then reads to the end. Output is stdout and stderr mixed
 * as a terminal shows them (the answer echoed), line ends as "\n".
 */
const PTY_DRIVER = `
import os, pty, select, sys
prompt, answer, argv = sys.argv[1].encode(), sys.argv[2].encode(), sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(argv[0], argv)
out, sent = b"", False
while True:
    ready, _, _ = select.select([fd], [], [], 60)
    if not ready:
        break
    try:
        data = os.read(fd, 4096)
    except OSError:
        break
    if not data:
        break
    out += data
    if not sent and prompt in out:
        os.write(fd, answer + b"\\n")
        sent = True
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(out)
sys.exit(os.waitstatus_to_exitcode(status))
`;

/** Runs the CLI with `args` in `cwd` on a pseudo-terminal, answering `answer` to `prompt` (see PTY_DRIVER). */
export function tsmigrateTty(cwd: string, prompt: string, answer: string, ...args: string[]): { code: number | null; output: string } {
  const r = spawnSync("/usr/bin/python3", ["-c", PTY_DRIVER, prompt, answer, NODE, CLI, ...args], {
    cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" },
  });
  if (r.error) throw r.error;
  return { code: r.status, output: r.stdout.replace(/\r\n/g, "\n") + r.stderr };
}

