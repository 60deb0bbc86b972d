/**
 * The `tsmigrate` command line's program (the entry is main.ts): Django's migration commands (product
 * contract, section 4), built with commander. Each command lives in its
 * own file and returns its exit code: 0 ok, 1 drift with `--check`, 2 bad
 * input (errors printed as `file:line:col: message` on stderr), 3 a
 * question that could not be asked.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from "@commander-js/extra-typings";
import { ExitCode } from "../engine/errors";
import { diffSchema } from "./diffschema";
import { inspectDb } from "./inspectdb";
import { makeMigrations } from "./makemigrations";
import { migrateCommand } from "./migrate";
import { type Output, printErrors, processOutput } from "./output";
import { showMigrations } from "./showmigrations";
import { sqlMigrate } from "./sqlmigrate";
import { squashMigrations } from "./squashmigrations";
import { startApp } from "./startapp";
import { packageVersion } from "../version";
import type * as LanguageServer from "../lsp/main";

const projectOption = () => new Option("--project <dir>", "project folder (default: nearest folder upwards holding tsmigrate.config.json, else the current folder)");
const databaseOption = () => new Option("--database <alias>", 'database alias from the config (default: "default")');

/** Receives each command's promise of an exit code. */
type Run = (p: Promise<number>) => void;

/** Registers `startapp`. */
function addStartapp(program: Command, output: Output, run: Run): void {
  program.command("startapp")
    .description("Creates an app folder with a models.ts and lists the app in tsmigrate.config.json.")
    .argument("<name>", "name (label) of the application")
    .argument("[directory]", "the app folder to create (default: ./NAME)")
    .addOption(projectOption())
    .action((name: string, directory: string | undefined, opts) => run(startApp(name, directory, { project: opts.project }, output)));
}

/** Commander's collector of a repeatable option's values. */
function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Registers `makemigrations`. */
function addMakemigrations(program: Command, output: Output, run: Run): void {
  program.command("makemigrations")
    .description("Creates new migration(s) for apps.")
    .argument("[app...]", "app label(s) to create migrations for")
    .option("-n, --name <name>", "use this name for migration file(s)")
    .option("--empty", "create an empty migration")
    .option("--merge", "enable fixing of migration conflicts")
    .option("--check", "exit with status 1 if model changes are missing migrations (writes nothing)")
    .option("--dry-run", "just show what migrations would be made; don't write them")
    .option("--noinput, --no-input", "do not prompt for input of any kind")
    .option("--json", "print the result as JSON")
    .option("--rename <spec>", "answer a rename question: app.model.old_name=new_name (a field) or app.OldModel=NewModel (a model); repeatable", collect, [])
    .option("--default <spec>", "answer a one-off default question: app.model.field=VALUE (a TypeScript literal); repeatable", collect, [])
    .option("--answers <file>", 'answers as JSON: { "renames": { "app.model.old": "new" }, "defaults": { "app.model.field": "0" } }')
    .addOption(projectOption())
    .action((apps, opts) => run(makeMigrations(apps, {
      name: opts.name, empty: opts.empty, merge: opts.merge, check: opts.check, dryRun: opts.dryRun,
      noinput: !opts.input, json: opts.json, project: opts.project,
      rename: opts.rename, default: opts.default, answers: opts.answers,
    }, output)));
}

/** A `--lock-timeout` value: seconds, a number from 0. */
function parseSeconds(v: string): number {
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError("expected a number of seconds (0 or more)");
  return n;
}

/** Registers `migrate`. */
function addMigrate(program: Command, output: Output, run: Run): void {
  program.command("migrate")
    .description("Updates the database schema.")
    .argument("[app]", "app label of the application to migrate")
    .argument("[migration]", 'bring the database to the state after this migration (a unique prefix works); "zero" unapplies all')
    .option("--fake", "mark migrations as run without running them")
    .option("--fake-initial", "fake-apply initial migrations whose tables already exist")
    .option("--plan", "show the migration actions that would be performed")
    .option("--check", "exit with status 1 if unapplied migrations exist")
    .addOption(databaseOption())
    .option("--noinput, --no-input", "do not prompt for input of any kind")
    .option("--allow-destructive", "run a plan that drops tables or columns (or narrows them) without asking")
    .option("--no-backup", "do not copy the SQLite database before migrating")
    .addOption(new Option("--lock-timeout <seconds>", "how long to wait for another migrate to finish (default 60)").argParser(parseSeconds))
    .addOption(projectOption())
    .action((app, migration, opts) => run(migrateCommand(app, migration, {
      fake: opts.fake, fakeInitial: opts.fakeInitial, plan: opts.plan, check: opts.check,
      database: opts.database, noinput: !opts.input, project: opts.project, allowDestructive: opts.allowDestructive,
      backup: opts.backup, lockTimeout: opts.lockTimeout,
    }, output)));
}

/** Registers `showmigrations`. */
function addShowmigrations(program: Command, output: Output, run: Run): void {
  program.command("showmigrations")
    .description("Shows all migrations of the project and whether they are applied.")
    .argument("[app...]", "app labels to limit the output to")
    .option("-p, --plan", "show all migrations in the order they will be applied")
    .addOption(databaseOption())
    .option("--json", "print the result as JSON")
    .addOption(projectOption())
    .action((apps, opts) => run(showMigrations(apps, {
      plan: opts.plan, database: opts.database, json: opts.json, project: opts.project,
    }, output)));
}

