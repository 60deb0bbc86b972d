import { test } from "node:test";
import assert from "node:assert/strict";
import { errorLocation } from "../../client/src/rpc";
import { shortDatabaseReason, statusCounts, statusView, viewBadge } from "../../client/src/status";

test("status bar: a database not read is 'unknown' with its reason, never pending and never the check", () => {
  const untrusted = statusView({ pending: 0, drift: 0, databaseState: "untrusted", databaseError: "The workspace is not trusted: the database is not read." });
  assert.equal(untrusted.text, "$(database) ?");
  assert.match(untrusted.tooltip, /migrations unknown: workspace not trusted: trust it to apply migrations/);
  assert.doesNotMatch(untrusted.text, /check/);
  const error = statusView({ pending: 0, drift: 2, databaseState: "error", databaseError: "db.sqlite3: SqliteError: file is not a database" });
  assert.equal(error.text, "$(database) ? $(warning) 2");
  assert.match(error.tooltip, /migrations unknown: SqliteError: file is not a database/);
  assert.doesNotMatch(error.tooltip, /pending/);
});

test("status bar: a database not created yet counts its migrations as pending (migrate creates it)", () => {
  assert.equal(statusView({ pending: 3, drift: 0, databaseState: "missing" }).text, "$(database) 3");
});

test("status bar: models with errors show the error count, never the check", () => {
  const view = statusView({ pending: 0, drift: 0, errors: 2 });
  assert.equal(view.text, "$(database) $(error) 2");
  assert.match(view.tooltip, /2 errors in the models or migrations/);
  assert.equal(view.attention, true);
  assert.equal(statusView({ pending: 1, drift: 0, errors: 1 }).text, "$(database) 1 $(error) 1");
});

test("short database reasons fit a tree row", () => {
  assert.equal(shortDatabaseReason("untrusted", "whatever"), "workspace not trusted: trust it to apply migrations");
  assert.equal(shortDatabaseReason("missing", undefined), "not created yet: migrate creates it");
  assert.equal(shortDatabaseReason("error", "x".repeat(100)).length, 60);
  assert.equal(shortDatabaseReason("error", "first line\nsecond"), "first line");
});

test("the view badge counts pending migrations and model changes; unknown pending counts nothing", () => {
  assert.deepEqual(viewBadge({ pending: 2, drift: 3 }), { value: 5, tooltip: "2 pending migrations, 3 model changes not in any migration" });
  assert.deepEqual(viewBadge({ pending: 0, drift: 1 }), { value: 1, tooltip: "1 model change not in any migration" });
  assert.equal(viewBadge({ pending: 0, drift: 0 }), undefined);
  assert.equal(viewBadge({ pending: 4, drift: 0, databaseState: "untrusted" }), undefined);
});

test("a status notification's counts", () => {
  assert.deepEqual(statusCounts({ pendingCount: 1, driftCount: 2 }), { pending: 1, drift: 2, errors: 0, databaseState: undefined, databaseError: undefined });
  assert.deepEqual(statusCounts({ pendingCount: 0, driftCount: 0, errorCount: 3, databaseState: "error", databaseError: "boom" }),
    { pending: 0, drift: 0, errors: 3, databaseState: "error", databaseError: "boom" });
});

test("an error message's location, for 'Go to Error'", () => {
  assert.deepEqual(errorLocation("/p/shop/models.ts:12:5: unknown field type 'IntField'"), { file: "/p/shop/models.ts", line: 12, column: 5 });
  assert.deepEqual(errorLocation("Migration failed.\n/p/shop/migrations/0002_a.ts:3:1: bad"), { file: "/p/shop/migrations/0002_a.ts", line: 3, column: 1 });
  assert.deepEqual(errorLocation("C:\\p\\models.ts:1:2: x"), { file: "C:\\p\\models.ts", line: 1, column: 2 });
  assert.equal(errorLocation("No changes detected."), undefined);
  assert.equal(errorLocation("shop/models.ts:1:2: relative"), undefined);
});
