/**
 * makemigrations' questions asked in the editor: the {@link Questioner} of a
 * `tsmigrate/makeMigrations` request from a client that announced
 * `askQuestions` (the VS Code extension). Each question goes to the client as
 * a `tsmigrate/askQuestion` request (a quick pick or an input box there) in
 * the terminal's words (engine/questioner.ts's {@link QuestionText}, Django
 * 3.2's `InteractiveMigrationQuestioner`):
 *
 * - a rename: "Rename stock → quantity (keeps the data)" or "Remove stock and
 *   add quantity (data in stock is lost)" (Django's yes/no);
 * - a NOT NULL field added without a default: the one-off default, typed as
 *   a TypeScript literal, read by the terminal's reader ({@link parseDefault})
 *   and asked again with the reason while it is not one;
 * - a nullable field made NOT NULL: a one-off default (as above) or "ignore".
 *
 * Cancelling (Escape, or typing `exit` as in the terminal) is "Quit": the
 * questioner throws {@link QuestionsCancelled} and nothing is written.
 */
import type { AskQuestionParams, AskQuestionResult, QuestionChoice } from "../protocol";
import type { QuestionKind } from "../engine/answers";
import { type NotNullAlteration, type Questioner, parseDefault, QuestionText, renameFieldQuestion, renameModelQuestion } from "../engine/questioner";
import type { FieldState, ModelState } from "../engine/state";
import type { Value } from "../engine/values";

/** Sends one `tsmigrate/askQuestion` to the client and resolves with its answer (null: cancelled). */
export type AskClient = (params: AskQuestionParams) => Promise<AskQuestionResult>;

/** The user cancelled a question: nothing is written (the terminal's "Quit"). */
export class QuestionsCancelled extends Error {
  constructor() {
    super("Cancelled: nothing was written.");
    this.name = "QuestionsCancelled";
  }
}

/** The title every question of one run carries. */
const TITLE = "Make migrations";

/** The terminal's `[y/N]` suffix, which a pick does not need. */
function withoutYesNo(question: string): string {
  return question.replace(/ \[y\/N\]$/, "");
}

/** "Provide a one-off default now (will be set ...)" → label "Provide a one-off default now", detail "will be set ..."; likewise at ", and". */
function labelAndDetail(text: string): Omit<QuestionChoice, "id"> {
  const m = /^(.*?)(?: \((.*)\)|, (and .*))$/.exec(text);
  return m ? { label: m[1]!, detail: m[2] ?? m[3]! } : { label: text };
}

/** A {@link Questioner} that asks the editor's user through `ask` (see the module doc). */
export class EditorQuestioner implements Questioner {
  constructor(private readonly ask: AskClient) {}

  /** Asks a pick; resolves with the chosen id. @throws QuestionsCancelled when cancelled or answered with something else. */
  private async pick(kind: QuestionKind, key: string, prompt: string, choices: QuestionChoice[]): Promise<string> {
    const answer = await this.ask({ type: "pick", kind, key, title: `${TITLE}: ${key.split(".").slice(1).join(".")}`, prompt, choices });
    if (answer === null || !("choice" in answer) || !choices.some((c) => c.id === answer.choice)) throw new QuestionsCancelled();
    return answer.choice;
  }

  /**
   * Asks for a one-off default until the answer is a TypeScript literal
   * (each refusal asks again with the text typed and the reason, as the
   * terminal prints "Invalid input: ..." and asks again).
   * @throws QuestionsCancelled when cancelled or answered `exit`.
   */
  private async askDefault(kind: QuestionKind, key: string, question: string): Promise<Value> {
    let value: string | undefined;
    let error: string | undefined;
    for (;;) {
      const answer = await this.ask({
        type: "input", kind, key, title: `${TITLE}: ${key.split(".").slice(1).join(".")}`,
        prompt: `${question}${QuestionText.enterDefault}. Cancelling writes nothing.`,
        placeholder: "0, \"draft\", false, null, [], {}", value, error,
      });
      if (answer === null || !("value" in answer)) throw new QuestionsCancelled();
      const code = answer.value.trim();
      if (code === "exit") throw new QuestionsCancelled();
      if (code === "") {
        error = "Please enter a value (a TypeScript literal), or press Escape to quit.";
        value = "";
        continue;
      }
      try {
        return parseDefault(code);
      } catch (e) {
        error = QuestionText.invalid(e instanceof Error ? e.message : String(e));
        value = answer.value;
      }
    }
  }

  async askRenameModel(oldModel: ModelState, newModel: ModelState): Promise<boolean> {
    const choice = await this.pick("renameModel", `${oldModel.app}.${oldModel.name}`, withoutYesNo(renameModelQuestion(oldModel, newModel)), [
      { id: "rename", label: `Rename ${oldModel.name} → ${newModel.name} (keeps the data)` },
      { id: "no", label: `Delete ${oldModel.name} and create ${newModel.name} (data in ${oldModel.name} is lost)` },
    ]);
    return choice === "rename";
  }

  async askRenameField(modelName: string, oldName: string, newName: string, field: FieldState, app?: string): Promise<boolean> {
    const choice = await this.pick("renameField", `${app}.${modelName}.${oldName}`, withoutYesNo(renameFieldQuestion(modelName, oldName, newName, field)), [
      { id: "rename", label: `Rename ${oldName} → ${newName} (keeps the data)` },
      { id: "no", label: `Remove ${oldName} and add ${newName} (data in ${oldName} is lost)` },
    ]);
    return choice === "rename";
  }

  askNotNullAddition(fieldName: string, modelName: string, field: FieldState, app?: string): Promise<Value> {
    return this.askDefault("notNullAddition", `${app}.${modelName}.${fieldName}`, QuestionText.notNullAddition(fieldName, modelName, field));
  }

  async askNotNullAlteration(fieldName: string, modelName: string, field: FieldState, app?: string): Promise<NotNullAlteration> {
    const key = `${app}.${modelName}.${fieldName}`;
    const question = QuestionText.notNullAlteration(fieldName, modelName, field);
    // The terminal's three choices, each cut into a label and its detail (a pick shows one line per part).
    const choice = await this.pick("notNullAlteration", key, `${question}${QuestionText.selectFix}`, [
      QuestionText.oneOff, QuestionText.ignore, QuestionText.quit,
    ].map((text, i) => ({ id: ["default", "ignore", "quit"][i]!, ...labelAndDetail(text) })));
    if (choice === "quit") throw new QuestionsCancelled();
    if (choice === "ignore") return { kind: "ignore" };
    return { kind: "default", value: await this.askDefault("notNullAlteration", key, question) };
  }

  /** Not asked here: merging is its own code action ("Merge migrations"). */
  askMerge(): boolean {
    return false;
  }
}
