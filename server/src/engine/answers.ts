/**
 * Answers given up front to the autodetector's questions
 * (`makemigrations --rename`, `--default`, `--answers FILE`, and the
 * language server's `tsmigrate/makeMigrations` request). Django has no such
 * thing: its `MigrationQuestioner(defaults=...)` only holds `ask_initial`
 * answers, and its `NonInteractiveMigrationQuestioner` answers every rename
 * "no". Here an {@link AnswersQuestioner} answers from the given answers and
 * hands every other question to a fallback questioner (the terminal's, or
 * `--noinput`'s, which stops with exit 3 naming the flag that would answer).
 *
 * The answers' JSON shape ({@link MakeMigrationsAnswers}):
 *
 * ```json
 * { "renames": { "shop.product.stock": "quantity", "shop.Category": "ProductCategory", "shop.product.sku": null },
 *   "defaults": { "shop.product.weight": "0", "shop.product.status": "\"draft\"" } }
 * ```
 *
 * - `renames`: `app.model.old` → the field's new name, `app.Old` → the
 *   model's new name; `null` answers "no" to every rename of it (remove +
 *   add, or delete + create: its data is dropped). Model names compare
 *   case-insensitively, as Django's model lookups do.
 * - `defaults`: `app.model.field` → the one-off default for existing rows,
 *   as TypeScript literal source text (the reader of the interactive
 *   question, {@link parseDefault}). It answers both "NOT NULL field added
 *   without a default" and "nullable field made NOT NULL".
 */
import { ExitCode, TsMigrateError } from "./errors";
import {
  type Answer, type NotNullAlteration, type Questioner, defaultFlag, parseDefault, renameFieldFlag, renameFieldQuestion,
  renameModelFlag, renameModelQuestion,
} from "./questioner";
import type { FieldState, ModelState } from "./state";
import type { Value } from "./values";
import { serializeValue } from "./writer";

/**
 * Answers as JSON: the `--answers FILE` content and the `answers` of the
 * language server's `tsmigrate/makeMigrations` request (see the module doc).
 */
export interface MakeMigrationsAnswers {
  /** `"app.model.old": "new"` (a field), `"app.Old": "New"` (a model); `null`: not renamed. */
  renames?: Record<string, string | null>;
  /** `"app.model.field": "<TypeScript literal>"`: a one-off default for existing rows. */
  defaults?: Record<string, string>;
}

/** The kind of a question, as the detector asks it. */
export type QuestionKind = "renameModel" | "renameField" | "notNullAddition" | "notNullAlteration";

/** One question the detector asked, and how it was answered (`--json`, the language server's result). */
export interface AskedQuestion {
  kind: QuestionKind;
  /** What the answer is keyed on: `shop.product.stock` (a field), `shop.Category` (a model). */
  key: string;
  /** The question in one line (Django's wording for renames). */
  question: string;
  /** The flag that answers it up front: `--rename shop.product.stock=quantity`, `--default shop.product.weight=VALUE`. */
  flag: string;
  /** `"yes"`/`"no"` for a rename, the default's TypeScript source, or `"ignore"`; absent while unanswered. */
  answer?: string;
  /** Where the answer came from: the given answers, the terminal, the editor (the language server's `tsmigrate/askQuestion`), or nobody yet. */
  answeredBy: "answers" | "terminal" | "editor" | "unanswered";
}

/** One given answer: where it came from (for messages) and whether a question used it. */
interface Given<T> {
  readonly value: T;
  /** `--rename shop.product.stock=quantity`, or `renames["shop.product.stock"] in answers.json`. */
  readonly label: string;
  used: boolean;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

function badAnswer(label: string, why: string): TsMigrateError {
  return new TsMigrateError(`${label}: ${why}`, { code: "bad-answer", exitCode: ExitCode.BAD_INPUT });
}

/** A rename's or default's key, normalized: app as given, model lowercase, field as given. */
function normalizeKey(parts: readonly string[]): string {
  return parts.map((p, i) => (i === 1 ? p.toLowerCase() : p)).join(".");
}

/**
 * The answers given, parsed and checked. Build with {@link Answers.add},
 * {@link Answers.addFlag} and {@link Answers.addJson}; hand to an
 * {@link AnswersQuestioner}.
 */
export class Answers {
  /** `app.model.old` (field) or `app.old` (model), model lowercase → new name, or null for "not renamed". */
  readonly renames = new Map<string, Given<string | null>>();
  /** `app.model.field`, model lowercase → the literal's source and value. */
  readonly defaults = new Map<string, Given<{ source: string; value: Value }>>();

  /** True when no answer was given. */
  get empty(): boolean {
    return this.renames.size === 0 && this.defaults.size === 0;
  }

