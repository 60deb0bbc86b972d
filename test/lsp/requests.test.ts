/**
 * The custom `tsmigrate/*` requests and workspace trust, over JSON-RPC to a
 * spawned server, on a copy of test-fixtures/tracker (no config file: the
 * app is discovered). Also conflicts and the "Merge migrations" quick fix.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import { ErrorCodes, type ListMigrationsResult, type MakeMigrationsResult, type MigrateResult, type PlanResult, type SqlMigrateResult } from "../../server/src/protocol";
import { copyFixture, type Diag, type LspClient, positionOf, removeDir, startServer } from "./harness";

const MODELS = "src/tracker/models.ts";
const MIGRATIONS = "src/tracker/migrations";

function migrationText(deps: [string, string][], ops = ""): string {
  return `import { migrations, models } from "tsmigrate";

export default migrations.Migration({
  dependencies: [${deps.map(([a, n]) => `["${a}", "${n}"]`).join(", ")}],
  operations: [${ops}],
});
`;
}

async function rejects(p: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await p;
  } catch (e) {
    return e as { code: number; message: string };
  }
  assert.fail("expected the request to fail");
}

describe("custom requests and workspace trust (tracker)", () => {
  let dir: string;
  let client: LspClient;

  before(async () => {
    dir = copyFixture("tracker");
    ({ client } = await startServer({ root: dir, initializationOptions: { trusted: false, migrateStepDelayMs: 300 } }));
    await client.open(MODELS);
    await client.waitForDiagnostics(MODELS, (d) => d.some((x) => x.code === "drift-create-model"), "initial drift");
    const made = await client.request<MakeMigrationsResult>("tsmigrate/makeMigrations", { apps: ["tracker"] });
    assert.equal(made.files.length, 1);
    mkdirSync(path.join(dir, MIGRATIONS), { recursive: true });
    for (const f of made.files) writeFileSync(f.path, f.content);
    await client.watched(made.files.map((f) => ({ file: f.path, type: 1 as const })));
    await client.waitForDiagnostics(MODELS, (d) => !d.some((x) => String(x.code).startsWith("drift-")), "no drift");
  });

  after(async () => {
    await client?.stop();
    removeDir(dir);
  });

  test("untrusted: listMigrations works without the database; plan and migrate are refused; hovers and sqlmigrate work", async () => {
    const list = await client.request<ListMigrationsResult>("tsmigrate/listMigrations", {});
    assert.match(list.databaseError ?? "", /not trusted/);
    assert.deepEqual(list.databases, ["default"]);
    assert.equal(list.apps.length, 1);
    assert.equal(list.apps[0]!.label, "tracker");
    assert.deepEqual(list.apps[0]!.migrations.map((m) => [m.name, m.status]), [["0001_initial", "pending"]]);
    assert.ok(list.apps[0]!.migrations[0]!.operations.includes("Create model Category"));
    assert.equal(list.driftCount, 0);

    const e1 = await rejects(client.request("tsmigrate/migrate", { app: "tracker" }));
    assert.equal(e1.code, ErrorCodes.Untrusted);
    const e2 = await rejects(client.request("tsmigrate/plan", {}));
    assert.equal(e2.code, ErrorCodes.Untrusted);
    assert.equal(existsSync(path.join(dir, "db.sqlite3")), false, "no database file was created");

    const sql = await client.request<SqlMigrateResult>("tsmigrate/sqlmigrate", { app: "tracker", name: "0001" });
    assert.match(sql.sql, /^BEGIN;/);
    assert.match(sql.sql, /CREATE TABLE\s+"tracker_category"/);
    assert.match(sql.sql, /COMMIT;$/);
    const back = await client.request<SqlMigrateResult>("tsmigrate/sqlmigrate", { app: "tracker", name: "0001_initial", backwards: true });
    assert.match(back.sql, /DROP TABLE\s+"tracker_transaction"/);

    const file = `${MIGRATIONS}/0001_initial.ts`;
    const text = readFileSync(path.join(dir, file), "utf8");
    const at = positionOf(text, "migrations.CreateModel", 12);
    const hover = await client.hover(file, at.line, at.character);
    assert.match(hover ?? "", /CREATE TABLE\s+"tracker_category"/);
  });

  test("trusted: plan, migrate with progress, statuses, cancellation, rollback plan", async () => {
    await client.notify_("tsmigrate/setTrust", { trusted: true });
    // Two more migrations so that a run has several steps.
    writeFileSync(path.join(dir, MIGRATIONS, "0002_first.ts"), migrationText([["tracker", "0001_initial"]],
      `\n    migrations.AddField({ modelName: "category", name: "icon", field: models.CharField({ maxLength: 20, null: true }) }),\n  `));
    writeFileSync(path.join(dir, MIGRATIONS, "0003_second.ts"), migrationText([["tracker", "0002_first"]]));
    await client.watched([{ file: `${MIGRATIONS}/0002_first.ts`, type: 1 }, { file: `${MIGRATIONS}/0003_second.ts`, type: 1 }]);

    const plan = await client.request<PlanResult>("tsmigrate/plan", { app: "tracker" });
    assert.deepEqual(plan.steps.map((s) => [s.name, s.backwards]), [["0001_initial", false], ["0002_first", false], ["0003_second", false]]);
    assert.deepEqual(plan.destroys, []);

    // Cancel after the first step starts: the run stops between migrations.
    const token = "migrate-1";
    const run = client.request<MigrateResult>("tsmigrate/migrate", { app: "tracker", workDoneToken: token });
    await client.waitFor(() => client.progress.find((p) => p.token === token && (p.value as { kind: string }).kind === "report"), "first progress report");
    await client.notify_("window/workDoneProgress/cancel", { token });
    const result = await run;
    assert.equal(result.cancelled, true);
    assert.deepEqual(result.applied, ["tracker.0001_initial"]);
    const kinds = client.progress.filter((p) => p.token === token).map((p) => (p.value as { kind: string }).kind);
    assert.equal(kinds[0], "begin");
    assert.equal(kinds[kinds.length - 1], "end");

    const rest = await client.request<MigrateResult>("tsmigrate/migrate", { app: "tracker" });
    assert.deepEqual(rest, { applied: ["tracker.0002_first", "tracker.0003_second"], unapplied: [], cancelled: false });

    const list = await client.request<ListMigrationsResult>("tsmigrate/listMigrations", {});
    assert.equal(list.databaseError, undefined);
    assert.deepEqual(list.apps[0]!.migrations.map((m) => m.status), ["applied", "applied", "applied"]);
    assert.ok(list.apps[0]!.migrations.every((m) => m.appliedAt && !Number.isNaN(Date.parse(m.appliedAt))));
    await client.waitFor(() => client.notifications.find((n) => n.method === "tsmigrate/didChangeStatus" &&
      (n.params as { pendingCount: number }).pendingCount === 0), "a status notification with nothing pending");

    const back = await client.request<PlanResult>("tsmigrate/plan", { app: "tracker", name: "zero" });
    assert.deepEqual(back.steps.map((s) => [s.name, s.backwards]), [["0003_second", true], ["0002_first", true], ["0001_initial", true]]);
    assert.ok(back.destroys.includes("table tracker_category"), back.destroys.join(", "));
    assert.ok(back.destroys.includes("column icon of tracker_category"), back.destroys.join(", "));

    const undo = await client.request<MigrateResult>("tsmigrate/migrate", { app: "tracker", name: "0001" });
    assert.deepEqual(undo.unapplied, ["tracker.0003_second", "tracker.0002_first"]);
  });

  test("two leaves in one app: conflict diagnostics on both, and 'Merge migrations' writes the merge", async () => {
    const a = `${MIGRATIONS}/0004_branch_a.ts`;
    const b = `${MIGRATIONS}/0004_branch_b.ts`;
    writeFileSync(path.join(dir, a), migrationText([["tracker", "0003_second"]]));
    writeFileSync(path.join(dir, b), migrationText([["tracker", "0003_second"]]));
    await client.watched([{ file: a, type: 1 }, { file: b, type: 1 }]);
    const da = await client.waitForDiagnostics(a, (d) => d.some((x) => x.code === "conflict"), "conflict on branch a");
    await client.waitForDiagnostics(b, (d) => d.some((x) => x.code === "conflict"), "conflict on branch b");
    const conflict = da.find((x) => x.code === "conflict")!;
    assert.match(conflict.message, /Conflicting migrations detected; multiple leaf nodes in the migration graph: \(0004_branch_a, 0004_branch_b in tracker\)/);
    const actions = await client.request<{ title: string; edit: { documentChanges: ({ kind: string; uri: string } | { textDocument: { uri: string }; edits: { newText: string }[] })[] } }[]>(
      "textDocument/codeAction", { textDocument: { uri: client.uri(a) }, range: conflict.range, context: { diagnostics: [conflict] } });
    const merge = actions.find((x) => x.title === "Merge migrations for 'tracker'");
    assert.ok(merge, actions.map((x) => x.title).join(", "));
    const create = merge.edit.documentChanges.find((c): c is { kind: string; uri: string } => "kind" in c)!;
    const file = fileURLToPath(create.uri);
    assert.equal(path.basename(file), "0005_merge_0004_branch_a_0004_branch_b.ts");
    const content = merge.edit.documentChanges.flatMap((c) => ("edits" in c ? c.edits.map((e) => e.newText) : [])).join("");
    assert.match(content, /"0004_branch_a"/);
    assert.match(content, /"0004_branch_b"/);
    writeFileSync(file, content);
    await client.watched([{ file, type: 1 }]);
    await client.waitForDiagnostics(a, (d: Diag[]) => !d.some((x) => x.code === "conflict"), "conflict cleared");
  });
});
