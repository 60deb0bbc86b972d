import { test } from "node:test";
import assert from "node:assert/strict";
import type { PlanResult } from "../../server/src/protocol";
import { ErrorCodes } from "../../server/src/protocol";
import { answerQuestion } from "../../client/src/questions";
import { asMigration, confirmation, makeMigrationsApps, migrateSummary, migrationCommands, type CommandDeps } from "../../client/src/commands";
import type { AppNode, MigrationNode } from "../../client/src/tree";
import { FakeRpc, FakeUi } from "./fakes";

function deps(rpc: FakeRpc | undefined, ui: FakeUi, refreshes: string[] = []): CommandDeps {
  let n = 0;
  return { rpc: () => rpc, ui, database: () => "default", refresh: () => refreshes.push("refresh"), newToken: () => `tok-${++n}` };
}

const node = (name: string, previous = "zero", database = "default"): MigrationNode => ({
  kind: "migration",
  database,
  app: "shop",
  previous,
  migration: { app: "shop", name, file: `/p/shop/migrations/${name}.ts`, status: "applied", modified: false, conflicted: false, operations: [] },
});
const appNode: AppNode = { kind: "app", database: "default", app: { label: "shop", migrations: [] } };

const forwardPlan: PlanResult = {
  steps: [
    { app: "shop", name: "0001_initial", backwards: false, operations: ["Create model Product"], irreversible: false },
    { app: "shop", name: "0002_product_stock", backwards: false, operations: ["Add field stock to product"], irreversible: false },
  ],
  destroys: [],
};
const rollbackPlan: PlanResult = {
  steps: [{ app: "shop", name: "0002_product_stock", backwards: true, operations: ["Add field stock to product"], irreversible: false }],
  destroys: ["shop.0002_product_stock (unapply): drops column shop_product.stock: 3 non-null values"],
};

test("apply up to here: plan, no confirmation, migrate with a progress token, summary, refresh", async () => {
  const ui = new FakeUi();
  const refreshes: string[] = [];
  const rpc = new FakeRpc()
    .on("tsmigrate/plan", forwardPlan)
    .on("tsmigrate/migrate", (p, fake) => {
      assert.equal(fake.report(String(p.workDoneToken), { kind: "begin", title: "Migrating", message: "2 migrations" }), true);
      fake.report(String(p.workDoneToken), { kind: "report", message: "Applying shop.0001_initial..." });
      fake.report(String(p.workDoneToken), { kind: "report", message: "Applying shop.0002_product_stock..." });
      return { applied: ["shop.0001_initial", "shop.0002_product_stock"], unapplied: [], cancelled: false };
    });
  await migrationCommands(deps(rpc, ui, refreshes))["tsmigrate.applyTo"](node("0002_product_stock", "0001_initial"));
  assert.deepEqual(rpc.methods(), ["tsmigrate/plan", "tsmigrate/migrate"]);
  assert.deepEqual(rpc.calls[0]!.params, { app: "shop", name: "0002_product_stock", database: "default" });
  assert.deepEqual(rpc.calls[1]!.params, { app: "shop", name: "0002_product_stock", database: "default", fake: false, workDoneToken: "tok-1" });
  assert.ok(rpc.calls[1]!.token, "the progress's cancellation token is passed to the request");
  assert.deepEqual(ui.events, ["progress:Migrating shop to 0002_product_stock", "info:Applied shop.0001_initial, shop.0002_product_stock."]);
  assert.deepEqual(ui.progressReports, [
    { message: "2 migrations", increment: undefined },
    { message: "Applying shop.0001_initial...", increment: 50 },
    { message: "Applying shop.0002_product_stock...", increment: 50 },
  ]);
  assert.equal(rpc.report("tok-1", { kind: "report", message: "late" }), false, "the progress listener is disposed after the request");
  assert.deepEqual(refreshes, ["refresh"]);
});

