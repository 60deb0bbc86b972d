/**
 * Error containment for handlers: an exception in one handler is logged and
 * answered with an LSP error, and the server stays up (as vscode-eslint's
 * server does with its `runSafe`).
 */
import { ErrorCodes as LspErrorCodes, LSPErrorCodes, ResponseError, type CancellationToken } from "vscode-languageserver";
import { TsMigrateError } from "../engine/errors";
import { ErrorCodes } from "../protocol";

/** Logs a message (the connection's console in the server, stderr in tests). */
export type Log = (message: string) => void;

/** Raised inside a handler to answer with a specific JSON-RPC error code. */
export class HandlerError extends Error {
  constructor(readonly code: number, message: string, readonly data?: unknown) {
    super(message);
    this.name = "HandlerError";
  }
}

/** Thrown when the request was cancelled; answered with LSP's RequestCancelled. */
export class Cancelled extends Error {
  constructor() {
    super("request cancelled");
    this.name = "Cancelled";
  }
}

/** Throws {@link Cancelled} when `token` is cancelled. */
export function checkCancelled(token: CancellationToken | undefined): void {
  if (token?.isCancellationRequested) throw new Cancelled();
}

/** The JSON-RPC error answering `e`: tsmigrate errors as BadInput (`file:line:col: ...`), the rest as InternalError. */
function toResponseError(e: unknown): ResponseError<unknown> {
  if (e instanceof ResponseError) return e;
  if (e instanceof HandlerError) return new ResponseError(e.code, e.message, e.data);
  if (e instanceof Cancelled) return new ResponseError(LSPErrorCodes.RequestCancelled, e.message);
  if (e instanceof TsMigrateError) {
    return new ResponseError(ErrorCodes.BadInput, e.format(), { code: e.code, location: e.location });
  }
  const msg = e instanceof Error ? e.message : String(e);
  return new ResponseError(LspErrorCodes.InternalError, `tsmigrate: ${msg}`);
}

/** A short, loggable description of an error (stack for unexpected ones). */
export function describeError(e: unknown): string {
  if (e instanceof TsMigrateError) return e.format();
  if (e instanceof Error) return e.stack ?? e.message;
  return String(e);
}

/**
 * Wraps a request handler: its result is returned; a thrown error is logged
 * (unless expected: cancellation, refusals, a TsMigrateError about the
 * user's files, which the client shows and logs) and rethrown as a ResponseError,
 * which vscode-jsonrpc answers as a JSON-RPC error: the client gets an
 * answer and the server keeps running.
 */
export function guardRequest<P, R, A extends unknown[]>(
  name: string, log: Log, handler: (params: P, ...rest: A) => R | Promise<R>,
): (params: P, ...rest: A) => Promise<R> {
  return async (params: P, ...rest: A) => {
    try {
      return await handler(params, ...rest);
    } catch (e) {
      // Expected errors are the client's to show (and log) once: cancellations, refusals, bad input.
      const expected = e instanceof Cancelled || e instanceof HandlerError || (e instanceof TsMigrateError && e.code !== "internal");
      if (!expected) log(`[${name}] ${describeError(e)}`);
      throw toResponseError(e);
    }
  };
}

/** Wraps a notification handler: a thrown error is logged and swallowed. */
export function guardNotification<P>(name: string, log: Log, handler: (params: P) => void | Promise<void>): (params: P) => void {
  return (params: P) => {
    try {
      const r = handler(params);
      if (r && typeof (r as Promise<void>).catch === "function") {
        (r as Promise<void>).catch((e: unknown) => log(`[${name}] ${describeError(e)}`));
      }
    } catch (e) {
      log(`[${name}] ${describeError(e)}`);
    }
  };
}
