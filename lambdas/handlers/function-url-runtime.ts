import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { GatewayError } from '../core/errors.js';
import { jsonResponse, type GatewayRequest, type GatewayResponse } from '../gateway/gateway-http.js';
import { toOpenAIError } from '../gateway/openai-error-body.js';
import { toGatewayRequest } from './function-url-request.js';
import { originVerifyHeader, type OriginCheck } from './origin-guard.js';

/** What a function's cold start builds once: its dependencies and, on AWS, the origin check. */
export interface FunctionRuntime<Deps> {
  deps: Deps;
  /** Absent locally, where there is no CloudFront in front. */
  isFromOrigin?: OriginCheck;
  /** Work left for after the response has ended (and before the invocation does). */
  afterResponse?: () => Promise<void>;
}

/** Runs `init` on first use; a failed cold start is retried by the next invocation. */
export function lazily<T>(init: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= init().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}

/** Serves one function URL event: the origin check, then the function's routes. */
export async function serveFunctionUrl<Deps>(
  event: LambdaFunctionURLEvent,
  requestId: string,
  { deps, isFromOrigin }: FunctionRuntime<Deps>,
  route: (request: GatewayRequest, deps: Deps) => Promise<GatewayResponse>,
  clientSignal?: AbortSignal,
): Promise<GatewayResponse> {
  const request = toGatewayRequest(event, requestId, clientSignal);
  if (isFromOrigin && !(await isFromOrigin(request.headers[originVerifyHeader]))) {
    const error = new GatewayError(403, 'forbidden', 'Call the gateway through its CloudFront endpoint.');
    return jsonResponse(403, toOpenAIError(error, []).body, { 'x-request-id': requestId });
  }
  return route(request, deps);
}
