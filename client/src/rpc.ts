/**
 * The typed face of the language server as the client's plain modules see
 * it: one `request` per custom method of `server/src/protocol.ts`, with the
 * method's own parameter and result types. `lsp_rpc.ts` implements it over
 * a vscode-languageclient `LanguageClient`; the unit tests implement it with
 * a fake. Nothing here imports `vscode`.
 */
import { ErrorCodes } from "../../server/src/protocol";
import type { RequestMethod, Requests } from "../../server/src/protocol";

/** The part of a cancellation token the plain modules read (vscode's and vscode-jsonrpc's both fit). */
export interface CancellationTokenLike {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: () => unknown): { dispose(): unknown };
}

/** Something to dispose (a listener, a registration). */
export interface DisposableLike {
  dispose(): unknown;
}

/** One `$/progress` value of LSP work-done progress (`begin`, `report` or `end`). */
export interface WorkDoneProgressValue {
  kind: "begin" | "report" | "end";
  title?: string;
  message?: string;
  /** 0..100, when the server knows it. */
  percentage?: number;
}

/** Typed access to the server's custom methods. */
export interface Rpc {
  /**
   * Sends `method` with `params`; resolves with the server's result.
   * Rejects with the server's error (see {@link rpcErrorCode}) or when
   * `token` cancels the request.
   */
  request<M extends RequestMethod>(
    method: M,
    params: Requests[M]["params"],
    token?: CancellationTokenLike,
  ): Promise<Requests[M]["result"]>;
  /** Calls `handler` for each `$/progress` the server sends for `token` until disposed. */
  onProgress(token: string, handler: (value: WorkDoneProgressValue) => void): DisposableLike;
}

/** The JSON-RPC error code of `error` (a ResponseError or anything with a numeric `code`), else undefined. */
export function rpcErrorCode(error: unknown): number | undefined {
  if (typeof error === "object" && error !== null && "code" in error) {
    const code = (error as { code: unknown }).code;
    if (typeof code === "number") return code;
  }
  return undefined;
}

/** The message of `error` as a user should read it (no "Request ... failed with message:" prefix). */
export function rpcErrorMessage(error: unknown): string {
  const raw = error instanceof Error ? error.message : typeof error === "string" ? error : JSON.stringify(error);
  return raw.replace(/^Request tsmigrate\/\w+ failed with message: /, "");
}

/** True when `error` is the server refusing database access in an untrusted workspace. */
export function isUntrustedError(error: unknown): boolean {
  return rpcErrorCode(error) === ErrorCodes.Untrusted;
}

/** True when `error` is a cancelled request (JSON-RPC RequestCancelled, -32800) or an Error named "Canceled". */
export function isCancelledError(error: unknown): boolean {
  return rpcErrorCode(error) === -32800 || (error instanceof Error && error.name === "Canceled");
}

/** Where an error message points: `file:line:column: ...` (TsMigrateError's format), 1-based. */
export interface ErrorLocation {
  file: string;
  line: number;
  column: number;
}

/**
 * The location an error message starts with (`/abs/path.ts:12:5: ...`, as
 * TsMigrateError formats it), on any of its lines, or undefined when it
 * names none or the file is not absolute (nothing to open).
 */
export function errorLocation(message: string): ErrorLocation | undefined {
  const match = /^((?:[A-Za-z]:)?[\\/][^\n]*?):(\d+):(\d+): /m.exec(message);
  if (match === null) return undefined;
  return { file: match[1]!, line: Number(match[2]), column: Number(match[3]) };
}
