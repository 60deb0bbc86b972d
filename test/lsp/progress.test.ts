import { test } from "node:test";
import assert from "node:assert/strict";
import { Migration } from "../../server/src/engine/migration";
import { stepMessage } from "../../server/src/lsp/requests";

const step = (app: string, name: string, backwards = false): { migration: Migration; backwards: boolean } => ({ migration: new Migration(app, name, {}), backwards });

test("migrate progress: 'N of M (name)', with the app when the plan spans apps, 'unapplying' backwards", () => {
  const one = [step("tracker", "0001_initial"), step("tracker", "0002_b"), step("tracker", "0003_c")];
  assert.deepEqual(one.map((_, i) => stepMessage(one, i)), ["1 of 3 (0001_initial)", "2 of 3 (0002_b)", "3 of 3 (0003_c)"]);
  const two = [step("shop", "0001_initial"), step("tracker", "0001_initial")];
  assert.equal(stepMessage(two, 1), "2 of 2 (tracker.0001_initial)");
  assert.equal(stepMessage([step("shop", "0002_b", true)], 0), "1 of 1 (unapplying 0002_b)");
});
