// The language server and the Node that runs it: serverInfo carries the
// package's version; on the machine's older Node (Node 20 here, as an
// editor's runtime or a wrong tsmigrate.nodePath would be) the built server
// says why in one error message, answers database requests with the same
// reason (the Migrations view marks the database "not read" with it; a plan
// or migrate fails with it) instead of crashing in the SQLite driver, and
// keeps reading models.
import assert from "node:assert/strict";
import { readFileSync, rmSync } from "node:fs";
import * as path from "node:path";
import { after, test } from "node:test";
import { EDITOR_REMEDY, nodeProblem } from "../../server/src/engine/node-support";
import type { ListMigrationsResult } from "../../server/src/protocol";
import { ensureBuilt, olderNode, tsmigrate } from "../cli/helpers";
import { copyFixture, type LspClient, REPO, startServer } from "./harness";

const pkg = JSON.parse(readFileSync(path.join(REPO, "package.json"), "utf8")) as { version: string };
const clients: LspClient[] = [];
const dirs: string[] = [];
after(async () => {
  for (const c of clients.splice(0)) await c.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function fixture(): string {
  const dir = copyFixture("shop");
  dirs.push(dir);
  return dir;
}

test("serverInfo is tsmigrate and the package's version", async () => {
  const { client, init } = await startServer({ root: fixture() });
  clients.push(client);
  assert.deepEqual((init as { serverInfo: unknown }).serverInfo, { name: "tsmigrate", version: pkg.version });
});

test("on an older Node: one error message, database requests fail with it, no crash, models still read", async () => {
  ensureBuilt();
  const { node, versions } = olderNode();
  const expected = nodeProblem(EDITOR_REMEDY, versions);
  assert.ok(expected);
  const dir = fixture();
  // A database to read (made on this Node): with none, nothing would try to open one.
  assert.equal(tsmigrate(dir, "migrate").code, 0);
  const { client, init } = await startServer({ root: dir, node, entry: path.join(REPO, "dist", "server.js") });
  clients.push(client);
  assert.equal((init as { serverInfo: { version: string } }).serverInfo.version, pkg.version);
  const shown = await client.waitFor(
    () => client.notifications.find((n) => n.method === "window/showMessage"), "window/showMessage");
  assert.deepEqual(shown.params, { type: 1, message: expected });
  // The Migrations view lists the migrations, its database marked "not read" for this reason.
  const list = await client.request<ListMigrationsResult>("tsmigrate/listMigrations", {});
  assert.equal(list.databaseError, nodeProblem(undefined, versions));
  assert.deepEqual(list.apps.map((a) => a.label), ["shop"]);
  await assert.rejects(client.request("tsmigrate/plan", {}), (e: Error) => e.message === nodeProblem(undefined, versions));
  assert.equal(client.exited, undefined, "the server must still run");
  await client.open("shop/models.ts", readFileSync(path.join(dir, "shop", "models.ts"), "utf8"));
  const diags = await client.waitForDiagnostics("shop/models.ts", (d) => d.length > 0, "drift diagnostics");
  assert.ok(diags.some((d) => d.message === "Add field stock to product — not in any migration"), JSON.stringify(diags));
  assert.equal(client.notifications.filter((n) => n.method === "window/showMessage").length, 1);
});
