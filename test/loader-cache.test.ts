// The persistent cache of parsed migration files (.tsmigrate-cache/, a
// pack of metas and a file of bodies, keyed by each file's text SHA-256;
// the bodies read only when operations are): a migration read from
// the cache is the migration read from its file (same checksum as pinned by
// checksum-golden.test.ts, same operations, same operation locations); the
// folder ignores itself in git; a pack or entry of another version, of
// another text, truncated, edited or of the wrong shape is detected,
// ignored and rewritten, never trusted.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, test } from "node:test";
import { loadConfig } from "../server/src/engine/config";
import { MigrationLoader } from "../server/src/engine/loader";
import { CACHE_DIR } from "../server/src/engine/loader-cache";
import { ParsedMigrationCache } from "../server/src/engine/loader-pack";
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

/** The two files of the cache's `migrations` folder (and nothing else there). */
type PackFile = "pack" | "bodies";

/** The pack's file (metas) or the bodies' file. */
function packOf(root: string, which: PackFile = "pack"): string {
  const files = fs.readdirSync(path.join(root, CACHE_DIR, "migrations"));
  assert.deepEqual(files.sort(), ["bodies-4.json", "pack-4.json"]);
  return path.join(root, CACHE_DIR, "migrations", `${which}-4.json`);
}

/** The pack's (or the bodies') entry lines (`<text SHA-256> <meta or body>`), its header aside. */
function entries(root: string, which: PackFile = "pack"): string[] {
  return fs.readFileSync(packOf(root, which), "utf8").split("\n").slice(1).filter((l) => l !== "");
}

/** Writes the pack (or the bodies) with `lines` as its entries and a header whose digest matches them (a forgery the digest cannot catch). */
function forgePack(root: string, lines: readonly string[], which: PackFile = "pack"): void {
  const file = packOf(root, which);
  const [head] = fs.readFileSync(file, "utf8").split("\n");
  const payload = lines.map((l) => `${l}\n`).join("");
  const header = { ...JSON.parse(head!), payload: createHash("sha256").update(payload).digest("hex") };
  fs.writeFileSync(file, `${JSON.stringify(header)}\n${payload}`);
}

test("a migration read from the cache equals the migration parsed from its file (golden checksums unchanged)", () => {
  const root = goldenProject();
  const parsed = fingerprint(load(root, false));
  assert.equal(fs.existsSync(path.join(root, CACHE_DIR)), false, "cache off writes nothing");

  const first = new ParsedMigrationCache(path.join(root, CACHE_DIR));
  assert.deepEqual(fingerprint(load(root, first)), parsed);
  assert.deepEqual(first.stats, { hits: 0, misses: 3, rejected: 0, writes: 3 });
  assert.equal(entries(root).length, 3);
  assert.equal(entries(root, "bodies").length, 3);
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

test("the pack of an older format is deleted when the new one is written", () => {
  const root = goldenProject();
  const folder = path.join(root, CACHE_DIR, "migrations");
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, "pack-3.json"), "an older tsmigrate's pack\n");
  load(root, new ParsedMigrationCache(path.join(root, CACHE_DIR)));
  assert.equal(entries(root).length, 3); // (packOf: the folder holds the two files of this format only)
});

test("the loader uses <root>/.tsmigrate-cache by default", () => {
  const root = goldenProject();
  const l = new MigrationLoader(loadConfig({ project: root })).load();
  assert.equal(l.parsedCache?.dir, path.join(root, CACHE_DIR));
  assert.equal(entries(root).length, 3);
});

