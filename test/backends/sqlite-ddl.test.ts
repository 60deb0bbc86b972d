/**
 * The SQLite editor's DDL compared with Django 3.2's: expected statements
 * below were printed by Django 3.2's `sqlmigrate` (SQLite backend,
 * DEFAULT_AUTO_FIELD = BigAutoField) for the equivalent Django models and
 * migrations, and pasted here unchanged.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Migration } from "../../server/src/engine/migration";
import {
  AddConstraint, AddField, AddIndex, AlterField, AlterUniqueTogether, CreateModel, DeleteModel, RemoveConstraint, RemoveIndex,
} from "../../server/src/engine/operations";
import { ProjectState } from "../../server/src/engine/state";
import { DJANGO_SHOP_0001 } from "./django-expected";
import { autoId, collect, f, model, Q, shopState } from "./fixtures";

/** Our statements with the product's deliberate differences from Django (column DEFAULT, ON DELETE) taken out. */
function withoutProductExtras(sql: string): string {
  return sql
    .replace(/ DEFAULT (CURRENT_TIMESTAMP|CURRENT_DATE|CURRENT_TIME|NULL|'(?:[^']|'')*'|-?[0-9.]+)/g, "")
    .replace(/ ON DELETE (CASCADE|SET NULL|SET DEFAULT|RESTRICT)/g, "");
}

/** Applies migrations in order to `state` with one editor per migration; returns each migration's statements. */
function sqlOf(state: ProjectState, ...migrations: Migration[]): string[][] {
  return migrations.map((m) => {
    const { sql, editor } = collect();
    m.apply(state, editor);
    return sql;
  });
}

describe("CREATE TABLE and indexes match Django 3.2 sqlmigrate", () => {
  test("every field type, FK flavours, M2M (self too), Meta indexes, constraints, together options", () => {
    const state = shopState();
    const { sql, editor } = collect();
    for (const m of state.models.values()) editor.createModel(m, state);
    editor.flush();
    assert.deepEqual(sql.map(withoutProductExtras), DJANGO_SHOP_0001);
  });

  test("the deliberate differences: DEFAULTs and ON DELETE actions, where Django writes none", () => {
    const state = shopState();
    const { sql, editor } = collect();
    for (const m of state.models.values()) editor.createModel(m, state);
    editor.flush();
    const product = sql.find((s) => s.startsWith('CREATE TABLE "shop_product" '))!;
    assert.match(product, /"stock" integer DEFAULT 0 NOT NULL,/);
    assert.match(product, /"active" bool DEFAULT 1 NOT NULL,/);
    assert.match(product, /"created" datetime DEFAULT CURRENT_TIMESTAMP NOT NULL,/);
    assert.match(product, /"category_id" bigint NULL REFERENCES "shop_category" \("id"\) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED/);
    const ref = sql.find((s) => s.startsWith('CREATE TABLE "shop_ref" '))!;
    assert.match(ref, /"item_id" varchar\(10\) NOT NULL REFERENCES "shop_item" \("code"\) ON DELETE RESTRICT DEFERRABLE/);
    assert.match(ref, /"pos_id" integer NOT NULL REFERENCES "shop_pospk" \("id"\) DEFERRABLE/, "DO_NOTHING is SQLite's default NO ACTION");
    assert.match(ref, /"small_id" smallint NOT NULL, /, "dbConstraint: false has no REFERENCES");
    const node = sql.find((s) => s.startsWith('CREATE TABLE "shop_node" '))!;
    assert.match(node, /REFERENCES "shop_node" \("id"\) ON DELETE SET NULL DEFERRABLE/);
    const join = sql.find((s) => s.startsWith('CREATE TABLE "shop_product_tags" '))!;
    assert.match(join, /"product_id" bigint NOT NULL REFERENCES "shop_product" \("id"\) ON DELETE CASCADE DEFERRABLE/);
  });

  test("defaults of each kind become literals as Django would store them", () => {
    const m = new ProjectState([model("t", "D", [
        ["dec", f("DecimalField", { maxDigits: 6, decimalPlaces: 2, default: 1.5 })],
        ["fl", f("FloatField", { default: 2 })],
        ["txt", f("CharField", { maxLength: 5, default: "it's" })],
        ["js", f("JSONField", { default: { a: [1, "é"] } })],
        ["u", f("UUIDField", { default: "12345678-1234-5678-1234-567812345678" })],
        ["no", f("BooleanField", { default: false })],
        ["nul", f("IntegerField", { null: true, default: null })],
        ["day", f("DateField", { autoNow: true })],
        ["at", f("TimeField", { autoNowAdd: true })],
    ])]);
    const { sql, editor } = collect();
    editor.createModel(m.require("t", "D"), m);
    assert.equal(sql[0], 'CREATE TABLE "t_d" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, '
      + `"dec" decimal DEFAULT '1.50' NOT NULL, "fl" real DEFAULT 2.0 NOT NULL, "txt" varchar(5) DEFAULT 'it''s' NOT NULL, `
      + `"js" text DEFAULT '{"a": [1, "\\u00e9"]}' NOT NULL CHECK ((JSON_VALID("js") OR "js" IS NULL)), `
      + `"u" char(32) DEFAULT '12345678123456781234567812345678' NOT NULL, "no" bool DEFAULT 0 NOT NULL, "nul" integer DEFAULT NULL NULL, `
      + '"day" date DEFAULT CURRENT_DATE NOT NULL, "at" time DEFAULT CURRENT_TIME NOT NULL)');
  });
});

