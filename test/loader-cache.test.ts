// The persistent cache of parsed migration files (.tsmigrate-cache/):
// a migration read from the cache is the migration read from its file
// (same checksum as pinned by checksum-golden.test.ts, same operations,
// same source locations); the folder ignores itself in git; an entry of
// another version, of another text, truncated, edited or of the wrong shape
// is detected, ignored and rewritten, never trusted.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, test } from "node:test";
import { loadConfig } from "../server/src/engine/config";
import { MigrationLoader } from "../server/src/engine/loader";
import { CACHE_DIR, ParsedMigrationCache } from "../server/src/engine/loader-cache";
import type { Migration } from "../server/src/engine/migration";

const GOLDEN = path.join(__dirname, "..", "test-fixtures", "golden", "shop", "migrations");
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A project holding the golden migrations of app `shop`. */
function goldenProject(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "tsm-cache-"));
  dirs.push(root);
  fs.mkdirSync(path.join(root, "shop", "migrations"), { recursive: true });
  fs.writeFileSync(path.join(root, "shop", "models.ts"), 'import { models } from "tsmigrate";\n');
  for (const f of fs.readdirSync(GOLDEN)) fs.copyFileSync(path.join(GOLDEN, f), path.join(root, "shop", "migrations", f));
  return root;
}

function load(root: string, cache: ParsedMigrationCache | false): MigrationLoader {
  const l = new MigrationLoader(loadConfig({ project: root }), { parsedCache: cache });
  l.load();
  assert.deepEqual(l.fileErrors.map((e) => e.message), []); // (0003 depends on an app "other" not here: a graph error only)
  return l;
}

/** What must not differ between a parse and a cache hit: checksum, descriptions, every operation's location, dependencies. */
function fingerprint(l: MigrationLoader): unknown[] {
  return [...l.diskMigrations.values()].map((m: Migration) => ({
    key: m.key,
    checksum: m.checksum(),
    file: m.file,
    dependencies: m.dependencies,
    initial: m.initial,
    atomic: m.atomic,
    operations: m.operations.map((op) => ({ describe: op.describe(), location: op.location, deconstruct: JSON.stringify(op.deconstruct()) })),
  }));
}

function entries(root: string): string[] {
  return fs.readdirSync(path.join(root, CACHE_DIR, "migrations")).map((f) => path.join(root, CACHE_DIR, "migrations", f));
}

test("a migration read from the cache equals the migration parsed from its file (golden checksums unchanged)", () => {
  const root = goldenProject();
  const parsed = fingerprint(load(root, false));
  assert.equal(fs.existsSync(path.join(root, CACHE_DIR)), false, "cache off writes nothing");

  const first = new ParsedMigrationCache(path.join(root, CACHE_DIR));
  assert.deepEqual(fingerprint(load(root, first)), parsed);
  assert.deepEqual(first.stats, { hits: 0, misses: 3, rejected: 0, writes: 3 });
  assert.equal(entries(root).length, 3);
  assert.equal(fs.readFileSync(path.join(root, CACHE_DIR, ".gitignore"), "utf8").split("\n").includes("*"), true);

  const second = new ParsedMigrationCache(path.join(root, CACHE_DIR));
  assert.deepEqual(fingerprint(load(root, second)), parsed);
  assert.deepEqual(second.stats, { hits: 3, misses: 0, rejected: 0, writes: 0 });
  // The pinned checksums of checksum-golden.test.ts, through the cache.
  const sums = Object.fromEntries([...load(root, new ParsedMigrationCache(path.join(root, CACHE_DIR))).diskMigrations.values()]
    .map((m) => [m.name, m.checksum()]));
  assert.equal(sums["0001_initial"], "d114eaab9b3c943e7fe15b82920215c31b4b5e1727b17877deb6baa6d3466e18");
  assert.equal(sums["0002_everything"], "eaade4fbd21b2068132cf7567f5a32b86eefe1a6b04e4eff7efe29c9e26cc8a4");
  assert.equal(sums["0003_not_atomic"], "4537310b11668d3d5a6fad643c6a7f6f8936c2d50de035012100d78994d19f12");
});

test("the loader uses <root>/.tsmigrate-cache by default", () => {
  const root = goldenProject();
  const l = new MigrationLoader(loadConfig({ project: root })).load();
  assert.equal(l.parsedCache?.dir, path.join(root, CACHE_DIR));
  assert.equal(entries(root).length, 3);
});

