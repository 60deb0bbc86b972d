// The first five minutes of a new user, end to end: `npm pack`, `npm install`
// of the tarball into a fresh project in the temp folder (outside this
// repository: nothing of its node_modules is reachable; the dependencies come
// from the registry or npm's cache), then through the installed
// `node_modules/.bin/tsmigrate`: --version, startapp, makemigrations, migrate,
// showmigrations, sqlmigrate on Node 22. Then the machine's own older Node
// (Node 20 here: whichever `node` on PATH outside node_modules is older than
// 22.14) gets the one-line message and exit 2 from every command, never a
// crash, and `--node PATH` runs the command with the Node given.
import assert from "node:assert/strict";
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { modelsTemplate } from "../../server/src/cli/startapp";
import { nodeProblem, CLI_REMEDY } from "../../server/src/engine/node-support";
import { ensureBuilt, olderNode, REPO } from "./helpers";

const NODE22 = fs.realpathSync(path.join(REPO, "node_modules", ".bin", "node"));
const pkg = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as { name: string; version: string };

let tmp = "";
let project = "";

/**
 * The machine's own PATH without this repository's folders (no
 * node_modules/.bin of ours), and an environment without npm's variables of
 * the `npm test` running us (they name this repository as the prefix).
 */
function cleanEnv(nodeDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^npm_/i.test(k) && !["NODE_PATH", "NODE_OPTIONS", "INIT_CWD", "PATH"].includes(k)) env[k] = v;
  }
  const system = (process.env.PATH ?? "").split(path.delimiter).filter((d) => d !== "" && !path.resolve(d).startsWith(REPO));
  env.PATH = [nodeDir, ...system].join(path.delimiter);
  env.NO_COLOR = "1";
  env.npm_config_update_notifier = "false";
  return env;
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd, env, encoding: "utf8", input: "" });
}

/** `node_modules/.bin/tsmigrate ARGS` in the project, its shebang finding `node` on the PATH of `nodeDir`. */
function tsmigrate(nodeDir: string, ...args: string[]): SpawnSyncReturns<string> {
  return run(path.join(project, "node_modules", ".bin", "tsmigrate"), args, project, cleanEnv(nodeDir));
}

before(() => {
  ensureBuilt();
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "tsm-npm-")));
  project = path.join(tmp, "project");
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, "package.json"), `${JSON.stringify({ name: "my-shop", version: "1.0.0", private: true }, null, 2)}\n`);
  const env = cleanEnv(path.dirname(NODE22));
  const pack = run("npm", ["pack", "--json", "--pack-destination", tmp], REPO, env);
  assert.equal(pack.status, 0, `npm pack failed: ${pack.stderr}`);
  const tarball = path.join(tmp, (JSON.parse(pack.stdout) as { filename: string }[])[0]!.filename);
  const install = run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", tarball], project, env);
  assert.equal(install.status, 0, `npm install of the tarball failed: ${install.stderr}`);
});

after(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test("installed from the tarball on Node 22: --version, startapp, makemigrations, migrate, showmigrations, sqlmigrate", () => {
  const node22 = path.dirname(NODE22);
  // The package installed its dependencies instead of shipping copies.
  assert.ok(fs.existsSync(path.join(project, "node_modules", "better-sqlite3", "package.json")));
  assert.equal(fs.existsSync(path.join(project, "node_modules", pkg.name, "dist", "client.js")), false);

  const version = tsmigrate(node22, "--version");
  assert.equal(version.stdout, `${pkg.version}\n`, version.stderr);

  const start = tsmigrate(node22, "startapp", "shop", "src/shop");
  assert.equal(start.stdout, "Created app 'shop' in src/shop (models.ts), listed in tsmigrate.config.json.\n", start.stderr);
  assert.equal(start.status, 0);
  // The user writes the example model of the template out.
  const modelsFile = path.join(project, "src", "shop", "models.ts");
  assert.equal(fs.readFileSync(modelsFile, "utf8"), modelsTemplate("shop"));
  fs.writeFileSync(modelsFile, modelsTemplate("shop").replace(/^\/\/ ?(?=export|  |\})/gm, ""));

  const make = tsmigrate(node22, "makemigrations");
  assert.equal(make.stdout, "Migrations for 'shop':\n  src/shop/migrations/0001_initial.ts\n    - Create model Product\n", make.stderr);
  assert.equal(make.status, 0);
  const migrate = tsmigrate(node22, "migrate");
  assert.equal(migrate.stdout,
    "Operations to perform:\n  Apply all migrations: shop\nRunning migrations:\n  Applying shop.0001_initial... OK\n", migrate.stderr);
  assert.equal(migrate.status, 0);
  const show = tsmigrate(node22, "showmigrations");
  assert.equal(show.stdout, "shop\n [X] 0001_initial\n", show.stderr);
  const sql = tsmigrate(node22, "sqlmigrate", "shop", "0001");
  assert.equal(sql.status, 0, sql.stderr);
  assert.match(sql.stdout, /^BEGIN;\n--\n-- Create model Product\n--\nCREATE TABLE\s+"shop_product"/);
  assert.match(sql.stdout, /COMMIT;\n$/);
});

test("on the machine's older Node: every command prints the one-line reason and exits 2, never a crash", () => {
  const { node: old, versions } = olderNode();
  const expected = `${nodeProblem(CLI_REMEDY, versions)}\n`;
  assert.match(expected, /^tsmigrate needs Node\.js 22\.14 or newer \(this is \d+\.\d+\.\d+\): better-sqlite3 13 loads only on Node-API 10\. /);
  for (const args of [["migrate"], ["makemigrations"], ["showmigrations"], ["sqlmigrate", "shop", "0001"], ["startapp", "blog"], ["--version"], ["lsp", "--stdio"]]) {
    const r = tsmigrate(path.dirname(old), ...args);
    assert.equal(r.stderr, expected, args.join(" "));
    assert.equal(r.stdout, "", args.join(" "));
    assert.equal(r.signal, null, args.join(" "));
    assert.equal(r.status, 2, args.join(" "));
  }
  assert.equal(fs.existsSync(path.join(project, "blog")), false);
  // --node PATH: the same command, run by the Node given.
  const withNode = tsmigrate(path.dirname(old), "--node", NODE22, "showmigrations");
  assert.equal(withNode.stdout, "shop\n [X] 0001_initial\n", withNode.stderr);
  assert.equal(withNode.status, 0);
  const missing = tsmigrate(path.dirname(old), "--node", path.join(tmp, "no-such-node"), "migrate");
  assert.match(missing.stderr, /^tsmigrate: cannot run --node .*no-such-node: .*ENOENT/);
  assert.equal(missing.status, 2);
});
