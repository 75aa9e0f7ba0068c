import middy from '@middy/core';
import type { Context, LambdaFunctionURLEvent } from 'aws-lambda';
import type { GatewayDeps } from '../gateway/gateway-config.js';
import { routeRouterRequest } from '../gateway/router-routes.js';
import { lazily, serveFunctionUrl, type FunctionRuntime } from './function-url-runtime.js';
import { streamBody } from './stream-body.js';

/**
 * The streaming router Lambda (function URL, RESPONSE_STREAM). The same handler runs on Lambda
 * and behind the local function URL emulator; `init` is the only thing that differs. Work the
 * runtime leaves for after the response (writing usage) runs once the client has the last byte.
 */
export function createRouterHandler(init: () => Promise<FunctionRuntime<GatewayDeps>>) {
  const ready = lazily(init);
  const requestEnd = async () => (await ready()).afterResponse?.();
  return middy<LambdaFunctionURLEvent, unknown, Error, Context>({ streamifyResponse: true, requestEnd }).handler(
    async (event, context) => {
      const response = await serveFunctionUrl(event, context.awsRequestId, await ready(), routeRouterRequest);
      return {
        statusCode: response.status,
        headers: response.headers,
        body: typeof response.body === 'string' ? response.body : streamBody(response.body, response.cancel),
      };
    },
  );
}
