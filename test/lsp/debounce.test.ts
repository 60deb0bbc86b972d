/**
 * The analysis debouncer: bursts coalesce into one run, changes during a run
 * make exactly one more, errors do not stop later runs.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Debouncer } from "../../server/src/lsp/debounce";

test("a burst of changes before the run starts makes one run", async () => {
  let runs = 0;
  const d = new Debouncer(() => void runs++, 5, 1000, (e) => assert.fail(String(e)));
  for (let i = 0; i < 5; i++) d.schedule();
  await d.idle();
  assert.equal(runs, 1);
  d.schedule();
  await d.idle();
  assert.equal(runs, 2, "a later change runs again");
});

test("changes during a run make exactly one more run after it", async () => {
  let runs = 0;
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const d = new Debouncer(async () => {
    runs++;
    if (runs === 1) await gate;
  }, 1, 1000, (e) => assert.fail(String(e)));
  d.schedule();
  while (runs === 0) await new Promise((r) => setTimeout(r, 5));
  d.schedule();
  d.schedule();
  d.schedule();
  release();
  await d.idle();
  assert.equal(runs, 2);
});

test("an error in a run goes to onError and the next run still happens", async () => {
  const errors: unknown[] = [];
  let runs = 0;
  const d = new Debouncer(() => {
    runs++;
    if (runs === 1) throw new Error("boom");
  }, 1, 1000, (e) => errors.push(e));
  d.schedule();
  await d.idle();
  d.schedule();
  await d.idle();
  assert.equal(runs, 2);
  assert.equal(errors.length, 1);
  assert.match(String(errors[0]), /boom/);
});

test("flush runs a pending run at once; dispose cancels one", async () => {
  let runs = 0;
  const d = new Debouncer(() => void runs++, 10000, 10000, (e) => assert.fail(String(e)));
  d.schedule();
  d.schedule(); // pushed back by the (long) quiet time
  await d.flush();
  assert.equal(runs, 1);
  d.schedule();
  d.dispose();
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(runs, 1);
});
