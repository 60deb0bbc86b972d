/**
 * The questions the detector stops on. The detector is written as a
 * generator that yields a {@link Question} and receives the answer, so the
 * same code runs asynchronously (terminal questioner) or synchronously
 * (the editor's questioner, which answers at once).
 */
import { TsMigrateError } from "../errors";
import type { NotNullAlteration, Questioner } from "../questioner";
import type { FieldState, ModelState } from "../state";
import type { Value } from "../values";

/** One question of Django's `MigrationQuestioner`. */
export type Question =
  | { readonly kind: "renameModel"; readonly oldModel: ModelState; readonly newModel: ModelState }
  | { readonly kind: "renameField"; readonly model: string; readonly oldName: string; readonly newName: string; readonly field: FieldState; readonly app?: string }
  | { readonly kind: "notNullAddition"; readonly field: string; readonly model: string; readonly fieldState: FieldState; readonly app?: string }
  | { readonly kind: "notNullAlteration"; readonly field: string; readonly model: string; readonly fieldState: FieldState; readonly app?: string };

/** A computation that may stop on questions. */
export type Asking<T> = Generator<Question, T, unknown>;

function ask(q: Questioner, question: Question): unknown {
  switch (question.kind) {
    case "renameModel": return q.askRenameModel(question.oldModel, question.newModel);
    case "renameField": return q.askRenameField(question.model, question.oldName, question.newName, question.field, question.app);
    case "notNullAddition": return q.askNotNullAddition(question.field, question.model, question.fieldState, question.app);
    case "notNullAlteration": return q.askNotNullAlteration(question.field, question.model, question.fieldState, question.app);
  }
}

/** Runs `gen`, awaiting each answer of `questioner`. */
export async function runAsync<T>(gen: Asking<T>, questioner: Questioner): Promise<T> {
  let step = gen.next();
  while (!step.done) step = gen.next(await ask(questioner, step.value));
  return step.value;
}

/**
 * Runs `gen` with a questioner that answers synchronously.
 * @throws TsMigrateError when the questioner answers with a Promise.
 */
export function runSync<T>(gen: Asking<T>, questioner: Questioner): T {
  let step = gen.next();
  while (!step.done) {
    const answer = ask(questioner, step.value);
    if (answer instanceof Promise || (typeof answer === "object" && answer !== null && "then" in answer)) {
      throw new TsMigrateError("this questioner answers asynchronously: use detectChanges, not detectChangesSync");
    }
    step = gen.next(answer);
  }
  return step.value;
}

/** Asks whether a model was renamed. */
export function* askRenameModel(oldModel: ModelState, newModel: ModelState): Asking<boolean> {
  return (yield { kind: "renameModel", oldModel, newModel }) as boolean;
}

/** Asks whether a field was renamed (`model` lowercase, of app `app`). */
export function* askRenameField(model: string, oldName: string, newName: string, field: FieldState, app?: string): Asking<boolean> {
  return (yield { kind: "renameField", model, oldName, newName, field, app }) as boolean;
}

/** Asks for a one-off default of a NOT NULL field added without one (`model` lowercase, of app `app`). */
export function* askNotNullAddition(field: string, model: string, fieldState: FieldState, app?: string): Asking<Value> {
  return (yield { kind: "notNullAddition", field, model, fieldState, app }) as Value;
}

/** Asks what to do about a field made NOT NULL without a default (`model` lowercase, of app `app`). */
export function* askNotNullAlteration(field: string, model: string, fieldState: FieldState, app?: string): Asking<NotNullAlteration> {
  return (yield { kind: "notNullAlteration", field, model, fieldState, app }) as NotNullAlteration;
}