/** Registers `sqlmigrate`. */
function addSqlmigrate(program: Command, output: Output, run: Run): void {
  program.command("sqlmigrate")
    .description("Prints the SQL statements for the named migration.")
    .argument("<app>", "app label of the application containing the migration")
    .argument("<migration>", "migration name (a unique prefix works)")
    .option("--backwards", "print the SQL to unapply the migration")
    .addOption(databaseOption())
    .addOption(projectOption())
    .action((app, migration, opts) => run(sqlMigrate(app, migration, {
      backwards: opts.backwards, database: opts.database, project: opts.project,
    }, output)));
}

/** Registers `squashmigrations`. */
function addSquashmigrations(program: Command, output: Output, run: Run): void {
  program.command("squashmigrations")
    .description("Squashes an existing set of migrations (from first until specified) into a single new one.")
    .argument("<app>", "app label of the application to squash migrations for")
    .argument("[start]", "migrations will be squashed starting from and including this migration (a unique prefix works)")
    .argument("[end]", "migrations will be squashed until and including this migration (a unique prefix works)")
    .option("--squashed-name <name>", "sets the name of the new squashed migration")
    .option("--noinput, --no-input", "do not prompt for input of any kind")
    .addOption(projectOption())
    .action((app, start, end, opts) => run(squashMigrations(app, start, end, {
      squashedName: opts.squashedName, noinput: !opts.input, project: opts.project,
    }, output)));
}

/** Registers `inspectdb`. */
function addInspectdb(program: Command, output: Output, run: Run): void {
  program.command("inspectdb")
    .description("Introspects the database tables and outputs a models.ts of the model language.")
    .argument("[table...]", "selects what tables or views should be introspected")
    .addOption(databaseOption())
    .option("--app <label>", "write <app>/models.ts (a new app, or one without models yet) instead of printing")
    .addOption(projectOption())
    .action((tables, opts) => run(inspectDb(tables, { database: opts.database, app: opts.app, project: opts.project }, output)));
}

/** Registers `diffschema`. */
function addDiffschema(program: Command, output: Output, run: Run): void {
  program.command("diffschema")
    .description("Shows how the database's schema differs from the schema its applied migrations build (exit 1 when it does).")
    .addOption(databaseOption())
    .option("--json", "print the differences as JSON")
    .addOption(projectOption())
    .action((opts) => run(diffSchema({ database: opts.database, json: opts.json, project: opts.project }, output)));
}

/** Registers `lsp`. */
function addLsp(program: Command, output: Output, run: Run): void {
  program.command("lsp")
    .description("Starts the language server (for VS Code and other LSP editors).")
    .option("--stdio", "talk LSP over stdin/stdout (the default)")
    .action(() => run(startLanguageServer()));
}

/** Every command by name, in the order `--help` lists them. */
const COMMANDS: Readonly<Record<string, (program: Command, output: Output, run: Run) => void>> = {
  startapp: addStartapp, makemigrations: addMakemigrations, migrate: addMigrate, showmigrations: addShowmigrations,
  sqlmigrate: addSqlmigrate, squashmigrations: addSquashmigrations, inspectdb: addInspectdb, diffschema: addDiffschema,
  lsp: addLsp,
};

/**
 * Builds the program. `run` receives each command's promise of an exit
 * code; `output` is where commands write. When `command` (the first
 * argument) names a command, only that command is registered: what runs
 * and what it prints (its help, its errors) are the same, and the others'
 * options are not built at every start-up (~3 ms). Otherwise (`--help`,
 * `help`, a misspelt command) every command is, so that commander can list
 * them and suggest one.
 */
export function buildProgram(output: Output, run: Run, command?: string): Command {
  const program = new Command("tsmigrate")
    .description("Django's migration system for models written in TypeScript.")
    .version(packageVersion(), "-V, --version", "print the version of tsmigrate")
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (s) => output.out(s), writeErr: (s) => output.err(s) });

  const only = command !== undefined && Object.prototype.hasOwnProperty.call(COMMANDS, command) ? COMMANDS[command] : undefined;
  for (const add of only ? [only] : Object.values(COMMANDS)) add(program, output, run);
  return program;
}

/**
 * `lsp --stdio`: runs the language server until the client sends `exit`
 * (which ends the process); the promise never resolves. Loaded on demand so
 * that the other commands do not load the LSP libraries.
 */
async function startLanguageServer(): Promise<number> {
  const { startServer } = require("../lsp/main") as typeof LanguageServer;
  startServer();
  return new Promise<number>(() => {});
}

/**
 * Runs the CLI on `argv` (as `process.argv`) and resolves to the exit code.
 * Errors are printed, never thrown.
 */
export async function main(argv: string[] = process.argv, output: Output = processOutput()): Promise<number> {
  let pending: Promise<number> | undefined;
  const program = buildProgram(output, (p) => { pending = p; }, argv[2]);
  try {
    await program.parseAsync(argv);
    if (!pending) return 0;
    return await pending;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help / --version exit 0; usage errors are bad input.
      return err.exitCode === 0 || err.code === "commander.helpDisplayed" || err.code === "commander.help" ? 0 : ExitCode.BAD_INPUT;
    }
    return printErrors(output, err);
  }
}
