import { requirePermission } from '../core/auth/key-permissions.js';
import type { ChatCompletionRequest } from '../core/schemas/openai-chat-request.js';
import type { ApiKeyRecord } from '../ports/key-store.js';
import type { GatewayDeps } from './gateway-config.js';
import type { GatewayRequest, GatewayResponse } from './gateway-http.js';
import { presentedKey } from './presented-key.js';
import { RequestLogEntry, type Endpoint } from './request-log-entry.js';
import { errorResponse } from './route-request.js';

/** How a route shapes its errors (OpenAI's or Anthropic's body). */
export type ErrorShape = Parameters<typeof errorResponse>[3];

/** What a logged route is given: the key, the request's log entry, and how to answer a failure. */
export interface LoggedRequest {
  key: ApiKeyRecord;
  log: RequestLogEntry;
  /** The failure as the route's error response, told to the log first. */
  failure: (error: unknown) => GatewayResponse;
}

/**
 * A route whose every authenticated request leaves one request-log record: the key is checked
 * (a request without a valid key is refused unlogged: it belongs to no one), then `serve` runs
 * if the key's `completions` permission allows model calls, and the answer, success or failure,
 * is written to the log once its response has ended.
 */
export async function loggedRoute(
  request: GatewayRequest,
  deps: GatewayDeps,
  endpoint: Endpoint,
  shape: ErrorShape,
  serve: (logged: LoggedRequest) => Promise<GatewayResponse>,
): Promise<GatewayResponse> {
  const key = await deps.authenticator.authenticate(presentedKey(request.headers));
  const log = new RequestLogEntry(request, endpoint, key, deps);
  const failure = (error: unknown) => {
    log.failed(error);
    return errorResponse(error, request, deps, shape);
  };
  const permitted = async () => {
    requirePermission(key, 'completions', 'write');
    return serve({ key, log, failure });
  };
  const response = await permitted().catch(failure);
  return log.finish(response);
}

/** The names of the tools a chat request offers. */
export function toolNames(body: ChatCompletionRequest): string[] {
  return (body.tools ?? []).map((tool) => (tool.type === 'function' ? tool.function.name : tool.custom.name));
}
