/**
 * tsmigrate's custom LSP methods, typed once for the server (`server/src/lsp`)
 * and the VS Code client (`client/src`), as vscode-eslint's
 * `customMessages.ts` and rust-analyzer's `lsp_ext.ts` do: each method is a
 * `RequestType` / `NotificationType` object ({@link RequestTypes},
 * {@link NotificationTypes}) that the server registers its handler through
 * and the client sends through, so a renamed method or a changed parameter
 * fails to compile on both sides. Both sides use the same vscode-jsonrpc.
 *
 * Every method is a request (client → server) unless listed in
 * {@link Notifications} or {@link ServerRequests} (server → client). Database-touching requests fail with
 * {@link ErrorCodes.Untrusted} while the workspace is not trusted.
 */
import { NotificationType, ParameterStructures, RequestType } from "vscode-jsonrpc";
import type { AskedQuestion, MakeMigrationsAnswers, QuestionKind } from "./engine/answers";

export type { AskedQuestion, MakeMigrationsAnswers, QuestionKind };


/**
 * Status of one migration in the tree view. "unknown": the database was not
 * read (untrusted workspace, a database error), so whether it is applied is
 * not known.
 */
export type MigrationStatus = "applied" | "pending" | "modified" | "conflicted" | "unknown";

/**
 * Whether the database behind a listing or a status was read:
 * "read"; "missing" (a SQLite file that does not exist yet: nothing is
 * applied, `migrate` creates it); "untrusted" (the workspace is not trusted:
 * not opened); "error" (opening or reading it failed: `databaseError` says why).
 */
export type DatabaseState = "read" | "missing" | "untrusted" | "error";

/** One migration as the tree view shows it. */
export interface MigrationInfo {
  app: string;
  name: string;
  /** Absolute path of the migration file. */
  file: string;
  status: MigrationStatus;
  /** ISO 8601 time it was applied, when applied. */
  appliedAt?: string;
  /** True when applied and its file changed since (checksum differs). */
  modified: boolean;
  /** True when the app has several leaf migrations and this is one of them. */
  conflicted: boolean;
  /** Django's `describe()` of each operation. */
  operations: string[];
}

/** One app and its migrations, in graph order. */
export interface AppInfo {
  label: string;
  migrations: MigrationInfo[];
}

export interface ListMigrationsParams {
  /** A database alias from the config; default: the `tsmigrate.database` setting, else "default". */
  database?: string;
}
export interface ListMigrationsResult {
  /** Every alias in the config's `databases`. */
  databases: string[];
  database: string;
  apps: AppInfo[];
  /** Set when the database could not be read (untrusted workspace, missing driver, ...): statuses are then "unknown" (or "conflicted"). */
  databaseError?: string;
  /** Pending changes in the models not yet in any migration. */
  driftCount: number;
  /** Whether the database was read (absent from older servers: "read" unless `databaseError` is set). */
  databaseState?: DatabaseState;
  /** Errors in the project's files (models, migrations, config) that tsmigrate reports: the drift is not trustworthy while > 0. */
  errorCount?: number;
}

/** A migrate target: `app` alone = its leaf; `name` = that migration (a unique prefix works); `name: "zero"` = unapply the app. */
export interface MigrateTarget {
  app?: string;
  name?: string;
}

export interface PlanParams extends MigrateTarget {
  database?: string;
}
export interface PlanStep {
  app: string;
  name: string;
  backwards: boolean;
  /** `describe()` of each operation ("Undo ..." not prefixed). */
  operations: string[];
  irreversible: boolean;
}
export interface PlanResult {
  steps: PlanStep[];
  /**
   * What the plan would destroy or narrow (the engine's data-loss analysis),
   * in the CLI's words with counts from the database ("shop.0003_remove_product_stock:
   * drops column shop_product.stock: 12 non-null values"), for the confirmation modal.
   */
  destroys: string[];
}

