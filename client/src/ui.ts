/**
 * What the command logic needs from the editor, as a plain interface:
 * `vscode_ui.ts` implements it with the vscode API, the unit tests with a
 * recording fake. Nothing here imports `vscode`.
 */
import type { SqlMigrateParams } from "../../server/src/protocol";
import type { CancellationTokenLike } from "./rpc";

/** A file the server asked the client to create. */
export interface NewFile {
  /** Absolute path. */
  path: string;
  content: string;
}

/** Reports progress inside {@link Ui.withProgress}: a message, and an increment of 0..100 when known. */
export type ProgressReporter = (message: string, increment?: number) => void;

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
  /** Opens the read-only SQL document of a migration. */
  showSql(params: SqlMigrateParams): Promise<void>;
}