  /**
   * Adds one rename: `key` is `app.model.old` or `app.Old`, `to` the new name (null: not renamed).
   * @throws TsMigrateError (exit 2) naming `label` when the key or name is malformed, or the key was answered differently.
   */
  addRename(key: string, to: string | null, label: string): void {
    const parts = key.split(".");
    if ((parts.length !== 2 && parts.length !== 3) || !parts.every((p) => IDENT.test(p))) {
      throw badAnswer(label, "expected app.model.old_name=new_name (a field) or app.OldModel=NewModel (a model)");
    }
    if (to !== null && !IDENT.test(to)) throw badAnswer(label, `the new name '${to}' is not an identifier`);
    const k = normalizeKey(parts);
    const before = this.renames.get(k);
    if (before && before.value !== to) throw badAnswer(label, `${key} is already answered by ${before.label}`);
    this.renames.set(k, { value: to, label, used: false });
  }

  /**
   * Adds one one-off default: `key` is `app.model.field`, `source` a TypeScript literal.
   * @throws TsMigrateError (exit 2) naming `label` when the key is malformed, the literal unreadable, or answered differently.
   */
  addDefault(key: string, source: string, label: string): void {
    const parts = key.split(".");
    if (parts.length !== 3 || !parts.every((p) => IDENT.test(p))) throw badAnswer(label, "expected app.model.field=VALUE");
    let value: Value;
    try {
      value = parseDefault(source);
    } catch (e) {
      throw badAnswer(label, `the default is not a TypeScript literal: ${e instanceof Error ? e.message : String(e)}`);
    }
    const k = normalizeKey(parts);
    const before = this.defaults.get(k);
    if (before && before.value.source !== source.trim()) throw badAnswer(label, `${key} is already answered by ${before.label}`);
    this.defaults.set(k, { value: { source: source.trim(), value }, label, used: false });
  }

  /**
   * Adds a `--rename KEY=NEW` or `--default KEY=VALUE` flag's value.
   * @throws TsMigrateError (exit 2) when it has no `=` or is malformed (see addRename/addDefault).
   */
  addFlag(flag: "rename" | "default", spec: string): void {
    const label = `--${flag} ${spec}`;
    const eq = spec.indexOf("=");
    if (eq <= 0) throw badAnswer(label, flag === "rename" ? "expected app.model.old_name=new_name or app.OldModel=NewModel" : "expected app.model.field=VALUE");
    const key = spec.slice(0, eq).trim();
    const rest = spec.slice(eq + 1);
    if (flag === "rename") this.addRename(key, rest.trim(), label);
    else this.addDefault(key, rest, label);
  }

  /**
   * Adds answers given as JSON ({@link MakeMigrationsAnswers}); `origin` names where they came from in messages.
   * @throws TsMigrateError (exit 2) for any other shape, naming the key.
   */
  addJson(json: unknown, origin: string): void {
    if (!isRecord(json)) throw badAnswer(origin, 'expected an object { "renames": {...}, "defaults": {...} }');
    for (const k of Object.keys(json)) {
      if (k !== "renames" && k !== "defaults") throw badAnswer(origin, `unknown key "${k}" (expected "renames" and "defaults")`);
    }
    for (const [section, map] of Object.entries(json)) {
      if (map === undefined) continue;
      if (!isRecord(map)) throw badAnswer(origin, `"${section}" must be an object`);
      for (const [key, value] of Object.entries(map)) {
        const label = `${section}["${key}"] in ${origin}`;
        if (section === "renames") {
          if (value !== null && typeof value !== "string") throw badAnswer(label, "expected the new name (a string) or null");
          this.addRename(key, value, label);
        } else {
          if (typeof value !== "string") throw badAnswer(label, 'expected a TypeScript literal as a string, e.g. "0" or "\\"draft\\""');
          this.addDefault(key, value, label);
        }
      }
    }
  }