/** Ways the pack or the bodies go bad: each must be rejected, every file parsed again and both rewritten. */
const SPOILERS: Record<string, (text: string) => string> = {
  "truncated": (t) => t.slice(0, Math.floor(t.length / 2)),
  "empty": () => "",
  "a payload byte changed": (t) => t.replace(/"(migrations\.|c":")/, '"x$1'),
  "a text digest changed": (t) => t.replace(/\n[0-9a-f]/, (m) => `\n${m[1] === "0" ? "1" : "0"}`),
  "a line dropped": (t) => t.replace(/\n[^\n]*/, ""),
  "another tsmigrate version": (t) => t.replace(/"tsmigrate":"[^"]*"/, '"tsmigrate":"0.0.0-other"'),
  "another cache format": (t) => t.replace(/"format":\d+/, '"format":999'),
  "the header of another entry": (t) => t.replace(/"source":"(pack|bodies)-4"/, '"source":"$1-1"'),
  "not JSON": () => "\u0000\u0001garbage\n{",
};

for (const which of ["pack", "bodies"] as const) {
  for (const [how, spoil] of Object.entries(SPOILERS)) {
    test(`${which === "pack" ? "a pack" : "the bodies"} ${how}: detected, ignored and rewritten`, () => {
      const root = goldenProject();
      const parsed = fingerprint(load(root, false));
      load(root, new ParsedMigrationCache(path.join(root, CACHE_DIR)));
      const good = { pack: fs.readFileSync(packOf(root), "utf8"), bodies: fs.readFileSync(packOf(root, "bodies"), "utf8") };
      const bad = spoil(good[which]);
      assert.notEqual(bad, good[which], "the spoiler changed something");
      fs.writeFileSync(packOf(root, which), bad);
      const cache = new ParsedMigrationCache(path.join(root, CACHE_DIR));
      // (The bodies are read, found bad and each file parsed again when the fingerprint reads the operations.)
      assert.deepEqual(fingerprint(load(root, cache)), parsed);
      assert.deepEqual(cache.stats, { hits: 0, misses: 0, rejected: 3, writes: 3 });
      assert.equal(fs.readFileSync(packOf(root), "utf8"), good.pack, "the pack rewritten");
      assert.equal(fs.readFileSync(packOf(root, "bodies"), "utf8"), good.bodies, "the bodies rewritten");
    });
  }
}

test("a command that needs no operation never reads the bodies", () => {
  const root = goldenProject();
  load(root, new ParsedMigrationCache(path.join(root, CACHE_DIR)));
  fs.writeFileSync(packOf(root, "bodies"), "not read");
  const cache = new ParsedMigrationCache(path.join(root, CACHE_DIR));
  const l = load(root, cache);
  assert.equal(l.diskMigrations.get("shop.0001_initial")!.checksum(), "d114eaab9b3c943e7fe15b82920215c31b4b5e1727b17877deb6baa6d3466e18");
  assert.deepEqual(cache.stats, { hits: 3, misses: 0, rejected: 0, writes: 0 });
  assert.equal(fs.readFileSync(packOf(root, "bodies"), "utf8"), "not read", "not rewritten either");
});

/** A text's lines: its SHA-256, the meta (checksum, dependencies, flags), the body. */
interface Parts {
  readonly hash: string;
  readonly meta: string;
  readonly body: string;
}

/** Each text's {@link Parts}, from the pack and the bodies. */
function partsOf(root: string): Parts[] {
  const bodies = new Map(entries(root, "bodies").map((l) => [l.slice(0, 64), l.slice(65)]));
  return entries(root).map((l) => ({ hash: l.slice(0, 64), meta: l.slice(65), body: bodies.get(l.slice(0, 64))! }));
}

/** Writes forged metas and bodies (see {@link forgePack}). */
function forgeBoth(root: string, forged: readonly Parts[]): void {
  forgePack(root, forged.map((p) => `${p.hash} ${p.meta}`));
  forgePack(root, forged.map((p) => `${p.hash} ${p.body}`), "bodies");
}

test("a line whose pack digest matches but whose meta or body has the wrong shape is not trusted", () => {
  const root = goldenProject();
  const parsed = fingerprint(load(root, false));
  load(root, new ParsedMigrationCache(path.join(root, CACHE_DIR)));
  const good = { pack: fs.readFileSync(packOf(root), "utf8"), bodies: fs.readFileSync(packOf(root, "bodies"), "utf8") };
  const sum = "0".repeat(64);
  const forgeries: Record<string, (p: Parts) => Parts> = {
    "a body of the wrong shape": (p) => ({ ...p, body: '{"o":[["dependencies",{"x":1},null]]}' }),
    "a body that is no object": (p) => ({ ...p, body: "[1,2]" }),
    "a body with an unknown operation": (p) => ({ ...p, body: '{"o":[["operations",{"a":[{"c":"migrations.Nope","x":{"a":[]}}]},null]]}' }),
    "a body that is not JSON": (p) => ({ ...p, body: "{not JSON" }),
    "a meta without checksum": (p) => ({ ...p, meta: '{"d":[],"r":[],"p":[],"i":false,"a":true}' }),
    "a meta whose checksum is no digest": (p) => ({ ...p, meta: p.meta.replace(/"c":"[0-9a-f]+"/, '"c":"nope"') }),
    "a meta whose dependencies are not pairs": (p) => ({ ...p, meta: p.meta.replace(/"d":\[.*?\],"r"/, '"d":[1],"r"') }),
    "a meta that is not JSON": (p) => ({ ...p, meta: `{"c":"${sum}"` }),
  };
  for (const [how, forge] of Object.entries(forgeries)) {
    const original = partsOf(root);
    const forged = original.map(forge);
    assert.notDeepEqual(forged, original, how);
    forgeBoth(root, forged);
    const again = new ParsedMigrationCache(path.join(root, CACHE_DIR));
    assert.deepEqual(fingerprint(load(root, again)), parsed, how);
    assert.deepEqual(again.stats, { hits: 0, misses: 0, rejected: 3, writes: 3 }, `${how}: every line rejected and rewritten`);
    assert.equal(fs.readFileSync(packOf(root), "utf8"), good.pack, `${how}: the pack rewritten`);
    assert.equal(fs.readFileSync(packOf(root, "bodies"), "utf8"), good.bodies, `${how}: the bodies rewritten`);
  }
});

test("operations of a migration from the cache are read on first use", () => {
  const root = goldenProject();
  load(root, new ParsedMigrationCache(path.join(root, CACHE_DIR)));
  const forged = partsOf(root).map((p) => ({ ...p, body: "{not JSON" }));
  forgeBoth(root, forged);
  const cache = new ParsedMigrationCache(path.join(root, CACHE_DIR));
  const l = new MigrationLoader(loadConfig({ project: root }), { parsedCache: cache }).load();
  assert.equal(l.graph.leafNodes().length, 1);
  assert.equal(l.diskMigrations.get("shop.0001_initial")!.checksum(), "d114eaab9b3c943e7fe15b82920215c31b4b5e1727b17877deb6baa6d3466e18");
  assert.deepEqual(cache.stats, { hits: 3, misses: 0, rejected: 0, writes: 0 }, "no body read yet");
  assert.deepEqual(partsOf(root), forged);
  assert.ok(l.diskMigrations.get("shop.0001_initial")!.operations.length > 0);
  assert.deepEqual(cache.stats, { hits: 2, misses: 0, rejected: 1, writes: 1 }, "one body read, found bad, its line rewritten");
});

test("a pack line of a text no file has any more is dropped; a pack unchanged is not written", () => {
  const root = goldenProject();
  load(root, new ParsedMigrationCache(path.join(root, CACHE_DIR)));
  const stale: Parts = { hash: "f".repeat(64), meta: `{"c":"${"0".repeat(64)}","d":[],"r":[],"p":[],"i":false,"a":true}`, body: '{"o":[]}' };
  forgeBoth(root, [...partsOf(root), stale]);
  const cache = new ParsedMigrationCache(path.join(root, CACHE_DIR));
  load(root, cache);
  assert.deepEqual(cache.stats, { hits: 3, misses: 0, rejected: 0, writes: 0 });
  assert.equal(entries(root).length, 3);
  assert.equal(entries(root, "bodies").length, 3, "its body dropped too");
  assert.equal(partsOf(root).some((p) => p.hash === stale.hash), false);
  fs.rmSync(path.join(root, "shop", "migrations", "0003_not_atomic.ts"));
  load(root, new ParsedMigrationCache(path.join(root, CACHE_DIR)));
  assert.equal(entries(root).length, 2);
  assert.equal(entries(root, "bodies").length, 2);
  const old = new Date("2020-01-01T00:00:00Z");
  fs.utimesSync(packOf(root), old, old);
  load(root, new ParsedMigrationCache(path.join(root, CACHE_DIR)));
  assert.equal(fs.statSync(packOf(root)).mtimeMs, old.getTime(), "not written again");
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

test("a file saved again after it was hashed is not parsed under its old text's digest", () => {
  const root = goldenProject();
  load(root, new ParsedMigrationCache(path.join(root, CACHE_DIR)));
  // The operations must come from the file: its body in the cache is bad.
  forgeBoth(root, partsOf(root).map((p) => ({ ...p, body: "{not JSON" })));
  const cache = new ParsedMigrationCache(path.join(root, CACHE_DIR));
  const l = load(root, cache); // every file hashed (cache hits, no body read yet)
  const file = path.join(root, "shop", "migrations", "0003_not_atomic.ts");
  fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("atomic: false", "atomic: true"));
  const m = l.diskMigrations.get("shop.0003_not_atomic")!;
  assert.throws(() => m.operations, /0003_not_atomic\.ts changed while tsmigrate was reading it: run the command again/);
  assert.equal(partsOf(root).find((p) => p.body !== "{not JSON" && p.meta.includes('"a":true')), undefined, "nothing stored for the new text under the old digest");
});
