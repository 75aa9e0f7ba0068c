import { GatewayError } from '../core/errors.js';
import { chatCompletions } from './chat-completions.js';
import { knownSecrets, type GatewayDeps } from './gateway-config.js';
import { jsonResponse, type GatewayRequest, type GatewayResponse } from './gateway-http.js';
import { toOpenAIError } from './openai-error-body.js';

type Route = (request: GatewayRequest, deps: GatewayDeps) => Promise<GatewayResponse>;

const routes: Readonly<Record<string, Readonly<Record<string, Route>>>> = {
  '/v1/chat/completions': { POST: chatCompletions },
  '/healthz': { GET: async () => jsonResponse(200, { status: 'ok' }) },
};

/** Serves one request; never throws: every failure becomes an OpenAI-shaped error response. */
export async function routeRequest(request: GatewayRequest, deps: GatewayDeps): Promise<GatewayResponse> {
  try {
    return await dispatch(request, deps);
  } catch (error) {
    const failure = toOpenAIError(error, knownSecrets(deps));
    if (failure.status >= 500 && !(error instanceof GatewayError)) logUnexpected(request, error);
    return jsonResponse(failure.status, failure.body, { ...failure.headers, 'x-request-id': request.requestId });
  }
}

async function dispatch(request: GatewayRequest, deps: GatewayDeps): Promise<GatewayResponse> {
  const path = request.path.length > 1 ? request.path.replace(/\/+$/, '') : request.path;
  const methods = Object.hasOwn(routes, path) ? routes[path] : undefined;
  if (!methods) throw new GatewayError(404, 'not_found', `No route for ${request.method} ${path}.`);
  const route = Object.hasOwn(methods, request.method) ? methods[request.method] : undefined;
  if (!route) {
    throw new GatewayError(405, 'method_not_allowed', `${request.method} is not allowed on ${path}.`, {
      headers: { allow: Object.keys(methods).join(', ') },
    });
  }
  if (Buffer.byteLength(request.body) > deps.limits.maxBodyBytes) {
    throw new GatewayError(
      413,
      'payload_too_large',
      `The request body is larger than the gateway's limit of ${deps.limits.maxBodyBytes} bytes.`,
    );
  }
  return route(request, deps);
}

/** Only the error's class and stack: messages of unexpected errors may quote request data. */
function logUnexpected(request: GatewayRequest, error: unknown): void {
  const name = error instanceof Error ? error.name : typeof error;
  const stack = error instanceof Error ? error.stack?.split('\n').slice(1, 6).join('\n') : undefined;
  console.error(JSON.stringify({ level: 'error', msg: 'unexpected error', requestId: request.requestId, name, stack }));
}
