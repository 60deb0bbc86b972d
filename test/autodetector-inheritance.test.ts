// The autodetector on model inheritance (Django 3.2's generate_created_models
// bases dependencies, generate_created_proxies / generate_deleted_proxies,
// the proxy -> concrete "fix relationships" AlterField) and the changes it
// refuses (a parent changed, a referenced model turned into a proxy). The
// migrations Django writes for the same models are compared by histories 25-27.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { errorsOf } from "./errors-of";
import type { CreateModel } from "../server/src/engine/operations/index";
import { ProjectState } from "../server/src/engine/state";
import { assertReaches, detect, modelsState, summary } from "./autodetector-helpers";

const EMPTY = new ProjectState();
const ITEM = `export class Item extends models.Model { name = models.CharField({ maxLength: 50 }); }\n`;

describe("autodetector: model inheritance", () => {
  it("a child in another app depends on its parent's migration; a proxy gets fields=[] and bases", async () => {
    const to = modelsState({
      shop: ITEM,
      extra: `import { Item } from "../shop/models";
export class Book extends Item { isbn = models.CharField({ maxLength: 13 }); }
export class Cheap extends Book { static Meta = { proxy: true, ordering: ["isbn"] }; }`,
    });
    const changes = await detect(EMPTY, to);
    assert.deepEqual(summary(changes).extra, [{
      name: "0001_initial", dependencies: ["shop.0001_initial"],
      operations: ["Create model Book", "Create proxy model Cheap"],
    }]);
    const [book, cheap] = changes.get("extra")![0]!.operations as CreateModel[];
    assert.deepEqual(book!.fields.map(([n]) => n), ["item_ptr", "isbn"]);
    assert.deepEqual(book!.bases, ["shop.item"]);
    assert.deepEqual(cheap!.fields, []);
    assert.deepEqual(cheap!.options, { ordering: ["isbn"], proxy: true });
    assert.deepEqual(cheap!.bases, ["extra.book"]);
    assertReaches(EMPTY, to, changes);
  });

  it("a proxy deleted after the relations to it; a proxy made concrete: DeleteModel, CreateModel, then AlterField of its relations", async () => {
    const from = modelsState({ shop: ITEM + `export class Old extends Item { static Meta = { proxy: true }; }
export class Sale extends Item { static Meta = { proxy: true }; }
export class Tag extends models.Model {
  sale = models.ForeignKey(Sale, { onDelete: models.CASCADE, relatedName: "+" });
  old = models.ForeignKey(Old, { onDelete: models.CASCADE });
}` });
    const to = modelsState({ shop: ITEM + `export class Old extends Item { note = models.TextField({ default: "" }); }
export class Tag extends models.Model {
  old = models.ForeignKey(Old, { onDelete: models.CASCADE });
}` });
    const changes = await detect(from, to, undefined, { shop: "0001_initial" });
    assert.deepEqual(summary(changes).shop![0]!.operations, [
      "Delete model Old", "Remove field sale from tag", "Create model Old", "Delete model Sale", "Alter field old on tag",
    ]);
    assertReaches(from, to, changes);
  });

  it("a parent added to an existing model, or a referenced model made a proxy: an error, nothing detected", async () => {
    const from = modelsState({ shop: ITEM + `export class Book extends models.Model { isbn = models.CharField({ maxLength: 13 }); }
export class Tag extends models.Model { book = models.ForeignKey(Book, { onDelete: models.CASCADE }); }` });
    const reparented = modelsState({ shop: ITEM + `export class Book extends Item { isbn = models.CharField({ maxLength: 13 }); }
export class Tag extends models.Model { book = models.ForeignKey(Book, { onDelete: models.CASCADE }); }` });
    const [e1] = await errorsOfAsync(() => detect(from, reparented, undefined, { shop: "0001_initial" }));
    assert.equal(e1!.code, "inheritance-change");
    assert.match(e1!.message, /shop\.Book \(extends models\.Model in the migrations, shop\.item in the models\)/);
    const proxied = modelsState({ shop: ITEM + `export class Book extends Item { static Meta = { proxy: true }; }
export class Tag extends models.Model { book = models.ForeignKey(Book, { onDelete: models.CASCADE }); }` });
    const [e2] = await errorsOfAsync(() => detect(from, proxied, undefined, { shop: "0001_initial" }));
    assert.match(e2!.message, /shop\.book becomes a proxy model while shop\.tag\.book points at it/);
  });
});

async function errorsOfAsync(fn: () => Promise<unknown>): Promise<ReturnType<typeof errorsOf>> {
  try {
    await fn();
  } catch (e) {
    return errorsOf(() => {
      throw e;
    });
  }
  assert.fail("expected an error");
}
