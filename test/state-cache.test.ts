// The persistent cache of migration states (.tsmigrate-cache/states/): a
// state read from the cache is the state the migrations replay to (every
// step of every history fixture, made by makemigrations, and the sample
// projects), and a command reading it builds no operation of the
// migrations it covers; a changed migration changes the keys of every
// state after it; an entry that is stale, corrupt or of the wrong shape is
// detected, ignored and rewritten, never trusted.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { loadConfig } from "../server/src/engine/config";
import { MigrationLoader } from "../server/src/engine/loader";
import { CACHE_DIR, CacheFolder } from "../server/src/engine/loader-cache";
import type { ProjectState } from "../server/src/engine/state";
import { decodeState, encodeState } from "../server/src/engine/state-cache";
import { cleanTemps, ensureBuilt, tsmigrate } from "./cli/helpers";

const FIXTURES = path.join(__dirname, "..", "test-fixtures");
const HISTORIES = path.join(FIXTURES, "histories");
const dirs: string[] = [];
before(() => ensureBuilt());
after(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  cleanTemps();
});

function tempDir(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "tsm-state-cache-"));
  dirs.push(root);
  return root;
}

/** The state at the leaves, replayed with no cache at all. */
function replayed(root: string): ProjectState {
  const l = new MigrationLoader(loadConfig({ project: root }), { parsedCache: false }).load();
  l.throwIfErrors();
  return l.projectState();
}

/** A loader on the project's caches, loaded. */
function cached(root: string): MigrationLoader {
  const l = new MigrationLoader(loadConfig({ project: root })).load();
  l.throwIfErrors();
  return l;
}

/** Asserts that `root`'s state at the leaves is the same replayed, encoded and decoded, and read from the state cache. */
function checkProject(root: string, what: string): void {
  const fresh = replayed(root);
  assert.deepStrictEqual(decodeState(encodeState(fresh)).models, fresh.models, `${what}: encoded and decoded`);
  fs.rmSync(path.join(root, CACHE_DIR, "states"), { recursive: true, force: true });
  const writer = cached(root);
  assert.deepStrictEqual(writer.projectState().models, fresh.models, `${what}: the run that stores it`);
  assert.equal(writer.stateCache!.stats.writes, 1, `${what}: stored`);
  const reader = cached(root);
  assert.deepStrictEqual(reader.projectState().models, fresh.models, `${what}: read from the cache`);
  assert.equal(reader.stateCache!.stats.hits, 1, `${what}: a hit`);
}

test("states read from the cache equal the states replayed, at every step of every history and for the sample projects", () => {
  let steps = 0;
  for (const history of fs.readdirSync(HISTORIES).filter((h) => /^\d/.test(h))) {
    const root = tempDir();
    for (const step of fs.readdirSync(path.join(HISTORIES, history)).filter((s) => s.startsWith("step-")).sort()) {
      fs.cpSync(path.join(HISTORIES, history, step), root, { recursive: true });
      const r = tsmigrate(root, "makemigrations", "--noinput", "--project", root);
      // A step whose question --noinput cannot answer (exit 3) ends the history here.
      if (r.code === 3) break;
      assert.equal(r.code, 0, `${history}/${step}: ${r.stdout}${r.stderr}`);
      checkProject(root, `${history}/${step}`);
      steps++;
    }
  }
  assert.ok(steps >= 50, `most steps compared (${steps})`);
  for (const fixture of ["shop", "tracker"]) {
    const root = tempDir();
    fs.cpSync(path.join(FIXTURES, fixture), root, { recursive: true, filter: (src) => !src.endsWith("db.sqlite3") });
    const r = tsmigrate(root, "makemigrations", "--noinput", "--project", root);
    assert.equal(r.code, 0, `${fixture}: ${r.stdout}${r.stderr}`);
    checkProject(root, fixture);
  }
});

