/**
 * Runs the built tsmigrate CLI (`bin/tsmigrate.js`, bundle `dist/cli.js`)
 * as a child process, the way a user does.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");
/** The CLI entry point. */
export const CLI = path.join(ROOT, "bin", "tsmigrate.js");

/** A finished CLI process. */
export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `tsmigrate <args> --project <project>` with this process's node (22).
 * @throws Error when the bundle is missing (run `npm run build`).
 */
export function runCli(project: string, args: readonly string[]): Promise<CliResult> {
  if (!fs.existsSync(path.join(ROOT, "dist", "cli.js"))) {
    return Promise.reject(new Error("dist/cli.js is missing: run `npm run build` (node scripts/build.mjs) first"));
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args, "--project", project], {
      cwd: project,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Runs the CLI and requires exit status 0.
 * @throws Error with the command, status and output otherwise.
 */
export async function runCliOk(project: string, args: readonly string[]): Promise<string> {
  const r = await runCli(project, args);
  if (r.code !== 0) {
    throw new Error(`tsmigrate ${args.join(" ")} exited with ${r.code} in ${project}\n${r.stdout}${r.stderr}`);
  }
  return r.stdout;
}