test("roll back: the modal names what is lost; declining runs nothing", async () => {
  const ui = new FakeUi();
  ui.confirmAnswer = false;
  const rpc = new FakeRpc().on("tsmigrate/plan", rollbackPlan);
  await migrationCommands(deps(rpc, ui))["tsmigrate.rollbackTo"](node("0001_initial"));
  assert.deepEqual(rpc.methods(), ["tsmigrate/plan"]);
  assert.deepEqual(ui.confirms, [
    {
      message: "Roll back shop to 0001_initial?",
      detail: "Unapplies shop.0002_product_stock.\n\nThis may destroy data:\n• shop.0002_product_stock (unapply): drops column shop_product.stock: 3 non-null values\n\nWhat is lost is not brought back by applying the migrations again.",
      action: "Roll Back and Delete Data",
    },
  ]);
});

test("roll back: accepting migrates backwards", async () => {
  const ui = new FakeUi();
  const rpc = new FakeRpc().on("tsmigrate/plan", rollbackPlan).on("tsmigrate/migrate", { applied: [], unapplied: ["shop.0002_product_stock"], cancelled: false });
  await migrationCommands(deps(rpc, ui))["tsmigrate.rollbackTo"](node("0001_initial"));
  assert.deepEqual(rpc.methods(), ["tsmigrate/plan", "tsmigrate/migrate"]);
  assert.equal(ui.events.at(-1), "info:Unapplied shop.0002_product_stock.");
});

test("a forward plan that drops a column asks first too", () => {
  const ask = confirmation({ steps: [{ app: "shop", name: "0003_remove_product_stock", backwards: false, operations: ["Remove field stock from product"], irreversible: false }], destroys: ["column stock of shop_product"] }, { app: "shop" });
  assert.equal(ask?.message, "Apply shop.0003_remove_product_stock?");
  assert.equal(ask?.action, "Apply and Delete Data");
  assert.equal(confirmation(forwardPlan, { app: "shop" }), undefined);
});

test("unapply app: target zero, with confirmation", async () => {
  const ui = new FakeUi();
  const rpc = new FakeRpc()
    .on("tsmigrate/plan", { steps: [{ ...rollbackPlan.steps[0]!, name: "0001_initial" }], destroys: ["table shop_product"] })
    .on("tsmigrate/migrate", { applied: [], unapplied: ["shop.0001_initial"], cancelled: false });
  await migrationCommands(deps(rpc, ui))["tsmigrate.unapplyApp"](appNode);
  assert.deepEqual(rpc.calls[0]!.params, { app: "shop", name: "zero", database: "default" });
  assert.equal(ui.confirms[0]!.message, "Unapply every migration of shop?");
  assert.match(ui.confirms[0]!.detail, /• table shop_product/);
});

test("fake apply and fake unapply: no confirmation, fake: true, unapply targets the predecessor", async () => {
  const ui = new FakeUi();
  const rpc = new FakeRpc().on("tsmigrate/plan", rollbackPlan).on("tsmigrate/migrate", (p) => ({ applied: [], unapplied: [`shop.${p.name}`], cancelled: false }));
  const commands = migrationCommands(deps(rpc, ui));
  await commands["tsmigrate.fakeUnapply"](node("0002_product_stock", "0001_initial"));
  await commands["tsmigrate.fakeApply"](node("0002_product_stock", "0001_initial"));
  assert.deepEqual(ui.confirms, []);
  assert.deepEqual(rpc.calls.filter((c) => c.method === "tsmigrate/migrate").map((c) => [(c.params as { name: string }).name, (c.params as { fake: boolean }).fake]), [["0001_initial", true], ["0002_product_stock", true]]);
  assert.match(ui.events.at(-1)!, /^info:Faked \(unapplied\)/);
});

