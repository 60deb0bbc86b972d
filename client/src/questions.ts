/**
 * The client's side of `tsmigrate/askQuestion` (server → client, typed in
 * server/src/protocol.ts): makemigrations' questions, worded by the server,
 * shown with the editor's quick pick or input box. UI only: the server reads
 * and checks the answer, and asks again with the reason when it refuses one.
 * Nothing here imports `vscode`.
 */
import type { AskQuestionParams, AskQuestionResult } from "../../server/src/protocol";
import type { Ui } from "./ui";

/** Asks the user `question`; resolves with the answer, or null when the user dismissed it (Escape). */
export async function answerQuestion(ui: Ui, question: AskQuestionParams): Promise<AskQuestionResult> {
  if (question.type === "pick") {
    const choice = await ui.pick({ title: question.title, prompt: question.prompt, choices: question.choices });
    return choice === undefined ? null : { choice };
  }
  const value = await ui.input({
    title: question.title, prompt: question.prompt, placeholder: question.placeholder, value: question.value, error: question.error,
  });
  return value === undefined ? null : { value };
}
