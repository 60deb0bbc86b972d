/**
 * Hover on a field in models.ts (issue 13): its column as CREATE TABLE
 * writes it for the project's database and, when the field has changes not
 * in any migration, their SQL. test-fixtures/shop: `price` is in
 * 0001_initial, `stock` is not. The column is the very text of the model's
 * CREATE TABLE (the SQL compared with Django's elsewhere), on SQLite and on
 * PostgreSQL (hovers need no database: the workspace is untrusted), and on
 * SQLite the very text of Django 3.2's `column_sql` for the same fields.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { after, describe, test } from "node:test";
import { DJANGO_MISSING, PYTHON } from "../django/django-runner";
import { copyFixture, type LspClient, positionOf, removeDir, startServer } from "./harness";

/** Django 3.2's column SQL (`column_sql` and the type's suffix, as its `create_model` writes them) of test-fixtures/shop's Product on SQLite. */
const DJANGO_COLUMNS = `
import django, json
from django.conf import settings
settings.configure(DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}, INSTALLED_APPS=[])
django.setup()
from django.db import connection, models
class Product(models.Model):
    name = models.CharField(max_length=100, unique=True)
    price = models.DecimalField(max_digits=8, decimal_places=2)
    class Meta:
        app_label = "shop"
with connection.schema_editor(collect_sql=True) as editor:
    out = {}
    for f in Product._meta.local_fields:
        sql, _ = editor.column_sql(Product, f)
        suffix = connection.data_types_suffix.get(f.get_internal_type())
        out[f.name] = editor.quote_name(f.column) + " " + sql + (" " + suffix if suffix else "")
print(json.dumps(out))
`;

/** Field name → Django's column SQL (see DJANGO_COLUMNS). */
function djangoColumns(): Record<string, string> {
  const r = spawnSync(PYTHON, ["-c", DJANGO_COLUMNS], { encoding: "utf8" });
  if (r.error || /No module named '?django/.test(r.stderr ?? "")) throw new Error(`${DJANGO_MISSING} (${r.error?.message ?? r.stderr})`);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, string>;
}

const MODELS = "shop/models.ts";
const INITIAL = "shop/migrations/0001_initial.ts";
const dirs: string[] = [];
const clients: LspClient[] = [];
after(async () => {
  for (const c of clients) await c.stop();
  for (const d of dirs) removeDir(d);
});

/** A server on a copy of the shop fixture whose default database is `engine`; models.ts open. */
async function shop(engine: "sqlite" | "postgresql"): Promise<{ client: LspClient; text: string }> {
  const dir = copyFixture("shop");
  dirs.push(dir);
  if (engine === "postgresql") {
    writeFileSync(path.join(dir, "tsmigrate.config.json"), JSON.stringify({ apps: ["shop"], databases: { default: { engine, url: "postgres://u@127.0.0.1:1/none" } } }));
  }
  const { client } = await startServer({ root: dir, initializationOptions: { trusted: false } });
  clients.push(client);
  const text = readFileSync(path.join(dir, MODELS), "utf8");
  await client.open(MODELS, text);
  await client.waitForDiagnostics(MODELS, (d) => d.some((x) => x.code === "drift-add-field"), "stock's drift");
  return { client, text };
}

/** The hover over `word` on the line holding `line`. */
async function hoverAt(client: LspClient, text: string, line: string, word: string): Promise<string> {
  const at = positionOf(text, line, line.indexOf(word) + 1);
  const h = await client.hover(MODELS, at.line, at.character);
  assert.ok(h, `a hover over ${word}`);
  return h;
}

for (const [engine, price, stock] of [
  ["sqlite", '"price" decimal NOT NULL', '"stock" integer DEFAULT 0 NOT NULL'],
  ["postgresql", '"price" numeric(8, 2) NOT NULL', '"stock" integer DEFAULT 0 NOT NULL'],
] as const) {
  describe(`hover on a field (${engine})`, () => {
    let client: LspClient;
    let text = "";

    test("a field in a migration: its column, as the model's CREATE TABLE writes it, and no pending change", async () => {
      ({ client, text } = await shop(engine));
      const h = await hoverAt(client, text, "price = models.DecimalField", "price");
      assert.match(h, /\*\*Product\.price\*\* \(`shop_product`\): column/);
      assert.ok(h.includes(price), h);
      assert.doesNotMatch(h, /not in any migration/i);
      // The same text as the column in 0001_initial's CREATE TABLE (its CreateModel's hover).
      const migration = readFileSync(path.join(client.root, INITIAL), "utf8");
      await client.open(INITIAL, migration);
      const at = positionOf(migration, "migrations.CreateModel", "migrations.".length + 1);
      const table = (await client.hover(INITIAL, at.line, at.character)) ?? "";
      assert.match(table, /CREATE TABLE "shop_product"/);
      assert.ok(table.includes(price), `CREATE TABLE holds the column: ${table}`);
    });

    test("a field not in any migration: its column and the SQL of its pending change", async () => {
      const h = await hoverAt(client, text, "stock = models.IntegerField", "stock");
      assert.ok(h.includes(stock), h);
      assert.match(h, /\*\*Changes not in any migration\*\*\n\n- Add field stock to product/);
      assert.match(h, /ALTER TABLE "shop_product"\s+ADD COLUMN "stock" integer DEFAULT 0 NOT NULL/, h);
    });

    if (engine === "sqlite") {
      test("the column is Django 3.2's column_sql for the same field", async () => {
        const django = djangoColumns();
        for (const name of ["name", "price"]) {
          const h = await hoverAt(client, text, `${name} = models.`, name);
          assert.ok(h.includes(django[name]!), `Django: ${django[name]}; hover: ${h}`);
        }
      });
    }

    test("over the options of a field the hover is the field's; a line that is no field has none", async () => {
      const h = await hoverAt(client, text, "price = models.DecimalField({ maxDigits: 8", "maxDigits");
      assert.match(h, /\*\*Product\.price\*\*/);
      const blank = positionOf(text, "import { models }");
      assert.equal(await client.hover(MODELS, blank.line, blank.character + 2), undefined);
    });
  });
}
