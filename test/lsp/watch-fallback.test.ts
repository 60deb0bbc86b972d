/**
 * The server's own file watching (issue 13): a client that cannot register
 * file watchers (no `didChangeWatchedFiles.dynamicRegistration`, as Neovim
 * before 0.9) still sees a migration written from a terminal clear the
 * drift diagnostic. A client that registers watchers gets no second watcher.
 */
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { after, test } from "node:test";
import type { MakeMigrationsResult } from "../../server/src/protocol";
import { copyFixture, type LspClient, removeDir, startServer } from "./harness";

const MODELS = "src/tracker/models.ts";
const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanups) await c();
});

const watching = (client: LspClient): boolean =>
  client.notifications.some((n) => n.method === "window/logMessage" && /watching .* for model and migration changes/.test((n.params as { message: string }).message));

async function start(dynamicRegistration: boolean): Promise<{ dir: string; client: LspClient }> {
  const dir = copyFixture("tracker");
  const { client } = await startServer({
    root: dir,
    initializationOptions: { trusted: false },
    capabilities: { workspace: { didChangeWatchedFiles: { dynamicRegistration }, workspaceEdit: { documentChanges: true } } },
  });
  cleanups.push(async () => {
    await client.stop();
    removeDir(dir);
  });
  await client.open(MODELS);
  await client.waitForDiagnostics(MODELS, (d) => d.some((x) => x.code === "drift-create-model"), "initial drift");
  return { dir, client };
}

test("no watcher registration: a migration written behind the client's back clears the drift", async () => {
  const { dir, client } = await start(false);
  assert.equal(client.registrations.length, 0, "nothing registered");
  await client.waitFor(() => watching(client), "the server's own watcher ready");
  const made = await client.request<MakeMigrationsResult>("tsmigrate/makeMigrations", { apps: ["tracker"] });
  mkdirSync(path.join(dir, "src/tracker/migrations"), { recursive: true });
  // As `tsmigrate makemigrations` in a terminal would: no didChangeWatchedFiles from the client.
  for (const f of made.files) writeFileSync(f.path, f.content);
  await client.waitForDiagnostics(MODELS, (d) => !d.some((x) => String(x.code).startsWith("drift-")), "no drift after the file appeared", 30_000);
});

test("a client that registers watchers: the server does not watch too", async () => {
  const { client } = await start(true);
  await client.waitFor(() => client.registrations.find((r) => r.method === "workspace/didChangeWatchedFiles"), "the registration");
  assert.equal(watching(client), false);
});