export interface MigrateParams extends PlanParams {
  fake?: boolean;
  /** LSP work-done progress token: the server reports one step per migration and honours cancellation between migrations. */
  workDoneToken?: string | number;
}
export interface MigrateResult {
  applied: string[];
  unapplied: string[];
  /** True when cancelled between migrations; what ran stays applied. */
  cancelled: boolean;
}

export interface SqlMigrateParams {
  app: string;
  name: string;
  backwards?: boolean;
  database?: string;
}
export interface SqlMigrateResult {
  /** The SQL as `tsmigrate sqlmigrate` prints it, formatted. */
  sql: string;
}

export interface MakeMigrationsParams {
  /** Apps to make migrations for; all when absent. */
  apps?: string[];
  name?: string;
  /**
   * Answers to the autodetector's questions, as `makemigrations --answers FILE` takes them
   * (`{ "renames": { "shop.product.stock": "quantity" }, "defaults": { "shop.product.weight": "0" } }`).
   * When present (even `{}`), the result lists every question asked (`questions`) and no file is
   * proposed while one is unanswered; an answer that matches no question fails with BadInput.
   * When absent and the client announced `askQuestions`, each question is asked through
   * `tsmigrate/askQuestion` (server → client) while the request runs, as the terminal asks them;
   * when absent otherwise, no rename is assumed and a needed one-off default is refused (the drift
   * diagnostics' answers).
   */
  answers?: MakeMigrationsAnswers;
}
export interface MakeMigrationsResult {
  /** Files to create, as a WorkspaceEdit-ready list (the client applies them so that the user can undo). */
  files: { path: string; content: string; description: string[] }[];
  /**
   * With `answers`, or asked through `tsmigrate/askQuestion`: every question asked, in order, with
   * its answer (`answeredBy: "unanswered"` for those to ask the user, `"editor"` for those the user answered).
   */
  questions?: AskedQuestion[];
  /** True when the user cancelled a question (`tsmigrate/askQuestion` answered null): `files` is empty, nothing is to be written. */
  cancelled?: boolean;
}

/** One choice of a `tsmigrate/askQuestion` pick. */
export interface QuestionChoice {
  /** What the client answers when it is picked. */
  id: string;
  /** The choice, one line ("Rename stock → quantity (keeps the data)"). */
  label: string;
  /** A second line under it, when there is more to say. */
  detail?: string;
}

/** What every `tsmigrate/askQuestion` carries: which of makemigrations' questions it is, and its words. */
interface AskQuestionBase {
  /** The engine's question (as in {@link AskedQuestion}): `renameField`, `notNullAddition`, ... */
  kind: QuestionKind;
  /** What the question is about: `shop.product.stock` (a field), `shop.Category` (a model). */
  key: string;
  /** A short title (VS Code: the quick pick's or input box's title): "Make migrations: product.weight". */
  title: string;
  /** The question in the terminal's words (`tsmigrate makemigrations` asks the same), one or more lines. */
  prompt: string;
}

/** Choose one of `choices` (VS Code: a quick pick). Answered `{ choice: id }`. */
export interface AskPickParams extends AskQuestionBase {
  type: "pick";
  choices: QuestionChoice[];
}

/**
 * Type a value (VS Code: an input box). Answered `{ value: text }`. When the
 * last answer was refused, the server asks again with it as `value` and the
 * reason as `error` (shown as the input's validation message).
 */
export interface AskInputParams extends AskQuestionBase {
  type: "input";
  /** Greyed text in the empty input. */
  placeholder?: string;
  /** The text to start with (the refused answer when asking again). */
  value?: string;
  /** Why the last answer was refused ("Invalid input: ..."), shown with the input. */
  error?: string;
}

/** `tsmigrate/askQuestion`'s parameters: a pick or an input. */
export type AskQuestionParams = AskPickParams | AskInputParams;

/** `tsmigrate/askQuestion`'s answer: the picked choice's id, the typed text, or null when the user cancelled (Escape). */
export type AskQuestionResult = { choice: string } | { value: string } | null;