  /**
   * @throws TsMigrateError (exit 2, code `unmatched-answer`) naming every given answer that no question used.
   */
  throwIfUnused(): void {
    const unused = [...this.renames.values(), ...this.defaults.values()].filter((g) => !g.used).map((g) => g.label);
    if (!unused.length) return;
    throw new TsMigrateError(
      `${unused.length === 1 ? "This answer matches" : "These answers match"} no question makemigrations asked: ${unused.join(", ")}.\n` +
      "A rename is only asked about when the removed and the added field (or model) have the same definition; " +
      "a default only when a NOT NULL field without a default is added, or a nullable field is made NOT NULL. Nothing was written.",
      { code: "unmatched-answer", exitCode: ExitCode.BAD_INPUT },
    );
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * A questioner answering from {@link Answers} and asking `fallback` the
 * rest; records every question with its answer ({@link asked}).
 */
export class AnswersQuestioner implements Questioner {
  /** Every question asked so far, in order, with its answer. */
  readonly asked: AskedQuestion[] = [];

  /** `fallbackName`: how the fallback's answers are recorded (`terminal`, `editor`, or `unanswered` for one that only stands in). */
  constructor(
    readonly answers: Answers, private readonly fallback: Questioner,
    private readonly fallbackName: "terminal" | "editor" | "unanswered" = "terminal",
  ) {}

  /**
   * A rename answer for `oldKey` (normalized): true/false when the answers
   * say, undefined when they do not. `isNew` tells whether a given new
   * name is the one asked about. Another old name of the same model (or
   * app) renamed to it answers "no" too.
   */
  private rename(oldKey: string, isNew: (v: string) => boolean): boolean | undefined {
    const given = this.answers.renames.get(oldKey);
    if (given) {
      const yes = given.value !== null && isNew(given.value);
      if (yes || given.value === null) given.used = true;
      return yes;
    }
    const scope = (k: string): string => k.slice(0, k.lastIndexOf("."));
    for (const [k, g] of this.answers.renames) {
      if (g.value !== null && isNew(g.value) && scope(k) === scope(oldKey) && k.split(".").length === oldKey.split(".").length) return false;
    }
    return undefined;
  }

  /** Records question `q`, answered by `given` when defined, else by `ask()`; `show` writes the answer for the record. */
  private record<T>(q: Omit<AskedQuestion, "answer" | "answeredBy">, given: T | undefined, ask: () => Answer<T>,
    show: (v: T) => string): Answer<T> {
    const entry: AskedQuestion = { ...q, answeredBy: given === undefined ? this.fallbackName : "answers" };
    this.asked.push(entry);
    const done = (v: T): T => {
      if (entry.answeredBy !== "unanswered") entry.answer = show(v);
      return v;
    };
    if (given !== undefined) return done(given);
    const answer = ask();
    return answer instanceof Promise ? answer.then(done) : done(answer as T);
  }

  askRenameModel(oldModel: ModelState, newModel: ModelState): Answer<boolean> {
    const key = `${oldModel.app}.${oldModel.name}`;
    const given = this.rename(normalizeKey(key.split(".")), (v) => v.toLowerCase() === newModel.name.toLowerCase());
    return this.record({ kind: "renameModel", key, question: renameModelQuestion(oldModel, newModel), flag: renameModelFlag(oldModel, newModel) },
      given, () => this.fallback.askRenameModel(oldModel, newModel), yesNo);
  }

  askRenameField(modelName: string, oldName: string, newName: string, field: FieldState, app?: string): Answer<boolean> {
    const key = `${app}.${modelName}.${oldName}`;
    const given = this.rename(normalizeKey(key.split(".")), (v) => v === newName);
    return this.record(
      { kind: "renameField", key, question: renameFieldQuestion(modelName, oldName, newName, field), flag: renameFieldFlag(app, modelName, oldName, newName) },
      given, () => this.fallback.askRenameField(modelName, oldName, newName, field, app), yesNo);
  }

  private givenDefault(app: string | undefined, modelName: string, fieldName: string): Value | undefined {
    const given = this.answers.defaults.get(normalizeKey([app ?? "", modelName, fieldName]));
    if (!given) return undefined;
    given.used = true;
    return given.value.value;
  }

  askNotNullAddition(fieldName: string, modelName: string, field: FieldState, app?: string): Answer<Value> {
    return this.record({
      kind: "notNullAddition", key: `${app}.${modelName}.${fieldName}`, flag: defaultFlag(app, modelName, fieldName),
      question: `A one-off default for the non-nullable field '${fieldName}' added to ${modelName} without a default?`,
    }, this.givenDefault(app, modelName, fieldName), () => this.fallback.askNotNullAddition(fieldName, modelName, field, app),
    (v) => serializeValue(v));
  }

  askNotNullAlteration(fieldName: string, modelName: string, field: FieldState, app?: string): Answer<NotNullAlteration> {
    const value = this.givenDefault(app, modelName, fieldName);
    return this.record({
      kind: "notNullAlteration", key: `${app}.${modelName}.${fieldName}`, flag: defaultFlag(app, modelName, fieldName),
      question: `A one-off default for the NULL rows of '${fieldName}' on ${modelName}, made non-nullable without a default?`,
    }, value === undefined ? undefined : { kind: "default", value } as NotNullAlteration,
    () => this.fallback.askNotNullAlteration(fieldName, modelName, field, app),
    (a) => (a.kind === "default" ? serializeValue(a.value) : "ignore"));
  }

  askMerge(app: string): Answer<boolean> {
    return this.fallback.askMerge(app);
  }
}

function yesNo(b: boolean): string {
  return b ? "yes" : "no";
}
