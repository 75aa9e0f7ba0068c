import { Readable } from 'node:stream';
import {
  CountTokensCommand,
  BedrockRuntimeClient,
  BedrockRuntimeServiceException,
  ConverseStreamCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
  type ConverseStreamCommandInput,
  type ResponseStream,
} from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { MiddlewareStack } from '@smithy/types';
import { maxEventSize, maxResponseBytes } from '../../core/providers/upstream-limits.js';
import { BedrockResponseError, ConverseCallError, type BedrockCallLimits, type BedrockRuntime } from '../../ports/bedrock-runtime.js';
import { HttpTransportError } from '../../ports/http-client.js';
import { limitedBody } from './limited-body.js';

/**
 * BedrockRuntime on the AWS SDK: one client per region, the default credential chain, and
 * AWS_ENDPOINT_URL_BEDROCK_RUNTIME honoured by the SDK (how tests reach a local double).
 * HTTP/1.1 keeps connections simple and is all ConverseStream needs.
 */
export function sdkBedrockRuntime(): BedrockRuntime {
  const clients = new Map<string, BedrockRuntimeClient>();
  const clientFor = (region: string) => {
    let client = clients.get(region);
    if (!client) {
      client = new BedrockRuntimeClient({ region, maxAttempts: 1, requestHandler: new NodeHttpHandler({ connectionTimeout: 5_000 }) });
      clients.set(region, client);
    }
    return client;
  };

  return {
    converseStream: async (call) => {
      const command = new ConverseStreamCommand(call.input as unknown as ConverseStreamCommandInput);
      const limited = limitedCall(call, command);
      const response = await limited.run((abortSignal) => clientFor(call.region).send(command, { abortSignal }));
      return mapEventErrors(response.stream ?? emptyStream(), limited.release);
    },
    invokeModel: async (call) => {
      const command = new InvokeModelCommand({
        modelId: call.modelId,
        contentType: 'application/json',
        accept: 'application/json',
        body: JSON.stringify(call.body),
      });
      const response = await limitedCall(call, command).run((abortSignal) => clientFor(call.region).send(command, { abortSignal }));
      try {
        return JSON.parse(new TextDecoder().decode(response.body)) as unknown;
      } catch (error) {
        throw new BedrockResponseError('malformed', 'Bedrock returned a body that is not JSON.', { cause: error });
      }
    },
    invokeModelStream: async (call) => {
      const command = new InvokeModelWithResponseStreamCommand({
        modelId: call.modelId,
        contentType: 'application/json',
        accept: 'application/json',
        body: call.body,
      });
      const limited = limitedCall(call, command);
      const response = await limited.run((abortSignal) => clientFor(call.region).send(command, { abortSignal }));
      return mapEventErrors(payloadBytes(response.body ?? emptyStream()), limited.release);
    },
    countTokens: async (call) => {
      const command = new CountTokensCommand({ modelId: call.modelId, input: { invokeModel: { body: new TextEncoder().encode(call.body) } } });
      const response = await limitedCall(call, command).run((abortSignal) => clientFor(call.region).send(command, { abortSignal }));
      if (typeof response.inputTokens !== 'number') throw new BedrockResponseError('malformed', 'Bedrock counted no input tokens.');
      return response.inputTokens;
    },
  };
}

/**
 * The `chunk` events' bytes. An exception the stream names as an event (rather than as an
 * exception frame, which the SDK throws itself) fails it the same way.
 */
async function* payloadBytes(events: AsyncIterable<ResponseStream>): AsyncGenerator<Uint8Array> {
  for await (const event of events) {
    if (event.chunk) {
      if (event.chunk.bytes) yield event.chunk.bytes;
      continue;
    }
    const [member, exception] = Object.entries(event).find(([, value]) => value !== undefined) ?? [];
    if (!member) continue;
    const message = (exception as { message?: unknown }).message;
    // In a 200 stream: map-bedrock-error gives it the status of its kind.
    throw new ConverseCallError(200, member.charAt(0).toUpperCase() + member.slice(1), typeof message === 'string' ? message : member);
  }
}

