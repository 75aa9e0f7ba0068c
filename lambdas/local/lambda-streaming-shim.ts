import type { Writable } from 'node:stream';

/**
 * Lambda's Node runtime defines `awslambda.streamifyResponse` and `awslambda.HttpResponseStream`
 * as globals, and middy calls the former when the handler module loads. This defines them for
 * the local emulator; import it before any handler module.
 */
export interface StreamingResponseStream extends Writable {
  setPrelude(prelude: ResponsePrelude): void;
}

export interface ResponsePrelude {
  statusCode?: number;
  headers?: Record<string, string>;
}

export type StreamingHandler = (event: unknown, responseStream: StreamingResponseStream, context: unknown) => Promise<void>;

interface LambdaStreamingGlobals {
  streamifyResponse?: (handler: StreamingHandler) => StreamingHandler;
  HttpResponseStream?: { from(stream: StreamingResponseStream, prelude: ResponsePrelude): StreamingResponseStream };
}

// The AWS SDK creates an empty `awslambda` object of its own, so each member is filled in alone.
const globals = globalThis as unknown as { awslambda?: LambdaStreamingGlobals };
const awslambda = (globals.awslambda ??= {});
awslambda.streamifyResponse ??= (handler) => handler;
awslambda.HttpResponseStream ??= {
  from(responseStream, prelude) {
    responseStream.setPrelude(prelude);
    return responseStream;
  },
};
