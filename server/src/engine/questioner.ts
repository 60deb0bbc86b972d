/**
 * The questions the autodetector asks while comparing states. Mirrors
 * `django/db/migrations/questioner.py` (Django 3.2): the interactive
 * questioner asks on a terminal with Django's wording, the non-interactive
 * one (`--noinput`) answers only where the answer is safe and otherwise
 * stops with a {@link QuestionError} (exit 3) carrying the question, and the
 * drift questioner (editor) never asks and never stops.
 */
import * as readline from "node:readline";
import { ExitCode, QuestionError, TsMigrateError } from "./errors";
import type { FieldState, ModelState } from "./state";
import { isLiteral } from "./source/q";
import { parseSource, readValue, syntaxErrors } from "./source/read";
import { ts } from "ts-morph";
import type { RefValue, Value } from "./values";
import { isCallableDefault, isFunctionValue } from "./callables";

/** A questioner's answer: given now, or later (interactive questioners). */
export type Answer<T> = T | Promise<T>;

/** The answer to "NULL to NOT NULL without a default": a one-off default, or leave existing NULLs to the user. */
export type NotNullAlteration = { readonly kind: "default"; readonly value: Value } | { readonly kind: "ignore" };

/**
 * What the autodetector asks (Django's `MigrationQuestioner`). Quitting is
 * a thrown TsMigrateError with exit code 3.
 */
export interface Questioner {
  /** "Did you rename the shop.Category model to ProductCategory?" */
  askRenameModel(oldModel: ModelState, newModel: ModelState): Answer<boolean>;
  /**
   * "Did you rename product.stock to product.quantity (a IntegerField)?" `modelName` is lowercase;
   * `app` is the model's app label (absent only from older callers).
   */
  askRenameField(modelName: string, oldName: string, newName: string, field: FieldState, app?: string): Answer<boolean>;
  /** A NOT NULL field without default is added to an existing model: the one-off default for existing rows. */
  askNotNullAddition(fieldName: string, modelName: string, field: FieldState, app?: string): Answer<Value>;
  /** A nullable field becomes NOT NULL without default: a one-off default for NULL rows, or "ignore". */
  askNotNullAlteration(fieldName: string, modelName: string, field: FieldState, app?: string): Answer<NotNullAlteration>;
  /** `makemigrations --merge`: merge the branches of `app`? */
  askMerge(app: string): Answer<boolean>;
}

/** Django's rename question for a field. */
export function renameFieldQuestion(modelName: string, oldName: string, newName: string, field: FieldState): string {
  return `Did you rename ${modelName}.${oldName} to ${modelName}.${newName} (a ${field.type})? [y/N]`;
}

/** The flag answering a field rename question up front: `--rename shop.product.stock=quantity`. */
export function renameFieldFlag(app: string | undefined, modelName: string, oldName: string, newName: string): string {
  return `--rename ${app ?? "APP"}.${modelName}.${oldName}=${newName}`;
}

/** The flag answering a model rename question up front: `--rename shop.Category=ProductCategory`. */
export function renameModelFlag(oldModel: ModelState, newModel: ModelState): string {
  return `--rename ${oldModel.app}.${oldModel.name}=${newModel.name}`;
}

/** The flag answering a one-off default question up front: `--default shop.product.weight=VALUE`. */
export function defaultFlag(app: string | undefined, modelName: string, fieldName: string): string {
  return `--default ${app ?? "APP"}.${modelName}.${fieldName}=VALUE`;
}

/** Django's rename question for a model. */
export function renameModelQuestion(oldModel: ModelState, newModel: ModelState): string {
  return `Did you rename the ${oldModel.app}.${oldModel.name} model to ${newModel.name}? [y/N]`;
}

/**
 * Why a field whose `default` is a callable still needs a one-off default
 * (a sentence ending in a newline), or "" for any other field. Django calls
 * the function once and copies that value into every existing row; we ask
 * instead (only a random UUID or the current time is computed per row by
 * the database: `engine/callables.ts`).
 */