test("an irreversible backwards step is refused before running", async () => {
  const ui = new FakeUi();
  const rpc = new FakeRpc().on("tsmigrate/plan", { steps: [{ ...rollbackPlan.steps[0]!, irreversible: true }], destroys: [] });
  await migrationCommands(deps(rpc, ui))["tsmigrate.rollbackTo"](node("0001_initial"));
  assert.deepEqual(rpc.methods(), ["tsmigrate/plan"]);
  assert.match(ui.events[0]!, /^error:Migration shop\.0002_product_stock is not reversible/);
});

test("an empty plan says so and does not migrate", async () => {
  const ui = new FakeUi();
  const rpc = new FakeRpc().on("tsmigrate/plan", { steps: [], destroys: [] });
  await migrationCommands(deps(rpc, ui))["tsmigrate.migrateAll"]();
  assert.deepEqual(rpc.methods(), ["tsmigrate/plan"]);
  assert.deepEqual(ui.events, ["info:No migrations to apply."]);
});

test("errors: untrusted gets its own message, others show the server's message without the RPC prefix", async () => {
  const ui = new FakeUi();
  const refreshes: string[] = [];
  const rpc = new FakeRpc().on("tsmigrate/plan", () => {
    throw Object.assign(new Error("Request tsmigrate/plan failed with message: untrusted"), { code: ErrorCodes.Untrusted });
  });
  await migrationCommands(deps(rpc, ui, refreshes))["tsmigrate.migrateAll"]();
  assert.match(ui.events[0]!, /^untrusted:/);
  const failing = new FakeRpc().on("tsmigrate/plan", forwardPlan).on("tsmigrate/migrate", () => {
    throw Object.assign(new Error("Request tsmigrate/migrate failed with message: shop/migrations/0002_x.ts:4:7: no such table"), { code: ErrorCodes.MigrationFailed });
  });
  await migrationCommands(deps(failing, ui, refreshes))["tsmigrate.migrateAll"]();
  assert.equal(ui.events.at(-1), "error:shop/migrations/0002_x.ts:4:7: no such table");
  assert.deepEqual(refreshes, ["refresh"], "a failed migrate still refreshes (what ran stays applied)");
});

test("no server: commands say so instead of throwing", async () => {
  const ui = new FakeUi();
  await migrationCommands(deps(undefined, ui))["tsmigrate.makeMigrations"]();
  assert.match(ui.events[0]!, /^error:The tsmigrate language server is not running/);
});

test("item commands run from the palette explain what they need", async () => {
  const ui = new FakeUi();
  await migrationCommands(deps(new FakeRpc(), ui))["tsmigrate.applyTo"]();
  await migrationCommands(deps(new FakeRpc(), ui))["tsmigrate.unapplyApp"]();
  assert.deepEqual(ui.events, ["error:Run this command on a migration in the Migrations view.", "error:Run this command on an app in the Migrations view."]);
});

test("make migrations: creates the files in one edit and names them; nothing to do says Django's words", async () => {
  const ui = new FakeUi();
  const refreshes: string[] = [];
  const rpc = new FakeRpc().on("tsmigrate/makeMigrations", (p) =>
    p.apps?.[0] === "accounts"
      ? { files: [] }
      : { files: [{ path: "/p/shop/migrations/0002_product_stock.ts", content: "export default 1;\n", description: ["Add field stock to product"] }] },
  );
  const commands = migrationCommands(deps(rpc, ui, refreshes));
  await commands["tsmigrate.makeMigrations"](appNode);
  assert.deepEqual(rpc.calls[0]!.params, { apps: ["shop"] });
  assert.deepEqual(ui.created, [[{ path: "/p/shop/migrations/0002_product_stock.ts", content: "export default 1;\n" }]]);
  assert.equal(ui.events.at(-1), "info:Created 0002_product_stock.ts (Add field stock to product).");
  await commands["tsmigrate.makeMigrations"]({ apps: ["accounts"] });
  assert.equal(ui.events.at(-1), "info:No changes detected in app 'accounts'.");
  await commands["tsmigrate.makeMigrations"]();
  assert.deepEqual(rpc.calls.at(-1)!.params, { apps: undefined });
  assert.deepEqual(refreshes.length, 2);
});

