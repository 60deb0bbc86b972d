import assert from "node:assert/strict";
import * as path from "node:path";
import { test } from "node:test";
import { appDefaultAutoField, loadConfig, parseConfig } from "../server/src/engine/config";
import { loadModels } from "../server/src/engine/source/models";
import { TsMigrateError } from "../server/src/engine/errors";
import { errorsOf } from "./errors-of";
import { tempProject } from "./temp-project";

/** A temporary project with `files` (relative path -> contents). */
function project(files: Record<string, string>): string {
  return tempProject("tsm-config-", files);
}

test("no config file: every folder with a models.ts is an app; SQLite db.sqlite3 at the root", () => {
  const root = project({
    "src/shop/models.ts": "",
    "src/accounts/models.ts": "",
    "src/shop/migrations/0001_initial.ts": "",
    "node_modules/lib/models.ts": "",
    ".cache/x/models.ts": "",
    "dist/built/models.ts": "",
    "src/empty/readme.md": "",
  });
  const cfg = loadConfig({ cwd: root });
  assert.equal(cfg.root, root);
  assert.equal(cfg.configFile, undefined);
  assert.deepEqual(cfg.apps.map((a) => a.label), ["accounts", "shop"]);
  assert.deepEqual(cfg.apps[1], {
    label: "shop",
    dir: path.join(root, "src/shop"),
    modelsFile: path.join(root, "src/shop/models.ts"),
    migrationsDir: path.join(root, "src/shop/migrations"),
  });
  assert.deepEqual(cfg.databases, { default: { engine: "sqlite", name: path.join(root, "db.sqlite3") } });
  assert.equal(cfg.defaultAutoField, "BigAutoField");
});

test("no config file: two folders with the same name are an error", () => {
  const root = project({ "a/shop/models.ts": "", "b/shop/models.ts": "" });
  const [e] = errorsOf(() => loadConfig({ cwd: root }));
  assert.equal(e!.code, "config");
  assert.match(e!.message, /app label "shop" is used by two folders \(a\/shop and b\/shop\)/);
});

test("the nearest folder upwards holding tsmigrate.config.json is the root; --project overrides", () => {
  const root = project({
    "tsmigrate.config.json": `{ "apps": ["src/shop"] }`,
    "src/shop/models.ts": "",
    "other/blog/models.ts": "",
  });
  const cfg = loadConfig({ cwd: path.join(root, "src/shop") });
  assert.equal(cfg.root, root);
  assert.equal(cfg.configFile, path.join(root, "tsmigrate.config.json"));
  assert.deepEqual(cfg.apps.map((a) => a.label), ["shop"]);
  const other = loadConfig({ cwd: root, project: "other" });
  assert.equal(other.root, path.join(root, "other"));
  assert.deepEqual(other.apps.map((a) => a.label), ["blog"]);
  assert.match(errorsOf(() => loadConfig({ cwd: root, project: "nope" }))[0]!.message, /does not exist/);
});

test("a full config: apps with labels, databases with ${env:VAR}, defaultAutoField", () => {
  const root = project({
    "tsmigrate.config.json": `{
  // comments are allowed
  "apps": ["src/shop", { "path": "src/accounts", "label": "auth_accounts" }],
  "databases": {
    "default": { "engine": "sqlite", "name": "\${env:DB_DIR}/app.sqlite3" },
    "warehouse": { "engine": "postgresql", "url": "\${env:WAREHOUSE_URL}" },
    "mem": { "engine": "sqlite", "name": ":memory:" }
  },
  "defaultAutoField": "AutoField"
}`,
    "src/shop/models.ts": "",
    "src/accounts/models.ts": "",
  });
  const cfg = loadConfig({ cwd: root, env: { DB_DIR: "data", WAREHOUSE_URL: "postgres://u@h/db" } });
  assert.deepEqual(cfg.apps.map((a) => [a.label, path.relative(root, a.dir)]), [["shop", "src/shop"], ["auth_accounts", "src/accounts"]]);
  assert.deepEqual(cfg.databases, {
    default: { engine: "sqlite", name: path.join(root, "data/app.sqlite3") },
    warehouse: { engine: "postgresql", url: "postgres://u@h/db" },
    mem: { engine: "sqlite", name: ":memory:" },
  });
  assert.equal(cfg.defaultAutoField, "AutoField");
  // An unset variable does not stop loading; the database carries the error.
  const partial = loadConfig({ cwd: root, env: { DB_DIR: "data" } });
  const err = partial.databases.warehouse!.error;
  assert.ok(err instanceof TsMigrateError);
  assert.match(err.message, /databases\.warehouse\.url: environment variable WAREHOUSE_URL is not set/);
  assert.equal(err.location?.line, 6);
  assert.equal(partial.databases.default!.error, undefined);
});

