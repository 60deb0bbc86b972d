/**
 * Faults on PostgreSQL: a migration failing half way leaves schema, data and
 * tsmigrate_migrations as they were (transactional DDL, the record in the
 * same transaction); `kill -9` of a migrate in the middle of a migration,
 * then migrate again, ends with every migration applied and recorded once;
 * four migrate processes started together all exit 0, the later ones
 * waiting on the advisory lock, and apply each migration once.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, test } from "node:test";
import { cleanTemps } from "../cli/helpers";
import { cli, columns, type PgProject, pgProject, recorded, startCli } from "./helpers";
import { pgQuery } from "./server";

after(cleanTemps);

/** Writes `shop/migrations/<name>.ts`: AddField stock, then the given RunSQL. */
function writeMigration(p: PgProject, name: string, runSql: string): void {
  fs.writeFileSync(path.join(p.dir, "shop", "migrations", `${name}.ts`), `import { migrations, models } from "tsmigrate";

export default migrations.Migration({
  dependencies: [["shop", "0001_initial"]],
  operations: [
    migrations.AddField({ modelName: "product", name: "stock", field: models.IntegerField({ default: 0 }) }),
    migrations.RunSQL({ sql: ${JSON.stringify(runSql)}, reverseSql: "" }),
  ],
});
`);
}

const STOCKLESS = ["id bigint NOT NULL", "name character varying(100) NOT NULL", "price numeric(8,2) NOT NULL"];

test("a migration failing half way leaves schema, data and records unchanged", async () => {
  const p = await pgProject("shop", ["shop"]);
  assert.equal((await cli(p, "migrate")).code, 0);
  await pgQuery(p.url, "INSERT INTO shop_product (name, price) VALUES ('tea', 2.5)");
  writeMigration(p, "0002_fails", "UPDATE shop_product SET price = price / 0");
  // An UPDATE in RunSQL is listed as "may destroy data" (test/cli/data-loss.test.ts): confirmed here.
  const r = await cli(p, "migrate", "--allow-destructive");
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /division by zero/);
  assert.match(r.stderr, /The migration was rolled back; nothing was changed\./);
  assert.deepEqual(await columns(p.url, "shop_product"), STOCKLESS);
  assert.deepEqual(await pgQuery(p.url, "SELECT name, price::text AS price FROM shop_product"), [{ name: "tea", price: "2.50" }]);
  assert.deepEqual(await recorded(p.url), ["shop.0001_initial"]);
});

/** Waits until `sql` returns a row, polling every 100 ms, up to `ms`. */
async function waitFor(url: string, sql: string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if ((await pgQuery(url, sql)).length) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for: ${sql}`);
}

test("kill -9 in the middle of a migration, then migrate again: applied and recorded once", async () => {
  const p = await pgProject("shop", ["shop"]);
  writeMigration(p, "0002_slow", "SELECT pg_sleep(2)");
  const first = startCli(p, ["migrate"]);
  // Inside 0002's transaction: ADD COLUMN done, the RunSQL sleeping.
  await waitFor(p.url, "SELECT 1 FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(2)%' AND state = 'active'", 30000);
  first.kill();
  const killed = await first.done;
  assert.equal(killed.signal, "SIGKILL");
  assert.deepEqual(await recorded(p.url), ["shop.0001_initial"], "0002 was not committed");
  const again = await cli(p, "migrate");
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /Applying shop\.0002_slow\.\.\. OK/);
  assert.deepEqual(await recorded(p.url), ["shop.0001_initial", "shop.0002_slow"]);
  assert.deepEqual(await columns(p.url, "shop_product"), [...STOCKLESS, "stock integer NOT NULL"]);
});

test("four migrate processes started together: all exit 0, each migration applied once", async () => {
  const p = await pgProject("shop", ["shop"]);
  writeMigration(p, "0002_slow", "SELECT pg_sleep(1)");
  const runs = await Promise.all([0, 1, 2, 3].map(() => startCli(p, ["migrate"]).done));
  for (const r of runs) assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.deepEqual(await recorded(p.url), ["shop.0001_initial", "shop.0002_slow"]);
  const appliers = runs.filter((r) => /Applying shop\.0002_slow\.\.\. OK/.test(r.stdout));
  assert.equal(appliers.length, 1, runs.map((r) => r.stdout).join("\n---\n"));
  const waited = runs.filter((r) => /Waiting for the migrate lock on database 'default', held by server process \d+ \(tsmigrate \d+\)/.test(r.stderr));
  assert.ok(waited.length >= 1, `some process waited for the lock:\n${runs.map((r) => r.stderr).join("\n---\n")}`);
  assert.deepEqual(await columns(p.url, "shop_product"), [...STOCKLESS, "stock integer NOT NULL"]);
});

test("a migrate waiting longer than TSMIGRATE_LOCK_TIMEOUT gives up: exit 2 naming the holder", async () => {
  const p = await pgProject("shop", ["shop"]);
  // The holder sleeps far longer than the waiter can take to start on a loaded machine; it is cancelled at the end.
  writeMigration(p, "0002_slow", "SELECT pg_sleep(120)");
  const holder = startCli(p, ["migrate"]);
  await waitFor(p.url, "SELECT 1 FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(120)%' AND state = 'active'", 30000);
  const waiter = await startCli(p, ["migrate"], { TSMIGRATE_LOCK_TIMEOUT: "1" }).done;
  await pgQuery(p.url, "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(120)%'");
  assert.equal(waiter.code, 2, waiter.stdout + waiter.stderr);
  assert.match(waiter.stderr, /Another migrate is running on database 'default': the migrate lock is held by server process \d+ \(tsmigrate \d+\)(?: from [\d.:]+)?; gave up after 1 s/);
  const cancelled = await holder.done;
  assert.equal(cancelled.code, 2, "the cancelled holder's migration failed and was rolled back");
  assert.deepEqual(await recorded(p.url), ["shop.0001_initial"]);
});
