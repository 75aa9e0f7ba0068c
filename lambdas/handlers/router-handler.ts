import middy from '@middy/core';
import type { Context, LambdaFunctionURLEvent } from 'aws-lambda';
import type { Writable } from 'node:stream';
import type { GatewayDeps } from '../gateway/gateway-config.js';
import type { GatewayResponse } from '../gateway/gateway-http.js';
import { routeRouterRequest } from '../gateway/router-routes.js';
import { lazily, serveFunctionUrl, type FunctionRuntime } from './function-url-runtime.js';
import { writeResponse } from './write-response.js';

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
  // middy runs the handler (and any middleware); the response is written by writeResponse, not by a stream pipeline.
  const serve = middy<LambdaFunctionURLEvent, GatewayResponse, Error, Context>().handler(async (event, context) =>
    serveFunctionUrl(event, context.awsRequestId, await ready(), routeRouterRequest, clientSignals.get(event)),
  );

  // The runtime hands Lambda's own response stream in; the local emulator, a Writable like it.
  return awslambda.streamifyResponse(async (event: LambdaFunctionURLEvent, responseStream: Writable, context: Context) => {
    const client = watchClient(responseStream);
    clientSignals.set(event, client.signal);
    try {
      await writeResponse(await serve(event, context), responseStream, client.signal);
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