function callableNote(field: FieldState | undefined): string {
  const d = field?.options.default;
  if (!isCallableDefault(d)) return "";
  const text = isFunctionValue(d) ? (d.args[0] as string) : (d as RefValue).name;
  return `Its default is a function (${text.split("\n")[0]}${text.includes("\n") ? " ..." : ""}) that tsmigrate never runs, ` +
    "and the database cannot compute it per row (it can for a random UUID or the current date/time); calling it once " +
    "would give every existing row the same value, so existing rows need a one-off default.\n";
}

/**
 * The interactive questions' words (Django 3.2's `InteractiveMigrationQuestioner`,
 * for TypeScript), shared by the terminal ({@link InteractiveQuestioner}) and
 * the editor (the language server's `tsmigrate/askQuestion`, lsp/questions.ts).
 */
export const QuestionText = {
  /** A NOT NULL field added without a default (ends with a newline; the terminal adds "Please select a fix:"). */
  notNullAddition: (field: string, model: string, state?: FieldState): string =>
    `You are trying to add a non-nullable field '${field}' to ${model} without a default; ` +
    `we can't do that (the database needs something to populate existing rows).\n${callableNote(state)}`,
  /** A nullable field made NOT NULL without a default (likewise). */
  notNullAlteration: (field: string, model: string, state?: FieldState): string =>
    `You are trying to change the nullable field '${field}' on ${model} to non-nullable without a default; ` +
    `we can't do that (the database needs something to populate existing rows).\n${callableNote(state)}`,
  selectFix: "Please select a fix:",
  oneOff: "Provide a one-off default now (will be set on all existing rows with a null value for this column)",
  quit: "Quit, and let me add a default in models.ts",
  ignore: "Ignore for now, and let me handle existing rows with NULL myself (e.g. because you added a RunCode or RunSQL " +
    "operation to handle NULL values in a previous data migration)",
  enterDefault: "Please enter the default value now, as a TypeScript literal (string, number, boolean, null, array or object)",
  /** The reason a typed default is refused. */
  invalid: (reason: string): string => `Invalid input: ${reason}`,
} as const;

/** The error a "Quit" answer raises (Django's `sys.exit(3)`). */
function quit(): TsMigrateError {
  return new TsMigrateError("Quit: nothing was written.", { code: "quit", exitCode: ExitCode.QUESTION });
}

/**
 * Parses a one-off default typed by the user as a TypeScript literal
 * (`0`, `"draft"`, `false`, `null`, `[1, 2]`, `{ a: 1 }`).
 * @throws TsMigrateError with the reason when it is not one.
 */
export function parseDefault(code: string): Value {
  const sf = parseSource("<default>", `(${code}\n);`);
  const errs = syntaxErrors(sf);
  if (errs.length) throw new TsMigrateError(errs[0]!.message.replace(/^syntax error: /, ""));
  const stmt = sf.statements[0];
  if (sf.statements.length !== 1 || !stmt || !ts.isExpressionStatement(stmt)) throw new TsMigrateError("expected one value");
  const v = readValue(stmt.expression, sf);
  if (!isLiteral(v)) throw new TsMigrateError("expected a literal: a string, number, boolean, null, array or object");
  return v;
}

/** Streams of the interactive questioner (process.stdin/stdout by default). */
export interface InteractiveOptions {
  readonly input?: NodeJS.ReadableStream;
  readonly output?: NodeJS.WritableStream;
  /** `--dry-run`: NOT NULL questions are not asked (placeholder answers), as in Django. */
  readonly dryRun?: boolean;
}

/** Django's `InteractiveMigrationQuestioner`: asks on a terminal, with Django 3.2's wording. */
export class InteractiveQuestioner implements Questioner {
  private readonly input: NodeJS.ReadableStream;
  private readonly output: NodeJS.WritableStream;
  private readonly dryRun: boolean;
  private rl?: readline.Interface;
  private lines?: AsyncIterator<string>;

