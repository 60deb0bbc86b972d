import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Operation } from "../server/src/engine/operations/base";
import {
  AddField, AddIndex, AlterField, AlterModelOptions, AlterModelTable, AlterUniqueTogether, CreateModel, DeleteModel,
  RemoveField, RemoveIndex, RenameField, RenameModel, RunSQL,
} from "../server/src/engine/operations/index";
import { optimize } from "../server/src/engine/optimizer";
import { type FieldState, makeField } from "../server/src/engine/state";
import { valueKey } from "../server/src/engine/values";

const id = makeField("BigAutoField", { autoCreated: true, primaryKey: true, serialize: false, verboseName: "ID" });
const int = (opts: Record<string, number> = {}) => makeField("IntegerField", opts);
const char = makeField("CharField", { maxLength: 10 });
const fk = (to: string) => makeField("ForeignKey", { to, onDelete: "CASCADE" });

/** Django's MigrationOptimizer, line by line (the reference). */
function djangoOptimize(operations: Operation[], app: string): Operation[] {
  for (;;) {
    const result = djangoInner(operations, app);
    if (result.length === operations.length && result.every((o, i) => o === operations[i])) return result;
    operations = result;
  }
}
function djangoInner(ops: Operation[], app: string): Operation[] {
  const out: Operation[] = [];
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    let right = true;
    let broke = false;
    for (let j = i + 1; j < ops.length; j++) {
      const other = ops[j]!;
      const r = op.reduce(other, app);
      if (Array.isArray(r)) {
        const between = ops.slice(i + 1, j);
        if (right) out.push(...between, ...r);
        else if (between.every((b) => b.reduce(other, app) === true)) out.push(...r, ...between);
        else {
          out.push(op);
          broke = true;
          break;
        }
        out.push(...ops.slice(j + 1));
        return out;
      } else if (!r) {
        right = false;
      }
    }
    if (!broke) out.push(op);
  }
  return out;
}

const show = (ops: readonly Operation[]) => ops.map((o) => valueKey(o.deconstruct() as never));

function assertOptimizesTo(ops: Operation[], expected: Operation[]): void {
  assert.deepEqual(show(optimize(ops, "app")), show(expected));
  assert.deepEqual(show(djangoOptimize(ops, "app")), show(expected), "the Django reference disagrees with the expectation");
}

describe("optimizer: Django's reductions", () => {
  it("folds AddField into CreateModel", () => {
    assertOptimizesTo(
      [new CreateModel("Foo", [["id", id]]), new AddField("foo", "age", int())],
      [new CreateModel("Foo", [["id", id], ["age", int()]])],
    );
  });

  it("cancels CreateModel + DeleteModel", () => {
    assertOptimizesTo([new CreateModel("Foo", [["id", id]]), new DeleteModel("Foo")], []);
  });

  it("folds AddField + AlterField, cancels AddField + RemoveField", () => {
    assertOptimizesTo(
      [new AddField("foo", "age", int()), new AlterField("foo", "age", int({ default: 1 }))],
      [new AddField("foo", "age", int({ default: 1 }))],
    );
    assertOptimizesTo([new AddField("foo", "age", int()), new RemoveField("foo", "age")], []);
  });

  it("keeps a one-off default out of a permanent one (Django #26223)", () => {
    const ops = [new AddField("foo", "age", int({ default: 3 }), false), new AlterField("foo", "age", int())];
    assert.equal(optimize(ops, "app").length, 2);
    const folded = optimize([new CreateModel("Foo", [["id", id]]), new AddField("foo", "age", int({ default: 3 }), false)], "app");
    assert.equal(folded.length, 1);
    assert.deepEqual((folded[0] as CreateModel).fields.map(([n, f]) => [n, f.options.default]), [["id", undefined], ["age", undefined]]);
  });

  it("chains RenameField and folds it into CreateModel", () => {
    assertOptimizesTo(
      [new RenameField("foo", "a", "b"), new RenameField("foo", "b", "c")],
      [new RenameField("foo", "a", "c")],
    );
    assertOptimizesTo(
      [new CreateModel("Foo", [["id", id], ["a", char]]), new RenameField("foo", "a", "b")],
      [new CreateModel("Foo", [["id", id], ["b", char]])],
    );
  });

  it("AlterField + RemoveField is RemoveField; RemoveField + DeleteModel is DeleteModel", () => {
    assertOptimizesTo([new AlterField("foo", "a", char), new RemoveField("foo", "a")], [new RemoveField("foo", "a")]);
    assertOptimizesTo([new RemoveField("foo", "a"), new DeleteModel("Foo")], [new DeleteModel("Foo")]);
  });

  it("folds RenameModel, options and unique_together into CreateModel", () => {
    assertOptimizesTo(
      [
        new CreateModel("Foo", [["id", id], ["a", char]]),
        new RenameModel("Foo", "Bar"),
        new AlterModelOptions("bar", { ordering: ["a"] }),
        new AlterUniqueTogether("bar", [["id", "a"]]),
      ],
      [new CreateModel("Bar", [["id", id], ["a", char]], { ordering: ["a"], uniqueTogether: [["id", "a"]] })],
    );
  });

  it("moves an FK AddField back into its CreateModel across unrelated models (left reduction)", () => {
    const ops = [
      new CreateModel("A", [["id", id]]),
      new CreateModel("B", [["id", id]]),
      new AddField("b", "a", fk("app.a")),
      new AddField("a", "b", fk("app.b")),
    ];
    const out = optimize(ops, "app");
    assert.deepEqual(show(out), show(djangoOptimize(ops, "app")));
    assert.equal(out.length, 3); // the cycle keeps one AddField outside
  });

  it("does not optimize across RunSQL", () => {
    const ops = [new CreateModel("Foo", [["id", id]]), new RunSQL("SELECT 1"), new AddField("foo", "age", int())];
    assert.equal(optimize(ops, "app").length, 3);
  });

  it("drops elidable operations", () => {
    const ops = [new CreateModel("Foo", [["id", id]]), new RunSQL("SELECT 1", undefined, [], true), new AddField("foo", "age", int())];
    assertOptimizesTo(ops, [new CreateModel("Foo", [["id", id], ["age", int()]])]);
  });

  it("cancels AddIndex + RemoveIndex of the same index (Django 4.2)", () => {
    assertOptimizesTo([new AddIndex("foo", { name: "foo_a_idx", fields: ["a"] }), new RemoveIndex("foo", "foo_a_idx")], []);
  });
});

