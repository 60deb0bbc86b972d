/**
 * The "realistic" schema of issue 12's migrate rows: N models in app `shop`,
 * each with 12 fields of mixed types and (from the third on) 2 foreign keys
 * to the two models before it; a many-to-many field every 5th model; a Meta
 * index and a unique constraint every 10th. Written twice: as a tsmigrate
 * models.ts and as the same tables in drizzle-orm's SQLite schema language
 * (columns, foreign keys, the index Django puts on each foreign key, join
 * tables with their unique pair), so that both tools build the same schema.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** The app label. */
export const REALISTIC_APP = "shop";

const hasM2m = (i: number) => i % 5 === 4;
const hasMeta = (i: number) => i % 10 === 9;

/** The tsmigrate models.ts of `n` realistic models, written to `dir/shop/models.ts`. */
export function writeRealisticTs(dir: string, n: number): void {
  const lines = ['import { models } from "tsmigrate";', ""];
  for (let i = 0; i < n; i++) {
    lines.push(`export class Model${i} extends models.Model {`,
      "  title = models.CharField({ maxLength: 100 });",
      "  code = models.CharField({ maxLength: 20 });",
      "  body = models.TextField();",
      "  qty = models.IntegerField({ default: 0 });",
      "  price = models.DecimalField({ maxDigits: 10, decimalPlaces: 2 });",
      "  ratio = models.FloatField({ default: 1 });",
      "  active = models.BooleanField({ default: true });",
      "  created = models.DateTimeField({ null: true });",
      "  day = models.DateField({ null: true });",
      "  big = models.BigIntegerField({ default: 0 });",
      '  email = models.EmailField({ default: "" });',
      "  notes = models.TextField({ null: true });");
    if (i >= 2) {
      lines.push(`  parent = models.ForeignKey(Model${i - 1}, { onDelete: models.CASCADE, relatedName: "children" });`);
      lines.push(`  other = models.ForeignKey(Model${i - 2}, { onDelete: models.SET_NULL, null: true, relatedName: "others" });`);
    }
    if (hasM2m(i)) lines.push(`  tags = models.ManyToManyField(Model${i - 1}, { relatedName: "tagged" });`);
    if (hasMeta(i)) {
      lines.push("  static Meta = {",
        `    indexes: [models.Index({ fields: ["code"], name: "m${i}_code_idx" })],`,
        `    constraints: [models.UniqueConstraint({ fields: ["title", "code"], name: "m${i}_title_code_uniq" })],`,
        "  };");
    }
    lines.push("}", "");
  }
  fs.mkdirSync(path.join(dir, REALISTIC_APP), { recursive: true });
  fs.writeFileSync(path.join(dir, REALISTIC_APP, "models.ts"), lines.join("\n"));
}

/** The drizzle-orm (sqlite-core) schema of the same `n` models, as a TypeScript module's text. */
export function realisticDrizzleSchema(n: number): string {
  const lines = [
    'import { sqliteTable, integer, text, real, numeric, index, uniqueIndex, type AnySQLiteColumn } from "drizzle-orm/sqlite-core";',
    "",
  ];
  for (let i = 0; i < n; i++) {
    const t = `shop_model${i}`;
    lines.push(`export const model${i} = sqliteTable("${t}", {`,
      '  id: integer("id").primaryKey({ autoIncrement: true }),',
      '  title: text("title", { length: 100 }).notNull(),',
      '  code: text("code", { length: 20 }).notNull(),',
      '  body: text("body").notNull(),',
      '  qty: integer("qty").notNull().default(0),',
      '  price: numeric("price").notNull(),',
      '  ratio: real("ratio").notNull().default(1),',
      '  active: integer("active", { mode: "boolean" }).notNull().default(true),',
      '  created: text("created"),',
      '  day: text("day"),',
      '  big: integer("big").notNull().default(0),',
      '  email: text("email", { length: 254 }).notNull().default(""),',
      '  notes: text("notes"),');
    if (i >= 2) {
      lines.push(`  parent_id: integer("parent_id").notNull().references((): AnySQLiteColumn => model${i - 1}.id, { onDelete: "cascade" }),`);
      lines.push(`  other_id: integer("other_id").references((): AnySQLiteColumn => model${i - 2}.id, { onDelete: "set null" }),`);
    }
    const extras: string[] = [];
    if (i >= 2) extras.push(`index("${t}_parent_id").on(t.parent_id)`, `index("${t}_other_id").on(t.other_id)`);
    if (hasMeta(i)) extras.push(`index("m${i}_code_idx").on(t.code)`, `uniqueIndex("m${i}_title_code_uniq").on(t.title, t.code)`);
    lines.push(extras.length ? `}, (t) => [${extras.join(", ")}]);` : "});", "");
    if (hasM2m(i)) {
      const j = `${t}_tags`;
      lines.push(`export const model${i}Tags = sqliteTable("${j}", {`,
        '  id: integer("id").primaryKey({ autoIncrement: true }),',
        `  from_id: integer("model${i}_id").notNull().references(() => model${i}.id, { onDelete: "cascade" }),`,
        `  to_id: integer("model${i - 1}_id").notNull().references(() => model${i - 1}.id, { onDelete: "cascade" }),`,
        `}, (t) => [uniqueIndex("${j}_uniq").on(t.from_id, t.to_id), index("${j}_from").on(t.from_id), index("${j}_to").on(t.to_id)]);`,
        "");
    }
  }
  return lines.join("\n");
}

/** How many tables the realistic schema of `n` models has (models and join tables). */
export function realisticTableCount(n: number): number {
  let m2m = 0;
  for (let i = 0; i < n; i++) if (hasM2m(i)) m2m++;
  return n + m2m;
}
