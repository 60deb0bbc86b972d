/**
 * The read-only SQL documents of "Show SQL": a migration's SQL as
 * `tsmigrate sqlmigrate` prints it, behind a virtual URI
 * `tsmigrate-sql:/<app>/<name>.sql?backwards=1&database=<alias>` (the `.sql`
 * extension gives the document VS Code's SQL language). Encoding and
 * decoding live here, with no `vscode` import; `sql_provider.ts` serves them.
 */
import type { SqlMigrateParams } from "../../server/src/protocol";

/** The URI scheme of SQL documents. */
export const SQL_SCHEME = "tsmigrate-sql";

/** The path and query of the SQL document of `params` (to build a `vscode.Uri`). */
export function sqlDocumentParts(params: SqlMigrateParams): { path: string; query: string } {
  const path = `/${encodeURIComponent(params.app)}/${encodeURIComponent(params.name)}${params.backwards === true ? ".backwards" : ""}.sql`;
  const query = new URLSearchParams();
  if (params.backwards === true) query.set("backwards", "1");
  if (params.database !== undefined && params.database !== "") query.set("database", params.database);
  return { path, query: query.toString() };
}

/**
 * The request parameters of a SQL document from its URI's path and query.
 * Throws an Error naming the path when it is not `/<app>/<name>[.backwards].sql`.
 */
export function parseSqlDocument(path: string, query: string): SqlMigrateParams {
  const match = /^\/([^/]+)\/([^/]+?)(\.backwards)?\.sql$/.exec(path);
  if (match === null) throw new Error(`Not a tsmigrate SQL document: ${path} (expected /<app>/<migration>.sql)`);
  const search = new URLSearchParams(query);
  const params: SqlMigrateParams = { app: decodeURIComponent(match[1]!), name: decodeURIComponent(match[2]!) };
  if (search.get("backwards") === "1" || match[3] !== undefined) params.backwards = true;
  const database = search.get("database");
  if (database !== null && database !== "") params.database = database;
  return params;
}

/** The document's text when the server could not produce the SQL (a SQL comment, so the document still opens). */
export function sqlErrorText(params: SqlMigrateParams, message: string): string {
  const lines = message.split("\n").map((l) => `-- ${l}`);
  return `-- tsmigrate could not produce the SQL of ${params.app}.${params.name}${params.backwards === true ? " (backwards)" : ""}:\n${lines.join("\n")}\n`;
}
