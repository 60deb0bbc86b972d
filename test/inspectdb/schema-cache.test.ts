// The drift check's schema cache (.tsmigrate-cache/schemas/): the schema the
// applied migrations build is kept by the migrations' ids and checksums, so
// `diffschema` and migrate's drift warning replay only the migrations added
// since, and its snapshot (.tsmigrate-cache/snapshots/), so a check whose
// applied migrations did not change builds no scratch database; a cached
// schema never hides a hand change to the live database; a corrupt entry is
// ignored and rewritten; after new migrations the longest cached prefix is
// used and the rest replayed.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, test } from "node:test";
import { cleanTemps, execSql, ok, tempDir } from "./helpers";

after(cleanTemps);

/** The models: two tables, a foreign key, a unique column and a check constraint (a copy of diffschema.test.ts's shape, smaller). */
const MODELS = [
  'import { models } from "tsmigrate";',
  "export class Category extends models.Model { name = models.CharField({ maxLength: 50, unique: true }); }",
  "export class Product extends models.Model {",
  "  name = models.CharField({ maxLength: 100 });",
  "  category = models.ForeignKey(Category, { onDelete: models.CASCADE, null: true });",
  '  static Meta = { constraints: [models.CheckConstraint({ check: models.Q({ name__gt: "" }), name: "named" })] };',
  "}",
  "",
].join("\n");

/** A project with MODELS, migrated. */
async function migratedProject(): Promise<string> {
  const dir = tempDir("tsm-schema-cache-");
  fs.mkdirSync(path.join(dir, "shop"));
  fs.writeFileSync(path.join(dir, "shop", "models.ts"), MODELS);
  await ok(dir, ["makemigrations", "--noinput"]);
  await ok(dir, ["migrate", "--noinput"]);
  return dir;
}

function entries(dir: string, kind = "schemas"): string[] {
  const folder = path.join(dir, ".tsmigrate-cache", kind);
  return fs.existsSync(folder) ? fs.readdirSync(folder).sort().map((f) => path.join(folder, f)) : [];
}

test("the schema of the applied migrations is cached, checked against the live database, and rebuilt when corrupt", async () => {
  const dir = await migratedProject();

  await ok(dir, ["diffschema"]);
  const [entry] = entries(dir);
  assert.ok(entry, "the replayed schema is stored");
  const text = fs.readFileSync(entry, "utf8");
  assert.match(text, /CREATE TABLE \\?"shop_product\\?"/);
  const mtime = fs.statSync(entry).mtimeMs;
  await ok(dir, ["diffschema"]);
  assert.equal(fs.statSync(entry).mtimeMs, mtime, "a second check uses the entry and does not rewrite it");

  // A hand change is reported although the expected schema comes from the cache.
  execSql(path.join(dir, "db.sqlite3"), 'ALTER TABLE "shop_product" ADD COLUMN "legacy" integer NULL');
  const drift = await ok(dir, ["diffschema"], 1);
  assert.match(drift.stdout + drift.stderr, /legacy/);
  execSql(path.join(dir, "db.sqlite3"), 'ALTER TABLE "shop_product" DROP COLUMN "legacy"');

  fs.rmSync(path.join(dir, ".tsmigrate-cache", "snapshots"), { recursive: true });
  await ok(dir, ["diffschema"]);
  const snapshots = entries(dir, "snapshots");
  assert.equal(snapshots.length, 2, "the snapshots of the replayed schema and of the live database are stored");
  const snapshotTexts = snapshots.map((f) => fs.readFileSync(f, "utf8"));
  for (const spoil of [(t: string) => t.slice(0, 40), (t: string) => t.replace("shop_product", "shop_prodXct")]) {
    // The snapshots are used first: without them the schema is read from its entry.
    for (const f of snapshots) fs.rmSync(f);
    fs.writeFileSync(entry, spoil(text));
    await ok(dir, ["diffschema"]);
    assert.equal(fs.readFileSync(entry, "utf8"), text, "a corrupt entry is rewritten");
    assert.deepEqual(snapshots.map((f) => fs.readFileSync(f, "utf8")), snapshotTexts, "the snapshots are stored again");
    for (const f of snapshots) fs.writeFileSync(f, spoil(fs.readFileSync(f, "utf8")));
    await ok(dir, ["diffschema"]);
    assert.deepEqual(snapshots.map((f) => fs.readFileSync(f, "utf8")), snapshotTexts, "corrupt snapshots are rewritten");
  }
});

/** Writes `file` (a cache entry) with `edit` applied to its payload and a header whose digest matches (a forgery the digest cannot catch). */
function forge(file: string, edit: (payload: string) => string): void {
  const text = fs.readFileSync(file, "utf8");
  const [head, payload] = [text.slice(0, text.indexOf("\n")), text.slice(text.indexOf("\n") + 1)];
  const forged = edit(payload);
  assert.notEqual(forged, payload);
  const header = { ...JSON.parse(head), payload: createHash("sha256").update(forged).digest("hex") };
  fs.writeFileSync(file, `${JSON.stringify(header)}\n${forged}`);
}

test("a check with unchanged applied migrations and live schema takes both snapshots from the cache, and still sees hand changes", async () => {
  const dir = await migratedProject();
  // (A migrate from empty checks no drift: there may be no snapshots yet.)
  fs.rmSync(path.join(dir, ".tsmigrate-cache", "snapshots"), { recursive: true, force: true });
  await ok(dir, ["diffschema"]);
  const snapshots = entries(dir, "snapshots");
  assert.equal(snapshots.length, 2);
  const texts = snapshots.map((f) => fs.readFileSync(f, "utf8"));
  // Forged snapshots whose digests match are what the check compares: proof that they are read, not rebuilt.
  for (const [i, f] of snapshots.entries()) {
    forge(f, (p) => p.replace('"name":"shop_category"', `"name":"shop_forged${i}"`));
    const drift = await ok(dir, ["diffschema"], 1);
    assert.match(drift.stdout + drift.stderr, new RegExp(`shop_forged${i}`));
    fs.writeFileSync(f, texts[i]!);
  }
  // A hand change changes the live schema's key: the live database is introspected again and stored under its own key.
  execSql(path.join(dir, "db.sqlite3"), 'ALTER TABLE "shop_product" ADD COLUMN "legacy" integer NULL');
  const hand = await ok(dir, ["diffschema"], 1);
  assert.match(hand.stdout + hand.stderr, /legacy/);
  assert.equal(entries(dir, "snapshots").length, 3);
});

test("after a new migration the cached prefix is used and the new schema stored", async () => {
  const dir = await migratedProject();
  await ok(dir, ["diffschema"]);
  assert.equal(entries(dir).length, 1);
  fs.writeFileSync(path.join(dir, "shop", "models.ts"), MODELS.replace("  name = models.CharField({ maxLength: 100 });",
    "  name = models.CharField({ maxLength: 100 });\n  sku = models.CharField({ maxLength: 20, default: \"\" });"));
  await ok(dir, ["makemigrations", "--noinput"]);
  // migrate's drift warning checks the database (one migration applied) before applying the second.
  const migrated = await ok(dir, ["migrate", "--noinput"]);
  assert.doesNotMatch(migrated.stderr, /differs|drift/i);
  await ok(dir, ["diffschema"]);
  const [, newer] = entries(dir).map((f) => fs.readFileSync(f, "utf8")).sort((a, b) => a.length - b.length);
  assert.ok(newer, "the schema after both migrations is stored too");
  assert.match(newer, /sku/);
});