test("config errors name the file, the key, what is expected, and where", () => {
  const root = project({ "src/shop/models.ts": "", "src/x/models.ts": "" });
  const file = path.join(root, "tsmigrate.config.json");
  const cases: [string, string, number, number][] = [
    [`{ "databases": { "default": { "engine": "mysql", "name": "x" } } }`,
      `tsmigrate.config.json: databases.default.engine: expected "sqlite" or "postgresql", found "mysql"`, 1, 31],
    [`{\n  "databases": {\n    "other": { "engine": "sqlite", "name": "x" }\n  }\n}`,
      `databases.default: a "default" database is required`, 2, 16],
    [`{ "databases": { "default": { "engine": "postgresql" } } }`, `databases.default.url: expected a connection URL`, 1, 29],
    [`{ "databases": { "default": { "engine": "sqlite", "name": "a", "user": "b" } } }`,
      `databases.default.user: unknown key; a sqlite database takes "engine" and "name"`, 1, 64],
    [`{ "appz": [] }`, `appz: unknown key; expected "apps", "databases", "defaultAutoField" or "backups"`, 1, 3],
    [`{ "apps": "src/shop" }`, `apps: expected an array of app folders`, 1, 3],
    [`{ "apps": ["src/shop", "src/nope"] }`, `apps[1]: folder src/nope does not exist`, 1, 24],
    [`{ "apps": ["src/shop", { "path": "src/x", "label": "shop" }] }`, `apps[1]: duplicate app label "shop" (also apps[0])`, 1, 24],
    [`{ "apps": [{ "label": "a" }] }`, `apps[0].path: expected the app folder as a string`, 1, 12],
    [`{ "apps": [{ "path": "src/x", "label": "my-app" }] }`, `apps[0]: "my-app" is not a valid app label`, 1, 12],
    [`{ "defaultAutoField": "UUIDField" }`, `defaultAutoField: expected "AutoField", "BigAutoField" or "SmallAutoField"`, 1, 3],
    [`{ "apps": [1] }`, `apps[0]: expected an app folder`, 1, 12],
    [`{ "apps": [{ "path": "src/x", "defaultAutoField": "Big" }] }`,
      `apps[0].defaultAutoField: expected "AutoField", "BigAutoField" or "SmallAutoField", found "Big"`, 1, 31],
    [`{ "apps": [{ "path": "src/x", "autoField": "AutoField" }] }`,
      `apps[0].autoField: unknown key; expected "path", "label" or "defaultAutoField"`, 1, 31],
    [`[]`, `(top level)`, 1, 1],
    [`{\n  "apps": [\n    "src/shop",\n  ]\n  "x": 1 }`, `tsmigrate.config.json is not valid JSON: ',' expected`, 5, 3],
  ];
  for (const [text, msg, line, column] of cases) {
    const errs = errorsOf(() => parseConfig(file, text, root, {}));
    assert.equal(errs[0]!.code, "config", text);
    assert.ok(errs[0]!.message.includes(msg), `${text}\n${errs[0]!.message}`);
    assert.equal(errs[0]!.location?.file, file, text);
    assert.equal(errs[0]!.location?.line, line, text);
    assert.equal(errs[0]!.location?.column, column, text);
  }
  // Several problems are all reported.
  const many = errorsOf(() => parseConfig(file, `{ "apps": 1, "defaultAutoField": 2 }`, root, {}));
  assert.deepEqual(many.map((e) => e.message.split(":")[1]!.trim()), ["apps", "defaultAutoField"]);
});

test("an app's own defaultAutoField (Django's AppConfig.default_auto_field) overrides the project's", () => {
  const root = project({
    "tsmigrate.config.json": `{ "apps": [{ "path": "src/legacy", "defaultAutoField": "AutoField" }, "src/shop"], "defaultAutoField": "SmallAutoField" }`,
    "src/legacy/models.ts": `import { models } from "tsmigrate";\nexport class Old extends models.Model { name = models.CharField({ maxLength: 5 }); }\n`,
    "src/shop/models.ts": `import { models } from "tsmigrate";\nexport class New extends models.Model { name = models.CharField({ maxLength: 5 }); }\n`,
  });
  const cfg = loadConfig({ cwd: root });
  assert.deepEqual(cfg.apps.map((a) => [a.label, a.defaultAutoField]), [["legacy", "AutoField"], ["shop", undefined]]);
  assert.equal(appDefaultAutoField(cfg, "legacy"), "AutoField");
  assert.equal(appDefaultAutoField(cfg, "shop"), "SmallAutoField");
  const state = loadModels(cfg).state;
  assert.equal(state.get("legacy", "old")!.fields.get("id")!.type, "AutoField");
  assert.equal(state.get("shop", "new")!.fields.get("id")!.type, "SmallAutoField");
});
