// The persistent cache of read models (.tsmigrate-cache/models/): models
// read from the cache are the models read from the files (every step of
// every history fixture: state, options, source locations); an entry whose
// followed files changed (a shared constants file), or that is edited or
// of the wrong shape, is detected, ignored and rewritten, never trusted; a
// reading with errors is not kept; unsaved buffers never use it.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, test } from "node:test";
import { loadConfig } from "../server/src/engine/config";
import { CACHE_DIR, CacheFolder } from "../server/src/engine/loader-cache";
import { ModelsCache } from "../server/src/engine/models-cache";
import { type LoadedModels, loadModels } from "../server/src/engine/source/models";
import { valueKey, type Value } from "../server/src/engine/values";
import { tempProject } from "./temp-project";

const HISTORIES = path.join(__dirname, "..", "test-fixtures", "histories");
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function copyDir(from: string, to: string): void {
  fs.cpSync(from, to, { recursive: true });
}

function project(files: Record<string, string>): string {
  const root = tempProject("tsm-models-cache-", files);
  dirs.push(root);
  return root;
}

/** Everything a reading gives, as comparable text: each model's fields, options, bases and locations; the errors. */
function summary(loaded: LoadedModels): string {
  const models = [...loaded.state.models.values()].map((m) => ({
    key: m.key,
    bases: m.bases,
    options: valueKey(m.options as unknown as Value),
    fields: [...m.fields].map(([n, f]) => [n, f.type, valueKey(f.options)]),
    at: JSON.stringify(loaded.locations.get(m.key), (_, v: unknown) => (v instanceof Map ? [...v] : v)),
  }));
  return JSON.stringify({ models, errors: loaded.errors.map((e) => e.message) });
}

function cacheOf(root: string): ModelsCache {
  return new ModelsCache(path.join(root, CACHE_DIR));
}

test("models read from the cache equal the models read from the files, at every step of every history", () => {
  let steps = 0;
  for (const history of fs.readdirSync(HISTORIES).filter((h) => /^\d/.test(h))) {
    for (const step of fs.readdirSync(path.join(HISTORIES, history)).filter((s) => s.startsWith("step-"))) {
      const root = fs.mkdtempSync(path.join(os.tmpdir(), "tsm-models-cache-"));
      dirs.push(root);
      copyDir(path.join(HISTORIES, history, step), root);
      const config = loadConfig({ project: root });
      const fresh = summary(loadModels(config));
      const miss = cacheOf(root);
      assert.equal(summary(loadModels(config, undefined, miss)), fresh, `${history}/${step}: the reading that writes the entry`);
      assert.deepEqual([miss.stats.misses, miss.stats.writes], [1, 1], `${history}/${step}: written once`);
      const hit = cacheOf(root);
      assert.equal(summary(loadModels(config, undefined, hit)), fresh, `${history}/${step}: read from the cache`);
      assert.equal(hit.stats.hits, 1, `${history}/${step}: a hit`);
      steps++;
    }
  }
  assert.ok(steps >= 60, `every step compared (${steps})`);
});

const CHOICES = 'export const NAME_LENGTH = 40;\nexport enum Kind { A = "a", B = "b" }\n';
const MODELS = `import { models } from "tsmigrate";
import { Kind, NAME_LENGTH } from "../common/choices";

export class Item extends models.Model {
  name = models.CharField({ maxLength: NAME_LENGTH });
  kind = models.CharField({ maxLength: 1, choices: Kind, default: Kind.A });
}
`;

function nameLength(loaded: LoadedModels): Value {
  return loaded.state.models.get("shop.item")!.fields.get("name")!.options.maxLength!;
}

test("a change to a file the models import makes the entry stale: ignored, read again and rewritten", () => {
  const root = project({ "shop/models.ts": MODELS, "common/choices.ts": CHOICES });
  const config = loadConfig({ project: root });
  assert.equal(nameLength(loadModels(config, undefined, cacheOf(root))), 40);
  fs.writeFileSync(path.join(root, "common/choices.ts"), CHOICES.replace("40", "60"));
  const stale = cacheOf(root);
  assert.equal(nameLength(loadModels(config, undefined, stale)), 60);
  assert.deepEqual([stale.stats.rejected, stale.stats.hits, stale.stats.writes], [1, 0, 1]);
  const again = cacheOf(root);
  assert.equal(nameLength(loadModels(config, undefined, again)), 60);
  assert.equal(again.stats.hits, 1);
});

test("an edited, truncated or ill-shaped entry is rejected and rewritten", () => {
  const root = project({ "shop/models.ts": MODELS, "common/choices.ts": CHOICES });
  const config = loadConfig({ project: root });
  const first = cacheOf(root);
  const fresh = summary(loadModels(config, undefined, first));
  const folder = path.join(root, CACHE_DIR, "models");
  const [entry] = fs.readdirSync(folder);
  const file = path.join(folder, entry!);
  const good = fs.readFileSync(file, "utf8");
  const key = entry!.replace(/\.json$/, "");
  const corruptions: [string, () => void][] = [
    ["edited", () => fs.writeFileSync(file, good.replace('"maxLength",40', '"maxLength",41'))],
    ["truncated", () => fs.writeFileSync(file, good.slice(0, good.length - 20))],
    // A header that checks out over a payload of the wrong shape (written through the folder itself).
    ["ill-shaped", () => new CacheFolder(path.join(root, CACHE_DIR), "models").write(key, JSON.stringify({ deps: [], files: [], models: [{}] }))],
  ];
  for (const [what, corrupt] of corruptions) {
    corrupt();
    assert.notEqual(fs.readFileSync(file, "utf8"), good, `${what}: the entry changed`);
    const cache = cacheOf(root);
    assert.equal(summary(loadModels(config, undefined, cache)), fresh, `${what}: read from the files`);
    assert.deepEqual([cache.stats.rejected, cache.stats.hits, cache.stats.writes], [1, 0, 1], what);
    assert.equal(fs.readFileSync(file, "utf8"), good, `${what}: rewritten`);
  }
});

test("a reading with errors is not kept, and unsaved buffers never use the cache", () => {
  const root = project({ "shop/models.ts": MODELS.replace("maxLength: NAME_LENGTH", "maxLength: NOT_DECLARED"), "common/choices.ts": CHOICES });
  const config = loadConfig({ project: root });
  const cache = cacheOf(root);
  assert.ok(loadModels(config, undefined, cache).errors.length > 0);
  assert.equal(cache.stats.writes, 0);
  const overrides = new Map([[path.join(root, "shop/models.ts"), MODELS]]);
  assert.equal(nameLength(loadModels(config, overrides, cache)), 40);
  assert.deepEqual([cache.stats.writes, cache.stats.hits, cache.stats.misses], [0, 0, 1]);
});
