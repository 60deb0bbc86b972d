/**
 * The property test on SQLite (issue 10): random model histories, each
 * applied forwards step by step (schema equal to fresh databases at every
 * step, rows in untouched columns kept), rolled back one step at a time and
 * to zero, then forwards again. See test/property/runner.ts for what is
 * compared and test/property/history.ts for what is generated (and what is
 * kept out). The PostgreSQL run is test/postgres/property-histories.test.ts.
 */
import { test } from "node:test";
import { openSqlite } from "../server/src/engine/backends/sqlite/base";
import { checkRandomHistories, runCount } from "./property/check";
import type { PropertyBackend } from "./property/runner";

const sqlite: PropertyBackend = {
  vendor: "sqlite",
  rollbackRestores: { columnOrder: true, indexNames: true },
  open: async (role) => openSqlite(role, ":memory:"),
  release: (conn) => conn.close(),
};

const RUNS = runCount(300);

test(`${RUNS} random histories on SQLite: forwards, back to zero and forwards again; schemas equal to fresh databases', rows in untouched columns kept`, async (t) => {
  t.diagnostic(await checkRandomHistories(sqlite, RUNS));
});
