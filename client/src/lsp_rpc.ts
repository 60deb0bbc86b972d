/**
 * {@link Rpc} over a vscode-languageclient `LanguageClient`: the typed
 * custom requests of server/src/protocol.ts and their work-done progress.
 *
 * Requests go out through the RequestTypes of protocol.ts (by-name
 * parameters), the very objects the server registers, and a missing
 * cancellation token is not passed at all: `sendRequest(method, params,
 * undefined)` would send the parameters as the array `[params, null]`.
 */
import type { CancellationToken } from "vscode";
import { type LanguageClient, type RequestType, WorkDoneProgress } from "vscode-languageclient/node";
import {
  type CustomRequest, type RequestMethod, type Requests, RequestTypes,
} from "../../server/src/protocol";
import type { CancellationTokenLike, DisposableLike, Rpc, WorkDoneProgressValue } from "./rpc";

/** Wraps a started `client` as an {@link Rpc}. */
export function lspRpc(client: LanguageClient): Rpc {
  return {
    request<M extends RequestMethod>(method: M, params: Requests[M]["params"], token?: CancellationTokenLike): Promise<Requests[M]["result"]> {
      // Generic over M, the parameter type is not resolved here; callers are checked against Requests[M].
      const type = RequestTypes[method] as CustomRequest<M> as RequestType<object, Requests[M]["result"], void>;
      const p = params as object;
      return token === undefined ? client.sendRequest(type, p) : client.sendRequest(type, p, token as CancellationToken);
    },
    onProgress(token: string, handler: (value: WorkDoneProgressValue) => void): DisposableLike {
      return client.onProgress(WorkDoneProgress.type, token, (value) => handler(value as WorkDoneProgressValue));
    },
  };
}