/* ------------------------------------------------------------- random ops */

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function randomOps(rand: () => number, n: number): Operation[] {
  const models = ["A", "B", "C", "D"];
  const fields = ["x", "y", "z"];
  const pick = <T>(a: readonly T[]) => a[Math.floor(rand() * a.length)]!;
  const field = (): FieldState => (rand() < 0.4 ? fk(`app.${pick(models).toLowerCase()}`) : rand() < 0.5 ? char : int());
  const ops: Operation[] = [];
  for (let i = 0; i < n; i++) {
    const m = pick(models);
    const k = rand();
    if (k < 0.18) {
      const fs: [string, FieldState][] = [["id", id]];
      if (rand() < 0.5) fs.push([pick(fields), field()]);
      ops.push(new CreateModel(m, fs));
    } else if (k < 0.38) ops.push(new AddField(m.toLowerCase(), pick(fields), field(), rand() < 0.9));
    else if (k < 0.48) ops.push(new AlterField(m.toLowerCase(), pick(fields), field(), rand() < 0.9));
    else if (k < 0.56) ops.push(new RemoveField(m.toLowerCase(), pick(fields)));
    else if (k < 0.63) ops.push(new RenameField(m.toLowerCase(), pick(fields), pick(fields)));
    else if (k < 0.69) ops.push(new DeleteModel(m));
    else if (k < 0.74) ops.push(new RenameModel(m, pick(models)));
    else if (k < 0.79) ops.push(new AlterModelOptions(m.toLowerCase(), { ordering: [pick(fields)] }));
    else if (k < 0.83) ops.push(new AlterUniqueTogether(m.toLowerCase(), rand() < 0.5 ? null : [[pick(fields), pick(fields)]]));
    else if (k < 0.86) ops.push(new AlterModelTable(m.toLowerCase(), rand() < 0.5 ? null : `t_${m}`));
    else if (k < 0.9) ops.push(new AddIndex(m.toLowerCase(), { name: `i_${pick(fields)}`, fields: [pick(fields)] }));
    else if (k < 0.93) ops.push(new RemoveIndex(m.toLowerCase(), `i_${pick(fields)}`));
    else ops.push(new RunSQL("SELECT 1", undefined, [], rand() < 0.5));
  }
  return ops;
}

describe("optimizer: same result as Django's loop", () => {
  it("on 3000 random operation lists", () => {
    const rand = rng(42);
    for (let t = 0; t < 3000; t++) {
      const ops = randomOps(rand, 2 + Math.floor(rand() * 18));
      const ours = show(optimize(ops, "app"));
      const django = show(djangoOptimize(ops, "app"));
      assert.deepEqual(ours, django, `case ${t}:\n${show(ops).join("\n")}`);
    }
  });

  it("on an FK chain of 300 models (CreateModel + AddField each)", () => {
    const ops: Operation[] = [];
    for (let i = 0; i < 300; i++) ops.push(new CreateModel(`M${i}`, [["id", id]]));
    for (let i = 299; i >= 1; i--) ops.push(new AddField(`m${i}`, "prev", fk(`app.m${i - 1}`)));
    const out = optimize(ops, "app");
    assert.equal(out.length, 300);
    assert.ok(out.every((o) => o.kind === "CreateModel"));
    const first100 = ops.filter((o) => !(o instanceof CreateModel) || Number(o.name.slice(1)) < 100)
      .filter((o) => !(o instanceof AddField) || Number(o.modelName.slice(1)) < 100);
    assert.deepEqual(show(optimize(first100, "app")), show(djangoOptimize(first100, "app")));
  });
});