/** A project whose app `shop` has migrations 0001 (a model) and 0002 (a field added). */
function twoMigrations(): string {
  const root = tempDir();
  fs.mkdirSync(path.join(root, "shop"), { recursive: true });
  const models = (extra: string) =>
    `import { models } from "tsmigrate";\nexport class Item extends models.Model {\n  name = models.CharField({ maxLength: 20 });\n${extra}}\n`;
  fs.writeFileSync(path.join(root, "shop", "models.ts"), models(""));
  assert.equal(tsmigrate(root, "makemigrations", "--noinput", "--project", root).code, 0);
  fs.writeFileSync(path.join(root, "shop", "models.ts"), models("  size = models.IntegerField({ default: 1 });\n"));
  assert.equal(tsmigrate(root, "makemigrations", "--noinput", "--project", root).code, 0);
  fs.rmSync(path.join(root, CACHE_DIR, "states"), { recursive: true, force: true });
  return root;
}

test("a command reading a state from the cache builds no operation of the migrations it covers", () => {
  const root = twoMigrations();
  cached(root).projectState();
  const l = cached(root);
  const built: string[] = [];
  for (const m of l.diskMigrations.values()) {
    const read = (m as unknown as { readOperations?: () => unknown }).readOperations;
    assert.ok(read, `${m.name}: operations not read at load`);
    (m as unknown as { readOperations: () => unknown }).readOperations = () => (built.push(m.name), read());
  }
  assert.deepEqual([...l.projectState().get("shop", "item")!.fields.keys()], ["id", "name", "size"]);
  assert.deepEqual(built, []);
});

test("a changed migration changes the state's key: the state is replayed, never the old one used", () => {
  const root = twoMigrations();
  cached(root).projectState();
  const file = path.join(root, "shop", "migrations", fs.readdirSync(path.join(root, "shop", "migrations")).find((f) => f.startsWith("0002"))!);
  fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("default: 1", "default: 2"));
  const l = cached(root);
  assert.equal(l.projectState().get("shop", "item")!.fields.get("size")!.options.default, 2);
  assert.deepEqual([l.stateCache!.stats.hits, l.stateCache!.stats.writes], [0, 1]);
});

/** Ways an entry goes bad: each must be ignored, the state replayed and the entry rewritten. */
const SPOILERS: Record<string, (text: string) => string> = {
  "truncated": (t) => t.slice(0, Math.floor(t.length / 2)),
  "a payload byte changed": (t) => t.replace('"shop"', '"shoq"'),
  "another tsmigrate version": (t) => t.replace(/"tsmigrate":"[^"]*"/, '"tsmigrate":"0.0.0-other"'),
  "not JSON": () => "\u0000garbage\n{",
};

for (const [how, spoil] of Object.entries(SPOILERS)) {
  test(`a state entry ${how} is detected, ignored and rewritten`, () => {
    const root = twoMigrations();
    const fresh = replayed(root);
    cached(root).projectState();
    const folder = path.join(root, CACHE_DIR, "states");
    const files = fs.readdirSync(folder).map((f) => path.join(folder, f));
    const good = files.map((f) => fs.readFileSync(f, "utf8"));
    for (const f of files) fs.writeFileSync(f, spoil(fs.readFileSync(f, "utf8")));
    const l = cached(root);
    assert.deepStrictEqual(l.projectState().models, fresh.models);
    assert.deepEqual([l.stateCache!.stats.hits, l.stateCache!.stats.writes], [0, 1]);
    assert.deepEqual(files.map((f) => fs.readFileSync(f, "utf8")), good, "rewritten");
  });
}

test("a state entry whose digest matches but whose payload has the wrong shape is not trusted", () => {
  const root = twoMigrations();
  const fresh = replayed(root);
  cached(root).projectState();
  const states = new CacheFolder(path.join(root, CACHE_DIR), "states");
  const key = path.basename(fs.readdirSync(path.join(root, CACHE_DIR, "states"))[0]!, ".json");
  for (const forged of ["{}", "[[1,2,3,4,5]]", '[["shop","Item",[],{"o":[]},[["id","BigAutoField",[1]]]]]']) {
    states.write(key, forged);
    const l = cached(root);
    assert.deepStrictEqual(l.projectState().models, fresh.models, forged);
    assert.deepEqual([l.stateCache!.stats.hits, l.stateCache!.stats.rejected], [0, 1], forged);
  }
});
