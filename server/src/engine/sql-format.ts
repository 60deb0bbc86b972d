/**
 * SQL as tsmigrate shows it (`sqlmigrate`, editor hovers): each statement
 * formatted with sql-formatter in the database's dialect, comments and
 * BEGIN;/COMMIT; as they are.
 */
import type * as SqlFormatter from "sql-formatter";

let formatter: typeof SqlFormatter | undefined;
/** sql-formatter, loaded on first use so that commands printing no SQL do not pay for it at start-up. */
function sqlFormatter(): typeof SqlFormatter {
  return (formatter ??= require("sql-formatter") as typeof SqlFormatter);
}

/** Formats one collected line: comments and BEGIN/COMMIT as they are, statements with sql-formatter. */
export function formatStatement(line: string, vendor: "sqlite" | "postgresql"): string {
  if (line.startsWith("--") || line === "BEGIN;" || line === "COMMIT;") return line;
  try {
    return sqlFormatter().format(line, { language: vendor === "postgresql" ? "postgresql" : "sqlite" });
  } catch {
    return line; // SQL the formatter does not parse (hand-written RunSQL) is printed as written
  }
}
