// ProjectState: clone, fork (an O(1) layer over a base) and absorb (folding
// a fork back), as the executor uses them once per operation.
import assert from "node:assert/strict";
import { test } from "node:test";
import { makeField, ModelState, ProjectState } from "../server/src/engine/state";

const model = (name: string, fields: string[] = []) =>
  new ModelState("shop", name, fields.map((f) => [f, makeField("IntegerField", {})] as const));

test("a fork reads through to its base, keeps its own writes and removals, and leaves the base alone", () => {
  const base = new ProjectState([model("A"), model("B")]);
  const fork = base.fork();
  fork.put(model("A", ["x"]));
  fork.put(model("C"));
  fork.remove("shop", "B");
  assert.deepEqual([...fork.get("shop", "a")!.fields.keys()], ["x"]);
  assert.equal(fork.get("shop", "b"), undefined);
  assert.ok(fork.resolve("shop.c"));
  assert.deepEqual([...base.models.keys()], ["shop.a", "shop.b"]);
  assert.deepEqual([...base.get("shop", "a")!.fields.keys()], []);
  assert.deepEqual([...fork.models.keys()].sort(), ["shop.a", "shop.c"]);
});

test("absorb folds a fork's changes into its base; the fork then follows the base", () => {
  const base = new ProjectState([model("A"), model("B")]);
  const fork = base.fork();
  fork.put(model("A", ["x"]));
  fork.remove("shop", "B");
  base.absorb(fork);
  assert.deepEqual([...base.models.keys()], ["shop.a"]);
  assert.deepEqual([...base.get("shop", "a")!.fields.keys()], ["x"]);
  base.put(model("D"));
  assert.ok(fork.get("shop", "d"), "the absorbed fork sees later changes of its base");
  assert.deepEqual([...fork.get("shop", "a")!.fields.keys()], ["x"]);
});

test("absorb of a flattened fork and of a fork of a fork", () => {
  const base = new ProjectState([model("A")]);
  const fork = base.fork();
  fork.put(model("B"));
  assert.equal(fork.models.size, 2); // flattens
  base.absorb(fork);
  assert.deepEqual([...base.models.keys()], ["shop.a", "shop.b"]);

  const mid = base.fork();
  const top = mid.fork();
  top.remove("shop", "A");
  assert.ok(mid.get("shop", "a"));
  mid.absorb(top);
  assert.equal(mid.get("shop", "a"), undefined, "a removal in a fork of a fork stays a removal");
  assert.ok(base.get("shop", "a"), "the root is untouched");
  base.absorb(mid);
  assert.deepEqual([...base.models.keys()], ["shop.b"]);
});

test("clone is independent of the original", () => {
  const a = new ProjectState([model("A")]);
  const b = a.clone();
  b.remove("shop", "A");
  assert.ok(a.get("shop", "a"));
  assert.equal(b.models.size, 0);
});
