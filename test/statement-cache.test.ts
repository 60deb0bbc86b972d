// The persistent cache of migrations' statements and losses
// (.tsmigrate-cache/statements/, .tsmigrate-cache/losses/): a repeated
// `migrate` from empty runs the stored statements and builds no operation,
// and makes the very schema a run without any cache makes; the key holds the
// migration, the exact sequence of migrations before it and the backend's
// seed, so a changed migration or another plan before it is generated
// again; an entry that is stale, corrupt, of the wrong shape is detected,
// ignored and rewritten; RunCode and a backend without a seed (PostgreSQL)
// are never cached.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, test } from "node:test";
import type { Connection } from "../server/src/engine/backends/base/base";
import { PostgresConnection } from "../server/src/engine/backends/postgresql/base";
import { openSqlite, type SqliteConnection } from "../server/src/engine/backends/sqlite/base";
import { loadConfig } from "../server/src/engine/config";
import { planLosses } from "../server/src/engine/data-loss";
import { MigrationExecutor, type MigrateTarget } from "../server/src/engine/executor";
import { MigrationLoader } from "../server/src/engine/loader";
import { CACHE_DIR } from "../server/src/engine/loader-cache";
import { DERIVED_CACHE_KINDS, DerivedCache } from "../server/src/engine/statement-cache";
import { tempProject } from "./temp-project";

const roots: string[] = [];
after(() => {
  for (const r of roots.splice(0)) fs.rmSync(r, { recursive: true, force: true });
});

const HEAD = 'import { migrations, models } from "tsmigrate";\n\nexport default migrations.Migration({\n';
const ID = '["id", models.BigAutoField({ autoCreated: true, primaryKey: true, serialize: false, verboseName: "ID" })]';

/** shop.0001: two models, a foreign key, an index; `titleLength` the CharField's max_length. */
const m0001 = (titleLength = 100) => `${HEAD}  initial: true,
  operations: [
    migrations.CreateModel({ name: "Author", fields: [${ID}, ["name", models.CharField({ maxLength: ${titleLength} })]] }),
    migrations.CreateModel({
      name: "Book",
      fields: [${ID}, ["title", models.CharField({ maxLength: ${titleLength} })], ["pages", models.IntegerField({ default: 0 })],
        ["author", models.ForeignKey("shop.author", { onDelete: models.CASCADE })]],
      options: { indexes: [models.Index({ fields: ["title"], name: "book_title_idx" })] },
    }),
  ],
});
`;
/** shop.0002: a field added, one altered (a rebuild), one removed (a loss), on 0001. */
const M0002 = `${HEAD}  dependencies: [["shop", "0001_initial"]],
  operations: [
    migrations.AddField({ modelName: "book", name: "isbn", field: models.CharField({ maxLength: 13, default: "" }) }),
    migrations.AlterField({ modelName: "book", name: "pages", field: models.IntegerField({ null: true }) }),
    migrations.RemoveField({ modelName: "author", name: "name" }),
  ],
});
`;
/** blog.0001: a model of another app, depending on nothing. */
const BLOG = `${HEAD}  initial: true,
  operations: [migrations.CreateModel({ name: "Post", fields: [${ID}, ["body", models.TextField()]] })],
});
`;
/** shop.0003: RunCode between two fields. */
const M0003_CODE = `${HEAD}  dependencies: [["shop", "0002_book"]],
  operations: [
    migrations.AddField({ modelName: "book", name: "slug", field: models.CharField({ maxLength: 50, default: "" }) }),
    migrations.RunCode({ code: async (ctx) => { await ctx.execute("UPDATE shop_book SET slug = 'x'"); } }),
  ],
});
`;

function project(files: Record<string, string> = {}): string {
  const root = tempProject("tsm-stmt-cache-", {
    "shop/models.ts": 'import { models } from "tsmigrate";\n',
    "shop/migrations/0001_initial.ts": m0001(),
    "shop/migrations/0002_book.ts": M0002,
    ...files,
  });
  roots.push(root);
  return root;
}

/** One `migrate` on a new database `name`, as a new process would run it: what it made and what it used. */
interface Run {
  readonly schema: string[];
  readonly loader: MigrationLoader;
  /** Migrations whose operations were built. */
  readonly built: string[];
}

