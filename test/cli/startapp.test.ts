// `tsmigrate startapp NAME [DIR]` end to end: the app folder, its models.ts,
// the config (created with the apps found so far, or edited in place), and
// the refusals, whose sentences are Django 3.2's own (run here, not
// remembered). Deliberate differences, tested as such: exit 2 (Django's
// CommandError exits 1), DIR is the app folder and must not exist (Django's
// must exist), a line says what was done (Django prints nothing).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { cleanTemps, copyFixture, ensureBuilt, tsmigrate } from "./helpers";

before(ensureBuilt);
after(cleanTemps);

const temps: string[] = [];
after(() => {
  for (const d of temps.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A new empty temp folder. */
function emptyDir(): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "tsm-startapp-")));
  temps.push(dir);
  return dir;
}

/** Django 3.2's `startapp` message (CommandError's text) for `args`, run in `cwd`. */
function djangoError(cwd: string, ...args: string[]): string {
  const r = spawnSync("/usr/bin/python3", ["-m", "django", "startapp", ...args], { cwd, encoding: "utf8" });
  assert.equal(r.status, 1, `Django 3.2 (Debian's python3-django) must be installed and refuse: ${r.stderr}`);
  const m = /^CommandError: (.*)$/m.exec(r.stderr);
  assert.ok(m, `no CommandError from Django: ${r.stderr}`);
  return m[1]!;
}

test("startapp NAME: ./NAME with a models.ts, and a new config listing it with the default database", () => {
  const dir = emptyDir();
  const r = tsmigrate(dir, "startapp", "shop");
  assert.equal(r.stderr, "");
  assert.equal(r.stdout, "Created app 'shop' in shop (models.ts), listed in tsmigrate.config.json.\n");
  assert.equal(r.code, 0);
  const models = fs.readFileSync(path.join(dir, "shop", "models.ts"), "utf8");
  assert.match(models, /^import \{ models \} from "tsmigrate";\n/);
  assert.match(models, /^\/\/ export class Product extends models\.Model \{$/m);
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, "tsmigrate.config.json"), "utf8")), {
    apps: ["shop"],
    databases: { default: { engine: "sqlite", name: "db.sqlite3" } },
  });
  // An app with no models yet: makemigrations has nothing to do.
  const make = tsmigrate(dir, "makemigrations");
  assert.equal(make.stdout, "No changes detected\n");
  assert.equal(make.code, 0);
});

test("a new config keeps the apps found so far (every folder with a models.ts)", () => {
  const dir = emptyDir();
  fs.mkdirSync(path.join(dir, "src", "blog"), { recursive: true });
  fs.writeFileSync(path.join(dir, "src", "blog", "models.ts"), 'import { models } from "tsmigrate";\n');
  const r = tsmigrate(dir, "startapp", "shop", "src/shop");
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, "tsmigrate.config.json"), "utf8")).apps, ["src/blog", "src/shop"]);
  assert.ok(fs.existsSync(path.join(dir, "src", "shop", "models.ts")));
});

test("an existing config is edited in place: comments, keys and order kept; DIR with another name gets a label", () => {
  const dir = copyFixture("shop");
  const configFile = path.join(dir, "tsmigrate.config.json");
  const before = '{\n  // the shop\n  "apps": ["shop"],\n  "databases": {\n    "default": { "engine": "sqlite", "name": "db.sqlite3" }\n  },\n  "defaultAutoField": "AutoField"\n}\n';
  fs.writeFileSync(configFile, before);
  const r = tsmigrate(dir, "startapp", "blog", "lib/weblog");
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, "Created app 'blog' in lib/weblog (models.ts), listed in tsmigrate.config.json.\n");
  assert.equal(fs.readFileSync(configFile, "utf8"),
    '{\n  // the shop\n  "apps": [\n    "shop",\n    {\n      "path": "lib/weblog",\n      "label": "blog"\n    }\n  ],\n' +
    '  "databases": {\n    "default": { "engine": "sqlite", "name": "db.sqlite3" }\n  },\n  "defaultAutoField": "AutoField"\n}\n');
  assert.equal(tsmigrate(dir, "showmigrations").stdout, "blog\n (no migrations)\nshop\n [ ] 0001_initial\n");
});

test("a config without apps (discovered) gets an apps list: the discovered ones and the new one", () => {
  const dir = copyFixture("shop");
  fs.writeFileSync(path.join(dir, "tsmigrate.config.json"), '{\n    "defaultAutoField": "AutoField"\n}\n');
  assert.equal(tsmigrate(dir, "startapp", "blog").code, 0);
  assert.equal(fs.readFileSync(path.join(dir, "tsmigrate.config.json"), "utf8"),
    '{\n    "defaultAutoField": "AutoField",\n    "apps": [\n        "shop",\n        "blog"\n    ]\n}\n');
});

test("an invalid label is refused as Django refuses it, exit 2, nothing written", () => {
  const dir = emptyDir();
  const django = djangoError(dir, "1shop");
  assert.equal(django, "'1shop' is not a valid app name. Please make sure the name is a valid identifier.");
  const r = tsmigrate(dir, "startapp", "1shop");
  assert.equal(r.code, 2);
  assert.equal(r.stdout, "");
  assert.equal(r.stderr, `${django.slice(0, -1)} (letters, digits and _, not starting with a digit).\n`);
  assert.equal(tsmigrate(dir, "startapp", "my-app").code, 2);
  assert.deepEqual(fs.readdirSync(dir), []);
});

test("an existing folder is refused with Django's sentence, exit 2, nothing written", () => {
  const dir = emptyDir();
  // A plain file: Django cannot import it, so it reaches its "already exists" check.
  fs.writeFileSync(path.join(dir, "shop"), "");
  const django = djangoError(dir, "shop");
  assert.equal(django, `'${path.join(dir, "shop")}' already exists`);
  const r = tsmigrate(dir, "startapp", "shop");
  assert.equal(r.code, 2);
  assert.equal(r.stderr, `${django}\n`);
  fs.mkdirSync(path.join(dir, "src", "shop"), { recursive: true });
  const inDir = tsmigrate(dir, "startapp", "shop", "src/shop");
  assert.equal(inDir.stderr, `'${path.join(dir, "src", "shop")}' already exists\n`);
  assert.equal(inDir.code, 2);
  assert.deepEqual(fs.readdirSync(dir).sort(), ["shop", "src"]);
  assert.deepEqual(fs.readdirSync(path.join(dir, "src", "shop")), []);
});

test("a label the project already has is refused (Django: a name that is an existing module), exit 2", () => {
  const dir = copyFixture("shop");
  const config = fs.readFileSync(path.join(dir, "tsmigrate.config.json"), "utf8");
  const r = tsmigrate(dir, "startapp", "shop", "other/shop");
  assert.equal(r.stderr,
    "'shop' conflicts with the name of an existing app (shop) and cannot be used as an app name. Please try another name.\n");
  assert.equal(r.code, 2);
  assert.equal(fs.readFileSync(path.join(dir, "tsmigrate.config.json"), "utf8"), config);
  assert.equal(fs.existsSync(path.join(dir, "other")), false);
});

test("--version and -V print the package's version", () => {
  const { version } = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8")) as { version: string };
  const dir = emptyDir();
  for (const flag of ["--version", "-V"]) {
    const r = tsmigrate(dir, flag);
    assert.equal(r.stdout, `${version}\n`);
    assert.equal(r.code, 0);
  }
});
