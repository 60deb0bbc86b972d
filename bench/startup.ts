/**
 * Start-up and bundle sizes: what every command and every editor session
 * pays before any work. Prints the size of each bundle `npm run build`
 * makes, the CLI's time to its first output (`showmigrations` on an empty
 * project: config, loader and SQLite opened, nothing to read), and the
 * language server's time from spawn to the `initialize` result, each the
 * best of several runs, wall time beside the process's own CPU time
 * (user + system, read at exit by bench/cpu-at-exit.cjs).
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from "vscode-jsonrpc/node";
import type { BenchSection } from "./section";
import { fmtSeconds } from "./timing";

const REPO = path.resolve(__dirname, "..");
const NODE = process.execPath;
const CPU_PRELOAD = path.join(__dirname, "cpu-at-exit.cjs");
const RUNS = 5;

/** Wall and CPU seconds of one run. */
export interface Sample {
  readonly wall: number;
  readonly cpu: number;
}

/** The CPU seconds the child wrote at exit to `file`. */
function cpuOf(file: string): number {
  const u = JSON.parse(fs.readFileSync(file, "utf8")) as { user: number; system: number };
  return (u.user + u.system) / 1e6;
}

/** Runs `args` under node until it exits 0; times it. */
export function runOnce(args: readonly string[], cwd: string): Promise<Sample> {
  const cpuFile = path.join(os.tmpdir(), `tsm-cpu-${process.pid}-${Math.random().toString(36).slice(2)}.json`);
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(NODE, ["--require", CPU_PRELOAD, ...args], { cwd, stdio: "ignore", env: { ...process.env, BENCH_CPU_FILE: cpuFile } });
    child.on("error", reject);
    child.on("close", (code) => {
      const wall = (performance.now() - t0) / 1000;
      if (code !== 0) return reject(new Error(`node ${args.join(" ")} exited with ${code}`));
      resolve({ wall, cpu: cpuOf(cpuFile) });
      fs.rmSync(cpuFile, { force: true });
    });
  });
}

/** Spawns the built language server, sends `initialize`, and times until its result; then shuts it down. */
async function serverOnce(root: string): Promise<Sample> {
  const cpuFile = path.join(os.tmpdir(), `tsm-cpu-${process.pid}-srv.json`);
  const t0 = performance.now();
  const child = spawn(NODE, ["--require", CPU_PRELOAD, path.join(REPO, "dist/server.js"), "--stdio"], {
    cwd: root, stdio: ["pipe", "pipe", "ignore"], env: { ...process.env, BENCH_CPU_FILE: cpuFile },
  });
  const conn = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  conn.listen();
  await conn.sendRequest("initialize", {
    processId: process.pid, rootUri: pathToFileURL(root).href, capabilities: {}, initializationOptions: { trusted: true },
  });
  const wall = (performance.now() - t0) / 1000;
  const exited = new Promise((r) => child.on("close", r));
  await conn.sendRequest("shutdown");
  void conn.sendNotification("exit");
  await exited;
  conn.dispose();
  const cpu = cpuOf(cpuFile);
  fs.rmSync(cpuFile, { force: true });
  return { wall, cpu };
}

/** Best (smallest wall time) of `n` runs. */
async function bestOf(n: number, run: () => Promise<Sample>): Promise<Sample> {
  const samples: Sample[] = [];
  for (let i = 0; i < n; i++) samples.push(await run());
  return samples.reduce((a, b) => (b.wall < a.wall ? b : a));
}

function kib(file: string): string {
  return fs.existsSync(file) ? `${(fs.statSync(file).size / 1024).toFixed(0)} KiB` : "(not built)";
}

/** The start-up section of `npm run bench`. */
export const startupSection: BenchSection = {
  title: "Start-up and bundle sizes",
  async run() {
    const lines = ["| bundle | size |", "|---|---|"];
    for (const b of ["cli.js", "index.js", "server.js", "client.js"]) lines.push(`| dist/${b} | ${kib(path.join(REPO, "dist", b))} |`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tsm-startup-"));
    try {
      fs.mkdirSync(path.join(dir, "shop"));
      fs.writeFileSync(path.join(dir, "shop", "models.ts"), 'import { models } from "tsmigrate";\n');
      const cli = await bestOf(RUNS, () => runOnce([path.join(REPO, "bin/tsmigrate.js"), "showmigrations"], dir));
      const server = await bestOf(RUNS, () => serverOnce(dir));
      lines.push("", `| start-up (best of ${RUNS}) | wall | CPU |`, "|---|---|---|");
      lines.push(`| CLI: showmigrations, empty project | ${fmtSeconds(cli.wall)} | ${fmtSeconds(cli.cpu)} |`);
      lines.push(`| language server: spawn → initialize result | ${fmtSeconds(server.wall)} | ${fmtSeconds(server.cpu)} (whole run) |`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    return lines;
  },
};
