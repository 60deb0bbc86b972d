import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { COMMANDS, migrationCommands } from "../../client/src/commands";
import { itemView, type MigrationNode, type TreeNode } from "../../client/src/tree";
import { FakeRpc, FakeUi } from "./fakes";

const ROOT = resolve(__dirname, "../..");
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
const contributes = pkg.contributes;

interface MenuItem {
  command: string;
  when?: string;
  group?: string;
}

/** Every contextValue the tree produces (one node of each shape). */
const CONTEXT_VALUES = (() => {
  const migration = (status: "applied" | "pending" | "modified" | "conflicted" | "unknown"): TreeNode => ({
    kind: "migration",
    database: "default",
    app: "shop",
    previous: "zero",
    migration: { app: "shop", name: "0001_initial", file: "/f.ts", status, modified: false, conflicted: false, operations: [] },
  });
  const nodes: TreeNode[] = [
    { kind: "database", database: "default", current: true },
    { kind: "app", database: "default", app: { label: "shop", migrations: [] } },
    { kind: "app", database: "default", app: { label: "shop", migrations: [(migration("applied") as MigrationNode).migration] } },
    { kind: "app", database: "default", app: { label: "shop", migrations: [(migration("pending") as MigrationNode).migration] } },
    migration("unknown"),
    migration("applied"),
    migration("pending"),
    migration("modified"),
    migration("conflicted"),
    { kind: "message", text: "x", tooltip: "x", severity: "info" },
    { kind: "schemaDrift", database: "default", differences: ["x"] },
  ];
  return nodes.map((n) => itemView(n).contextValue);
})();

/** The contextValues a menu item's `when` admits (`viewItem == x` or `viewItem =~ /re/`). */
function admitted(when: string): string[] {
  const eq = /viewItem == ([\w.]+)/.exec(when);
  if (eq) return CONTEXT_VALUES.filter((v) => v === eq[1]);
  const re = /viewItem =~ \/(.+?)\/(?:\s|$)/.exec(when);
  assert.ok(re, `no viewItem condition in ${when}`);
  const regex = new RegExp(re[1]!);
  return CONTEXT_VALUES.filter((v) => regex.test(v));
}

test("contributes.commands are exactly client/src/commands.ts's COMMANDS, category tsmigrate", () => {
  const declared = contributes.commands as { command: string; title: string; category: string; icon?: string }[];
  assert.deepEqual(declared.map((c) => c.command).sort(), Object.keys(COMMANDS).sort());
  for (const c of declared) {
    const spec = COMMANDS[c.command as keyof typeof COMMANDS];
    assert.equal(c.title, spec.title, c.command);
    assert.equal(c.category, "tsmigrate", c.command);
    assert.equal(c.icon, "icon" in spec ? spec.icon : undefined, c.command);
  }
});

test("every command has a handler: the plain ones from migrationCommands, three from the vscode layer", () => {
  const plain = Object.keys(migrationCommands({ rpc: () => new FakeRpc(), ui: new FakeUi(), database: () => undefined, refresh() {}, newToken: () => "t" }));
  const vscodeLayer = ["tsmigrate.refresh", "tsmigrate.showLog", "tsmigrate.restartServer"];
  assert.deepEqual([...plain, ...vscodeLayer].sort(), Object.keys(COMMANDS).sort());
  const ctx = readFileSync(join(ROOT, "client/src/ctx.ts"), "utf8");
  for (const id of vscodeLayer) assert.ok(ctx.includes(`"${id}":`), `ctx.ts registers ${id}`);
});

test("item-only commands are hidden from the palette; palette commands are not", () => {
  const palette = contributes.menus.commandPalette as MenuItem[];
  for (const [id, spec] of Object.entries(COMMANDS)) {
    const entry = palette.find((m) => m.command === id);
    if (!spec.palette) assert.equal(entry?.when, "false", `${id} hidden`);
    else assert.notEqual(entry?.when, "false", `${id} listed`);
  }
});

test("menus only name known commands; each item menu entry matches a contextValue the tree produces", () => {
  const known = new Set(Object.keys(COMMANDS));
  for (const [menu, items] of Object.entries(contributes.menus as Record<string, MenuItem[]>)) {
    for (const item of items) assert.ok(known.has(item.command), `${menu}: ${item.command}`);
  }
  for (const item of contributes.menus["view/item/context"] as MenuItem[]) {
    assert.ok(item.when?.includes("view == tsmigrate.migrations"), item.command);
    assert.ok(admitted(item.when!).length > 0, `${item.command}: ${item.when} matches no contextValue`);
  }
});

