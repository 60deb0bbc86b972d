// The migrate lock waits: several `migrate` processes started together on
// one SQLite file all succeed and apply each migration once; a held lock
// is waited for up to --lock-timeout, said once, then exit 2 naming the
// holder.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import { hostname } from "node:os";
import * as path from "node:path";
import { after, before, test } from "node:test";
import Database from "better-sqlite3";
import { type CliResult, runCli } from "../django/tsmigrate-runner";
import { cleanTemps, copyFixture, ensureBuilt, REPO, tsmigrate } from "./helpers";

before(ensureBuilt);
after(cleanTemps);

const NODE = path.join(REPO, "node_modules", ".bin", "node");
const CLI = path.join(REPO, "bin", "tsmigrate.js");
const HEADER = `import { migrations, models } from "tsmigrate";\n\n`;

/** The shop fixture with three more migrations (four in all). */
function shop(): string {
  const dir = copyFixture("shop");
  let previous = "0001_initial";
  for (const [name, field] of [["0002_stock", "stock"], ["0003_note", "note"], ["0004_code", "code"]] as const) {
    fs.writeFileSync(path.join(dir, "shop/migrations", `${name}.ts`), `${HEADER}export default migrations.Migration({
  dependencies: [["shop", "${previous}"]],
  operations: [migrations.AddField({ modelName: "product", name: "${field}", field: models.IntegerField({ null: true }) })],
});
`);
    previous = name;
  }
  return dir;
}

/** The CLI as a child process (async: several run at once). */
const run = (dir: string, args: string[]): Promise<CliResult> => runCli(dir, args);

function records(dir: string): string[] {
  const db = new Database(path.join(dir, "db.sqlite3"), { readonly: true });
  try {
    return (db.prepare("SELECT app || '.' || name AS m FROM tsmigrate_migrations ORDER BY id").all() as { m: string }[]).map((r) => r.m);
  } finally {
    db.close();
  }
}

for (const n of [4, 8]) {
  test(`${n} migrate processes started together on one SQLite file: all exit 0, each migration applied once`, async () => {
    const dir = shop();
    const runs = await Promise.all(Array.from({ length: n }, () => run(dir, ["migrate", "--noinput"])));
    for (const r of runs) assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    const all = ["shop.0001_initial", "shop.0002_stock", "shop.0003_note", "shop.0004_code"];
    assert.deepEqual(records(dir), all);
    const applying = runs.flatMap((r) => [...r.stdout.matchAll(/Applying (\S+)\.\.\. OK/g)].map((m) => m[1]!)).sort();
    assert.deepEqual(applying, all, "each migration applied by exactly one process");
  });
}

test("--lock-timeout 1 against a held lock: says once whom it waits for, then exit 2 naming the holder", async () => {
  const dir = shop();
  assert.equal(tsmigrate(dir, "migrate", "shop", "0001").code, 0);
  const db = new Database(path.join(dir, "db.sqlite3"));
  // A live process of this host holds it (this test's own).
  db.prepare(`INSERT INTO tsmigrate_lock (id, pid, host, acquired) VALUES (1, ?, ?, '2026-12-05 10:00:00.000000')`).run(process.pid, hostname());
  db.close();
  const t0 = Date.now();
  const r = await run(dir, ["migrate", "--lock-timeout", "1"]);
  const seconds = (Date.now() - t0) / 1000;
  assert.equal(r.code, 2, r.stderr);
  const holder = `process ${process.pid} on ${hostname()} since 2026-12-05 10:00:00`;
  assert.equal(r.stderr.split(`Waiting for the migrate lock held by ${holder}…\n`).length, 2, r.stderr);
  assert.match(r.stderr, new RegExp(`Another migrate is running on database 'default': the lock is held by ${holder.replace(/[.]/g, "\\.")}; gave up after 1 s`));
  assert.ok(seconds < 10, `gave up after ${seconds} s (a generous bound: the wait is 1 s plus start-up)`);
  assert.deepEqual(records(dir), ["shop.0001_initial"], "nothing applied");
});

test("--lock-timeout takes seconds", () => {
  const r = tsmigrate(shop(), "migrate", "--lock-timeout", "soon");
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--lock-timeout <seconds>' argument 'soon' is invalid\. expected a number of seconds/);
});

const SLOW = `${HEADER}export default migrations.Migration({
  dependencies: [["shop", "0001_initial"]],
  operations: [
    migrations.AddField({ modelName: "product", name: "stock", field: models.IntegerField({ null: true }) }),
${"    migrations.RunCode({ code: async (ctx) => { await new Promise((r) => setTimeout(r, 300)); } }),\n".repeat(40)}  ],
});
`;

for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
  test(`${signal} during migrate: the migration rolls back, the lock is released, exit ${code} with one line`, async () => {
    const dir = copyFixture("shop");
    fs.writeFileSync(path.join(dir, "shop/migrations/0002_slow.ts"), SLOW);
    assert.equal(tsmigrate(dir, "migrate", "shop", "0001").code, 0);
    const child = spawn(NODE, [CLI, "migrate"], { cwd: dir, env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const done = new Promise<number | null>((resolve) => child.on("close", resolve));
    await new Promise<void>((resolve) => child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      if (stdout.includes("Applying shop.0002_slow...")) setTimeout(resolve, 1000);
    }));
    child.kill(signal);
    assert.equal(await done, code, stderr);
    const lines = stderr.split("\n").filter((l) => l && !/^Backed up|^ {2}To restore/.test(l));
    assert.deepEqual(lines, [`Interrupted (${signal}): stopped in shop.0002_slow; it was rolled back; the migrate lock was released.`]);
    const db = new Database(path.join(dir, "db.sqlite3"), { readonly: true });
    try {
      assert.deepEqual((db.prepare(`PRAGMA table_info("shop_product")`).all() as { name: string }[]).map((r) => r.name), ["id", "name", "price"]);
      assert.deepEqual(db.prepare("SELECT * FROM tsmigrate_lock").all(), []);
    } finally {
      db.close();
    }
    assert.deepEqual(records(dir), ["shop.0001_initial"]);
  });
}
