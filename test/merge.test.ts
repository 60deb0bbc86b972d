// mergeOverlaps: what two branches both touch, from the operations' own
// answers (target, provisions, references), for `makemigrations --merge`.
import assert from "node:assert/strict";
import { test } from "node:test";
import { MigrationGraph } from "../server/src/engine/graph";
import { mergeBranches, mergeOverlaps } from "../server/src/engine/merge";
import { Migration } from "../server/src/engine/migration";
import type { Operation } from "../server/src/engine/operations/base";
import {
  AddField, AddIndex, AlterField, AlterModelOptions, CreateModel, DeleteModel, RemoveIndex, RenameField,
} from "../server/src/engine/operations/index";
import { makeField } from "../server/src/engine/state";

const id = makeField("BigAutoField", { primaryKey: true });
const INITIAL = [
  new CreateModel("Category", [["id", id], ["name", makeField("CharField", { maxLength: 50 })]]),
  new CreateModel("Product", [["id", id], ["price", makeField("IntegerField", {})], ["name", makeField("CharField", { maxLength: 50 })]]),
];

/** The subjects both branches touch, for branches `a` and `b` on top of the initial migration. */
function overlaps(a: Operation[], b: Operation[]): string[] {
  const g = new MigrationGraph();
  g.addNode(new Migration("shop", "0001_initial", { operations: INITIAL }));
  for (const [name, ops] of [["0002_a", a], ["0002_b", b]] as const) {
    g.addNode(new Migration("shop", name, { operations: ops, dependencies: [["shop", "0001_initial"]] }));
    g.addDependency(["shop", name], ["shop", name], ["shop", "0001_initial"]);
  }
  const merge = mergeBranches(g, "shop", ["0002_a", "0002_b"]);
  assert.equal(merge.ancestor, "0001_initial");
  return mergeOverlaps(merge, g.makeState(["shop", "0001_initial"])).map((o) => o.subject);
}

const alterPrice = () => new AlterField("product", "price", makeField("IntegerField", { null: true }));

test("a rename on one branch and an alteration of the old name on the other", () => {
  assert.deepEqual(overlaps([new RenameField("product", "price", "cost")], [alterPrice()]), ["shop.product.price"]);
});

test("a deleted model and a foreign key to it", () => {
  const fk = new AddField("product", "category", makeField("ForeignKey", { to: "shop.category", onDelete: "CASCADE" }));
  assert.deepEqual(overlaps([new DeleteModel("Category")], [fk]), ["shop.category"]);
});

test("the same index added on one branch and removed on the other; Meta options on both", () => {
  const idx = new AddIndex("product", { name: "p_idx", fields: ["name"] });
  assert.deepEqual(overlaps([idx], [new RemoveIndex("product", "p_idx")]), ["shop.product (index p_idx)"]);
  assert.deepEqual(overlaps([new AlterModelOptions("product", { ordering: ["name"] })], [new AlterModelOptions("product", { verboseName: "item" })]),
    ["shop.product"]);
});

test("different fields, indexes and models do not overlap", () => {
  const weight = new AddField("product", "weight", makeField("IntegerField", { null: true }));
  assert.deepEqual(overlaps([weight, new AddIndex("product", { name: "a_idx", fields: ["name"] })],
    [alterPrice(), new AddIndex("product", { name: "b_idx", fields: ["price"] }), new AlterModelOptions("category", { ordering: ["name"] })]), []);
});