interface LimitedCall {
  /** Sends with the call's signal, failing as a timeout when the response head is late. */
  run<T>(send: (signal: AbortSignal) => Promise<T>): Promise<T>;
  /** Drops the connection of a response nobody will read to its end. */
  release(): void;
}

/**
 * Holds one command to the call's limits: the response head within headersTimeoutMs (or the
 * caller cancels), then its body through limitedBody, placed where the SDK's deserializer will
 * read it.
 */
function limitedCall<Input extends object, Output extends object>(
  call: BedrockCallLimits & { signal?: AbortSignal },
  command: { middlewareStack: MiddlewareStack<Input, Output> },
): LimitedCall {
  const controller = new AbortController();
  // Removed once the call is over, or a signal that never fires keeps the whole response alive.
  const onAbort = () => controller.abort();
  call.signal?.addEventListener('abort', onAbort, { once: true });
  const forget = () => call.signal?.removeEventListener('abort', onAbort);
  let timedOut = false;
  const headers = setTimeout(
    () => {
      timedOut = true;
      controller.abort();
    },
    Math.max(1, Math.min(call.headersTimeoutMs, call.deadlineAt - Date.now())),
  );
  let body: Readable | undefined;
  // Innermost, next to the HTTP handler: it sees the raw response before the SDK reads it.
  command.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      clearTimeout(headers);
      const { response } = result;
      if (isHttpResponse(response)) {
        const eventStream = response.headers['content-type'] === 'application/vnd.amazon.eventstream';
        body = limitedBody(response.body, eventStream, call, { maxBytes: maxResponseBytes, maxFrameBytes: maxEventSize });
        body.once('close', forget);
        response.body = body;
      }
      return result;
    },
    { step: 'deserialize', priority: 'low', name: 'switchboardBodyLimits' },
  );
  return {
    async run(send) {
      try {
        return await send(controller.signal);
      } catch (error) {
        forget();
        throw timedOut ? new HttpTransportError('timeout', 'Bedrock did not answer in time.') : toCallError(error);
      } finally {
        clearTimeout(headers);
      }
    },
    release() {
      controller.abort();
      body?.destroy();
    },
  };
}

function isHttpResponse(response: unknown): response is { headers: Record<string, string | undefined>; body: Readable } {
  return typeof response === 'object' && response !== null && 'body' in response && response.body instanceof Readable && 'headers' in response;
}

/** Classifies errors met while reading events; a stream left early has its connection dropped. */
async function* mapEventErrors<T>(events: AsyncIterable<T>, release: () => void): AsyncGenerator<T> {
  let finished = false;
  try {
    yield* events;
    finished = true;
  } catch (error) {
    throw toCallError(error);
  } finally {
    // The SDK's event reader does not close the body when its consumer stops.
    if (!finished) release();
  }
}

async function* emptyStream<T>(): AsyncGenerator<T> {}

function toCallError(error: unknown): unknown {
  if (error instanceof HttpTransportError || error instanceof BedrockResponseError) return error;
  if (error instanceof BedrockRuntimeServiceException) {
    // An exception frame in a stream has no status of its own (nor, past the first frame, any
    // $metadata, whatever the SDK's types say): 200, the stream's, for which map-bedrock-error
    // gives it its kind's (a throttlingException frame is a 429).
    const metadata = error.$metadata as { httpStatusCode?: number } | undefined;
    return new ConverseCallError(metadata?.httpStatusCode ?? 200, error.name, error.message);
  }
  if (!(error instanceof Error)) return error;
  if (error.name === 'AbortError') return new HttpTransportError('aborted', 'The request was cancelled.', { cause: error });
  if (error.name === 'TimeoutError') return new HttpTransportError('timeout', 'Bedrock did not answer in time.', { cause: error });
  if ('code' in error) return new HttpTransportError('connection', 'Bedrock could not be reached.', { cause: error });
  // What is left is the SDK failing to read the answer: bad frames, checksums, truncation, JSON.
  return new BedrockResponseError('malformed', 'Bedrock returned a response the gateway could not read.', { cause: error });
}