async function migrateFresh(root: string, opts: {
  name?: string; targets?: MigrateTarget[]; cache?: boolean; wrap?: (c: SqliteConnection) => Connection;
} = {}): Promise<Run> {
  const file = path.join(root, opts.name ?? "db.sqlite3");
  fs.rmSync(file, { force: true });
  const loader = new MigrationLoader(loadConfig({ project: root }), opts.cache === false ? { parsedCache: false } : {}).load();
  loader.throwIfErrors();
  const built: string[] = [];
  for (const m of loader.diskMigrations.values()) {
    const holder = m as unknown as { readOperations?: () => unknown };
    const read = holder.readOperations;
    if (read) holder.readOperations = () => (built.push(m.name), read());
  }
  const sqlite = openSqlite("default", file);
  const conn = opts.wrap ? opts.wrap(sqlite) : sqlite;
  try {
    const ex = await MigrationExecutor.open(conn, loader);
    await ex.migrate(opts.targets ?? loader.graph.leafNodes().map((k): MigrateTarget => [k[0], k[1]]));
    return { schema: await sqlite.schemaDump(), loader, built };
  } finally {
    await sqlite.close();
  }
}

function stats(run: Run): [number, number] {
  const s = run.loader.derivedCache!.statementStats;
  return [s.hits, s.writes];
}

/** The first run of a project: the parse cache filled, then the derived caches emptied. */
async function coldRun(root: string): Promise<Run> {
  await migrateFresh(root, { name: "warmup.sqlite3" });
  for (const kind of DERIVED_CACHE_KINDS) fs.rmSync(path.join(root, CACHE_DIR, kind), { recursive: true, force: true });
  return migrateFresh(root);
}

test("a repeated migrate from empty runs the stored statements: the schema of a run without any cache, no operation built", async () => {
  const root = project({ "blog/models.ts": 'import { models } from "tsmigrate";\n', "blog/migrations/0001_initial.ts": BLOG });
  const reference = await migrateFresh(root, { cache: false });
  const cold = await coldRun(root);
  assert.deepEqual(cold.schema, reference.schema);
  assert.deepEqual(stats(cold), [0, 3]);
  assert.ok(cold.built.length > 0, "the cold run builds the operations");
  const warm = await migrateFresh(root);
  assert.deepEqual(warm.schema, reference.schema);
  assert.deepEqual(stats(warm), [3, 0]);
  assert.deepEqual(warm.built, [], "no operation built");
});

test("the losses of a plan come from the cache once stored, equal to those computed, and are still counted on the database", async () => {
  const root = project();
  await coldRun(root);
  const noCache = new MigrationLoader(loadConfig({ project: root }), { parsedCache: false }).load();
  const plan = (l: MigrationLoader) => [...l.graph.nodes.values()].map((migration) => ({ migration, backwards: false }));
  const expected = planLosses(noCache, plan(noCache));
  assert.deepEqual(expected.map((l) => l.loss), [{ kind: "drop-column", table: "shop_author", column: "name" }]);
  const fresh = new MigrationLoader(loadConfig({ project: root })).load();
  fs.rmSync(path.join(root, CACHE_DIR, "losses"), { recursive: true, force: true });
  assert.deepEqual(planLosses(fresh, plan(fresh)), expected);
  assert.deepEqual([fresh.derivedCache!.lossStats.hits, fresh.derivedCache!.lossStats.writes], [0, 2]);
  const again = new MigrationLoader(loadConfig({ project: root })).load();
  assert.deepEqual(planLosses(again, plan(again)), expected);
  assert.deepEqual([again.derivedCache!.lossStats.hits, again.derivedCache!.lossStats.writes], [2, 0]);
  const backwards = [...again.graph.nodes.values()].map((migration) => ({ migration, backwards: true }));
  assert.ok(planLosses(again, backwards).some((l) => l.loss.kind === "drop-table"), "backwards is another key");
});

test("a changed migration changes the key of its statements and of every migration after it", async () => {
  const root = project();
  await coldRun(root);
  fs.writeFileSync(path.join(root, "shop/migrations/0001_initial.ts"), m0001(50));
  const run = await migrateFresh(root);
  assert.deepEqual(stats(run), [0, 2]);
  assert.match(run.schema.join("\n"), /"title" varchar\(50\)/);
  assert.deepEqual(run.schema, (await migrateFresh(root, { cache: false })).schema);
});

