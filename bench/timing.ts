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

/** A timed process with its own CPU time. */
export interface CpuTimed extends Timed {
  /** CPU seconds (user + system) of the process itself, read at its exit. */
  readonly cpu: number;
}

const CPU_PRELOAD = path.join(__dirname, "cpu-at-exit.cjs");

/** Runs a Python script as `python3 script args...`, writing its own rusage to $BENCH_CPU_FILE at exit (as cpu-at-exit.cjs does for Node). */
const PYTHON_CPU_WRAPPER = [
  "import atexit, json, os, resource, runpy, sys",
  "def _cpu():",
  "    r = resource.getrusage(resource.RUSAGE_SELF)",
  "    open(os.environ['BENCH_CPU_FILE'], 'w').write(json.dumps({'user': r.ru_utime * 1e6, 'system': r.ru_stime * 1e6}))",
  "atexit.register(_cpu)",
  "sys.argv = sys.argv[1:]",
  "sys.path.insert(0, os.path.dirname(os.path.abspath(sys.argv[0])))",
  "runpy.run_path(sys.argv[0], run_name='__main__')",
].join("\n");

/**
 * Runs `script args` under Node (this process's) or Python 3 in `cwd` and
 * times it: wall seconds from spawn to exit, and the process's own CPU
 * seconds, which a loaded machine inflates far less than wall time.
 * @throws Error (from {@link timeCommand}) when it exits non-zero.
 */
export async function timeWithCpu(
  runtime: "node" | "python", script: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env,
): Promise<CpuTimed> {
  const cpuFile = path.join(os.tmpdir(), `tsm-cpu-${process.pid}-${Math.random().toString(36).slice(2)}.json`);
  const childEnv = { ...env, BENCH_CPU_FILE: cpuFile };
  try {
    const r = runtime === "node"
      ? await timeCommand(process.execPath, ["--require", CPU_PRELOAD, script, ...args], cwd, childEnv)
      : await timeCommand("/usr/bin/python3", ["-c", PYTHON_CPU_WRAPPER, script, ...args], cwd, childEnv);
    const u = JSON.parse(fs.readFileSync(cpuFile, "utf8")) as { user: number; system: number };
    return { ...r, cpu: (u.user + u.system) / 1e6 };
  } finally {
    fs.rmSync(cpuFile, { force: true });
  }
}

/** The run with the least CPU time of `runs` runs of `once`. */
export async function bestCpu(runs: number, once: () => Promise<CpuTimed>): Promise<CpuTimed> {
  let best: CpuTimed | undefined;
  for (let i = 0; i < runs; i++) {
    const r = await once();
    if (!best || r.cpu < best.cpu) best = r;
  }
  return best!;
}

/** The run with the least wall time of `runs` runs of `once`. */
export async function bestWall<T extends { readonly wall: number }>(runs: number, once: () => Promise<T>): Promise<T> {
  let best: T | undefined;
  for (let i = 0; i < runs; i++) {
    const r = await once();
    if (!best || r.wall < best.wall) best = r;
  }
  return best!;
}

/** The machine: CPUs and load averages (1, 5, 15 minutes), so a noisy run can be read as such. */
export function machineLoad(): string {
  const [a, b, c] = os.loadavg().map((x) => x.toFixed(2));
  return `${os.cpus().length} CPUs, load average ${a} ${b} ${c}`;
}
