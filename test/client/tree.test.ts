import { test } from "node:test";
import assert from "node:assert/strict";
import type { ListMigrationsResult, MigrationInfo } from "../../server/src/protocol";
import { formatAppliedAt, itemView, relativeAppliedAt, migrationNodes, MigrationsTreeData, pendingCount, rootNodes, type AppNode, type TreeSummary } from "../../client/src/tree";
import { FakeRpc } from "./fakes";

process.env.TZ = "UTC";

function migration(name: string, status: MigrationInfo["status"], extra: Partial<MigrationInfo> = {}): MigrationInfo {
  return { app: "shop", name, file: `/p/shop/migrations/${name}.ts`, status, modified: status === "modified", conflicted: status === "conflicted", operations: [], ...extra };
}

function listing(extra: Partial<ListMigrationsResult> = {}): ListMigrationsResult {
  return {
    databases: ["default"],
    database: "default",
    driftCount: 1,
    apps: [
      {
        label: "shop",
        migrations: [
          migration("0001_initial", "applied", { appliedAt: "2024-03-05T14:07:09Z", operations: ["Create model Product"] }),
          migration("0002_product_stock", "pending", { operations: ["Add field stock to product"] }),
        ],
      },
      { label: "accounts", migrations: [] },
    ],
    ...extra,
  };
}

test("one database: the roots are the apps, in the server's order", () => {
  const nodes = rootNodes(listing());
  assert.deepEqual(nodes.map((n) => (n.kind === "app" ? n.app.label : n.kind)), ["shop", "accounts"]);
});

test("several databases: the roots are the databases, the current one expanded", () => {
  const nodes = rootNodes(listing({ databases: ["default", "warehouse"], database: "warehouse" }));
  assert.deepEqual(nodes, [
    { kind: "database", database: "default", current: false },
    { kind: "database", database: "warehouse", current: true },
  ]);
  assert.equal(itemView(nodes[1]!).collapsible, "expanded");
  assert.equal(itemView(nodes[0]!).collapsible, "collapsed");
  assert.equal(itemView(nodes[0]!).icon.id, "database");
});

test("a database error becomes a warning message above the apps, its reason on the row", () => {
  const nodes = rootNodes(listing({ databaseError: "db.sqlite3: SqliteError: file is not a database", databaseState: "error" }));
  assert.equal(nodes[0]!.kind, "message");
  const view = itemView(nodes[0]!);
  assert.equal(view.label, "Database 'default' not read");
  assert.equal(view.description, "SqliteError: file is not a database");
  assert.match(view.tooltip, /file is not a database/);
  assert.doesNotMatch(view.tooltip, /pending/);
  assert.equal(view.icon.id, "warning");
  const untrusted = itemView(rootNodes(listing({ databaseError: "The workspace is not trusted: the database is not read.", databaseState: "untrusted" }))[0]!);
  assert.equal(untrusted.description, "workspace not trusted: trust it to apply migrations");
});

test("an old server's databaseError alone still means 'not read'", () => {
  const nodes = rootNodes(listing({ databaseError: "workspace not trusted" }));
  assert.equal(itemView(nodes[0]!).label, "Database 'default' not read");
});

test("migrations of a database not read are 'unknown', and so is the app's summary", () => {
  const unknown = listing({
    databaseError: "The workspace is not trusted: the database is not read.", databaseState: "untrusted",
    apps: [{ label: "shop", migrations: [migration("0001_initial", "unknown"), migration("0002_b", "unknown")] }],
  });
  const app = rootNodes(unknown)[1] as AppNode;
  assert.equal(itemView(app).description, "2 migrations, status unknown");
  assert.equal(itemView(app).contextValue, "app");
  const views = migrationNodes(app).map(itemView);
  assert.deepEqual(views.map((v) => [v.description, v.icon.id, v.contextValue]), [["unknown", "question", "migration.unknown"], ["unknown", "question", "migration.unknown"]]);
  assert.match(views[0]!.tooltip, /not known/);
});

test("a database not created yet: its migrations are pending, a note says migrate creates it", () => {
  const nodes = rootNodes(listing({ databaseState: "missing" }));
  const note = itemView(nodes[0]!);
  assert.equal(note.label, "Database 'default' not created yet");
  assert.equal(note.description, "migrate creates it");
  assert.equal(note.icon.id, "info");
});

