/**
 * The schema editor of each vendor, by name: where code that only knows a
 * database's vendor (hovers, `sqlmigrate` without a connection) gets its
 * editor, with no vendor `if` outside the backends.
 */
import type { FieldType } from "../fields";
import type { Emit, SchemaEditor } from "./base/schema";
import { PostgresSchemaEditor } from "./postgresql/schema";
import { SqliteSchemaEditor } from "./sqlite/schema";

/** A database vendor tsmigrate has a backend for. */
export type Vendor = "sqlite" | "postgresql";

/** Options every editor takes: the implicit primary key type of auto-created join tables. */
export interface EditorOptions {
  readonly defaultAutoField?: FieldType;
}

const EDITORS: Readonly<Record<Vendor, (emit: Emit, options: EditorOptions) => SchemaEditor>> = {
  sqlite: (emit, options) => new SqliteSchemaEditor(emit, options),
  postgresql: (emit, options) => new PostgresSchemaEditor(emit, options),
};

/** A pure schema editor of `vendor` whose statements go to `emit`. */
export function schemaEditorFor(vendor: Vendor, emit: Emit, options: EditorOptions = {}): SchemaEditor {
  return EDITORS[vendor](emit, options);
}
