/**
 * A deliberate difference from Django 3.2 (docs/migrations.md, "SQLite: no
 * rebuild of a table created in the same migration"): Django's SQLite
 * `add_constraint` always copies the table (`_remake_table`: CREATE TABLE
 * "new__t", INSERT ... SELECT, DROP TABLE, ALTER TABLE RENAME). A table
 * created earlier in the same migration holds no rows yet, so tsmigrate
 * drops it and creates it again with its constraints inline. The table made
 * must be the one Django's copy makes: here, every sqlite_master row equals
 * the rows of the copying path (the constraints added in a later migration,
 * which tsmigrate still rebuilds as Django does); test/django/ compares with
 * Django itself (history 19 creates a model with constraints and indexes).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import Database from "better-sqlite3";
import { Migration } from "../../server/src/engine/migration";
import { AddConstraint, AddField, AddIndex, CreateModel, RunSQL } from "../../server/src/engine/operations";
import type { Operation } from "../../server/src/engine/operations/base";
import { ProjectState } from "../../server/src/engine/state";
import { autoId, collect, f, Q } from "./fixtures";

const create = (): Operation[] => [
  new CreateModel("Category", [autoId(), ["name", f("CharField", { maxLength: 50 })]]),
  new CreateModel("Product", [
    autoId(),
    ["name", f("CharField", { maxLength: 100 })],
    ["price", f("IntegerField", { default: 0 })],
    ["category", f("ForeignKey", { to: "shop.category", onDelete: "CASCADE" })],
  ]),
];

const constrain = (): Operation[] => [
  new AddIndex("product", { name: "product_name_idx", fields: ["name"] }),
  new AddConstraint("product", { kind: "CheckConstraint", name: "price_gte_0", check: Q({ price__gte: 0 }) }),
  new AddConstraint("product", { kind: "UniqueConstraint", name: "uniq_name_category", fields: ["name", "category"] }),
];

/** Each migration's statements, migrations applied in order with one editor each. */
function sqlOf(...migrations: Migration[]): string[][] {
  const state = new ProjectState();
  return migrations.map((m) => {
    const { sql, editor } = collect();
    m.apply(state, editor);
    return sql;
  });
}

/** sqlite_master after running `statements` on an empty database, as Django's migrate runs them (foreign keys off). */
function schemaAfter(statements: readonly string[]): unknown[] {
  const db = new Database(":memory:");
  try {
    db.pragma("foreign_keys = OFF");
    for (const sql of statements) db.exec(sql);
    return db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").all();
  } finally {
    db.close();
  }
}

describe("SQLite: a table created in the same migration is not rebuilt for a constraint", () => {
  test("constraints go into the table's CREATE TABLE: no copy, the same schema as the rebuild makes", () => {
    const [together] = sqlOf(new Migration("shop", "0001_initial", { operations: [...create(), ...constrain()] }));
    assert.equal(together!.some((s) => s.includes("new__")), false, together!.join("\n"));
    assert.equal(together!.filter((s) => s === 'DROP TABLE "shop_product"').length, 2, "once per constraint");
    const last = together!.filter((s) => s.startsWith('CREATE TABLE "shop_product"')).pop()!;
    assert.match(last, /CONSTRAINT "price_gte_0" CHECK \("price" >= 0\), CONSTRAINT "uniq_name_category" UNIQUE \("name", "category_id"\)\)$/);

    // The copying path (Django's, and tsmigrate's for a table that may hold rows): constraints in a second migration.
    const apart = sqlOf(
      new Migration("shop", "0001_initial", { operations: create() }),
      new Migration("shop", "0002_constraints", { operations: constrain() }),
    );
    assert.equal(apart[1]!.some((s) => s.startsWith('ALTER TABLE "new__shop_product" RENAME TO')), true);
    assert.deepEqual(schemaAfter(together!), schemaAfter(apart.flat()));
  });

  test("a NOT NULL foreign key added to a table created in the same migration: recreated, the schema the copy makes", () => {
    const fk = () => new AddField("category", "featured", f("ForeignKey", { to: "shop.product", onDelete: "CASCADE" }));
    const [together] = sqlOf(new Migration("shop", "0001_initial", { operations: [...create(), fk()] }));
    assert.equal(together!.some((s) => s.includes("new__")), false, together!.join("\n"));
    const apart = sqlOf(
      new Migration("shop", "0001_initial", { operations: create() }),
      new Migration("shop", "0002_featured", { operations: [fk()] }),
    );
    assert.equal(apart[1]!.some((s) => s.startsWith('INSERT INTO "new__shop_category"')), true, apart[1]!.join("\n"));
    assert.deepEqual(schemaAfter(together!), schemaAfter(apart.flat()));
  });

  test("a nullable column added to a table created in the same migration: recreated, not ADD COLUMN (which re-reads the whole schema)", () => {
    const note = () => new AddField("category", "note", f("TextField", { null: true }));
    const [together] = sqlOf(new Migration("shop", "0001_initial", { operations: [...create(), note()] }));
    assert.equal(together!.some((s) => s.includes("ADD COLUMN")), false, together!.join("\n"));
    assert.equal(together!.filter((s) => s === 'DROP TABLE "shop_category"').length, 1, together!.join("\n"));
    const apart = sqlOf(
      new Migration("shop", "0001_initial", { operations: create() }),
      new Migration("shop", "0002_note", { operations: [note()] }),
    );
    assert.deepEqual(apart[1], ['ALTER TABLE "shop_category" ADD COLUMN "note" text NULL'], "a table that may hold rows: ADD COLUMN");
    assert.deepEqual(schemaAfter(together!), schemaAfter(apart.flat()));
  });

  test("after RunSQL (which may insert rows) the table is copied, as Django does", () => {
    const ops = [...create(), new RunSQL("INSERT INTO shop_category (name) VALUES ('x')"), ...constrain()];
    const [sql] = sqlOf(new Migration("shop", "0001_initial", { operations: ops }));
    assert.equal(sql!.some((s) => s.startsWith('INSERT INTO "new__shop_product"')), true, sql!.join("\n"));
    assert.equal(sql!.includes('DROP TABLE "shop_product"'), true);
  });
});