  constructor(opts: InteractiveOptions = {}) {
    this.input = opts.input ?? process.stdin;
    this.output = opts.output ?? process.stdout;
    this.dryRun = opts.dryRun ?? false;
  }

  /** Releases the input stream (call when done asking). */
  close(): void {
    this.rl?.close();
    this.rl = undefined;
    this.lines = undefined;
  }

  private print(text: string): void {
    this.output.write(`${text}\n`);
  }

  /** Writes `prompt` and reads one line. @throws QuestionError at end of input. */
  private async input_(prompt: string): Promise<string> {
    this.output.write(prompt);
    if (!this.lines) {
      this.rl = readline.createInterface({ input: this.input, terminal: false });
      this.lines = this.rl[Symbol.asyncIterator]();
    }
    const next = await this.lines.next();
    if (next.done) throw new QuestionError(`${prompt.trim()} (no answer: end of input)`);
    return next.value;
  }

  /** Django's `_boolean_input`. */
  private async booleanInput(question: string, dflt?: boolean): Promise<boolean> {
    let result = await this.input_(`${question} `);
    if (!result && dflt !== undefined) return dflt;
    while (!result || !"yn".includes(result[0]!.toLowerCase())) result = await this.input_("Please answer yes or no: ");
    return result[0]!.toLowerCase() === "y";
  }

  /** Django's `_choice_input`: 1-based choice. */
  private async choiceInput(question: string, choices: readonly string[]): Promise<number> {
    this.print(question);
    choices.forEach((c, i) => this.print(` ${i + 1}) ${c}`));
    let result = await this.input_("Select an option: ");
    for (;;) {
      const value = /^\s*\d+\s*$/.test(result) ? Number(result) : NaN;
      if (value > 0 && value <= choices.length) return value;
      result = await this.input_("Please select a valid option: ");
    }
  }

  /** Django's `_ask_default`, reading a TypeScript literal. */
  private async askDefault(): Promise<Value> {
    this.print(QuestionText.enterDefault);
    this.print("Type 'exit' to exit this prompt");
    for (;;) {
      const code = (await this.input_(">>> ")).trim();
      if (!code) this.print("Please enter some code, or 'exit' (with no quotes) to exit.");
      else if (code === "exit") throw quit();
      else {
        try {
          return parseDefault(code);
        } catch (e) {
          this.print(QuestionText.invalid(e instanceof Error ? e.message : String(e)));
        }
      }
    }
  }

  async askRenameModel(oldModel: ModelState, newModel: ModelState): Promise<boolean> {
    return this.booleanInput(renameModelQuestion(oldModel, newModel), false);
  }

  async askRenameField(modelName: string, oldName: string, newName: string, field: FieldState): Promise<boolean> {
    return this.booleanInput(renameFieldQuestion(modelName, oldName, newName, field), false);
  }

  async askNotNullAddition(fieldName: string, modelName: string, field: FieldState): Promise<Value> {
    if (this.dryRun) return placeholderDefault(field);
    const choice = await this.choiceInput(QuestionText.notNullAddition(fieldName, modelName, field) + QuestionText.selectFix,
      [QuestionText.oneOff, QuestionText.quit]);
    if (choice === 2) throw quit();
    return this.askDefault();
  }

  async askNotNullAlteration(fieldName: string, modelName: string, field: FieldState): Promise<NotNullAlteration> {
    if (this.dryRun) return { kind: "ignore" };
    const choice = await this.choiceInput(QuestionText.notNullAlteration(fieldName, modelName, field) + QuestionText.selectFix,
      [QuestionText.oneOff, QuestionText.ignore, QuestionText.quit]);
    if (choice === 2) return { kind: "ignore" };
    if (choice === 3) throw quit();
    return { kind: "default", value: await this.askDefault() };
  }

