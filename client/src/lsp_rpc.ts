/**
 * {@link Rpc} over a vscode-languageclient `LanguageClient`: the typed
 * custom requests of server/src/protocol.ts and their work-done progress.
 */
import type { CancellationToken } from "vscode";
import { WorkDoneProgress, type LanguageClient } from "vscode-languageclient/node";
import type { RequestMethod, Requests } from "../../server/src/protocol";
import type { CancellationTokenLike, DisposableLike, Rpc, WorkDoneProgressValue } from "./rpc";

/** Wraps a started `client` as an {@link Rpc}. */
export function lspRpc(client: LanguageClient): Rpc {
  return {
    request<M extends RequestMethod>(method: M, params: Requests[M]["params"], token?: CancellationTokenLike): Promise<Requests[M]["result"]> {
      return client.sendRequest<Requests[M]["result"]>(method, params, token as CancellationToken | undefined);
    },
    onProgress(token: string, handler: (value: WorkDoneProgressValue) => void): DisposableLike {
      return client.onProgress(WorkDoneProgress.type, token, (value) => handler(value as WorkDoneProgressValue));
    },
  };
}
