/**
 * inspectdb's names (Django 3.2, `core/management/commands/inspectdb.py`):
 * `table2model` for class names and `normalize_col_name` for field names,
 * with TypeScript's reserved words in place of Python's keywords.
 */

/** Words a class field cannot be named in the model language (TypeScript reserved words, and `Meta`). */
const RESERVED = new Set([
  "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do", "else", "enum",
  "export", "extends", "false", "finally", "for", "function", "if", "import", "in", "instanceof", "new", "null",
  "return", "super", "switch", "this", "throw", "true", "try", "typeof", "var", "void", "while", "with", "constructor",
]);

/** Python's `str.title()`: the first letter of every run of letters upper, the rest lower. */
function pythonTitle(s: string): string {
  return s.replace(/[A-Za-z]+/g, (w) => w[0]!.toUpperCase() + w.slice(1).toLowerCase());
}

/**
 * Django's `table2model`: `re.sub(r'[^a-zA-Z0-9]', '', table_name.title())`
 * (`shop_order_item` → `ShopOrderItem`). With `app`, a table named
 * `<app>_<rest>` is named from `<rest>` (`shop_product` → `Product` in app
 * `shop`): Django keeps the prefix; tsmigrate drops it so that the adopted
 * models read as the app's own (the table name stays in `dbTable`).
 */
export function table2model(table: string, app?: string): string {
  const base = app !== undefined && table.toLowerCase().startsWith(`${app.toLowerCase()}_`) && table.length > app.length + 1
    ? table.slice(app.length + 1) : table;
  const name = pythonTitle(base).replace(/[^a-zA-Z0-9]/g, "");
  return /^[A-Za-z]/.test(name) ? name : `Model${name}`;
}

/** A field name for a column, the `dbColumn` to keep when it differs, and notes (Django's comments). */
export interface NormalizedName {
  readonly name: string;
  readonly dbColumn?: string;
  readonly notes: readonly string[];
}

/**
 * Django's `normalize_col_name`: lowercased, `_id` dropped from a relation
 * column (else `dbColumn` kept), non-word characters to `_`, `__` to `_`,
 * `field` before a leading `_` and after a trailing one, `_field` after a
 * reserved word, `number_` before a leading digit, `_0`, `_1`... on a
 * clash; `dbColumn` whenever the name changed with a note.
 */
export function normalizeColName(column: string, used: ReadonlySet<string>, isRelation: boolean): NormalizedName {
  const notes: string[] = [];
  let dbColumn: string | undefined;
  let name = column.toLowerCase();
  if (name !== column) notes.push("Field name made lowercase.");
  if (isRelation) {
    if (name.endsWith("_id")) name = name.slice(0, -3);
    else dbColumn = column;
  }
  // Python's \W is Unicode-aware: letters and digits of any script stay.
  const replaced = name.replace(/[^\p{L}\p{N}_]/gu, "_");
  if (replaced !== name) notes.push("Field renamed to remove unsuitable characters.");
  name = replaced;
  if (name.includes("__")) {
    while (name.includes("__")) name = name.replace(/__/g, "_");
    if (column.toLowerCase().includes("__")) notes.push("Field renamed because it contained more than one '_' in a row.");
  }
  if (name.startsWith("_")) { name = `field${name}`; notes.push("Field renamed because it started with '_'."); }
  if (name.endsWith("_")) { name = `${name}field`; notes.push("Field renamed because it ended with '_'."); }
  if (RESERVED.has(name)) { name += "_field"; notes.push("Field renamed because it was a reserved word."); }
  if (/^\p{N}/u.test(name)) { name = `number_${name}`; notes.push("Field renamed because it wasn't a valid identifier."); }
  if (used.has(name)) {
    let n = 0;
    while (used.has(`${name}_${n}`)) n++;
    name = `${name}_${n}`;
    notes.push("Field renamed because of name conflict.");
  }
  if (column !== name && notes.length) dbColumn = column;
  return { name, ...(dbColumn !== undefined ? { dbColumn } : {}), notes };
}