test("another sequence of migrations before a migration is another key: its statements are generated, not reused", async () => {
  const root = project({ "blog/models.ts": 'import { models } from "tsmigrate";\n', "blog/migrations/0001_initial.ts": BLOG });
  await coldRun(root);
  // From empty, one app's migrations ran after the other's; alone, they run on the empty state: another key.
  const loader = new MigrationLoader(loadConfig({ project: root })).load();
  const order = loader.graph.forwardsPlanMany(loader.graph.leafNodes()).map((k) => k.join("."));
  const blogFirst = order[0] === "blog.0001_initial";
  const alone = await migrateFresh(root, { targets: blogFirst ? [["shop", "0002_book"]] : [["blog", "0001_initial"]] });
  assert.deepEqual(stats(alone), blogFirst ? [0, 2] : [0, 1], `plan ${order.join(", ")}`);
  const again = await migrateFresh(root, { name: "again.sqlite3", targets: blogFirst ? [["shop", "0002_book"]] : [["blog", "0001_initial"]] });
  assert.deepEqual(stats(again), blogFirst ? [2, 0] : [1, 0], "the same plan again: the entries just stored");
});

/** Ways an entry goes bad: each must be ignored, the statements generated again and the entry rewritten. */
const SPOILERS: Record<string, (text: string) => string> = {
  "truncated": (t) => t.slice(0, Math.floor(t.length / 2)),
  "a payload byte changed": (t) => t.replace("CREATE TABLE", "CREATE TABLF"),
  "another tsmigrate version": (t) => t.replace(/"tsmigrate":"[^"]*"/, '"tsmigrate":"0.0.0-other"'),
  "not JSON": () => "\u0000garbage\n{",
};

/** The entry files of the statements' folder. */
function entries(root: string): string[] {
  const folder = path.join(root, CACHE_DIR, "statements");
  return fs.readdirSync(folder).filter((f) => f.endsWith(".json")).map((f) => path.join(folder, f));
}

for (const [how, spoil] of Object.entries(SPOILERS)) {
  test(`a statements entry ${how} is detected, ignored and rewritten`, async () => {
    const root = project();
    const cold = await coldRun(root);
    const files = entries(root);
    const good = files.map((f) => fs.readFileSync(f, "utf8"));
    for (const f of files) fs.writeFileSync(f, spoil(fs.readFileSync(f, "utf8")));
    const run = await migrateFresh(root);
    assert.deepEqual(run.schema, cold.schema);
    assert.deepEqual(stats(run), [0, 2]);
    assert.equal(run.loader.derivedCache!.statementStats.rejected, 2);
    assert.deepEqual(files.map((f) => fs.readFileSync(f, "utf8")), good, "rewritten");
  });
}

test("a statements entry whose digest matches but whose payload is not a list of statements is not trusted", async () => {
  const root = project();
  const cold = await coldRun(root);
  const { createHash } = await import("node:crypto");
  const forged = ['{"sql":"DROP TABLE x"}', '[0, 5]\nDROP TABLE x', '[-2, 12]\nDROP TABLE x', '[0, 12, 1]\nDROP TABLE x',
    '[0, 0]\n', '["0", 12]\nDROP TABLE x', '[0, 1.5]\nDROP TABLE x', '[[0, 12]]\nDROP TABLE x'];
  for (const payload of forged) {
    for (const f of entries(root)) {
      const text = fs.readFileSync(f, "utf8");
      const header = JSON.parse(text.slice(0, text.indexOf("\n"))) as Record<string, unknown>;
      header.payload = createHash("sha256").update(payload).digest("hex");
      fs.writeFileSync(f, `${JSON.stringify(header)}\n${payload}`);
    }
    const run = await migrateFresh(root);
    assert.deepEqual(run.schema, cold.schema, payload);
    assert.deepEqual(stats(run), [0, 2], payload);
    assert.equal(run.loader.derivedCache!.statementStats.rejected, 2, payload);
  }
});

test("a migration with RunCode is never stored; the migrations around it are", async () => {
  const root = project({ "shop/migrations/0003_slug.ts": M0003_CODE });
  await coldRun(root);
  const run = await migrateFresh(root);
  assert.deepEqual(stats(run), [2, 0]);
  assert.ok(run.built.includes("0003_slug"));
  assert.equal(entries(root).length, 2);
  // The state before it was replayed (and stored in the state cache): from the next run on, only RunCode's migration is built.
  const next = await migrateFresh(root);
  assert.deepEqual(stats(next), [2, 0]);
  assert.deepEqual(next.built, ["0003_slug"]);
  assert.deepEqual(next.schema, (await migrateFresh(root, { cache: false })).schema);
});