/** `tsmigrate/schemaDrift`: the live schema against the schema the applied migrations build (`diffschema`). */
export interface SchemaDriftParams {
  /** A database alias from the config; default: the `tsmigrate.database` setting, else "default". */
  database?: string;
}
export interface SchemaDriftResult {
  database: string;
  /** How many migrations the database has applied. */
  applied: number;
  /** One sentence per difference (`table "shop_product": column "legacy_code" exists in the database but in no migration`). */
  differences: string[];
}

/**
 * `tsmigrate/serverStats`: the server's memory and what its last analysis
 * read (for tests and the bench; the extension never sends it).
 */
export interface ServerStatsParams {
  /** Collect garbage first (only when the server runs with `--expose-gc`; `gcRan` says whether it did). */
  gc?: boolean;
}
export interface ServerStatsResult {
  /** Resident set size, bytes. */
  rss: number;
  /** V8 heap in use, bytes. */
  heapUsed: number;
  /** V8 heap reserved (in use or free), bytes. */
  heapTotal: number;
  /** Memory outside the V8 heap that V8 knows of (buffers, array buffers), bytes. */
  external: number;
  gcRan: boolean;
  /** Classes of models files read in the last analysis, and reused from the class caches. */
  classesRead: number;
  classesReused: number;
  /**
   * Models files the last analysis read from the edited class alone, without
   * parsing the whole file (an edit inside one class's body).
   */
  quickReads: number;
  /** Models resolved again by the last analysis that read a change (every model after a whole resolution). */
  modelsResolved: number;
  /** Analyses run so far. */
  analyses: number;
  /** CPU time the server process used so far (user + system), microseconds. */
  cpuMicros: number;
}

export interface SetTrustParams {
  trusted: boolean;
}

/** Server → client: migrations, models or the database changed; the tree should refresh. */
export interface DidChangeStatusParams {
  /** Migrations not applied; 0 when the database was not read (see `databaseState`). */
  pendingCount: number;
  driftCount: number;
  /** Whether the database was read (absent: "read"). */
  databaseState?: DatabaseState;
  /** Why the database was not read ("untrusted" or "error"), one sentence. */
  databaseError?: string;
  /** tsmigrate's errors in the project's files (models that do not parse, bad migrations, a bad config). */
  errorCount?: number;
}

/** Request methods and their parameter and result types. */
export interface Requests {
  "tsmigrate/listMigrations": { params: ListMigrationsParams; result: ListMigrationsResult };
  "tsmigrate/plan": { params: PlanParams; result: PlanResult };
  "tsmigrate/migrate": { params: MigrateParams; result: MigrateResult };
  "tsmigrate/sqlmigrate": { params: SqlMigrateParams; result: SqlMigrateResult };
  "tsmigrate/makeMigrations": { params: MakeMigrationsParams; result: MakeMigrationsResult };
  "tsmigrate/schemaDrift": { params: SchemaDriftParams; result: SchemaDriftResult };
  "tsmigrate/serverStats": { params: ServerStatsParams; result: ServerStatsResult };
}

/**
 * Requests the server sends to the client (server → client), and their
 * parameter and result types. The server sends them only to a client that
 * announced them in {@link InitializationOptions} (`askQuestions`).
 */
export interface ServerRequests {
  /** One of makemigrations' questions (a rename? a one-off default?), asked while `tsmigrate/makeMigrations` runs. */
  "tsmigrate/askQuestion": { params: AskQuestionParams; result: AskQuestionResult };
}

/** Notification methods and their parameter types (direction in each comment). */
export interface Notifications {
  /** client → server: the workspace trust changed. */
  "tsmigrate/setTrust": SetTrustParams;
  /** server → client: status changed (tree view and status bar refresh). */
  "tsmigrate/didChangeStatus": DidChangeStatusParams;
}

export type RequestMethod = keyof Requests;
export type ServerRequestMethod = keyof ServerRequests;
export type NotificationMethod = keyof Notifications;

/** The RequestType of custom request `M`: parameters by name. */
export type CustomRequest<M extends RequestMethod> = RequestType<Requests[M]["params"], Requests[M]["result"], void>;

