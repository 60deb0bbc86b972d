// `npm run demo`: the main job in one command. Copies the money-tracker
// fixture (test-fixtures/tracker: no config file, so the embedded default
// applies) to a temporary folder and runs the built CLI there:
// makemigrations, migrate, showmigrations, sqlmigrate tracker 0001,
// printing each command and its output. Needs `npm run build` first (the
// npm script does it). Set DEMO_KEEP=1 to keep the folder afterwards.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..");
const cli = join(repo, "bin", "tsmigrate.js");
const dir = mkdtempSync(join(tmpdir(), "tsmigrate-demo-"));
cpSync(join(repo, "test-fixtures", "tracker"), dir, {
  recursive: true,
  filter: (src) => !/(^|[\\/])(db\.sqlite3|migrations)$/.test(src),
});

const steps = [
  ["makemigrations"],
  ["migrate"],
  ["showmigrations"],
  ["sqlmigrate", "tracker", "0001"],
];

console.log(`# tracker project copied to ${dir}\n`);
let failed = 0;
for (const args of steps) {
  console.log(`$ tsmigrate ${args.join(" ")}`);
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: "utf8" });
  if (r.stdout) process.stdout.write(r.stdout);
  if (r.stderr) process.stderr.write(r.stderr);
  if (r.status !== 0) {
    console.log(`(exit code ${r.status})`);
    failed = r.status ?? 1;
    break;
  }
  console.log("");
}
if (process.env.DEMO_KEEP) console.log(`# kept ${dir}`);
else rmSync(dir, { recursive: true, force: true });
process.exitCode = failed;
