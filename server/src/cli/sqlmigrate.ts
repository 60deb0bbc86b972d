/**
 * `tsmigrate sqlmigrate app migration [--backwards] [--database ALIAS]`.
 * Follows `django/core/management/commands/sqlmigrate.py` (Django 3.2): the
 * migration is found by unique prefix, squashes are not substituted, the
 * SQL is collected from the state before the migration, with `--` headers
 * per operation and BEGIN;/COMMIT; when atomic. Each statement is formatted
 * with sql-formatter in the database's dialect.
 */
import { TsMigrateError } from "../engine/errors";
import { collectSql } from "../engine/executor";
import { MigrationLoader } from "../engine/loader";
import { formatStatement } from "../engine/sql-format";
import { type CommonOptions, cliProject, validateApps } from "./context";
import type { Output } from "./output";

/** Options of sqlmigrate. */
export interface SqlMigrateOptions extends CommonOptions {
  backwards?: boolean;
  database?: string;
}

/** Runs the command; returns the exit code. */
export async function sqlMigrate(app: string, name: string, opts: SqlMigrateOptions, output: Output): Promise<number> {
  const project = cliProject(opts);
  try {
    validateApps(project, [app]);
    const loader = new MigrationLoader(project.config, { replaceMigrations: false }).load();
    loader.throwIfErrors();
    if (!loader.migratedApps.has(app) || ![...loader.diskMigrations.values()].some((m) => m.app === app)) {
      throw new TsMigrateError(`App '${app}' does not have migrations`, { code: "unknown-migration" });
    }
    let migration;
    try {
      migration = loader.getMigrationByPrefix(app, name);
    } catch (err) {
      if (err instanceof TsMigrateError && err.code === "unknown-migration") {
        throw new TsMigrateError(`Cannot find a migration matching '${name}' from app '${app}'.`, { code: err.code });
      }
      throw err;
    }
    const alias = opts.database ?? "default";
    const dialect = project.dialect(alias);
    const lines = collectSql(loader, migration, opts.backwards ?? false, dialect.schemaEditor, dialect.transactionalDdl);
    if (!lines.length) {
      output.err("No operations found.\n");
      return 0;
    }
    output.out(`${lines.map((l) => formatStatement(l, dialect.vendor)).join("\n")}\n`);
    return 0;
  } finally {
    await project.close();
  }
}
