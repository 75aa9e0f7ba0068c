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

const globals = globalThis as unknown as { awslambda?: unknown };
globals.awslambda ??= {
  streamifyResponse: (handler: StreamingHandler) => handler,
  HttpResponseStream: {
    from(responseStream: StreamingResponseStream, prelude: ResponsePrelude) {
      responseStream.setPrelude(prelude);
      return responseStream;
    },
  },
};