function request<M extends RequestMethod>(method: M): CustomRequest<M> {
  return new RequestType(method, ParameterStructures.byName);
}

function notification<M extends NotificationMethod>(method: M): NotificationType<Notifications[M]> {
  return new NotificationType(method, ParameterStructures.byName);
}

/** Every custom request's RequestType: the server registers through these, the client sends through them. */
export const RequestTypes: { readonly [M in RequestMethod]: CustomRequest<M> } = {
  "tsmigrate/listMigrations": request("tsmigrate/listMigrations"),
  "tsmigrate/plan": request("tsmigrate/plan"),
  "tsmigrate/migrate": request("tsmigrate/migrate"),
  "tsmigrate/sqlmigrate": request("tsmigrate/sqlmigrate"),
  "tsmigrate/makeMigrations": request("tsmigrate/makeMigrations"),
  "tsmigrate/schemaDrift": request("tsmigrate/schemaDrift"),
  "tsmigrate/serverStats": request("tsmigrate/serverStats"),
};

/** The RequestType of server → client request `M`: parameters by name. */
export type ServerRequest<M extends ServerRequestMethod> = RequestType<ServerRequests[M]["params"], ServerRequests[M]["result"], void>;

/** Every server → client request's RequestType: the server sends through these, the client answers through them. */
export const ServerRequestTypes: { readonly [M in ServerRequestMethod]: ServerRequest<M> } = {
  "tsmigrate/askQuestion": new RequestType("tsmigrate/askQuestion", ParameterStructures.byName),
};

/** Every custom notification's NotificationType, likewise. */
export const NotificationTypes: { readonly [M in NotificationMethod]: NotificationType<Notifications[M]> } = {
  "tsmigrate/setTrust": notification("tsmigrate/setTrust"),
  "tsmigrate/didChangeStatus": notification("tsmigrate/didChangeStatus"),
};

/** Options the client passes in `initialize`'s `initializationOptions`. */
export interface InitializationOptions {
  /** Workspace trust at start; untrusted = no database access, no workspace code run. */
  trusted: boolean;
  /** The `tsmigrate.database` setting. */
  database?: string;
  /** The `tsmigrate.configPath` setting (a config file or folder, relative to the workspace). */
  configPath?: string;
  /** The `tsmigrate.drift.severity` setting. */
  driftSeverity?: "error" | "warning" | "information" | "hint";
  /**
   * The client has tsmigrate's commands (the VS Code extension:
   * `tsmigrate.makeMigrations`, `tsmigrate.applyTo`, `tsmigrate.rollbackTo`,
   * `tsmigrate.showSql`). "Make migration" code actions then run
   * `tsmigrate.makeMigrations` (`arguments: [{ apps: [label] }]`), so that the
   * quick fix, the source action and the view's button write, open and
   * announce the file the same way, and CodeLenses carry those commands.
   * Other clients get a WorkspaceEdit and lenses that only show the state.
   */
  clientCommands?: boolean;
  /**
   * The client answers `tsmigrate/askQuestion` (the VS Code extension: a
   * quick pick or an input box). A `tsmigrate/makeMigrations` without
   * `answers` then asks the user each question the terminal would ask (a
   * rename, a one-off default), and "Make migration" code actions that need
   * an answer are offered enabled (with `clientCommands`). Other clients get
   * those actions disabled, with the reason.
   */
  askQuestions?: boolean;
}

/** JSON-RPC error codes of tsmigrate's requests (server-defined range). */
export const ErrorCodes = {
  /** The workspace is not trusted: no database access. */
  Untrusted: -32050,
  /** Bad input (a model, migration or config file): the message is `file:line:col: ...`. */
  BadInput: -32051,
  /** A migration failed; the database is as it was before it. */
  MigrationFailed: -32052,
} as const;

/** Stable diagnostic codes, one per kind of drift operation or engine error. */
export const DiagnosticSource = "tsmigrate";
