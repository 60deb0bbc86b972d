/**
 * The PostgreSQL side of the config and connection, without a server: the
 * host/port/name/user/password form with `${env:VAR}`, unknown keys, an
 * unset variable naming its key, URLs shown without their password, and
 * the `dialect()` of a PostgreSQL alias (sqlmigrate and hovers need no
 * connection).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { redactUrl } from "../../server/src/engine/backends/postgresql/base";
import { parseConfig } from "../../server/src/engine/config";
import { MultipleErrors, TsMigrateError } from "../../server/src/engine/errors";
import { Project } from "../../server/src/engine/project";

const FILE = "/p/tsmigrate.config.json";

test("host/port/name/user/password with ${env:VAR}", () => {
  const cfg = parseConfig(FILE, `{
  "apps": [],
  "databases": { "default": { "engine": "postgresql", "host": "db", "port": "\${env:PGPORT}", "name": "shop", "user": "app", "password": "\${env:PGPASSWORD}" } }
}`, "/p", { PGPORT: "6543", PGPASSWORD: "pw" });
  assert.deepEqual(cfg.databases.default, { engine: "postgresql", host: "db", port: 6543, name: "shop", user: "app", password: "pw" });
  const unset = parseConfig(FILE, `{ "apps": [], "databases": { "default": { "engine": "postgresql", "host": "db", "password": "\${env:NOPE}" } } }`, "/p", {});
  assert.match(unset.databases.default!.error!.message, /databases\.default\.password: environment variable NOPE is not set/);
});

test("a url database takes no other key", () => {
  assert.throws(
    () => parseConfig(FILE, `{ "apps": [], "databases": { "default": { "engine": "postgresql", "url": "postgres://h/db", "host": "x" } } }`, "/p", {}),
    (e: unknown) => {
      const all = e instanceof MultipleErrors ? e.errors : [e as TsMigrateError];
      return all.some((x) => /databases\.default\.host: unknown key/.test(x.message));
    },
  );
});

test("URLs are shown without their password", () => {
  assert.equal(redactUrl("postgres://app:s3cret@db:5432/shop"), "postgres://app:***@db:5432/shop");
  assert.equal(redactUrl("postgres://app@db/shop"), "postgres://app@db/shop");
});

test("a PostgreSQL alias gives the postgresql dialect without connecting", () => {
  const p = new Project({ root: "/p", apps: [], databases: { default: { engine: "postgresql", url: "postgres://nowhere:1/db" } }, defaultAutoField: "BigAutoField" });
  const d = p.dialect();
  assert.equal(d.vendor, "postgresql");
  assert.equal(d.transactionalDdl, true);
  const out: string[] = [];
  d.schemaEditor((s) => out.push(s)).execute("SELECT 1");
  assert.deepEqual(out, ["SELECT 1"]);
});
