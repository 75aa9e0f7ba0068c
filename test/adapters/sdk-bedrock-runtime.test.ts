import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limitedBody } from '../../lambdas/adapters/bedrock/limited-body.js';
import { sdkBedrockRuntime } from '../../lambdas/adapters/bedrock/sdk-bedrock-runtime.js';
import { BedrockResponseError, ConverseCallError, type BedrockRuntime, type ConverseCall, type InvokeModelStreamCall } from '../../lambdas/ports/bedrock-runtime.js';
import { HttpTransportError } from '../../lambdas/ports/http-client.js';
import { collect, collectUntilError } from '../support/collect.js';
import { invocationMetrics, MockBedrockUpstream } from '../support/mock-bedrock-upstream.js';

const upstream = new MockBedrockUpstream();
let runtime: BedrockRuntime;

beforeAll(async () => {
  await upstream.start();
  runtime = sdkBedrockRuntime();
});
afterAll(async () => {
  await upstream.stop();
});

const call = (modelId: string, limits: Partial<ConverseCall> = {}): ConverseCall => ({
  region: 'us-east-1',
  input: { modelId, messages: [{ role: 'user', content: [{ text: 'Hi' }] }] },
  headersTimeoutMs: 10_000,
  idleTimeoutMs: 10_000,
  deadlineAt: Date.now() + 30_000,
  ...limits,
});

describe('the SDK Bedrock runtime held to its limits', () => {
  it('still streams a well-formed ConverseStream to its end', async () => {
    const events = await collect(await runtime.converseStream(call('some-model')));
    expect(events.at(-1)).toMatchObject({ metadata: { usage: { inputTokens: 30 } } });
  });

  it('refuses an event-stream frame over the bound without buffering it', async () => {
    const closed = upstream.nextEarlyClose();
    // The SDK reads ahead, so the refusal may come before the first event is handed over.
    const { error } = await runtime.converseStream(call('huge-frame')).then(collectUntilError, (thrown: unknown) => ({ error: thrown }));
    expect(error).toBeInstanceOf(BedrockResponseError);
    expect(error).toMatchObject({ reason: 'event_too_large' });
    await closed;
  });

  it('ends a stream that never ends at the deadline, as a timeout, and closes its connection', async () => {
    const closed = upstream.nextEarlyClose();
    const { received, error } = await collectUntilError(await runtime.converseStream(call('endless', { deadlineAt: Date.now() + 800 })));
    expect(received.length).toBeGreaterThan(1);
    expect(error).toBeInstanceOf(HttpTransportError);
    expect(error).toMatchObject({ kind: 'timeout' });
    await closed;
  });

  it('fails a response head slower than the headers timeout as a timeout', async () => {
    const error = await runtime.converseStream(call('hang', { headersTimeoutMs: 300 })).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(HttpTransportError);
    expect(error).toMatchObject({ kind: 'timeout' });
  });

  it('drops the connection of a stream its reader leaves early', async () => {
    const closed = upstream.nextEarlyClose();
    for await (const event of await runtime.converseStream(call('endless'))) {
      expect(event).toEqual({ messageStart: { role: 'assistant' } });
      break;
    }
    await closed;
  });

  it('still maps Bedrock exceptions to their status and name', async () => {
    const error = await runtime.converseStream(call('throttled')).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ status: 429, exceptionName: 'ThrottlingException' });
  });
});

