import { test } from "node:test";
import assert from "node:assert/strict";
import { initializationOptions, readSettings, serverLaunch } from "../../client/src/settings";
import { parseSqlDocument, sqlDocumentParts, sqlErrorText } from "../../client/src/sql_uri";
import { statusView } from "../../client/src/status";
import { isCancelledError, isUntrustedError, rpcErrorMessage } from "../../client/src/rpc";

test("SQL document URIs round-trip, with backwards and database", () => {
  for (const params of [
    { app: "shop", name: "0002_product_stock" },
    { app: "shop", name: "0002_product_stock", backwards: true, database: "warehouse" },
    { app: "my app", name: "0001_initial", database: "a&b" },
  ]) {
    const { path, query } = sqlDocumentParts(params);
    assert.match(path, /\.sql$/);
    assert.deepEqual(parseSqlDocument(path, query), params);
  }
  assert.deepEqual(sqlDocumentParts({ app: "shop", name: "0001_initial", backwards: true }), { path: "/shop/0001_initial.backwards.sql", query: "backwards=1" });
  assert.throws(() => parseSqlDocument("/nope", ""), /Not a tsmigrate SQL document: \/nope/);
  assert.equal(sqlErrorText({ app: "shop", name: "0001_initial" }, "a\nb"), "-- tsmigrate could not produce the SQL of shop.0001_initial:\n-- a\n-- b\n");
});

test("status bar: counts, all clear, server states", () => {
  assert.deepEqual(statusView({ pending: 2, drift: 1 }), { text: "$(database) 2 $(warning) 1", tooltip: "tsmigrate: 2 pending migrations; 1 model change not in any migration. Click to open the Migrations view.", attention: true });
  assert.equal(statusView({ pending: 0, drift: 3 }).text, "$(database) $(warning) 3");
  assert.deepEqual(statusView({ pending: 0, drift: 0 }), { text: "$(database) $(check)", tooltip: "tsmigrate: all migrations applied, models match the migrations", attention: false });
  assert.equal(statusView({ pending: 5, drift: 5 }, "failed").text, "$(error) tsmigrate");
  assert.equal(statusView({ pending: 5, drift: 5 }, "starting").text, "$(loading~spin) tsmigrate");
});

test("settings: blanks are unset, bad severity falls back to warning", () => {
  const values: Record<string, unknown> = { database: "  ", configPath: "conf", nodePath: "", "drift.severity": "loud" };
  const s = readSettings((k) => values[k]);
  assert.deepEqual(s, { database: undefined, configPath: "conf", nodePath: undefined, driftSeverity: "warning" });
  assert.deepEqual(initializationOptions(s, false), { trusted: false, driftSeverity: "warning", configPath: "conf", clientCommands: true, askQuestions: true });
  assert.deepEqual(initializationOptions(readSettings((k) => ({ database: "warehouse", "drift.severity": "error" })[k]), true), { trusted: true, driftSeverity: "error", database: "warehouse", clientCommands: true, askQuestions: true });
});

test("server launch: dist/server.js; nodePath absolute, on PATH, ~/, or workspace-relative", () => {
  const base = readSettings(() => undefined);
  assert.deepEqual(serverLaunch("/ext", base), { module: "/ext/dist/server.js", args: [] });
  assert.equal(serverLaunch("/ext", { ...base, nodePath: "/opt/node22/bin/node" }).runtime, "/opt/node22/bin/node");
  assert.equal(serverLaunch("/ext", { ...base, nodePath: "node" }).runtime, "node");
  assert.equal(serverLaunch("/ext", { ...base, nodePath: "~/n/bin/node" }, "/ws", "/home/me").runtime, "/home/me/n/bin/node");
  assert.equal(serverLaunch("/ext", { ...base, nodePath: "node_modules/.bin/node" }, "/ws").runtime, "/ws/node_modules/.bin/node");
});

test("rpc errors: codes and messages", () => {
  assert.equal(isUntrustedError({ code: -32050 }), true);
  assert.equal(isUntrustedError({ code: -32051 }), false);
  assert.equal(isCancelledError({ code: -32800 }), true);
  assert.equal(isCancelledError(Object.assign(new Error("x"), { name: "Canceled" })), true);
  assert.equal(rpcErrorMessage(new Error("Request tsmigrate/plan failed with message: boom")), "boom");
  assert.equal(rpcErrorMessage("plain"), "plain");
});
