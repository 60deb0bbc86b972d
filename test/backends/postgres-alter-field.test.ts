/**
 * PostgreSQL AlterField cases found by the property test: the `_like` index
 * (varchar_pattern_ops / text_pattern_ops) of an indexed or unique
 * varchar/text column follows type changes, and a DEFAULT of the old type
 * does not stop a type change. The SQL of the PostgreSQL schema editor, no
 * server needed (the property test runs it on one).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { postgresSchemaEditor } from "../../server/src/engine/backends/postgresql/base";
import { Migration } from "../../server/src/engine/migration";
import { AlterField, CreateModel, RenameModel } from "../../server/src/engine/operations";
import { ProjectState } from "../../server/src/engine/state";
import { autoId, f } from "./fixtures";

/** The statements of AlterField `from` -> `to` of field "code" on lib.item (whose state starts with `from`). */
function alterSql(from: ReturnType<typeof f>, to: ReturnType<typeof f>): string[] {
  const state = new ProjectState();
  new Migration("lib", "m1", { operations: [new CreateModel("Item", [autoId(), ["code", from]])] }).apply(state, postgresSchemaEditor(() => undefined));
  const sql: string[] = [];
  new Migration("lib", "m2", { operations: [new AlterField("item", "code", to)] }).apply(state, postgresSchemaEditor((s) => sql.push(s)));
  return sql;
}

const like = (sql: string[]) => sql.filter((s) => /_like/.test(s));

test("an indexed integer made an indexed CharField gets its _like index (found by the property test; Django 3.2 misses it)", () => {
  const sql = alterSql(f("IntegerField", { dbIndex: true }), f("CharField", { maxLength: 10, dbIndex: true }));
  assert.deepEqual(like(sql).map((s) => s.replace(/_[0-9a-f]{8}_like/, "_H_like")), ['CREATE INDEX "lib_item_code_H_like" ON "lib_item" ("code" varchar_pattern_ops)']);
});

test("and back: the _like index goes with the varchar type; an unchanged varchar keeps its index untouched", () => {
  const back = alterSql(f("CharField", { maxLength: 10, dbIndex: true }), f("IntegerField", { dbIndex: true }));
  assert.deepEqual(like(back).map((s) => s.replace(/_[0-9a-f]{8}_like/, "_H_like")), ['DROP INDEX IF EXISTS "lib_item_code_H_like"']);
  assert.deepEqual(like(alterSql(f("CharField", { maxLength: 10, dbIndex: true }), f("CharField", { maxLength: 20, dbIndex: true }))), []);
  const toText = like(alterSql(f("CharField", { maxLength: 10, unique: true }), f("TextField", { unique: true })));
  assert.equal(toText.length, 2, toText.join("\n"));
  assert.match(toText[1]!, /text_pattern_ops/);
});

test("a type change with a cast drops the old DEFAULT first and sets the model's after (found by the property test)", () => {
  const sql = alterSql(f("CharField", { maxLength: 20, default: "42" }), f("IntegerField", { default: 42 }));
  assert.deepEqual(sql, [
    'ALTER TABLE "lib_item" ALTER COLUMN "code" DROP DEFAULT',
    'ALTER TABLE "lib_item" ALTER COLUMN "code" TYPE integer USING "code"::integer',
    'ALTER TABLE "lib_item" ALTER COLUMN "code" SET DEFAULT 42',
  ]);
  const noDefault = alterSql(f("CharField", { maxLength: 20, default: "42" }), f("IntegerField", {}));
  assert.deepEqual(noDefault.slice(0, 2), sql.slice(0, 2));
  assert.equal(noDefault.length, 2, noDefault.join("\n"));
  const sameBase = alterSql(f("CharField", { maxLength: 20, default: "42" }), f("CharField", { maxLength: 40, default: "42" }));
  assert.deepEqual(sameBase, ['ALTER TABLE "lib_item" ALTER COLUMN "code" TYPE varchar(40)'], "no cast: the DEFAULT stays");
});

test("RenameModel of a model referencing itself drops the old foreign key on the renamed table, and back (found by the property test)", () => {
  const state = new ProjectState();
  const node = new CreateModel("Node", [autoId(), ["parent", f("ForeignKey", { to: "lib.node", onDelete: "SET_NULL", null: true })]]);
  new Migration("lib", "m1", { operations: [node] }).apply(state, postgresSchemaEditor(() => undefined));
  const before = state.clone();
  const rename = new Migration("lib", "m2", { operations: [new RenameModel("Node", "Tree")] });
  const sql: string[] = [];
  rename.apply(state, postgresSchemaEditor((s) => sql.push(s)));
  const h = (s: string) => s.replace(/_[0-9a-f]{8}_fk_/g, "_H_fk_");
  assert.equal(h(sql[0]!), 'ALTER TABLE "lib_node" RENAME TO "lib_tree"');
  assert.match(h(sql[1]!), /ALTER TABLE "lib_tree" DROP CONSTRAINT "lib_node_parent_id_H_fk_lib_node_id"$/);
  assert.ok(sql.slice(2).some((s) => /ADD CONSTRAINT "lib_tree_parent_id_[0-9a-f]{8}_fk_lib_tree_id"/.test(s)), sql.join("\n"));
  const back: string[] = [];
  rename.unapply(before, postgresSchemaEditor((s) => back.push(s)));
  assert.equal(h(back[0]!), 'ALTER TABLE "lib_tree" RENAME TO "lib_node"');
  assert.match(h(back[1]!), /ALTER TABLE "lib_node" DROP CONSTRAINT "lib_tree_parent_id_H_fk_lib_tree_id"$/);
});

test("RenameModel renames a join table, then its column's index under the name it was created with (found by the property test)", () => {
  const state = new ProjectState();
  const ops = [new CreateModel("Tag", [autoId()]), new CreateModel("Node", [autoId(), ["tags", f("ManyToManyField", { to: "lib.tag" })]])];
  new Migration("lib", "m1", { operations: ops }).apply(state, postgresSchemaEditor(() => undefined));
  const sql: string[] = [];
  new Migration("lib", "m2", { operations: [new RenameModel("Node", "Tree")] }).apply(state, postgresSchemaEditor((s) => sql.push(s)));
  const rename = sql.find((s) => s.startsWith("ALTER INDEX"))?.replace(/_[0-9a-f]{8}"/g, '_H"');
  assert.equal(rename, 'ALTER INDEX "lib_node_tags_node_id_H" RENAME TO "lib_tree_tags_tree_id_H"', sql.join("\n"));
});
