/**
 * Wall-clock timing of whole CLI processes, so that process start-up and
 * module loading count on both sides (tsmigrate's node and Django's python).
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";

/** The result of one timed process. */
export interface Timed {
  /** Wall-clock seconds from spawn to exit. */
  readonly seconds: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `cmd args` in `cwd` and times it with performance.now().
 * @throws Error with the command line, exit status and output when it exits non-zero.
 */
export function timeCommand(cmd: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      const seconds = (performance.now() - t0) / 1000;
      if (code === 0) resolve({ seconds, stdout, stderr });
      else reject(new Error(`${cmd} ${args.join(" ")} (in ${cwd}) exited with ${code}\n${stdout}${stderr}`));
    });
  });
}

/** The smallest of the given times (best of several runs). */
export function best(times: readonly number[]): number {
  return Math.min(...times);
}

/** Seconds as `0.123 s` (or `12.3 s` past 10 s). */
export function fmtSeconds(s: number | undefined): string {
  if (s === undefined) return "-";
  return s >= 10 ? `${s.toFixed(1)} s` : `${s.toFixed(3)} s`;
}

/** Wall-clock and CPU seconds of one node process. */
export interface TimedCpu {
  /** Wall-clock seconds from spawn to exit. */
  readonly seconds: number;
  /** The process's own CPU seconds (user + system, read at exit by bench/cpu-at-exit.cjs). */
  readonly cpu: number;
  readonly stdout: string;
}

/**
 * Runs `node args` in `cwd` as {@link timeCommand} does, and reads its CPU
 * time (the child writes `process.cpuUsage()` at exit).
 * @throws as {@link timeCommand}.
 */
export async function timeNode(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<TimedCpu> {
  const cpuFile = path.join(os.tmpdir(), `tsm-cpu-${process.pid}-${Math.random().toString(36).slice(2)}.json`);
  try {
    const t = await timeCommand(process.execPath, ["--require", path.join(__dirname, "cpu-at-exit.cjs"), ...args], cwd, { ...env, BENCH_CPU_FILE: cpuFile });
    const u = JSON.parse(fs.readFileSync(cpuFile, "utf8")) as { user: number; system: number };
    return { seconds: t.seconds, cpu: (u.user + u.system) / 1e6, stdout: t.stdout };
  } finally {
    fs.rmSync(cpuFile, { force: true });
  }
}