/** Ways an entry goes bad: each must be rejected, the file parsed again and the entry rewritten. */
const SPOILERS: Record<string, (text: string) => string> = {
  "truncated": (t) => t.slice(0, Math.floor(t.length / 2)),
  "empty": () => "",
  "a payload byte changed": (t) => t.replace('"migrations.', '"migrationz.'),
  "another tsmigrate version": (t) => t.replace(/"tsmigrate":"[^"]*"/, '"tsmigrate":"0.0.0-other"'),
  "another cache format": (t) => t.replace(/"format":\d+/, '"format":999'),
  "the header of another text": (t) => t.replace(/"source":"[0-9a-f]{8}/, '"source":"00000000'),
  "not JSON": () => "\u0000\u0001garbage\n{",
};

for (const [how, spoil] of Object.entries(SPOILERS)) {
  test(`an entry ${how} is detected, ignored and rewritten`, () => {
    const root = goldenProject();
    const parsed = fingerprint(load(root, false));
    load(root, new ParsedMigrationCache(path.join(root, CACHE_DIR)));
    const good = new Map(entries(root).map((f) => [f, fs.readFileSync(f, "utf8")]));
    for (const [f, text] of good) fs.writeFileSync(f, spoil(text));
    const cache = new ParsedMigrationCache(path.join(root, CACHE_DIR));
    assert.deepEqual(fingerprint(load(root, cache)), parsed);
    assert.deepEqual(cache.stats, { hits: 0, misses: 0, rejected: 3, writes: 3 });
    for (const [f, text] of good) assert.equal(fs.readFileSync(f, "utf8"), text, `${path.basename(f)} rewritten`);
  });
}

test("an entry whose digests match but whose payload has the wrong shape is not trusted", () => {
  const root = goldenProject();
  const parsed = fingerprint(load(root, false));
  const cache = new ParsedMigrationCache(path.join(root, CACHE_DIR));
  load(root, cache);
  const { createHash } = require("node:crypto") as typeof import("node:crypto");
  for (const [i, forged] of ['{"o":[["dependencies",{"x":1},null]]}', '[1,2]', '{"o":[["operations",{"a":[{"c":"migrations.Nope","x":{"a":[]}}]},null]]}'].entries()) {
    for (const f of entries(root)) {
      const [head] = fs.readFileSync(f, "utf8").split("\n");
      const header = { ...JSON.parse(head!), payload: createHash("sha256").update(forged).digest("hex") };
      fs.writeFileSync(f, `${JSON.stringify(header)}\n${forged}`);
    }
    const again = new ParsedMigrationCache(path.join(root, CACHE_DIR));
    assert.deepEqual(fingerprint(load(root, again)), parsed, `forgery ${i}`);
    assert.equal(again.stats.hits + again.stats.rejected, 3);
    assert.equal(again.stats.writes, 3, `forgery ${i}: every entry rewritten`);
  }
});

test("an edited migration file is parsed again, whatever the cache holds", () => {
  const root = goldenProject();
  load(root, new ParsedMigrationCache(path.join(root, CACHE_DIR)));
  const file = path.join(root, "shop", "migrations", "0003_not_atomic.ts");
  fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("atomic: false", "atomic: true"));
  const cache = new ParsedMigrationCache(path.join(root, CACHE_DIR));
  const l = load(root, cache);
  assert.equal(l.diskMigrations.get("shop.0003_not_atomic")!.atomic, true);
  assert.deepEqual(cache.stats, { hits: 2, misses: 1, rejected: 0, writes: 1 });
});

test("a bad migration file is never cached and keeps its located errors", () => {
  const root = goldenProject();
  const file = path.join(root, "shop", "migrations", "0004_bad.ts");
  fs.writeFileSync(file, 'import { migrations } from "tsmigrate";\nexport default migrations.Migration({ dependencies: [["shop", "0003_not_atomic"]], operations: [migrations.Nope({})] });\n');
  for (let run = 0; run < 2; run++) {
    const cache = new ParsedMigrationCache(path.join(root, CACHE_DIR));
    const l = new MigrationLoader(loadConfig({ project: root }), { parsedCache: cache }).load();
    assert.equal(l.fileErrors.length, 1);
    assert.equal(l.fileErrors[0]!.location?.file, file);
    assert.equal(l.fileErrors[0]!.location?.line, 2);
    assert.equal(cache.stats.writes, run === 0 ? 3 : 0);
  }
  assert.equal(entries(root).length, 3);
});

test("a cache folder that cannot be written is no error", () => {
  const root = goldenProject();
  fs.writeFileSync(path.join(root, CACHE_DIR), "a file where the folder should be");
  const cache = new ParsedMigrationCache(path.join(root, CACHE_DIR));
  const l = load(root, cache);
  assert.equal(l.diskMigrations.size, 3);
  assert.equal(cache.stats.writes, 0);
});
