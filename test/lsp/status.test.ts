/**
 * The truthful status (issue 13): over JSON-RPC to a spawned server on a copy
 * of test-fixtures/tracker. A database that was not read makes migrations
 * "unknown" with the reason; a database file that does not exist yet makes
 * them "pending" (migrate creates it); models that do not parse are counted
 * as errors in the listing and in `tsmigrate/didChangeStatus`.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { after, describe, test } from "node:test";
import type { DidChangeStatusParams, ListMigrationsResult } from "../../server/src/protocol";
import { type LspClient, removeDir } from "./harness";
import { TRACKER_MODELS, trackerWithMigration } from "./tracker-migrated";

const MODELS = TRACKER_MODELS;

/** A server on a fresh tracker copy with its first migration written. */

function lastStatus(client: LspClient): DidChangeStatusParams | undefined {
  return client.notifications.filter((n) => n.method === "tsmigrate/didChangeStatus").at(-1)?.params as DidChangeStatusParams | undefined;
}

describe("truthful status", () => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const c of cleanups) await c();
  });

  test("untrusted: migrations are unknown, the status says why, nothing is pending", async () => {
    const { dir, client } = await trackerWithMigration({ trusted: false });
    cleanups.push(async () => { await client.stop(); removeDir(dir); });
    const list = await client.request<ListMigrationsResult>("tsmigrate/listMigrations", {});
    assert.equal(list.databaseState, "untrusted");
    assert.match(list.databaseError ?? "", /not trusted/);
    assert.deepEqual(list.apps[0]!.migrations.map((m) => m.status), ["unknown"]);
    assert.equal(list.errorCount, 0);
    const status = await client.waitFor(() => lastStatus(client), "a status");
    assert.equal(status.databaseState, "untrusted");
    assert.equal(status.pendingCount, 0);
    assert.match(status.databaseError ?? "", /not trusted/);
  });

  test("trusted, no database file yet: pending (migrate creates it); a database that is not one: unknown with the error", async () => {
    const { dir, client } = await trackerWithMigration({ trusted: true });
    cleanups.push(async () => { await client.stop(); removeDir(dir); });
    const missing = await client.request<ListMigrationsResult>("tsmigrate/listMigrations", {});
    assert.equal(missing.databaseState, "missing");
    assert.equal(missing.databaseError, undefined);
    assert.deepEqual(missing.apps[0]!.migrations.map((m) => m.status), ["pending"]);
    await client.waitFor(() => lastStatus(client)?.databaseState === "missing" && lastStatus(client)!.pendingCount === 1, "status: 1 pending, missing");

    writeFileSync(path.join(dir, "db.sqlite3"), "this is not a SQLite database, just text long enough to have a header.........");
    const broken = await client.request<ListMigrationsResult>("tsmigrate/listMigrations", {});
    assert.equal(broken.databaseState, "error");
    assert.match(broken.databaseError ?? "", /not a database/i);
    assert.deepEqual(broken.apps[0]!.migrations.map((m) => m.status), ["unknown"]);
  });

  test("models that do not parse: the listing and the status count the errors", async () => {
    const { dir, client } = await trackerWithMigration({ trusted: false });
    cleanups.push(async () => { await client.stop(); removeDir(dir); });
    const text = readFileSync(path.join(dir, MODELS), "utf8");
    await client.change(MODELS, text.replace("extends models.Model {", "extends models.Model {{ ]"));
    await client.waitForDiagnostics(MODELS, (d) => d.some((x) => x.code === "syntax"), "the syntax summary");
    const list = await client.request<ListMigrationsResult>("tsmigrate/listMigrations", {});
    assert.ok((list.errorCount ?? 0) > 0, `errorCount ${list.errorCount}`);
    await client.waitFor(() => (lastStatus(client)?.errorCount ?? 0) > 0, "a status with errors");
    // Refused for the user's errors: the client shows and logs it; the server does not log it a second time.
    const refused = await client.request("tsmigrate/makeMigrations", { apps: ["tracker"] }).then(() => undefined, (e: { message: string }) => e.message);
    assert.match(refused ?? "", /Fix (this error|these \d+ errors) first/);
    const logged = client.notifications.filter((n) => n.method === "window/logMessage" && /\[makeMigrations\]/.test((n.params as { message: string }).message));
    assert.deepEqual(logged, [], "logged once (by the client), not by the server too");
    await client.change(MODELS, text);
    await client.waitFor(() => lastStatus(client)?.errorCount === 0, "a status with no errors after the fix");
  });
});
