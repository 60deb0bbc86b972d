/**
 * {@link Rpc} over a vscode-languageclient `LanguageClient`: the typed
 * custom requests of server/src/protocol.ts and their work-done progress.
 *
 * Requests go out as RequestTypes with by-name parameters, and a missing
 * cancellation token is not passed at all: `sendRequest(method, params,
 * undefined)` would send the parameters as the array `[params, null]`.
 */
import type { CancellationToken } from "vscode";
import { NotificationType, ParameterStructures, RequestType, WorkDoneProgress, type LanguageClient } from "vscode-languageclient/node";
import type { NotificationMethod, Notifications, RequestMethod, Requests } from "../../server/src/protocol";
import type { CancellationTokenLike, DisposableLike, Rpc, WorkDoneProgressValue } from "./rpc";

/** A custom method's RequestType: by-name parameters (results are typed by {@link Rpc.request}). */
type AnyRequest = RequestType<object, unknown, unknown>;

const requestTypes = new Map<string, AnyRequest>();

/** The RequestType of a custom method (one per method). */
function requestType(method: RequestMethod): AnyRequest {
  let type = requestTypes.get(method);
  if (type === undefined) {
    type = new RequestType<object, unknown, unknown>(method, ParameterStructures.byName);
    requestTypes.set(method, type);
  }
  return type;
}

/** Wraps a started `client` as an {@link Rpc}. */
export function lspRpc(client: LanguageClient): Rpc {
  return {
    request<M extends RequestMethod>(method: M, params: Requests[M]["params"], token?: CancellationTokenLike): Promise<Requests[M]["result"]> {
      const type = requestType(method);
      const sent = token === undefined ? client.sendRequest(type, params) : client.sendRequest(type, params, token as CancellationToken);
      return sent as Promise<Requests[M]["result"]>;
    },
    onProgress(token: string, handler: (value: WorkDoneProgressValue) => void): DisposableLike {
      return client.onProgress(WorkDoneProgress.type, token, (value) => handler(value as WorkDoneProgressValue));
    },
  };
}

/** Sends a custom notification with its parameters by name. */
export function sendNotification<M extends NotificationMethod>(client: LanguageClient, method: M, params: Notifications[M]): Promise<void> {
  return client.sendNotification(new NotificationType<object>(method, ParameterStructures.byName), params as object);
}
