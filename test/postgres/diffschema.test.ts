// `tsmigrate diffschema` on PostgreSQL: the drift tests of
// test/inspectdb/diffschema-cases.ts (as on SQLite), and what is
// PostgreSQL's own: the scratch schema is a temporary one (without the
// TEMPORARY privilege diffschema stops, exit 2, saying which GRANT is
// missing; nothing of it is left behind), and inspectdb's and diffschema's
// connection cannot write.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { test } from "node:test";
import { openPostgres } from "../../server/src/engine/backends/postgresql/base";
import { changed, driftTests } from "../inspectdb/diffschema-cases";
import { pgUrlOf, POSTGRES, run } from "../inspectdb/helpers";
import { pgQuery } from "./server";

const migrated = driftTests(POSTGRES);

/** The project's config with its database URL logged in as `user`. */
function loginAs(dir: string, user: string): void {
  const u = new URL(pgUrlOf(dir));
  u.username = user;
  const file = `${dir}/tsmigrate.config.json`;
  const config = JSON.parse(fs.readFileSync(file, "utf8")) as { databases: { default: { url: string } } };
  config.databases.default.url = u.toString();
  fs.writeFileSync(file, JSON.stringify(config));
}

test("without the TEMPORARY privilege diffschema stops with exit 2 naming the GRANT", async () => {
  const dir = await changed(POSTGRES, migrated(), "");
  const url = pgUrlOf(dir);
  const db = new URL(url).pathname.slice(1);
  const role = `tsm_notemp_${process.pid}`;
  await pgQuery(url, `CREATE ROLE "${role}" LOGIN`);
  await pgQuery(url, `REVOKE TEMPORARY ON DATABASE "${db}" FROM PUBLIC`);
  await pgQuery(url, `GRANT SELECT ON ALL TABLES IN SCHEMA public TO "${role}"`);
  loginAs(dir, role);
  const r = await run(dir, "diffschema");
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, new RegExp(`user "${role}" may not create temporary tables in database "${db}" .*GRANT TEMPORARY ON DATABASE "${db}" TO "${role}"`));
});

test("the scratch schema is temporary: nothing is left in the database after diffschema", async () => {
  const dir = await changed(POSTGRES, migrated(), 'ALTER TABLE "shop_product" ADD COLUMN "legacy_code" varchar(10) NULL');
  const url = pgUrlOf(dir);
  const tables = "SELECT n.nspname || '.' || c.relname AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1";
  const before = await pgQuery(url, tables);
  assert.equal((await run(dir, "diffschema")).code, 1);
  assert.deepEqual(await pgQuery(url, tables), before);
});

test("the read-only connection of inspectdb and diffschema cannot write", async () => {
  const url = pgUrlOf(migrated());
  const c = await openPostgres("default", { url }, {}, { readonly: true });
  try {
    await assert.rejects(c.execute('CREATE TABLE "x" ("id" integer)'), /cannot execute CREATE TABLE in a read-only transaction/);
    await assert.rejects(c.execute('DELETE FROM "shop_product"'), /cannot execute DELETE in a read-only transaction/);
  } finally {
    await c.close();
  }
});

test("the scratch session is never committed: a RunSQL writing to public.<table> leaves no trace", async () => {
  const dir = await changed(POSTGRES, migrated(), "");
  fs.writeFileSync(`${dir}/shop/migrations/0002_seed.ts`, `import { migrations } from "tsmigrate";

export default migrations.Migration({
  dependencies: [["shop", "0001_initial"]],
  operations: [migrations.RunSQL({ sql: "INSERT INTO public.shop_product (name, price) VALUES ('seeded', 1)", reverseSql: "" })],
});
`);
  const url = pgUrlOf(dir);
  assert.equal((await run(dir, "migrate", "--noinput")).code, 0);
  const rows = "SELECT name FROM public.shop_product ORDER BY id";
  assert.deepEqual(await pgQuery(url, rows), [{ name: "seeded" }]);
  const r = await run(dir, "diffschema");
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.deepEqual(await pgQuery(url, rows), [{ name: "seeded" }], "the scratch replay's INSERT reached the database");
});
