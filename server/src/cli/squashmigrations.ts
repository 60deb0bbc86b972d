/**
 * `tsmigrate squashmigrations app [start] end [--squashed-name NAME] [--noinput]`.
 * Follows `django/core/management/commands/squashmigrations.py` (Django
 * 3.2): "Will squash the following migrations:" and the list, "Do you wish
 * to proceed? [yN]" (only on a terminal without `--noinput`; otherwise it
 * proceeds, as Django's `--noinput` does), "Optimizing...", then "Created
 * new squashed migration <path>" and Django's advice. The squash itself is
 * computed by engine/squash.ts.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { TsMigrateError } from "../engine/errors";
import { buildSquash, planSquash } from "../engine/squash";
import { writeMigration } from "../engine/writer";
import { type CommonOptions, cliProject, confirm, interactive, requireCleanMigrations, validateApps } from "./context";
import { displayPath, type Output, styles } from "./output";

/** Options of squashmigrations. */
export interface SquashMigrationsOptions extends CommonOptions {
  squashedName?: string;
  noinput?: boolean;
}

/**
 * Runs the command. `start` is optional as in Django: with one migration
 * argument it is the end. Returns the exit code (0, also when the answer
 * to the prompt is no); errors throw TsMigrateError (exit 2).
 */
export async function squashMigrations(
  app: string, first: string | undefined, second: string | undefined, opts: SquashMigrationsOptions, output: Output,
): Promise<number> {
  const [start, end] = second === undefined ? [undefined, first] : [first, second];
  if (end === undefined) {
    throw new TsMigrateError("squashmigrations needs the migration to squash up to: tsmigrate squashmigrations app [start] end", { code: "bad-input" });
  }
  if (opts.squashedName !== undefined && !/^[A-Za-z0-9_]+$/.test(opts.squashedName)) {
    throw new TsMigrateError("The squashed migration name must be made of letters, digits and _.", { code: "bad-name" });
  }
  const project = cliProject(opts);
  try {
    validateApps(project, [app]);
    requireCleanMigrations(project);
    const loader = project.loader;
    const plan = planSquash(loader, app, end, start);
    const s = styles(output);

    output.out(`${s.heading("Will squash the following migrations:")}\n`);
    for (const m of plan.migrations) output.out(` - ${m.name}\n`);
    if (interactive(opts.noinput) && !(await confirm("Do you wish to proceed? [yN] ", output))) return 0;

    const result = buildSquash(plan, loader.graph, { squashedName: opts.squashedName });
    const squash = result.migration;
    output.out(`${s.heading("Optimizing...")}\n`);
    const after = squash.operations.length;
    if (!result.optimized) {
      output.out("  The optimized operations did not replay to the same models as the migrations squashed;\n" +
        `  kept them unoptimized (${result.operationsBefore} operations to ${after}).\n`);
    } else if (after === result.operationsBefore) {
      output.out("  No optimizations possible.\n");
    } else {
      output.out(`  Optimized from ${result.operationsBefore} operations to ${after} operations.\n`);
    }

    const appConfig = project.config.apps.find((a) => a.label === app)!;
    const file = path.join(appConfig.migrationsDir, `${squash.name}.ts`);
    if (fs.existsSync(file)) {
      throw new TsMigrateError(`${displayPath(file)} already exists; remove it or choose another name with --squashed-name`, {
        code: "exists", location: { file, line: 1, column: 1 },
      });
    }
    fs.writeFileSync(file, portingHeader(result.manualPorting) + writeMigration(squash), "utf8");

    output.out(`${s.heading(`Created new squashed migration ${displayPath(file)}`)}\n` +
      "  You should commit this migration but leave the old ones in place;\n" +
      "  the new migration will be used for new installs. Once you are sure\n" +
      "  all instances of the codebase have applied the migrations you squashed,\n" +
      "  you can delete them.\n");
    if (result.manualPorting.length) {
      output.out(`${s.heading("Manual porting required")}\n` +
        "  Your migrations contained functions that must be manually copied over,\n" +
        "  as we could not safely copy their implementation.\n" +
        "  See the comment at the top of the squashed migration for details.\n");
    }
    return 0;
  } finally {
    await project.close();
  }
}

/** Django's header for functions to copy by hand (`MigrationWriter` with `needs_manual_porting`), as `//` comments. */
function portingHeader(migrations: readonly string[]): string {
  if (!migrations.length) return "";
  return "// Functions from the following migrations need manual copying.\n" +
    "// Move them and any dependencies into this file, then update the\n" +
    "// RunCode operations to refer to the local versions:\n" +
    migrations.map((m) => `// ${m}\n`).join("") + "\n";
}

