/**
 * `tsmigrate startapp NAME [DIR]`: Django's `startapp`
 * (`django/core/management/templates.py`, Django 3.2) for a tsmigrate app.
 * Creates the app folder (`./NAME`, or DIR) with a `models.ts` that imports
 * the model language and shows a commented example model, and lists the app
 * in `tsmigrate.config.json` (created when missing, with the apps found so
 * far and the default SQLite database; an existing file is edited in place,
 * its comments and other keys kept).
 *
 * As Django: NAME must be a valid identifier ("'1shop' is not a valid app
 * name. Please make sure the name is a valid identifier."), must not name
 * something that exists (Django: a Python module; here: an app of the
 * project), and `./NAME` must not exist ("'/abs/shop' already exists").
 * Deliberate differences: DIR is the app folder itself and must not exist
 * either (Django wants an existing DIR and fills it); it is created with its
 * parents, its name need not be the label (the config then says
 * `{ "path": DIR, "label": NAME }`); and a line says what was done (Django
 * prints nothing). Nothing is written when a check fails (exit 2).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { type FormattingOptions, applyEdits, findNodeAtLocation, modify, parseTree } from "jsonc-parser";
import { type AppConfig, type ProjectConfig, CONFIG_FILE, isLabel, loadConfig } from "../engine/config";
import { TsMigrateError } from "../engine/errors";
import type { CommonOptions } from "./context";
import { type Output, displayPath } from "./output";

/** Options of startapp. */
export type StartAppOptions = CommonOptions;

/** One entry of the config's `apps`: a folder (label = its name) or `{ path, label }`. */
type AppEntry = string | { path: string; label: string };

/**
 * Runs the command (paths relative to the current folder, as Django's);
 * returns the exit code.
 * @throws TsMigrateError code `startapp` (exit 2) for an invalid or taken
 *   name or an existing folder; `config` for a config file that cannot be read.
 */
export async function startApp(name: string, directory: string | undefined, opts: StartAppOptions, output: Output): Promise<number> {
  if (!isLabel(name)) {
    throw startAppError(`'${name}' is not a valid app name. Please make sure the name is a valid identifier ` +
      "(letters, digits and _, not starting with a digit).");
  }
  const config = loadConfig({ project: opts.project });
  const taken = config.apps.find((a) => a.label === name);
  if (taken !== undefined) {
    throw startAppError(`'${name}' conflicts with the name of an existing app (${displayPath(taken.dir)}) ` +
      "and cannot be used as an app name. Please try another name.");
  }
  const dir = path.resolve(directory ?? name);
  if (fs.existsSync(dir)) throw startAppError(`'${dir}' already exists`);

  const configFile = config.configFile ?? path.join(config.root, CONFIG_FILE);
  const entry = appEntry(config.root, dir, name);
  const configText = config.configFile !== undefined
    ? addToConfig(fs.readFileSync(config.configFile, "utf8"), config, entry)
    : newConfig(config, entry);

  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "models.ts"), modelsTemplate(name));
  fs.writeFileSync(configFile, configText);
  output.out(`Created app '${name}' in ${displayPath(dir)} (models.ts), listed in ${displayPath(configFile)}.\n`);
  return 0;
}

function startAppError(message: string): TsMigrateError {
  return new TsMigrateError(message, { code: "startapp" });
}

/** The `models.ts` of a new app (Django's app_template/models.py-tpl, with an example). */
export function modelsTemplate(label: string): string {
  return `import { models } from "tsmigrate";

// Create your models here, then run \`npx tsmigrate makemigrations ${label}\`. For example:
//
// export class Product extends models.Model {
//   name = models.CharField({ maxLength: 100, unique: true });
//   price = models.DecimalField({ maxDigits: 8, decimalPlaces: 2 });
//   stock = models.IntegerField({ default: 0 });
// }
`;
}

/** The config entry of the app in `dir` labelled `label`: its path from `root` ("src/shop"), with the label when the folder's name differs. */
function appEntry(root: string, dir: string, label: string): AppEntry {
  const rel = path.relative(root, dir).split(path.sep).join("/");
  return path.basename(dir) === label ? rel : { path: rel, label };
}

/** The entries of apps already in the project (discovered: no config, or one without `apps`). */
function existingEntries(config: ProjectConfig): AppEntry[] {
  return config.apps.map((a: AppConfig) => appEntry(config.root, a.dir, a.label));
}

/** A new config: the apps found so far, the new one, and the embedded default database said out loud. */
function newConfig(config: ProjectConfig, entry: AppEntry): string {
  const apps = [...existingEntries(config), entry];
  return `${JSON.stringify({ apps, databases: { default: { engine: "sqlite", name: "db.sqlite3" } } }, null, 2)}\n`;
}

/**
 * `text` (a config file, comments allowed) with `entry` appended to `apps`,
 * or, when it has no `apps` (apps discovered), with an `apps` listing the
 * discovered apps and the new one. Indentation and line ends follow the file.
 */
function addToConfig(text: string, config: ProjectConfig, entry: AppEntry): string {
  const tree = parseTree(text);
  const hasApps = tree !== undefined && findNodeAtLocation(tree, ["apps"]) !== undefined;
  const edits = hasApps
    ? modify(text, ["apps", -1], entry, { formattingOptions: formattingOf(text) })
    : modify(text, ["apps"], [...existingEntries(config), entry], { formattingOptions: formattingOf(text) });
  return applyEdits(text, edits);
}

/** The indentation (first indented line) and line end of a JSON text. */
function formattingOf(text: string): FormattingOptions {
  const indent = /^([ \t]+)\S/m.exec(text)?.[1] ?? "  ";
  return {
    insertSpaces: !indent.startsWith("\t"),
    tabSize: indent.startsWith("\t") ? 1 : indent.length,
    eol: text.includes("\r\n") ? "\r\n" : "\n",
  };
}