describe('InvokeModelWithResponseStream on the SDK Bedrock runtime', () => {
  const body = JSON.stringify({ max_tokens: 100, messages: [{ role: 'user', content: 'Weather in Paris?' }], anthropic_version: 'bedrock-2023-05-31' });
  const invoke = (modelId: string): InvokeModelStreamCall => ({
    region: 'eu-central-1',
    modelId,
    body,
    headersTimeoutMs: 10_000,
    idleTimeoutMs: 10_000,
    deadlineAt: Date.now() + 30_000,
  });

  it('sends the body as it is and yields each chunk’s bytes: one Anthropic event a chunk', async () => {
    const chunks = await collect(await runtime.invokeModelStream(invoke('eu.anthropic.claude-sonnet-4-5-20250929-v1:0')));
    const events = chunks.map((bytes) => JSON.parse(new TextDecoder().decode(bytes)) as { type: string });
    expect(events[0]).toMatchObject({ type: 'message_start', message: { id: 'msg_01Aq9w938a90dw8q' } });
    expect(events.at(-1)).toEqual({ type: 'message_stop', 'amazon-bedrock-invocationMetrics': invocationMetrics });
    const sent = upstream.requests.at(-1);
    expect(sent?.path).toBe('/model/eu.anthropic.claude-sonnet-4-5-20250929-v1:0/invoke-with-response-stream');
    expect(sent?.raw).toBe(body);
    expect(String(sent?.headers.authorization)).toContain('/eu-central-1/bedrock/aws4_request');
  });

  it('fails with Bedrock’s exception, refused at once or sent as the stream’s first frame', async () => {
    const refused = await runtime.invokeModelStream(invoke('us.anthropic.claude-throttled')).catch((thrown: unknown) => thrown);
    expect(refused).toMatchObject({ status: 429, exceptionName: 'ThrottlingException' });
    // The SDK reads the first frame before it resolves, so the exception may come from either.
    const { received, error } = await runtime
      .invokeModelStream(invoke('us.anthropic.claude-stream-throttled'))
      .then(collectUntilError, (thrown: unknown) => ({ received: [], error: thrown }));
    expect(received).toEqual([]);
    expect(error).toBeInstanceOf(ConverseCallError);
    expect(error).toMatchObject({ exceptionName: 'ThrottlingException', message: 'Too many tokens, please wait before trying again.' });
  });

  it('fails with the exception a stream sends after its first chunks, as Bedrock’s, with the stream’s status', async () => {
    const { received, error } = await collectUntilError(await runtime.invokeModelStream(invoke('us.anthropic.claude-fails-midway')));
    expect(received.length).toBeGreaterThan(1);
    // Such a frame comes without response metadata: read as the 200 stream's, it keeps its name.
    expect(error).toBeInstanceOf(ConverseCallError);
    expect(error).toMatchObject({ status: 200, exceptionName: 'ModelStreamErrorException', message: 'The model stopped answering.' });
  });
});

describe('limitedBody', () => {
  const limits = { headersTimeoutMs: 1_000, idleTimeoutMs: 10_000, deadlineAt: Date.now() + 60_000 };
  const read = (body: NodeJS.ReadableStream) => collectUntilError(body as AsyncIterable<Buffer>);

  it('passes a body within its bound through unchanged', async () => {
    const source = new PassThrough();
    const body = limitedBody(source, false, limits, { maxBytes: 10, maxFrameBytes: 4 });
    source.end(Buffer.from('{"ok":1}'));
    const { received, error } = await read(body);
    expect(error).toBeUndefined();
    expect(Buffer.concat(received).toString()).toBe('{"ok":1}');
  });

  it('fails a body past its bound and destroys the source', async () => {
    const source = new PassThrough();
    const body = limitedBody(source, false, limits, { maxBytes: 10, maxFrameBytes: 100 });
    source.write(Buffer.alloc(8));
    source.write(Buffer.alloc(8));
    const { error } = await read(body);
    expect(error).toMatchObject({ reason: 'response_too_large' });
    expect(source.destroyed).toBe(true);
  });

  it('follows frames whose length prefix is split across chunks, refusing the one announced too large', async () => {
    const frame = (length: number) => {
      const bytes = Buffer.alloc(length);
      bytes.writeUInt32BE(length, 0);
      return bytes;
    };
    const source = new PassThrough();
    const body = limitedBody(source, true, limits, { maxBytes: 10, maxFrameBytes: 64 });
    const stream = Buffer.concat([frame(20), frame(64), frame(65)]);
    const cuts = [0, 2, 22, 23, 30, 86, 87, stream.length];
    for (let i = 0; i + 1 < cuts.length; i++) source.write(stream.subarray(cuts[i], cuts[i + 1]));
    const { received, error } = await read(body);
    expect(Buffer.concat(received).length).toBeGreaterThanOrEqual(84);
    expect(error).toMatchObject({ reason: 'event_too_large' });
  });

  it('fails a body silent past the idle limit, or still open at the deadline, as a timeout', async () => {
    const idle = limitedBody(new PassThrough(), true, { ...limits, idleTimeoutMs: 100 }, { maxBytes: 10, maxFrameBytes: 10 });
    expect((await read(idle)).error).toMatchObject({ kind: 'timeout' });
    const source = new PassThrough();
    const late = limitedBody(source, false, { ...limits, idleTimeoutMs: 200, deadlineAt: Date.now() + 600 }, { maxBytes: 1_000_000, maxFrameBytes: 10 });
    const trickle = setInterval(() => source.write(Buffer.alloc(1)), 20);
    expect((await read(late)).error).toMatchObject({ kind: 'timeout' });
    clearInterval(trickle);
    expect(source.destroyed).toBe(true);
  });
});
