import {
  BedrockRuntimeClient,
  BedrockRuntimeServiceException,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  type ConverseCommandInput,
  type ConverseStreamCommandInput,
} from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { ConverseCallError, type BedrockRuntime } from '../../ports/bedrock-runtime.js';
import { HttpTransportError } from '../../ports/http-client.js';

/**
 * BedrockRuntime on the AWS SDK: one client per region, the default credential chain, and
 * AWS_ENDPOINT_URL_BEDROCK_RUNTIME honoured by the SDK (how tests reach a local double).
 * HTTP/1.1 keeps connections simple and is all Converse needs.
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
    converse: (call) =>
      withFirstByteLimit(call, (abortSignal) =>
        clientFor(call.region).send(new ConverseCommand(call.input as unknown as ConverseCommandInput), { abortSignal }),
      ),
    converseStream: async (call) => {
      const response = await withFirstByteLimit(call, (abortSignal) =>
        clientFor(call.region).send(new ConverseStreamCommand(call.input as unknown as ConverseStreamCommandInput), { abortSignal }),
      );
      return mapEventErrors(response.stream ?? emptyStream());
    },
    invokeModel: async (call) => {
      const response = await withFirstByteLimit(call, (abortSignal) =>
        clientFor(call.region).send(
          new InvokeModelCommand({ modelId: call.modelId, contentType: 'application/json', accept: 'application/json', body: JSON.stringify(call.body) }),
          { abortSignal },
        ),
      );
      return JSON.parse(new TextDecoder().decode(response.body)) as unknown;
    },
  };
}

/** Aborts the call when Bedrock has not answered within the first-byte limit, or the caller cancels. */
async function withFirstByteLimit<T>(call: { signal?: AbortSignal; firstByteTimeoutMs: number }, send: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  call.signal?.addEventListener('abort', () => controller.abort(), { once: true });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, call.firstByteTimeoutMs);
  try {
    return await send(controller.signal);
  } catch (error) {
    throw timedOut ? new HttpTransportError('timeout', 'Bedrock did not answer in time.') : toCallError(error);
  } finally {
    clearTimeout(timer);
  }
}

async function* mapEventErrors(events: AsyncIterable<unknown>): AsyncGenerator<unknown> {
  try {
    yield* events;
  } catch (error) {
    throw toCallError(error);
  }
}

async function* emptyStream(): AsyncGenerator<unknown> {}

function toCallError(error: unknown): unknown {
  if (error instanceof BedrockRuntimeServiceException) {
    return new ConverseCallError(error.$metadata.httpStatusCode ?? 500, error.name, error.message);
  }
  if (error instanceof Error && (error.name === 'AbortError' || 'code' in error)) {
    return new HttpTransportError(error.name === 'AbortError' ? 'aborted' : 'connection', 'Bedrock could not be reached.', { cause: error });
  }
  return error;
}