describe("migrations match Django 3.2 sqlmigrate", () => {
  const initial = () => new Migration("lib2", "0001_initial", {
    operations: [
      new CreateModel("Author", [autoId(), ["name", f("CharField", { maxLength: 50 })]]),
      new CreateModel("Book", [
        autoId(),
        ["title", f("CharField", { maxLength: 100 })],
        ["author", f("ForeignKey", { to: "lib2.author", onDelete: "DO_NOTHING" })],
        ["pages", f("IntegerField", { null: true })],
      ]),
    ],
  });

  test("0001: two models and the FK index", () => {
    const [sql] = sqlOf(new ProjectState(), initial());
    // From Django 3.2 sqlmigrate lib2 0001.
    assert.deepEqual(sql, [
      'CREATE TABLE "lib2_author" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "name" varchar(50) NOT NULL)',
      'CREATE TABLE "lib2_book" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "title" varchar(100) NOT NULL, "author_id" bigint NOT NULL REFERENCES "lib2_author" ("id") DEFERRABLE INITIALLY DEFERRED, "pages" integer NULL)',
      'CREATE INDEX "lib2_book_author_id_9baf1dbb" ON "lib2_book" ("author_id")',
    ]);
  });

  test("0002: NULL to NOT NULL with a one-off default rebuilds with coalesce and keeps no DEFAULT", () => {
    const alter = new Migration("lib2", "0002_alter", {
      operations: [new AlterField("book", "pages", f("IntegerField", { default: 0 }), false)],
    });
    const [, sql] = sqlOf(new ProjectState(), initial(), alter);
    // From Django 3.2 sqlmigrate lib2 0002. Django's CREATE TABLE lists "pages" second (a quirk of
    // field creation order in its rebuild); ours keeps the model's order, so that one is compared by columns.
    const django = [
      'CREATE TABLE "new__lib2_book" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "pages" integer NOT NULL, "title" varchar(100) NOT NULL, "author_id" bigint NOT NULL REFERENCES "lib2_author" ("id") DEFERRABLE INITIALLY DEFERRED)',
      'INSERT INTO "new__lib2_book" ("id", "title", "author_id", "pages") SELECT "id", "title", "author_id", coalesce("pages", 0) FROM "lib2_book"',
      'DROP TABLE "lib2_book"',
      'ALTER TABLE "new__lib2_book" RENAME TO "lib2_book"',
      'CREATE INDEX "lib2_book_author_id_9baf1dbb" ON "lib2_book" ("author_id")',
    ];
    assert.equal(sql!.length, django.length);
    const columns = (s: string) => s.slice(s.indexOf("(") + 1, -1).split(/, (?=")/).sort();
    assert.deepEqual(columns(sql![0]!), columns(django[0]!));
    assert.deepEqual(sql!.slice(1), django.slice(1));
  });

  test("0003: M2M join table, unique_together, index and conditional unique constraint added and removed", () => {
    const m3 = new Migration("lib2", "0003_m2m", {
      operations: [
        new AddField("book", "tags", f("ManyToManyField", { to: "lib2.author", relatedName: "tagged", dbConstraint: false })),
        new AlterUniqueTogether("book", [["title", "pages"]]),
        new AddIndex("book", { name: "pages_idx", fields: ["-pages", "title"] }),
        new RemoveIndex("book", "pages_idx"),
        new AddConstraint("book", { kind: "UniqueConstraint", name: "uniq_long_title", fields: ["title"], condition: Q({ pages__gt: 10 }) }),
        new RemoveConstraint("book", "uniq_long_title"),
      ],
    });
    const alter = new Migration("lib2", "0002_alter", {
      operations: [new AlterField("book", "pages", f("IntegerField", { default: 0 }), false)],
    });
    const drop = new Migration("lib2", "0004_delete", { operations: [new DeleteModel("Book")] });
    const [, , sql, del] = sqlOf(new ProjectState(), initial(), alter, m3, drop);
    // From Django 3.2 sqlmigrate lib2 0003.
    assert.deepEqual(sql, [
      'CREATE TABLE "lib2_book_tags" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "book_id" bigint NOT NULL, "author_id" bigint NOT NULL)',
      'CREATE UNIQUE INDEX "lib2_book_title_pages_62d02c06_uniq" ON "lib2_book" ("title", "pages")',
      'CREATE INDEX "pages_idx" ON "lib2_book" ("pages" DESC, "title")',
      'DROP INDEX "pages_idx"',
      'CREATE UNIQUE INDEX "uniq_long_title" ON "lib2_book" ("title") WHERE "pages" > 10',
      'DROP INDEX "uniq_long_title"',
      'CREATE UNIQUE INDEX "lib2_book_tags_book_id_author_id_156814c1_uniq" ON "lib2_book_tags" ("book_id", "author_id")',
      'CREATE INDEX "lib2_book_tags_book_id_1e9dc41d" ON "lib2_book_tags" ("book_id")',
      'CREATE INDEX "lib2_book_tags_author_id_71cd3125" ON "lib2_book_tags" ("author_id")',
    ]);
    // From Django 3.2 sqlmigrate lib2 0004 (DeleteModel drops the join table first).
    assert.deepEqual(del, ['DROP TABLE "lib2_book_tags"', 'DROP TABLE "lib2_book"']);
  });
});