test("migration nodes know their predecessor (for fake unapply)", () => {
  const app = rootNodes(listing())[0] as AppNode;
  const nodes = migrationNodes(app);
  assert.deepEqual(nodes.map((n) => [n.migration.name, n.previous]), [["0001_initial", "zero"], ["0002_product_stock", "0001_initial"]]);
});

test("each status has its own icon, description, tooltip and contextValue", () => {
  const app: AppNode = {
    kind: "app",
    database: "default",
    app: {
      label: "shop",
      migrations: [
        migration("0001_initial", "applied", { appliedAt: "2024-03-05T14:07:09Z" }),
        migration("0002_a", "modified", { appliedAt: "2024-03-06T08:00:00Z" }),
        migration("0003_b", "conflicted"),
        migration("0003_c", "pending", { operations: ["Add field stock to product"] }),
      ],
    },
  };
  const views = migrationNodes(app).map(itemView);
  assert.deepEqual(views.map((v) => v.icon.id), ["pass-filled", "diff-modified", "git-merge", "circle-large-outline"]);
  assert.deepEqual(views.map((v) => v.contextValue), ["migration.applied", "migration.modified", "migration.conflicted", "migration.pending"]);
  assert.deepEqual(views.map((v) => v.description), ["applied 2024-03-05", "modified since applied 2024-03-06", "conflicted", "pending"]);
  assert.match(views[1]!.tooltip, /file has changed since/);
  assert.match(views[2]!.tooltip, /merge migration/);
  assert.match(views[3]!.tooltip, /- Add field stock to product/);
  assert.match(views[0]!.tooltip, /`\/p\/shop\/migrations\/0001_initial\.ts`/);
  assert.equal(new Set(views.map((v) => v.id)).size, 4, "ids are unique");
  assert.deepEqual(views[0]!.command, { command: "tsmigrate.openMigration", title: "Open Migration File", arguments: [migrationNodes(app)[0]] });
});

test("apps: counts in the description, app.applied when something is applied", () => {
  const [shop, accounts] = rootNodes(listing()) as AppNode[];
  assert.deepEqual(itemView(shop!), {
    ...itemView(shop!),
    description: "1 applied, 1 pending",
    contextValue: "app.applied",
    collapsible: "expanded",
  });
  assert.equal(itemView(accounts!).contextValue, "app.empty");
  assert.equal(itemView(accounts!).description, "no migrations");
  assert.equal(itemView(accounts!).collapsible, "none");
});

test("an app's first migration gives its row a new id, so that VS Code shows it expanded", () => {
  const empty: AppNode = { kind: "app", database: "default", app: { label: "shop", migrations: [] } };
  const one: AppNode = { kind: "app", database: "default", app: { label: "shop", migrations: [migration("0001_initial", "pending")] } };
  assert.notEqual(itemView(empty).id, itemView(one).id);
  assert.equal(itemView(one).collapsible, "expanded");
  const two: AppNode = { kind: "app", database: "default", app: { label: "shop", migrations: [migration("0001_initial", "applied"), migration("0002_b", "pending")] } };
  assert.equal(itemView(one).id, itemView(two).id, "later migrations keep the row (and its expansion)");
});

test("models with no migration anywhere: a 'Make the first migration' row runs Make Migrations", () => {
  const nodes = rootNodes(listing({ apps: [{ label: "shop", migrations: [] }], driftCount: 3 }));
  const first = itemView(nodes.at(-1)!);
  assert.equal(first.label, "Make the first migration");
  assert.equal(first.description, "3 model changes");
  assert.deepEqual(first.command, { command: "tsmigrate.makeMigrations", title: "Make Migrations", arguments: [] });
  assert.equal(rootNodes(listing({ apps: [{ label: "shop", migrations: [] }], driftCount: 0 })).length, 1, "no row without model changes");
  assert.ok(!rootNodes(listing()).some((n) => n.kind === "message"), "no row once an app has migrations");
});

test("the untrusted row opens workspace trust", () => {
  const nodes = rootNodes(listing({ databaseError: "The workspace is not trusted: the database is not read.", databaseState: "untrusted" }));
  assert.equal(itemView(nodes[0]!).command?.command, "workbench.trust.manage");
  assert.match(itemView(nodes[0]!).tooltip, /Trust this workspace to apply migrations/);
});

