// Which Node can run tsmigrate (server/src/engine/node-support.ts): Node 22
// or newer with Node-API 10, which better-sqlite3 13's addon is built for.
import assert from "node:assert/strict";
import { test } from "node:test";
import { CLI_REMEDY, EDITOR_REMEDY, nodeProblem } from "../server/src/engine/node-support";

test("Node 20 (Node-API 9): one line naming this Node, the reason and the remedy", () => {
  assert.equal(nodeProblem(CLI_REMEDY, { node: "20.20.2", napi: "9" }),
    "tsmigrate needs Node.js 22.14 or newer (this is 20.20.2): better-sqlite3 13 loads only on Node-API 10. " +
    "Install Node 22.14 or newer, or run with --node PATH");
  assert.equal(nodeProblem(EDITOR_REMEDY, { node: "20.20.2", napi: "9" }),
    "tsmigrate needs Node.js 22.14 or newer (this is 20.20.2): better-sqlite3 13 loads only on Node-API 10. " +
    "Set tsmigrate.nodePath to a Node 22.14 or newer");
});

test("a Node 22 before Node-API 10, and old Nodes without napi, are refused", () => {
  assert.match(nodeProblem(undefined, { node: "22.13.1", napi: "9" }) ?? "", /\(this is 22\.13\.1\)/);
  assert.match(nodeProblem(undefined, { node: "18.0.0" }) ?? "", /Install Node 22\.14 or newer$/);
  // Node-API 10 alone is not enough: the CLI's libraries need Node 22 (require of ES modules).
  assert.notEqual(nodeProblem(undefined, { node: "20.99.0", napi: "10" }), undefined);
});

test("Node 22.14+, 23.6+ and later Nodes pass, as does the Node running the tests", () => {
  assert.equal(nodeProblem(undefined, { node: "22.14.0", napi: "10" }), undefined);
  assert.equal(nodeProblem(undefined, { node: "24.1.0", napi: "10" }), undefined);
  assert.equal(nodeProblem(undefined, { node: "26.0.0", napi: "11" }), undefined);
  assert.equal(nodeProblem(), undefined);
});
