/**
 * Model states equivalent to the Django models the expected SQL in these
 * tests was produced from (Django 3.2, `DEFAULT_AUTO_FIELD = BigAutoField`),
 * and small helpers to run schema editors.
 */
import { sqliteSchemaEditor } from "../../server/src/engine/backends/sqlite/base";
import type { SchemaEditor } from "../../server/src/engine/backends/base/schema";
import type { FieldType } from "../../server/src/engine/fields";
import { makeField, ModelState, ProjectState, type FieldState, type ModelOptions } from "../../server/src/engine/state";
import { CallValue, type Value } from "../../server/src/engine/values";

/** `models.Q({...})`. */
export const Q = (...args: Value[]): CallValue => new CallValue("models.Q", args);
/** `models.Q.or(...)`. */
export const Qor = (...args: Value[]): CallValue => new CallValue("models.Q.or", args);
/** `models.Q.not(q)`. */
export const Qnot = (q: Value): CallValue => new CallValue("models.Q.not", [q]);
/** `models.F("x")`. */
export const F = (name: string): CallValue => new CallValue("models.F", [name]);

/** A field state. */
export const f = (type: FieldType, options: Record<string, Value | undefined> = {}): FieldState => makeField(type, options);

/** The implicit primary key Django adds. */
export const autoId = (type: FieldType = "BigAutoField"): [string, FieldState] => [
  "id", f(type, { primaryKey: true, autoCreated: true, serialize: false, verboseName: "ID" }),
];

/** A model with an implicit BigAutoField `id` first. */
export function model(app: string, name: string, fields: [string, FieldState][], options: ModelOptions = {}): ModelState {
  return new ModelState(app, name, [autoId(), ...fields], options);
}

/** Collects what an editor emits. */
export function collect(): { sql: string[]; editor: SchemaEditor } {
  const sql: string[] = [];
  return { sql, editor: sqliteSchemaEditor((s) => sql.push(s)) };
}

/** The shop app of the Django sample project (fields in the order Django's migration lists them). */
export function shopState(): ProjectState {
  const category = model("shop", "Category", [
    ["name", f("CharField", { maxLength: 50 })],
    ["description", f("TextField", { blank: true })],
    ["slug", f("SlugField", {})],
  ]);
  const item = new ModelState("shop", "Item", [
    ["code", f("CharField", { maxLength: 10, primaryKey: true, serialize: false })],
    ["label", f("CharField", { maxLength: 10, unique: true })],
  ]);
  const posPk = new ModelState("shop", "PosPk", [["id", f("PositiveIntegerField", { primaryKey: true, serialize: false })]]);
  const smallPk = new ModelState("shop", "SmallPk", [["id", f("SmallAutoField", { primaryKey: true, serialize: false })]]);
  const tag = new ModelState("shop", "Tag", [
    ["id", f("AutoField", { primaryKey: true, serialize: false })],
    ["name", f("CharField", { maxLength: 30, unique: true })],
  ]);
  const ref = model("shop", "Ref", [
    ["uid", f("UUIDField", { unique: true, dbIndex: true })],
    ["by_label", f("ForeignKey", { to: "shop.item", toField: "label", onDelete: "CASCADE", relatedName: "+" })],
    ["item", f("ForeignKey", { to: "shop.item", onDelete: "PROTECT" })],
    ["items", f("ManyToManyField", { to: "shop.item", relatedName: "refs" })],
    ["pos", f("ForeignKey", { to: "shop.pospk", onDelete: "DO_NOTHING", dbIndex: false })],
    ["small", f("ForeignKey", { to: "shop.smallpk", onDelete: "CASCADE", dbConstraint: false })],
    ["tag", f("OneToOneField", { to: "shop.tag", onDelete: "CASCADE" })],
  ]);
  const product = model("shop", "Product", [
    ["name", f("CharField", { maxLength: 100, unique: true })],
    ["sku", f("CharField", { maxLength: 20, dbIndex: true })],
    ["price", f("DecimalField", { maxDigits: 8, decimalPlaces: 2 })],
    ["stock", f("IntegerField", { default: 0 })],
    ["qty", f("PositiveIntegerField", {})],
    ["small", f("PositiveSmallIntegerField", { null: true })],
    ["big", f("PositiveBigIntegerField", {})],
    ["data", f("JSONField", { null: true })],
    ["uid", f("UUIDField", {})],
    ["ip", f("GenericIPAddressField", {})],
    ["active", f("BooleanField", { default: true })],
    ["weight", f("FloatField", {})],
    ["created", f("DateTimeField", { autoNowAdd: true })],
    ["day", f("DateField", {})],
    ["at", f("TimeField", {})],
    ["dur", f("DurationField", {})],
    ["blob", f("BinaryField", {})],
    ["file", f("FileField", { uploadTo: "" })],
    ["email", f("EmailField", {})],
    ["url", f("URLField", {})],
    ["bigint", f("BigIntegerField", {})],
    ["smallint", f("SmallIntegerField", {})],
    ["category", f("ForeignKey", { to: "shop.category", onDelete: "CASCADE", null: true, relatedName: "products" })],
    ["tags", f("ManyToManyField", { to: "shop.tag" })],
  ], {
    indexes: [
      { name: "shop_prod_name_idx", fields: ["name", "-price"] },
      { name: "stock_pos_idx", fields: ["stock"], condition: Q({ stock__gt: 0 }) },
    ],
    constraints: [
      { kind: "UniqueConstraint", name: "uniq_name_category", fields: ["name", "category"] },
      { kind: "UniqueConstraint", name: "uniq_active_sku", fields: ["sku"], condition: Q({ active: true }) },
      { kind: "CheckConstraint", name: "price_gte_0", check: Q({ price__gte: 0 }) },
      { kind: "CheckConstraint", name: "two_lookups", check: Q({ stock__gte: 0, price__lt: 1000 }) },
    ],
    uniqueTogether: [["name", "category"]],
    indexTogether: [["stock", "weight"]],
  });
  const node = model("shop", "Node", [
    ["follows", f("ManyToManyField", { to: "shop.node", symmetrical: false, relatedName: "followers" })],
    ["friends", f("ManyToManyField", { to: "shop.node" })],
    ["parent", f("ForeignKey", { to: "shop.node", onDelete: "SET_NULL", null: true })],
  ]);
  return new ProjectState([category, item, posPk, smallPk, tag, ref, product, node]);
}
