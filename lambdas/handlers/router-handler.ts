import middy from '@middy/core';
import type { Context, LambdaFunctionURLEvent } from 'aws-lambda';
import type { Writable } from 'node:stream';
import type { GatewayDeps } from '../gateway/gateway-config.js';
import { routeRouterRequest } from '../gateway/router-routes.js';
import { lazily, serveFunctionUrl, type FunctionRuntime } from './function-url-runtime.js';
import { streamBody } from './stream-body.js';

/** The Lambda runtime's streaming entry point: `awslambda.streamifyResponse`'s handler shape. */
export type RouterHandler = (event: LambdaFunctionURLEvent, responseStream: Writable, context: Context) => Promise<void>;

/**
 * The streaming router Lambda (function URL, RESPONSE_STREAM). The same handler runs on Lambda
 * and behind the local function URL emulator; `init` is the only thing that differs.
 *
 * A client that leaves (its response stream closes or fails before the end) cancels the
 * request's upstream work at once, even before the first byte, and ends the invocation quietly:
 * a disconnect is not a function error. Work the runtime leaves for after the response (writing
 * usage) runs once the client has the last byte, or has gone, before the invocation ends.
 */
export function createRouterHandler(init: () => Promise<FunctionRuntime<GatewayDeps>>): RouterHandler {
  const ready = lazily(init);
  const clientSignals = new WeakMap<LambdaFunctionURLEvent, AbortSignal>();
  const serve = middy<LambdaFunctionURLEvent, unknown, Error, Context>({ streamifyResponse: true }).handler(async (event, context) => {
    const response = await serveFunctionUrl(event, context.awsRequestId, await ready(), routeRouterRequest, clientSignals.get(event));
    return {
      statusCode: response.status,
      headers: response.headers,
      body: typeof response.body === 'string' ? response.body : streamBody(response.body, response.cancel),
    };
  }) as unknown as RouterHandler;

  // The runtime hands Lambda's own response stream in; the local emulator, a Writable like it.
  return awslambda.streamifyResponse(async (event: LambdaFunctionURLEvent, responseStream: Writable, context: Context) => {
    const client = watchClient(responseStream);
    clientSignals.set(event, client.signal);
    try {
      await serve(event, responseStream, context);
    } catch (error) {
      if (!client.signal.aborted) throw error;
    } finally {
      client.stop();
      await ready().then((runtime) => runtime.afterResponse?.(), () => undefined);
    }
  }) as RouterHandler;
}

/** A signal aborted when the response stream closes or fails before it was finished. */
function watchClient(responseStream: Writable): { signal: AbortSignal; stop: () => void } {
  const controller = new AbortController();
  const left = () => {
    if (!responseStream.writableFinished) controller.abort();
  };
  // Without a listener, a stream that fails before anything is piped into it would throw.
  responseStream.on('error', left);
  responseStream.on('close', left);
  return {
    signal: controller.signal,
    stop: () => {
      responseStream.off('close', left);
      // Late errors of a finished or abandoned stream have no one left to tell.
      responseStream.off('error', left);
      responseStream.on('error', () => undefined);
    },
  };
}
