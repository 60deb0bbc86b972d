// Configs cannot make tsmigrate write outside the project: an app folder
// outside the root (../ or absolute) or a migrations folder symlinked out
// is exit 2 naming the key; deeply nested or huge JSON is exit 2 with
// file:line, never an internal error.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { cleanTemps, copyFixture, ensureBuilt, tsmigrate } from "./helpers";

before(ensureBuilt);
after(cleanTemps);

function withConfig(dir: string, config: unknown): void {
  fs.writeFileSync(path.join(dir, "tsmigrate.config.json"), typeof config === "string" ? config : JSON.stringify(config, null, 2));
}

test("an app folder outside the project root, by ../ or absolute: exit 2 naming the key", () => {
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), "tsm-outside-"));
  try {
    fs.writeFileSync(path.join(outside, "models.ts"), `import { models } from "tsmigrate";\n`);
    const dir = copyFixture("shop");
    for (const entry of [path.relative(dir, outside), outside]) {
      withConfig(dir, { apps: ["shop", { path: entry, label: "evil" }] });
      const r = tsmigrate(dir, "makemigrations", "--noinput");
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /tsmigrate\.config\.json:\d+:\d+: tsmigrate\.config\.json: apps\[1\]: folder .* is outside the project root/);
      assert.doesNotMatch(r.stderr, /internal error/);
    }
    assert.deepEqual(fs.readdirSync(outside), ["models.ts"], "nothing written there");
  } finally {
    fs.rmSync(outside, { recursive: true, force: true });
  }
});

test("a migrations folder symlinked outside the project: exit 2 naming the key", () => {
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), "tsm-outside-"));
  try {
    const dir = copyFixture("shop");
    fs.rmSync(path.join(dir, "shop/migrations"), { recursive: true });
    fs.symlinkSync(outside, path.join(dir, "shop/migrations"));
    const r = tsmigrate(dir, "makemigrations", "--noinput");
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /apps\[0\]: its migrations folder .* resolves to .*, outside the project root/);
    assert.deepEqual(fs.readdirSync(outside), [], "nothing written there");
  } finally {
    fs.rmSync(outside, { recursive: true, force: true });
  }
});

test("deeply nested or huge JSON: exit 2 at file:line, no stack trace", () => {
  const dir = copyFixture("shop");
  withConfig(dir, `{\n  "apps": ["shop"],\n  "x": ${"[".repeat(100000)}${"]".repeat(100000)}\n}\n`);
  const deep = tsmigrate(dir, "showmigrations");
  assert.equal(deep.code, 2, deep.stderr);
  assert.match(deep.stderr, /^tsmigrate\.config\.json:3:\d+: tsmigrate\.config\.json nests arrays and objects more than 64 deep\n$/);

  withConfig(dir, `{ "apps": ["shop"], "x": "${"y".repeat(2_000_000)}" }`);
  const huge = tsmigrate(dir, "showmigrations");
  assert.equal(huge.code, 2, huge.stderr.slice(0, 500));
  assert.match(huge.stderr, /^tsmigrate\.config\.json:1:1: tsmigrate\.config\.json is \d+ characters long; a config holds at most 1000000\n$/);
});