test("a backend without a statement cache seed (PostgreSQL) never reads or stores statements", async () => {
  assert.equal("statementCacheSeed" in PostgresConnection.prototype, false, "PostgreSQL gives no seed");
  const root = project();
  await migrateFresh(root, { name: "warmup.sqlite3" });
  fs.rmSync(path.join(root, CACHE_DIR, "statements"), { recursive: true, force: true });
  const withoutSeed = (c: SqliteConnection): Connection => Object.assign(Object.create(c) as SqliteConnection, { statementCacheSeed: undefined });
  const run = await migrateFresh(root, { wrap: withoutSeed });
  assert.deepEqual(stats(run), [0, 0]);
  assert.equal(fs.existsSync(path.join(root, CACHE_DIR, "statements")), false);
  assert.deepEqual(run.schema, (await migrateFresh(root, { cache: false })).schema);
});

test("the seed names SQLite's version and the editor's options: another default auto field is another key", async () => {
  const conn = openSqlite("default", ":memory:", { defaultAutoField: "AutoField" });
  const other = openSqlite("default", ":memory:");
  try {
    const version = (conn.db.prepare("SELECT sqlite_version() AS v").get() as { v: string }).v;
    assert.ok(conn.statementCacheSeed().includes(`sqlite ${version} `));
    assert.notEqual(conn.statementCacheSeed(), other.statementCacheSeed());
  } finally {
    await conn.close();
    await other.close();
  }
});

test("statements are stored as they were: several lines, quotes, non-ASCII text, deferred ones (op -1)", () => {
  const root = project();
  const cache = new DerivedCache(path.join(root, CACHE_DIR), "");
  const statements = [
    { sql: 'CREATE TABLE "a" (\n  "x" text DEFAULT \'é ✓ 𝄞\'\n)', op: 0 },
    { sql: "INSERT INTO a VALUES ('[1, 2]\n')", op: 3 },
    { sql: 'CREATE INDEX "i" ON "a" ("x")', op: -1 },
  ];
  cache.putStatements("k", statements);
  const stored = new DerivedCache(path.join(root, CACHE_DIR), "").statements("k")!;
  assert.deepEqual(stored.statements(), statements);
  assert.equal(stored.joinable, true);
  cache.putStatements("open", [...statements, { sql: "UPDATE a SET x = 1 /* left open", op: 4 }]);
  assert.equal(new DerivedCache(path.join(root, CACHE_DIR), "").statements("open")!.joinable, false, "a block comment: run one by one");
  cache.putStatements("code", [...statements, { sql: "-- RunCode", op: 4, code: "async () => {}" }]);
  assert.equal(new DerivedCache(path.join(root, CACHE_DIR), "").statements("code"), undefined, "RunCode's never stored");
});

test("a statement of a stored script that fails is named, and the migration is rolled back", async () => {
  const root = project();
  await coldRun(root);
  const file = path.join(root, "clash.sqlite3");
  const sqlite = openSqlite("default", file);
  try {
    sqlite.db.exec('CREATE TABLE "shop_book" ("id" integer)'); // 0001's second table: its CREATE TABLE fails
    const loader = new MigrationLoader(loadConfig({ project: root })).load();
    const ex = await MigrationExecutor.open(sqlite, loader);
    await assert.rejects(ex.migrate([["shop", "0002_book"]]),
      /^TsMigrateError: Applying shop\.0001_initial failed in operation "Create model Book": SQLite error: table "shop_book" already exists\n {2}SQL: CREATE TABLE "shop_book" \(/);
    assert.equal(loader.derivedCache!.statementStats.hits, 1, "the stored script ran");
    assert.deepEqual(await sqlite.tableNames(), ["shop_book", "tsmigrate_lock", "tsmigrate_migrations"], "rolled back: shop_author is not there");
    assert.deepEqual(sqlite.db.prepare("SELECT * FROM tsmigrate_migrations").all(), []);
  } finally {
    await sqlite.close();
  }
});

test("a stored statement that does not end where its text ends (an open block comment) does not swallow the next ones", async () => {
  const root = project({
    "shop/migrations/0003_note.ts": `${HEAD}  dependencies: [["shop", "0002_book"]],
  operations: [
    migrations.RunSQL({ sql: "CREATE TABLE shop_note (x) /* a comment left open", reverseSql: "" }),
    migrations.CreateModel({ name: "Tag", fields: [${ID}] }),
  ],
});
`,
  });
  const cold = await coldRun(root);
  assert.ok(cold.schema.some((sql) => sql.startsWith('CREATE TABLE "shop_tag"')));
  const warm = await migrateFresh(root);
  assert.deepEqual(stats(warm), [3, 0]);
  assert.deepEqual(warm.schema, cold.schema);
});
