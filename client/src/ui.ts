/**
 * What the command logic needs from the editor, as a plain interface:
 * `vscode_ui.ts` implements it with the vscode API, the unit tests with a
 * recording fake. Nothing here imports `vscode`.
 */
import type { QuestionChoice, SqlMigrateParams } from "../../server/src/protocol";
import type { CancellationTokenLike } from "./rpc";

/** A file the server asked the client to create. */
export interface NewFile {
  /** Absolute path. */
  path: string;
  content: string;
}

/** Reports progress inside {@link Ui.withProgress}: a message, and an increment of 0..100 when known. */
export type ProgressReporter = (message: string, increment?: number) => void;

/** A quick pick: one of `choices` (by id). */
export interface PickOptions {
  title: string;
  /** The question (shown as the pick's placeholder). */
  prompt: string;
  choices: QuestionChoice[];
}

/** An input box. */
export interface InputOptions {
  title: string;
  /** The question (shown under the input). */
  prompt: string;
  placeholder?: string;
  /** The text to start with. */
  value?: string;
  /** Why the last answer was refused, shown as the input's validation message. */
  error?: string;
}

/** The editor, as the commands use it. */
export interface Ui {
  /** A modal warning with `detail` and one action button; resolves true when the user picked it. */
  confirm(message: string, detail: string, action: string): Promise<boolean>;
  /** Runs `task` under a cancellable notification progress titled `title`. */
  withProgress<T>(title: string, task: (report: ProgressReporter, token: CancellationTokenLike) => Promise<T>): Promise<T>;
  /** An information notification. */
  info(message: string): void;
  /** An error notification with a "Show Log" button. */
  error(message: string): void;
  /** An error for the untrusted workspace, with a "Manage Workspace Trust" button. */
  untrusted(message: string): void;
  /**
   * Creates `files` in one undoable WorkspaceEdit (label `label`), saves
   * them and opens the first. Resolves false when the edit was refused
   * (a file already exists).
   */
  createFiles(files: NewFile[], label: string): Promise<boolean>;
  /** Opens a file (absolute path) in an editor. */
  openFile(path: string): Promise<void>;
  /** Shows a quick pick; resolves with the picked choice's id, or undefined when dismissed. Stays open when focus moves. */
  pick(options: PickOptions): Promise<string | undefined>;
  /** Shows an input box; resolves with the text accepted (Enter), or undefined when dismissed. Stays open when focus moves. */
  input(options: InputOptions): Promise<string | undefined>;
  /** Opens the read-only SQL document of a migration. */
  showSql(params: SqlMigrateParams): Promise<void>;
}