  async askMerge(_app: string): Promise<boolean> {
    return this.booleanInput(
      "\nMerging will only work if the operations printed above do not conflict\n" +
        "with each other (working on different fields or models)\n" +
        "Do you want to merge these migration branches? [y/N]",
      false,
    );
  }
}

/**
 * `--noinput` (or no terminal). Unlike Django, which answers "no" to
 * renames and so silently turns a rename into drop + add, a rename question
 * stops with a QuestionError: no data is lost without someone saying so.
 * NOT NULL questions stop too (Django 3.2 exits 3 for additions); a merge
 * is accepted (Django's `ask_merge` default under `--noinput`).
 */
export class NonInteractiveQuestioner implements Questioner {
  askRenameModel(oldModel: ModelState, newModel: ModelState): boolean {
    throw new QuestionError(`${renameModelQuestion(oldModel, newModel)}\nThis question cannot be answered with --noinput: ` +
      `run makemigrations in a terminal to answer it, or pass ${renameModelFlag(oldModel, newModel)} ` +
      "(a model rename keeps the data, delete + create drops it).");
  }

  askRenameField(modelName: string, oldName: string, newName: string, field: FieldState, app?: string): boolean {
    throw new QuestionError(`${renameFieldQuestion(modelName, oldName, newName, field)}\nThis question cannot be answered with ` +
      `--noinput: run makemigrations in a terminal to answer it, or pass ${renameFieldFlag(app, modelName, oldName, newName)} ` +
      "(a rename keeps the column's data, remove + add drops it).");
  }

  askNotNullAddition(fieldName: string, modelName: string, field?: FieldState, app?: string): Value {
    throw new QuestionError(`It is impossible to add a non-nullable field '${fieldName}' to ${modelName} without specifying ` +
      `a default. This is because the database needs something to populate existing rows.\n${callableNote(field)}` +
      "Please either make the field nullable (null: true), give it a default in models.ts, run makemigrations " +
      `in a terminal to provide a one-off default, or pass ${defaultFlag(app, modelName, fieldName)} (a TypeScript literal).`);
  }

  askNotNullAlteration(fieldName: string, modelName: string, field?: FieldState, app?: string): NotNullAlteration {
    throw new QuestionError(`It is impossible to change a nullable field '${fieldName}' on ${modelName} to non-nullable ` +
      `without providing a default. This is because the database needs something to populate existing rows.\n${callableNote(field)}` +
      "Please either give the field a default in models.ts, or run makemigrations in a terminal to provide a " +
      "one-off default or to confirm that existing NULL rows are handled, " +
      `or pass ${defaultFlag(app, modelName, fieldName)} (a TypeScript literal).`);
  }

  askMerge(): boolean {
    return true;
  }
}

/** A stand-in value of the field's type (used where no one can be asked). */
function placeholderDefault(field: FieldState): Value {
  switch (field.type) {
    case "BooleanField":
      return false;
    case "IntegerField": case "BigIntegerField": case "SmallIntegerField": case "PositiveIntegerField":
    case "PositiveBigIntegerField": case "PositiveSmallIntegerField": case "FloatField": case "DecimalField":
    case "DurationField": case "ForeignKey": case "OneToOneField": case "AutoField": case "BigAutoField": case "SmallAutoField":
      return 0;
    case "JSONField":
      return {};
    default:
      return "";
  }
}

/**
 * The editor's questioner: never asks, never throws. Renames are not
 * guessed (remove + add is shown), NOT NULL additions get a placeholder
 * one-off default of the field's type, NULL to NOT NULL is "ignore".
 * Answers are synchronous, so the detector runs synchronously with it.
 */
export class DriftQuestioner implements Questioner {
  askRenameModel(): boolean {
    return false;
  }

  askRenameField(): boolean {
    return false;
  }

  askNotNullAddition(_fieldName: string, _modelName: string, field: FieldState): Value {
    return placeholderDefault(field);
  }

  askNotNullAlteration(): NotNullAlteration {
    return { kind: "ignore" };
  }

  askMerge(): boolean {
    return false;
  }
}
