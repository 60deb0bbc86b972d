// Client and server agree on every custom method of server/src/protocol.ts:
// each is one RequestType / NotificationType object, registered by the
// server and sent by the client through that object, so a renamed method or
// a changed parameter fails to compile on both sides (`npm test` runs tsc
// first). Here each method is also sent to a real server through its object
// and answered with the result type the protocol declares.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, test } from "node:test";
import {
  type DidChangeStatusParams, NotificationTypes, type RequestMethod, type Requests, RequestTypes, type ServerRequestMethod, type ServerRequests,
  ServerRequestTypes,
} from "../../server/src/protocol";
import { openSqlite } from "../../server/src/engine/backends/sqlite/base";
import { copyFixture, type LspClient, removeDir, startServer } from "./harness";

/** Compile-time: `A` and `B` are the same type. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
type ParamsOf<T> = T extends { readonly _?: [infer P, unknown, unknown, unknown] } ? P : never;
type ResultOf<T> = T extends { readonly _?: [unknown, infer R, unknown, unknown] } ? R : never;

/** One entry per method: each RequestType carries exactly the declared parameter and result types. */
const agreed: { [M in RequestMethod]: [Equal<ParamsOf<(typeof RequestTypes)[M]>, Requests[M]["params"]>, Equal<ResultOf<(typeof RequestTypes)[M]>, Requests[M]["result"]>] } = {
  "tsmigrate/listMigrations": [true, true],
  "tsmigrate/plan": [true, true],
  "tsmigrate/migrate": [true, true],
  "tsmigrate/sqlmigrate": [true, true],
  "tsmigrate/makeMigrations": [true, true],
  "tsmigrate/schemaDrift": [true, true],
  "tsmigrate/serverStats": [true, true],
};

/** Likewise for the server → client requests. */
const agreedServer: { [M in ServerRequestMethod]: [Equal<ParamsOf<(typeof ServerRequestTypes)[M]>, ServerRequests[M]["params"]>, Equal<ResultOf<(typeof ServerRequestTypes)[M]>, ServerRequests[M]["result"]>] } = {
  "tsmigrate/askQuestion": [true, true],
};

let dir: string;
let client: LspClient;

before(async () => {
  dir = copyFixture("tracker");
  ({ client } = await startServer({ root: dir }));
});

after(async () => {
  await client.stop();
  removeDir(dir);
});

test("every RequestType and NotificationType is named by its method, with parameters by name", () => {
  assert.deepEqual(Object.keys(agreed).sort(), Object.keys(RequestTypes).sort());
  assert.deepEqual(Object.keys(agreedServer).sort(), Object.keys(ServerRequestTypes).sort());
  for (const [method, type] of [...Object.entries(RequestTypes), ...Object.entries(ServerRequestTypes), ...Object.entries(NotificationTypes)]) {
    assert.equal(type.method, method);
    assert.equal(type.parameterStructures.toString(), "byName");
  }
});

test("tsmigrate/listMigrations answers through its RequestType", async () => {
  const r: Requests["tsmigrate/listMigrations"]["result"] = await client.send(RequestTypes["tsmigrate/listMigrations"], {});
  assert.deepEqual(r.apps.map((a) => a.label), ["tracker"]);
  assert.equal(r.database, "default");
});

test("tsmigrate/makeMigrations answers through its RequestType", async () => {
  const r: Requests["tsmigrate/makeMigrations"]["result"] = await client.send(RequestTypes["tsmigrate/makeMigrations"], { apps: ["tracker"] });
  assert.ok(r.files.length > 0, "the fixture has no migrations yet");
  // Written as the VS Code client applies them, for the requests below.
  for (const f of r.files) {
    fs.mkdirSync(path.dirname(f.path), { recursive: true });
    fs.writeFileSync(f.path, f.content);
  }
});

test("tsmigrate/plan answers through its RequestType", async () => {
  const r: Requests["tsmigrate/plan"]["result"] = await client.send(RequestTypes["tsmigrate/plan"], { app: "tracker" });
  assert.ok(r.steps.length > 0 && r.steps.every((s) => s.app === "tracker" && !s.backwards));
});

test("tsmigrate/sqlmigrate answers through its RequestType", async () => {
  const first = (await client.send(RequestTypes["tsmigrate/plan"], { app: "tracker" })).steps[0]!;
  const r: Requests["tsmigrate/sqlmigrate"]["result"] = await client.send(RequestTypes["tsmigrate/sqlmigrate"], { app: "tracker", name: first.name });
  assert.match(r.sql, /CREATE TABLE/);
});

test("tsmigrate/migrate answers through its RequestType, and tsmigrate/didChangeStatus follows", async () => {
  const r: Requests["tsmigrate/migrate"]["result"] = await client.send(RequestTypes["tsmigrate/migrate"], { app: "tracker" });
  assert.ok(r.applied.length > 0 && !r.cancelled);
  const status = await client.waitFor(() => client.notifications.find((n) => n.method === NotificationTypes["tsmigrate/didChangeStatus"].method), "a didChangeStatus");
  const params = status.params as DidChangeStatusParams;
  assert.equal(typeof params.pendingCount, "number");
});

test("tsmigrate/schemaDrift answers through its RequestType: none after migrate, then a hand change in words", async () => {
  const clean: Requests["tsmigrate/schemaDrift"]["result"] = await client.send(RequestTypes["tsmigrate/schemaDrift"], {});
  assert.deepEqual(clean.differences, []);
  assert.ok(clean.applied > 0);
  const db = openSqlite("default", path.join(dir, "db.sqlite3"));
  db.db.exec('CREATE TABLE "audit_log" ("id" integer NOT NULL PRIMARY KEY)');
  db.db.close();
  const drifted = await client.send(RequestTypes["tsmigrate/schemaDrift"], { database: "default" });
  assert.deepEqual(drifted.differences, ['table "audit_log" exists in the database but in no migration']);
});