test("applied times are relative in the row, full in the tooltip", () => {
  const now = Date.parse("2024-03-05T15:00:00Z");
  assert.equal(relativeAppliedAt("2024-03-05T14:59:40Z", now), "just now");
  assert.equal(relativeAppliedAt("2024-03-05T14:07:09Z", now), "52 min ago");
  assert.equal(relativeAppliedAt("2024-03-05T10:00:00Z", now), "5 h ago");
  assert.equal(relativeAppliedAt("2024-03-04T10:00:00Z", now), "yesterday");
  assert.equal(relativeAppliedAt("2024-03-01T10:00:00Z", now), "4 days ago");
  assert.equal(relativeAppliedAt("2024-01-01T10:00:00Z", now), "2024-01-01");
  assert.equal(relativeAppliedAt("nonsense", now), "nonsense");
  const app = rootNodes(listing())[0] as AppNode;
  assert.match(itemView(migrationNodes(app)[0]!).tooltip, /2024-03-05 14:07/);
});

test("pendingCount counts pending and unapplied conflicted migrations", () => {
  assert.equal(pendingCount(listing()), 1);
  const l = listing();
  l.apps[0]!.migrations.push(migration("0003_x", "conflicted"), migration("0003_y", "conflicted", { appliedAt: "2024-01-01T00:00:00Z" }));
  assert.equal(pendingCount(l), 2);
});

test("formatAppliedAt: local YYYY-MM-DD HH:MM; garbage is returned as is", () => {
  assert.equal(formatAppliedAt("2024-12-31T23:59:30.123Z"), "2024-12-31 23:59");
  assert.equal(formatAppliedAt("not a date"), "not a date");
});

test("MigrationsTreeData: loads once, caches, reports the summary; reload says whether anything changed", async () => {
  let result = listing();
  const rpc = new FakeRpc().on("tsmigrate/listMigrations", () => result);
  const summaries: TreeSummary[] = [];
  const data = new MigrationsTreeData(() => rpc, () => "default", (s) => summaries.push(s));
  const roots = await data.children();
  assert.equal(roots.length, 2);
  const shop = await data.children(roots[0]);
  assert.deepEqual(shop.map((n) => n.kind === "migration" && n.migration.name), ["0001_initial", "0002_product_stock"]);
  await data.children();
  assert.equal(rpc.calls.length, 1, "cached");
  assert.deepEqual(rpc.calls[0]!.params, { database: "default" });
  assert.deepEqual(summaries.at(-1), { noProject: false, pending: 1, drift: 1, errors: 0 });
  assert.equal(await data.reload(), false, "same listing: no redraw");
  assert.equal(rpc.calls.length, 2);
  result = listing({ driftCount: 3 });
  assert.equal(await data.reload(), true, "changed listing: redraw");
  assert.deepEqual(summaries.at(-1), { noProject: false, pending: 1, drift: 3, errors: 0 });
  data.invalidate();
  await data.children();
  assert.equal(rpc.calls.length, 4, "invalidate forgets the listing");
});

test("MigrationsTreeData: no pending count when the database was not read (untrusted)", async () => {
  const summaries: TreeSummary[] = [];
  const data = new MigrationsTreeData(() => new FakeRpc().on("tsmigrate/listMigrations", listing({ databaseError: "not trusted", databaseState: "untrusted" })), () => undefined, (s) => summaries.push(s));
  await data.children();
  assert.deepEqual(summaries, [{ noProject: false, pending: 0, drift: 1, errors: 0, databaseState: "untrusted", databaseError: "not trusted" }]);
});

test("MigrationsTreeData: reloads asked during a load share one more load", async () => {
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => (release = r));
  const rpc = new FakeRpc().on("tsmigrate/listMigrations", async () => {
    await gate;
    return listing();
  });
  const data = new MigrationsTreeData(() => rpc, () => undefined, () => {});
  const first = data.reload();
  const second = data.reload();
  const third = data.reload();
  release();
  assert.deepEqual(await Promise.all([first, second, third]), [true, false, false]);
  assert.equal(rpc.calls.length, 2);
});

test("MigrationsTreeData: a database node lists that database's apps", async () => {
  const rpc = new FakeRpc().on("tsmigrate/listMigrations", (p) =>
    listing({ databases: ["default", "warehouse"], database: p.database ?? "default", apps: p.database === "warehouse" ? [{ label: "stock", migrations: [] }] : listing().apps, driftCount: 0 }),
  );
  const data = new MigrationsTreeData(() => rpc, () => undefined, () => {});
  const roots = await data.children();
  assert.deepEqual(roots.map((r) => r.kind), ["database", "database"]);
  const warehouse = await data.children(roots[1]);
  assert.deepEqual(warehouse.map((n) => n.kind === "app" && `${n.database}:${n.app.label}`), ["warehouse:stock"]);
  const defaults = await data.children(roots[0]);
  assert.equal(defaults.length, 2);
  assert.deepEqual(rpc.calls.map((c) => c.params), [{ database: undefined }, { database: "warehouse" }], "the root listing is reused for its own database");
});