test("each kind of item gets the right actions", () => {
  const items = contributes.menus["view/item/context"] as MenuItem[];
  const actions = (contextValue: string): string[] => [...new Set(items.filter((i) => admitted(i.when!).includes(contextValue)).map((i) => i.command))].sort();
  assert.deepEqual(actions("migration.pending"), ["tsmigrate.applyTo", "tsmigrate.fakeApply", "tsmigrate.openMigration", "tsmigrate.showSql", "tsmigrate.showSqlBackwards"]);
  assert.deepEqual(actions("migration.applied"), ["tsmigrate.fakeUnapply", "tsmigrate.openMigration", "tsmigrate.rollbackTo", "tsmigrate.showSql", "tsmigrate.showSqlBackwards"]);
  assert.deepEqual(actions("migration.modified"), actions("migration.applied"));
  assert.deepEqual(actions("migration.conflicted"), actions("migration.pending"));
  assert.deepEqual(actions("app.applied"), ["tsmigrate.makeMigrations", "tsmigrate.migrateApp", "tsmigrate.unapplyApp"]);
  assert.deepEqual(actions("app"), ["tsmigrate.makeMigrations", "tsmigrate.migrateApp"]);
  assert.deepEqual(actions("app.empty"), ["tsmigrate.makeMigrations"], "no Migrate App on an app with no migrations");
  assert.deepEqual(actions("migration.unknown"), [
    "tsmigrate.applyTo", "tsmigrate.fakeApply", "tsmigrate.fakeUnapply", "tsmigrate.openMigration", "tsmigrate.rollbackTo", "tsmigrate.showSql", "tsmigrate.showSqlBackwards",
  ]);
  assert.deepEqual(actions("message"), []);
  assert.deepEqual(actions("schemaDrift"), []);
  // Database-touching actions need a trusted workspace: shown, disabled (enablement), not hidden.
  const commands = contributes.commands as { command: string; enablement?: string }[];
  for (const i of items) {
    if (!/applyTo|rollbackTo|fake|migrateApp|unapplyApp/.test(i.command)) continue;
    assert.doesNotMatch(i.when!, /isWorkspaceTrusted/, i.command);
    assert.equal(commands.find((c) => c.command === i.command)?.enablement, "isWorkspaceTrusted", i.command);
  }
});

test("activation: the project's files, never *", () => {
  assert.deepEqual(pkg.activationEvents, ["workspaceContains:**/tsmigrate.config.json", "workspaceContains:**/models.ts"]);
});

test("the view lives in its own activity-bar container with a codicon; welcome views link to real commands", () => {
  assert.deepEqual(contributes.viewsContainers.activitybar, [{ id: "tsmigrate", title: "Migrations", icon: "$(database)" }]);
  assert.equal(contributes.views.tsmigrate[0].id, "tsmigrate.migrations");
  const welcome = contributes.viewsWelcome as { view: string; contents: string; when: string }[];
  assert.ok(welcome.some((w) => w.when === "tsmigrate.serverState == failed" && w.contents.includes("command:tsmigrate.showLog")));
  assert.ok(welcome.some((w) => w.when.startsWith("tsmigrate.noProject")));
  for (const w of welcome) {
    for (const [, id] of w.contents.matchAll(/\(command:([\w.]+)\)/g)) assert.ok(id!.startsWith("workbench.") || id! in COMMANDS, id);
  }
});

test("settings: the ones the client reads, with the documented defaults; workspace trust is limited", () => {
  const props = contributes.configuration.properties;
  assert.deepEqual(Object.keys(props).sort(), ["tsmigrate.configPath", "tsmigrate.database", "tsmigrate.drift.severity", "tsmigrate.nodePath", "tsmigrate.trace.server"]);
  assert.equal(props["tsmigrate.drift.severity"].default, "warning");
  assert.deepEqual(props["tsmigrate.trace.server"].enum, ["off", "messages", "verbose"]);
  assert.equal(pkg.capabilities.untrustedWorkspaces.supported, "limited");
  assert.ok(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations.includes("tsmigrate.nodePath"));
});

test("grammars: files exist, scope names match, the injection embeds SQL into source.ts", () => {
  for (const g of contributes.grammars as { path: string; scopeName: string; injectTo: string[] }[]) {
    const file = join(ROOT, g.path);
    assert.ok(existsSync(file), g.path);
    const grammar = JSON.parse(readFileSync(file, "utf8"));
    assert.equal(grammar.scopeName, g.scopeName);
    assert.deepEqual(g.injectTo, ["source.ts"]);
    assert.ok(typeof grammar.injectionSelector === "string");
  }
  assert.ok(JSON.stringify(contributes.grammars).includes('"meta.embedded.block.sql":"sql"'));
  assert.ok(readFileSync(join(ROOT, "syntaxes/runsql-strings.injection.tmLanguage.json"), "utf8").includes('"include": "source.sql"'));
});
