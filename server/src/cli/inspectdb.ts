/**
 * `tsmigrate inspectdb [table...] [--database ALIAS] [--app LABEL]`:
 * Django 3.2's `inspectdb` (`django/core/management/commands/inspectdb.py`)
 * for the model language. Reads the database on a read-only connection and
 * prints a `models.ts` (engine/inspectdb), or with `--app` writes it to the
 * app's `models.ts`: an app of the project whose `models.ts` declares no
 * model yet (a fresh `startapp`), or a new app made as `startapp` makes it.
 * A `models.ts` that already declares models is never overwritten (exit 2).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { introspectionOf } from "../engine/backends/base/introspection";
import { TsMigrateError } from "../engine/errors";
import { inspectModels } from "../engine/inspectdb";
import { loadConfig } from "../engine/config";
import { Project } from "../engine/project";
import type { CommonOptions } from "./context";
import { type Output, displayPath } from "./output";
import { startApp } from "./startapp";

/** Options of inspectdb. */
export interface InspectDbOptions extends CommonOptions {
  database?: string;
  app?: string;
}

/**
 * Runs the command; returns the exit code.
 * @throws TsMigrateError `database` for a missing database file, `inspectdb`
 *   for a table that does not exist or a models.ts that already has models.
 */
export async function inspectDb(tables: string[], opts: InspectDbOptions, output: Output): Promise<number> {
  // The migration files are not read: inspectdb needs only the config and the database.
  const project = new Project(loadConfig({ project: opts.project }));
  let text: string;
  let count: number;
  try {
    ({ text, count } = await inspectText(project, tables, opts));
  } finally {
    await project.close();
  }
  if (opts.app === undefined) {
    output.out(text);
    return 0;
  }
  const file = await appModelsFile(project, opts.app, opts, output);
  fs.writeFileSync(file, text);
  output.out(`Wrote ${displayPath(file)} (${count} table${count === 1 ? "" : "s"} of database '${opts.database ?? "default"}').\n`);
  return 0;
}

/** The models.ts text for `tables` (all when empty) of the database, and how many tables it holds. */
export async function inspectText(project: Project, tables: readonly string[], opts: InspectDbOptions): Promise<{ text: string; count: number }> {
  const connection = await project.readOnlyConnection(opts.database ?? "default");
  let schema;
  let introspection;
  try {
    introspection = introspectionOf(connection);
    if (tables.length) {
      const known = new Set(await introspection.tableNames());
      const missing = tables.filter((t) => !known.has(t));
      if (missing.length) throw new TsMigrateError(`No table named ${missing.map((t) => `'${t}'`).join(", ")} in database '${connection.alias}'.`, { code: "inspectdb" });
    }
    schema = await introspection.snapshot({ indexNames: true, ...(tables.length ? { tables } : {}) });
  } finally {
    await connection.close();
  }
  const text = inspectModels(schema, introspection, { app: opts.app, defaultAutoField: project.config.defaultAutoField });
  return { text, count: schema.tables.length };
}

/** The `models.ts` to write for `--app`: the app's own (without models yet), or a new app's. */
async function appModelsFile(project: Project, label: string, opts: InspectDbOptions, output: Output): Promise<string> {
  const app = project.config.apps.find((a) => a.label === label);
  if (app === undefined) {
    await startApp(label, path.join(project.root, label), { project: opts.project }, output);
    return path.join(project.root, label, "models.ts");
  }
  if (fs.existsSync(app.modelsFile) && /extends\s+models\.Model\b/.test(fs.readFileSync(app.modelsFile, "utf8").replace(/\/\/.*$/gm, ""))) {
    throw new TsMigrateError(`${displayPath(app.modelsFile)} already declares models; inspectdb --app writes only a models.ts without any ` +
      "(print with inspectdb and merge by hand, or name a new app).", { code: "inspectdb" });
  }
  return app.modelsFile;
}