test("make migrations: a question dismissed (cancelled) writes nothing and says nothing", async () => {
  const ui = new FakeUi();
  const refreshes: string[] = [];
  const rpc = new FakeRpc().on("tsmigrate/makeMigrations", { files: [], cancelled: true });
  await migrationCommands(deps(rpc, ui, refreshes))["tsmigrate.makeMigrations"](appNode);
  assert.deepEqual(ui.created, []);
  assert.deepEqual(ui.events, [], "no 'No changes detected' after a cancelled question");
});

test("tsmigrate/askQuestion: a pick answers the chosen id, an input the text, a dismissal null", async () => {
  const ui = new FakeUi();
  ui.answers.push("rename", "0", undefined, undefined);
  const pick = { type: "pick", kind: "renameField", key: "shop.product.stock", title: "Make migrations: product.stock", prompt: "Did you rename?",
    choices: [{ id: "rename", label: "Rename stock → quantity (keeps the data)" }, { id: "no", label: "Remove stock and add quantity (data in stock is lost)" }] } as const;
  const input = { type: "input", kind: "notNullAddition", key: "shop.product.weight", title: "Make migrations: product.weight", prompt: "A default?",
    value: "zero", error: "Invalid input: zero is not a literal" } as const;
  assert.deepEqual(await answerQuestion(ui, { ...pick, choices: [...pick.choices] }), { choice: "rename" });
  assert.deepEqual(await answerQuestion(ui, input), { value: "0" });
  assert.equal(await answerQuestion(ui, { ...pick, choices: [...pick.choices] }), null);
  assert.equal(await answerQuestion(ui, input), null);
  assert.deepEqual(ui.events.slice(0, 2), [
    "pick:Make migrations: product.stock:Did you rename?:Rename stock → quantity (keeps the data)|Remove stock and add quantity (data in stock is lost)",
    "input:Make migrations: product.weight:zero:Invalid input: zero is not a literal",
  ]);
});

test("show SQL, backwards SQL and open file use the node's migration", async () => {
  const ui = new FakeUi();
  const commands = migrationCommands(deps(new FakeRpc(), ui));
  await commands["tsmigrate.showSql"](node("0002_product_stock", "0001_initial", "warehouse"));
  await commands["tsmigrate.showSqlBackwards"]({ app: "shop", name: "0002_product_stock" });
  await commands["tsmigrate.openMigration"](node("0001_initial"));
  assert.deepEqual(ui.events, [
    'sql:{"app":"shop","name":"0002_product_stock","database":"warehouse"}',
    'sql:{"app":"shop","name":"0002_product_stock","backwards":true,"database":"default"}',
    "open:/p/shop/migrations/0001_initial.ts",
  ]);
});

test("argument parsing", () => {
  assert.deepEqual(makeMigrationsApps(undefined), undefined);
  assert.deepEqual(makeMigrationsApps("shop"), ["shop"]);
  assert.deepEqual(makeMigrationsApps({ apps: ["a", "b"] }), ["a", "b"]);
  assert.deepEqual(makeMigrationsApps({ apps: [] }), undefined);
  assert.deepEqual(makeMigrationsApps(appNode), ["shop"]);
  assert.equal(asMigration({ app: "shop", name: "0001" }).previous, "zero");
  assert.throws(() => asMigration(appNode), /on a migration/);
});

test("migrateSummary", () => {
  assert.equal(migrateSummary({ applied: [], unapplied: [], cancelled: false }, false), "No migrations to apply.");
  assert.equal(migrateSummary({ applied: ["a.1"], unapplied: [], cancelled: true }, false), "Applied a.1; then cancelled: the remaining migrations were not run.");
  assert.equal(migrateSummary({ applied: [], unapplied: [], cancelled: true }, false), "Cancelled before any migration ran.");
  assert.equal(migrateSummary({ applied: ["a.1"], unapplied: [], cancelled: false }, true), "Faked (applied) a.1.");
});
