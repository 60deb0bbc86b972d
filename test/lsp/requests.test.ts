/**
 * The custom `tsmigrate/*` requests and workspace trust, over JSON-RPC to a
 * spawned server, on a copy of test-fixtures/tracker (no config file: the
 * app is discovered). Also conflicts and the "Merge migrations" quick fix.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import { ErrorCodes, type ListMigrationsResult, type MakeMigrationsResult, type MigrateResult, type PlanResult, type SqlMigrateResult } from "../../server/src/protocol";
import { copyFixture, type Diag, type LspClient, positionOf, removeDir, startServer } from "./harness";

const MODELS = "src/tracker/models.ts";
let onDisk: () => string[];
let leafAfterTrusted = "";
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
    onDisk = () => readdirSync(path.join(dir, MIGRATIONS)).filter((f) => /^\d{4}_\w+\.ts$/.test(f)).map((f) => f.slice(0, -3)).sort();
    ({ client } = await startServer({
      root: dir,
      initializationOptions: { trusted: false, migrateStepDelayMs: 300 },
      // This client resolves code actions' edits lazily (codeAction/resolve), as VS Code does.
      capabilities: {
        textDocument: {
          publishDiagnostics: { versionSupport: true },
          codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ["quickfix", "source"] } }, resolveSupport: { properties: ["edit"] } },
        },
      },
    }));
    await client.open(MODELS);
    await client.waitForDiagnostics(MODELS, (d) => d.some((x) => x.code === "drift-create-model"), "initial drift");
    const made = await client.request<MakeMigrationsResult>("tsmigrate/makeMigrations", { apps: ["tracker"] });
    assert.ok(made.files.length >= 1);
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
    assert.deepEqual(list.apps[0]!.migrations.map((m) => [m.name, m.status]), onDisk().map((n) => [n, "unknown"]));
    assert.equal(list.databaseState, "untrusted");
    assert.equal(list.apps[0]!.migrations[0]!.name, "0001_initial");
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
    // Two more migrations after the fixture's, so that a run has several steps.
    const base = onDisk();
    const leaf = base[base.length - 1]!;
    const n = Number(leaf.slice(0, 4));
    const first = `${String(n + 1).padStart(4, "0")}_first`;
    const second = `${String(n + 2).padStart(4, "0")}_second`;
    writeFileSync(path.join(dir, MIGRATIONS, `${first}.ts`), migrationText([["tracker", leaf]],
      `\n    migrations.AddField({ modelName: "category", name: "icon", field: models.CharField({ maxLength: 20, null: true }) }),\n  `));
    writeFileSync(path.join(dir, MIGRATIONS, `${second}.ts`), migrationText([["tracker", first]]));
    await client.watched([{ file: `${MIGRATIONS}/${first}.ts`, type: 1 }, { file: `${MIGRATIONS}/${second}.ts`, type: 1 }]);
    const all = [...base, first, second];

    const plan = await client.request<PlanResult>("tsmigrate/plan", { app: "tracker" });
    assert.deepEqual(plan.steps.map((s) => [s.name, s.backwards]), all.map((m) => [m, false]));
    assert.deepEqual(plan.destroys, []);

    // Cancel after the first step starts: the run stops between migrations.
    const token = "migrate-1";
    const run = client.request<MigrateResult>("tsmigrate/migrate", { app: "tracker", workDoneToken: token });
    await client.waitFor(() => client.progress.find((p) => p.token === token && (p.value as { kind: string }).kind === "report"), "first progress report");
    await client.notify_("window/workDoneProgress/cancel", { token });
    const result = await run;
    assert.equal(result.cancelled, true);
    assert.deepEqual(result.applied, [`tracker.${all[0]}`]);
    const kinds = client.progress.filter((p) => p.token === token).map((p) => (p.value as { kind: string }).kind);
    assert.equal(kinds[0], "begin");
    assert.equal(kinds[kinds.length - 1], "end");

    const rest = await client.request<MigrateResult>("tsmigrate/migrate", { app: "tracker" });
    assert.deepEqual(rest, { applied: all.slice(1).map((m) => `tracker.${m}`), unapplied: [], cancelled: false });

    const list = await client.request<ListMigrationsResult>("tsmigrate/listMigrations", {});
    assert.equal(list.databaseError, undefined);
    assert.deepEqual(list.apps[0]!.migrations.map((m) => [m.name, m.status]), all.map((m) => [m, "applied"]));
    assert.ok(list.apps[0]!.migrations.every((m) => m.appliedAt && !Number.isNaN(Date.parse(m.appliedAt))));
    await client.waitFor(() => client.notifications.find((n) => n.method === "tsmigrate/didChangeStatus" &&
      (n.params as { pendingCount: number }).pendingCount === 0), "a status notification with nothing pending");

    const back = await client.request<PlanResult>("tsmigrate/plan", { app: "tracker", name: "zero" });
    assert.deepEqual(back.steps.map((s) => [s.name, s.backwards]), [...all].reverse().map((m) => [m, true]));
    // The engine's data-loss analysis, counted on the database (the icon column is empty, the table too).
    assert.ok(back.destroys.includes(`tracker.${first} (unapply): drops column tracker_category.icon: 0 non-null values`), back.destroys.join("\n"));
    assert.ok(back.destroys.some((d) => /\(unapply\): drops table tracker_category: 0 rows$/.test(d)), back.destroys.join("\n"));

    const undo = await client.request<MigrateResult>("tsmigrate/migrate", { app: "tracker", name: leaf.slice(0, 4) });
    assert.deepEqual(undo.unapplied, [`tracker.${second}`, `tracker.${first}`]);
    leafAfterTrusted = second;
  });

  test("two leaves in one app: conflict diagnostics on both, and 'Merge migrations' writes the merge", async () => {
    const n = Number(leafAfterTrusted.slice(0, 4)) + 1;
    const num = (k: number): string => String(k).padStart(4, "0");
    const a = `${MIGRATIONS}/${num(n)}_branch_a.ts`;
    const b = `${MIGRATIONS}/${num(n)}_branch_b.ts`;
    writeFileSync(path.join(dir, a), migrationText([["tracker", leafAfterTrusted]]));
    writeFileSync(path.join(dir, b), migrationText([["tracker", leafAfterTrusted]]));
    await client.watched([{ file: a, type: 1 }, { file: b, type: 1 }]);
    const da = await client.waitForDiagnostics(a, (d) => d.some((x) => x.code === "conflict"), "conflict on branch a");
    await client.waitForDiagnostics(b, (d) => d.some((x) => x.code === "conflict"), "conflict on branch b");
    const conflict = da.find((x) => x.code === "conflict")!;
    assert.equal(conflict.message, `Conflicting migrations detected; multiple leaf nodes in the migration graph: ` +
      `(${num(n)}_branch_a, ${num(n)}_branch_b in tracker). To fix them run 'tsmigrate makemigrations --merge'`);
    type Action = { title: string; data?: unknown; edit: { documentChanges: ({ kind: string; uri: string } | { textDocument: { uri: string }; edits: { newText: string }[] })[] } };
    const actions = await client.request<Action[]>(
      "textDocument/codeAction", { textDocument: { uri: client.uri(a) }, range: conflict.range, context: { diagnostics: [conflict] } });
    const lazy = actions.find((x) => x.title === "Merge migrations for 'tracker'");
    assert.ok(lazy, actions.map((x) => x.title).join(", "));
    assert.equal(lazy.edit, undefined, "the edit is left to codeAction/resolve");
    const merge = await client.request<Action>("codeAction/resolve", lazy);
    const create = merge.edit.documentChanges.find((c): c is { kind: string; uri: string } => "kind" in c)!;
    const file = fileURLToPath(create.uri);
    assert.equal(path.basename(file), `${num(n + 1)}_merge_${num(n)}_branch_a_${num(n)}_branch_b.ts`);
    const content = merge.edit.documentChanges.flatMap((c) => ("edits" in c ? c.edits.map((e) => e.newText) : [])).join("");
    assert.match(content, new RegExp(`\\["tracker", "${num(n)}_branch_a"\\]`));
    assert.match(content, new RegExp(`\\["tracker", "${num(n)}_branch_b"\\]`));
    writeFileSync(file, content);
    await client.watched([{ file, type: 1 }]);
    await client.waitForDiagnostics(a, (d: Diag[]) => !d.some((x) => x.code === "conflict"), "conflict cleared");
  });

  test("a bad tsmigrate.config.json gets a diagnostic naming what is wrong; removing it restores the default", async () => {
    const config = path.join(dir, "tsmigrate.config.json");
    writeFileSync(config, '{\n  "apps": ["src/tracker"],\n  "databases": { "default": { "engine": "oracle" } }\n}\n');
    await client.watched([{ file: config, type: 1 }]);
    const d = await client.waitForDiagnostics("tsmigrate.config.json", (x) => x.some((y) => y.code === "config"), "a config diagnostic");
    const e = d.find((x) => x.code === "config")!;
    assert.match(e.message, /engine/);
    assert.equal(e.range.start.line, 2);
    rmSync(config);
    await client.watched([{ file: config, type: 3 }]);
    await client.waitForDiagnostics("tsmigrate.config.json", (x) => x.length === 0, "the config diagnostic cleared");
    const list = await client.request<ListMigrationsResult>("tsmigrate/listMigrations", {});
    assert.deepEqual(list.apps.map((a) => a.label), ["tracker"]);
  });
});
