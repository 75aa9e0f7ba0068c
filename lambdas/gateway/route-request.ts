import { GatewayError } from '../core/errors.js';
import { knownSecrets } from './gateway-config.js';
import type { ProviderCredentials } from '../core/providers/provider.js';
import { jsonResponse, type GatewayRequest, type GatewayResponse } from './gateway-http.js';
import { toOpenAIError } from './openai-error-body.js';

export type RouteHandler<Deps> = (
  request: GatewayRequest,
  deps: Deps,
  params: Readonly<Record<string, string>>,
) => Promise<GatewayResponse>;

export interface RouteTable<Deps> {
  /** Paths like `/v1/manage/policy/:name`; a `:segment` matches one path segment, a `:rest*` the rest of the path. */
  [path: string]: Readonly<Record<string, RouteHandler<Deps>>>;
}

interface CompiledRoute<Deps> {
  pattern: RegExp;
  names: string[];
  methods: Readonly<Record<string, RouteHandler<Deps>>>;
}

interface RoutingDeps {
  credentials: Readonly<Record<string, ProviderCredentials>>;
  limits: { maxBodyBytes: number };
}

/**
 * Builds a request handler over a route table. It never throws: every failure becomes an
 * OpenAI-shaped error response (unknown path 404, wrong method 405 with Allow, large body 413).
 */
export function createRouter<Deps extends RoutingDeps>(table: RouteTable<Deps>) {
  const compiled: CompiledRoute<Deps>[] = Object.entries(table).map(([path, methods]) => {
    const names: string[] = [];
    const source = path.replace(/:(\w+)(\*?)/g, (_, name: string, rest: string) => {
      names.push(name);
      return rest ? '(.+)' : '([^/]+)';
    });
    return { pattern: new RegExp(`^${source}$`), names, methods };
  });

  return async function routeRequest(request: GatewayRequest, deps: Deps): Promise<GatewayResponse> {
    try {
      return await dispatch(compiled, request, deps);
    } catch (error) {
      return errorResponse(error, request, deps, toOpenAIError);
    }
  };
}

/** A failure as the response a route gives for it, in the route's error shape; unexpected ones are logged. */
export function errorResponse(
  error: unknown,
  request: GatewayRequest,
  deps: Pick<RoutingDeps, 'credentials'>,
  shape: (error: unknown, knownSecrets: readonly string[]) => { status: number; headers: Record<string, string>; body: unknown },
): GatewayResponse {
  const failure = shape(error, knownSecrets(deps));
  if (failure.status >= 500 && !(error instanceof GatewayError)) logUnexpected(request, error);
  return jsonResponse(failure.status, failure.body, { ...failure.headers, 'x-request-id': request.requestId });
}

async function dispatch<Deps extends RoutingDeps>(
  routes: CompiledRoute<Deps>[],
  request: GatewayRequest,
  deps: Deps,
): Promise<GatewayResponse> {
  const path = request.path.length > 1 ? request.path.replace(/\/+$/, '') : request.path;
  const found = matchRoute(routes, path);
  if (!found) throw new GatewayError(404, 'not_found', `No route for ${request.method} ${path}.`);
  const { route, match } = found;
  const handler = Object.hasOwn(route.methods, request.method) ? route.methods[request.method] : undefined;
  if (!handler) {
    throw new GatewayError(405, 'method_not_allowed', `${request.method} is not allowed on ${path}.`, {
      headers: { allow: Object.keys(route.methods).join(', ') },
    });
  }
  if ((request.bodyBytes?.length ?? Buffer.byteLength(request.body)) > deps.limits.maxBodyBytes) {
    throw new GatewayError(
      413,
      'payload_too_large',
      `The request body is larger than the gateway's limit of ${deps.limits.maxBodyBytes} bytes.`,
    );
  }
  return handler(request, deps, decodedParams(route.names, match, path));
}

function matchRoute<Deps>(routes: CompiledRoute<Deps>[], path: string) {
  for (const route of routes) {
    const match = route.pattern.exec(path);
    if (match) return { route, match };
  }
  return undefined;
}

function decodedParams(names: readonly string[], match: RegExpExecArray, path: string): Record<string, string> {
  try {
    return Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1] ?? '')]));
  } catch {
    throw new GatewayError(400, 'invalid_request', `The path ${path} is not valid percent-encoded UTF-8.`, { param: 'path' });
  }
}

/** Only the error's class and stack: messages of unexpected errors may quote request data. */
function logUnexpected(request: GatewayRequest, error: unknown): void {
  const name = error instanceof Error ? error.name : typeof error;
  const stack = error instanceof Error ? error.stack?.split('\n').slice(1, 6).join('\n') : undefined;
  console.error(JSON.stringify({ level: 'error', msg: 'unexpected error', requestId: request.requestId, name, stack }));
}
