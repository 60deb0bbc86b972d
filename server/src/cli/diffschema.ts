/**
 * `tsmigrate diffschema [--database ALIAS] [--json]`: database drift, the
 * live schema against the schema the applied migrations build
 * (engine/schema-drift.ts). Django has no such command; the name follows
 * Django's `diffsettings` ("displays differences between the current
 * settings and Django's defaults"). Prints each difference in words and
 * exits 1 when there is any, 0 when the database matches. Read-only: the
 * database is never changed.
 */
import { schemaDrift } from "../engine/schema-drift";
import { type CommonOptions, cliProject, requireCleanMigrations } from "./context";
import { type Output, styles } from "./output";

/** Options of diffschema. */
export interface DiffSchemaOptions extends CommonOptions {
  database?: string;
  json?: boolean;
}

/** Runs the command; returns the exit code (1 when the database differs from its migrations). */
export async function diffSchema(opts: DiffSchemaOptions, output: Output): Promise<number> {
  const project = cliProject(opts);
  try {
    requireCleanMigrations(project);
    const drift = await schemaDrift(project, opts.database ?? "default");
    if (opts.json) {
      output.out(`${JSON.stringify(drift, null, 2)}\n`);
      return drift.differences.length ? 1 : 0;
    }
    const s = styles(output);
    if (!drift.differences.length) {
      output.out(`No differences: database '${drift.database}' matches its ${drift.applied} applied migration${drift.applied === 1 ? "" : "s"}.\n`);
      return 0;
    }
    output.out(`${s.label(`Database '${drift.database}' differs from its applied migrations:`)}\n`);
    for (const d of drift.differences) output.out(`  - ${d}\n`);
    return 1;
  } finally {
    await project.close();
  }
}
