import middy from '@middy/core';
import type { Context, LambdaFunctionURLEvent } from 'aws-lambda';
import { GatewayError } from '../core/errors.js';
import type { GatewayDeps } from '../gateway/gateway-config.js';
import { jsonResponse, type GatewayResponse } from '../gateway/gateway-http.js';
import { toOpenAIError } from '../gateway/openai-error-body.js';
import { routeRequest } from '../gateway/route-request.js';
import { toGatewayRequest } from './function-url-request.js';
import { originVerifyHeader } from './origin-guard.js';
import { streamBody } from './stream-body.js';

export interface RouterRuntime {
  deps: GatewayDeps;
  /** Absent locally, where there is no CloudFront in front. */
  isFromOrigin?: (presented: string | undefined) => boolean;
}

/**
 * The streaming router Lambda (function URL, RESPONSE_STREAM). The same handler runs on Lambda
 * and behind the local function URL emulator; `init` is the only thing that differs.
 */
export function createRouterHandler(init: () => Promise<RouterRuntime>) {
  let runtime: Promise<RouterRuntime> | undefined;
  const ready = () => {
    runtime ??= init().catch((error: unknown) => {
      runtime = undefined; // a failed cold start is retried by the next invocation
      throw error;
    });
    return runtime;
  };

  return middy<LambdaFunctionURLEvent, unknown, Error, Context>({ streamifyResponse: true }).handler(
    async (event, context) => {
      const request = toGatewayRequest(event, context.awsRequestId);
      const { deps, isFromOrigin } = await ready();
      const response =
        isFromOrigin && !isFromOrigin(request.headers[originVerifyHeader])
          ? refuseBypass(request.requestId)
          : await routeRequest(request, deps);
      return {
        statusCode: response.status,
        headers: response.headers,
        body: typeof response.body === 'string' ? response.body : streamBody(response.body, response.cancel),
      };
    },
  );
}

function refuseBypass(requestId: string): GatewayResponse {
  const error = new GatewayError(403, 'forbidden', 'Call the gateway through its CloudFront endpoint.');
  return jsonResponse(403, toOpenAIError(error, []).body, { 'x-request-id': requestId });
}
