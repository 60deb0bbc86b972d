/**
 * CodeLenses (issue 13) over JSON-RPC to a spawned server on a copy of
 * test-fixtures/tracker: a migration file's state and its Apply / Roll back
 * / Show SQL lenses, following the database; a model class's "N changes
 * not in a migration — Make migration"; state-only lenses for clients
 * without tsmigrate's commands.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { after, describe, test } from "node:test";
import type { MigrateResult } from "../../server/src/protocol";
import { type LspClient, removeDir } from "./harness";
import { TRACKER_MODELS, trackerWithMigration } from "./tracker-migrated";

const MODELS = TRACKER_MODELS;

interface Lens { range: { start: { line: number } }; command?: { title: string; command: string; arguments?: unknown[] } }


const lenses = (client: LspClient, file: string): Promise<Lens[]> => client.request<Lens[]>("textDocument/codeLens", { textDocument: { uri: client.uri(file) } });
const titles = (ls: Lens[]): string[] => ls.map((l) => l.command?.title ?? "");

describe("CodeLenses", () => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const c of cleanups) await c();
  });

  test("a migration file: pending with Apply, then applied with Roll back, each with Show SQL, above migrations.Migration(", async () => {
    const { dir, client, migration } = await trackerWithMigration({ trusted: true, clientCommands: true });
    cleanups.push(async () => { await client.stop(); removeDir(dir); });
    await client.open(migration);
    const name = path.basename(migration, ".ts");
    const line = readFileSync(path.join(dir, migration), "utf8").split("\n").findIndex((l) => l.includes("migrations.Migration("));
    const before = await lenses(client, migration);
    assert.deepEqual(titles(before), ["pending", "Apply up to here", "Show SQL"]);
    assert.ok(before.every((l) => l.range.start.line === line), "on the migrations.Migration( line");
    assert.equal(before[0]!.command!.command, "", "the state is text");
    assert.deepEqual(before[1]!.command!.arguments, [{ app: "tracker", name, file: path.join(dir, migration), database: "default" }]);
    assert.equal(before[1]!.command!.command, "tsmigrate.applyTo");
    assert.equal(before[2]!.command!.command, "tsmigrate.showSql");

    const done = await client.request<MigrateResult>("tsmigrate/migrate", { app: "tracker" });
    assert.deepEqual(done.applied, [`tracker.${name}`]);
    const afterLenses = await lenses(client, migration);
    assert.match(titles(afterLenses)[0]!, /^applied \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    assert.deepEqual(titles(afterLenses).slice(1), ["Roll back to here", "Show SQL"]);
    assert.equal(afterLenses[1]!.command!.command, "tsmigrate.rollbackTo");
  });

  test("a model class with changes not in a migration gets 'N changes not in a migration — Make migration'", async () => {
    const { dir, client } = await trackerWithMigration({ trusted: false, clientCommands: true });
    cleanups.push(async () => { await client.stop(); removeDir(dir); });
    assert.deepEqual(await lenses(client, MODELS), [], "no lens without drift");
    const text = readFileSync(path.join(dir, MODELS), "utf8");
    const changed = text.replace(/(class Category extends models\.Model \{\n)/, "$1  icon2 = models.CharField({ maxLength: 3, null: true });\n  rank = models.IntegerField({ null: true });\n");
    await client.change(MODELS, changed);
    await client.waitForDiagnostics(MODELS, (d) => d.some((x) => /rank/.test(x.message)), "the drift");
    const ls = await lenses(client, MODELS);
    assert.deepEqual(titles(ls), ["2 changes not in a migration — Make migration"]);
    assert.equal(ls[0]!.range.start.line, changed.split("\n").findIndex((l) => l.includes("class Category")));
    assert.deepEqual(ls[0]!.command!.arguments, [{ apps: ["tracker"] }]);
    assert.equal(ls[0]!.command!.command, "tsmigrate.makeMigrations");
  });

  test("a client without tsmigrate's commands, untrusted: the state only, 'unknown'", async () => {
    const { dir, client, migration } = await trackerWithMigration({ trusted: false });
    cleanups.push(async () => { await client.stop(); removeDir(dir); });
    await client.open(migration);
    const ls = await lenses(client, migration);
    assert.deepEqual(titles(ls), ["unknown: workspace not trusted"]);
    assert.equal(ls[0]!.command!.command, "");
  });
});