test("MigrationsTreeData: no apps = no nodes and noProject; no server = no nodes; a failure = an error node", async () => {
  const summaries: TreeSummary[] = [];
  const empty = new MigrationsTreeData(() => new FakeRpc().on("tsmigrate/listMigrations", listing({ apps: [], driftCount: 0 })), () => undefined, (s) => summaries.push(s));
  assert.deepEqual(await empty.children(), []);
  assert.deepEqual(summaries, [{ noProject: true, pending: 0, drift: 0, errors: 0 } as TreeSummary]);

  assert.deepEqual(await new MigrationsTreeData(() => undefined, () => undefined, () => assert.fail("no summary")).children(), []);

  const failing = new FakeRpc().on("tsmigrate/listMigrations", () => {
    throw Object.assign(new Error("Request tsmigrate/listMigrations failed with message: tsmigrate.config.json:3:5: 'apps' must be an array"), { code: -32051 });
  });
  const data = new MigrationsTreeData(() => failing, () => undefined, (s) => summaries.push(s));
  const nodes = await data.children();
  assert.equal(nodes.length, 1);
  assert.deepEqual(itemView(nodes[0]!).label, "tsmigrate.config.json:3:5: 'apps' must be an array");
  assert.equal(itemView(nodes[0]!).icon.id, "error");
  assert.equal(summaries.at(-1)!.error, "tsmigrate.config.json:3:5: 'apps' must be an array");
  assert.equal(await data.reload(), true);
  assert.equal(failing.calls.length, 2, "a failed listing is asked again on reload");
});

test("MigrationsTreeData with schemaDrift: a 'database differs from the migrations' node first, listing each difference; refresh clears it", async () => {
  let differences = ['table "shop_product": column "legacy_code" exists in the database but in no migration', 'table "audit_log" exists in the database but in no migration'];
  const rpc = new FakeRpc()
    .on("tsmigrate/listMigrations", () => listing())
    .on("tsmigrate/schemaDrift", (p) => ({ database: p.database ?? "default", applied: 1, differences }));
  const data = new MigrationsTreeData(() => rpc, () => undefined, () => {}, { schemaDrift: true });
  const roots = await data.children();
  assert.deepEqual(roots.map((r) => r.kind), ["schemaDrift", "app", "app"]);
  assert.deepEqual(rpc.calls.map((c) => [c.method, c.params]), [["tsmigrate/listMigrations", { database: undefined }], ["tsmigrate/schemaDrift", { database: "default" }]]);
  const view = itemView(roots[0]!);
  assert.equal(view.label, "Database differs from the migrations");
  assert.equal(view.description, "2 differences");
  assert.equal(view.contextValue, "schemaDrift");
  assert.equal(view.collapsible, "collapsed");
  assert.match(view.tooltip, /legacy\\_code/);
  const children = await data.children(roots[0]);
  assert.deepEqual(children.map((c) => itemView(c).label), differences);
  assert.ok(children.every((c) => c.kind === "message" && c.severity === "warning"));

  differences = [];
  assert.equal(await data.reload(), true, "the drift went away: redraw");
  assert.deepEqual((await data.children()).map((r) => r.kind), ["app", "app"]);
});

test("MigrationsTreeData with schemaDrift: not asked when the database was not read; a failed check shows no node", async () => {
  const untrusted = new FakeRpc().on("tsmigrate/listMigrations", listing({ databaseError: "not trusted" }));
  await new MigrationsTreeData(() => untrusted, () => undefined, () => {}, { schemaDrift: true }).children();
  assert.deepEqual(untrusted.methods(), ["tsmigrate/listMigrations"]);
  const failing = new FakeRpc().on("tsmigrate/listMigrations", listing()).on("tsmigrate/schemaDrift", () => {
    throw new Error("cannot open SQLite database");
  });
  const roots = await new MigrationsTreeData(() => failing, () => undefined, () => {}, { schemaDrift: true }).children();
  assert.deepEqual(roots.map((r) => r.kind), ["app", "app"]);
});
