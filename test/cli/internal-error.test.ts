// A bug of tsmigrate's is reported as ours: a test build with a fault
// injected (server/src/engine/faults.ts) exits 70 with the stack, and is
// never printed as the user's bad input (exit 2, `file:line:col: ...`).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, test } from "node:test";
import { build } from "esbuild";
import { cleanTemps, copyFixture, REPO } from "./helpers";

const NODE = path.join(REPO, "node_modules", ".bin", "node");
const OUT = path.join(REPO, ".tmp", "fault-build", "cli.js");

after(cleanTemps);

/** dist/cli.js as scripts/build.mjs makes it, with a fault at `site`. */
async function faultBuild(site: string): Promise<string> {
  await build({
    entryPoints: [path.join(REPO, "server/src/cli/main.ts")], outfile: OUT, bundle: true, platform: "node",
    target: "node22", format: "cjs", packages: "external", logLevel: "warning",
    define: { TSMIGRATE_TEST_FAULT: JSON.stringify(site) },
  });
  return OUT;
}

test("an internal error exits 70 with its stack, not as bad input", async () => {
  const cli = await faultBuild("cli.project");
  const dir = copyFixture("tracker");
  const before = fs.readdirSync(dir, { recursive: true }).sort();
  const r = spawnSync(NODE, [cli, "makemigrations", "--noinput"], { cwd: dir, encoding: "utf8", input: "" });
  assert.equal(r.status, 70, r.stderr);
  assert.match(r.stderr, /^tsmigrate: internal error \(a bug in tsmigrate; please report it with this text\): TypeError: injected fault at cli\.project\n\s+at /);
  assert.doesNotMatch(r.stderr, /models\.ts:\d+:\d+/, "not blamed on the user's files");
  assert.deepEqual(fs.readdirSync(dir, { recursive: true }).sort(), before, "nothing written");
});

test("the same command without the fault succeeds (the fault is what failed)", async () => {
  const cli = await faultBuild("nowhere");
  const dir = copyFixture("tracker");
  const r = spawnSync(NODE, [cli, "showmigrations"], { cwd: dir, encoding: "utf8", input: "" });
  assert.equal(r.status, 0, r.stderr);
});
