/**
 * Test doubles for the client's plain modules: a scripted {@link Rpc} that
 * records requests, and a {@link Ui} that records what it was asked to show.
 */
import type { RequestMethod, Requests } from "../../server/src/protocol";
import type { CancellationTokenLike, DisposableLike, Rpc, WorkDoneProgressValue } from "../../client/src/rpc";
import type { InputOptions, NewFile, PickOptions, ProgressReporter, Ui } from "../../client/src/ui";
import type { SqlMigrateParams } from "../../server/src/protocol";

type Responder<M extends RequestMethod> = (params: Requests[M]["params"], fake: FakeRpc) => Requests[M]["result"] | Promise<Requests[M]["result"]>;

/** A server scripted per method; records every request in `calls`. */
export class FakeRpc implements Rpc {
  readonly calls: { method: RequestMethod; params: unknown; token?: CancellationTokenLike }[] = [];
  private readonly responders = new Map<RequestMethod, Responder<RequestMethod>>();
  private readonly progress = new Map<string, (value: WorkDoneProgressValue) => void>();

  /** Answers `method` with `respond` (a value or a function of the params; throw to fail). */
  on<M extends RequestMethod>(method: M, respond: Responder<M> | Requests[M]["result"]): this {
    const fn = typeof respond === "function" ? respond : () => respond;
    this.responders.set(method, fn as unknown as Responder<RequestMethod>);
    return this;
  }

  async request<M extends RequestMethod>(method: M, params: Requests[M]["params"], token?: CancellationTokenLike): Promise<Requests[M]["result"]> {
    this.calls.push({ method, params, token });
    const respond = this.responders.get(method);
    if (respond === undefined) throw Object.assign(new Error(`Request ${method} failed with message: unscripted`), { code: -32601 });
    return (await respond(params, this)) as Requests[M]["result"];
  }

  onProgress(token: string, handler: (value: WorkDoneProgressValue) => void): DisposableLike {
    this.progress.set(token, handler);
    return { dispose: () => this.progress.delete(token) };
  }

  /** Sends a `$/progress` for `token` as the server would; false when nobody listens. */
  report(token: string, value: WorkDoneProgressValue): boolean {
    const handler = this.progress.get(token);
    handler?.(value);
    return handler !== undefined;
  }

  /** Methods requested, in order. */
  methods(): RequestMethod[] {
    return this.calls.map((c) => c.method);
  }
}

/** A cancellation token that is never cancelled, or cancelled from the start. */
export function token(cancelled = false): CancellationTokenLike {
  return { isCancellationRequested: cancelled, onCancellationRequested: () => ({ dispose() {} }) };
}

/** Records every Ui call; `confirmAnswer` decides modals, `createAnswer` file creation. */
export class FakeUi implements Ui {
  readonly events: string[] = [];
  readonly confirms: { message: string; detail: string; action: string }[] = [];
  readonly progressReports: { message: string; increment?: number }[] = [];
  readonly created: NewFile[][] = [];
  confirmAnswer = true;
  createAnswer = true;
  /** Answers of pick() and input(), in order (undefined: dismissed). */
  readonly answers: (string | undefined)[] = [];

  async confirm(message: string, detail: string, action: string): Promise<boolean> {
    this.confirms.push({ message, detail, action });
    this.events.push(`confirm:${message}`);
    return this.confirmAnswer;
  }
  async withProgress<T>(title: string, task: (report: ProgressReporter, token: CancellationTokenLike) => Promise<T>): Promise<T> {
    this.events.push(`progress:${title}`);
    return task((message, increment) => this.progressReports.push({ message, increment }), token());
  }
  info(message: string): void {
    this.events.push(`info:${message}`);
  }
  error(message: string): void {
    this.events.push(`error:${message}`);
  }
  untrusted(message: string): void {
    this.events.push(`untrusted:${message}`);
  }
  async createFiles(files: NewFile[], label: string): Promise<boolean> {
    this.created.push(files);
    this.events.push(`create:${label}:${files.map((f) => f.path).join(",")}`);
    return this.createAnswer;
  }
  async openFile(path: string): Promise<void> {
    this.events.push(`open:${path}`);
  }
  async pick(options: PickOptions): Promise<string | undefined> {
    this.events.push(`pick:${options.title}:${options.prompt}:${options.choices.map((c) => c.label).join("|")}`);
    return this.answers.shift();
  }
  async input(options: InputOptions): Promise<string | undefined> {
    this.events.push(`input:${options.title}:${options.value ?? ""}:${options.error ?? ""}`);
    return this.answers.shift();
  }
  async showSql(params: SqlMigrateParams): Promise<void> {
    this.events.push(`sql:${JSON.stringify(params)}`);
  }
}
