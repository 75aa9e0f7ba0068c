import { describe, expect, it } from 'vitest';
import { bedrockProvider } from '../../../../lambdas/core/providers/bedrock/bedrock-provider.js';
import { anthropicProtocolFor } from '../../../../lambdas/core/providers/native-protocol.js';
import { ProviderError } from '../../../../lambdas/core/errors.js';
import { ConverseCallError, type BedrockRuntime, type InvokeModelStreamCall } from '../../../../lambdas/ports/bedrock-runtime.js';
import { collectUntilError } from '../../../support/collect.js';
import { providerCall } from '../../../support/provider-call.js';

const provider = bedrockProvider();
const native = provider.anthropicProtocol;
const encode = (event: object) => new TextEncoder().encode(JSON.stringify(event));

/** A recording BedrockRuntime whose InvokeModelWithResponseStream refuses with `error`, or yields `chunks` and then fails with `streamError`. */
function fakeInvoke(answer: { chunks?: Uint8Array[]; error?: Error; streamError?: Error }) {
  const calls: InvokeModelStreamCall[] = [];
  const api: BedrockRuntime = {
    converseStream: () => Promise.reject(new Error('not used natively')),
    invokeModel: () => Promise.reject(new Error('not used natively')),
    countTokens: () => Promise.reject(new Error('not used by these tests')),
    async invokeModelStream(call) {
      calls.push(call);
      if (answer.error) throw answer.error;
      return (async function* () {
        yield* answer.chunks ?? [];
        if (answer.streamError) throw answer.streamError;
      })();
    },
  };
  return { api, calls };
}

async function* emptyEvents(): AsyncGenerator<never> {}

const body = { model: 'bedrock/claude-haiku-4-5', max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'Hi' }], top_k: 5 };

describe('Claude on Bedrock through the Anthropic-native path', () => {
  it('is chosen for Claude models only: short names, inference profiles and ARNs', () => {
    for (const model of ['claude-sonnet-4-5@eu-central-1', 'global.anthropic.claude-sonnet-4-5-20250929-v1:0', 'arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.anthropic.claude-haiku-4-5-20251001-v1:0']) {
      expect(anthropicProtocolFor(provider, model), model).toBe(native);
    }
    for (const model of ['amazon.nova-pro-v1:0', 'meta.llama3-70b-instruct-v1:0', 'amazon.titan-embed-text-v2:0']) expect(anthropicProtocolFor(provider, model), model).toBeUndefined();
  });

  it('sends the body without model and stream, with Bedrock’s version and the betas, to the region’s inference profile', async () => {
    const { api, calls } = fakeInvoke({ chunks: [encode({ type: 'message_stop' })] });
    await native?.streamMessages(body, { 'anthropic-version': '2023-06-01', 'anthropic-beta': 'context-1m-2025-08-07, interleaved-thinking-2025-05-14' }, providerCall({ model: 'claude-haiku-4-5@eu-west-1', bedrock: api }));
    expect(calls[0]).toMatchObject({ region: 'eu-west-1', modelId: 'eu.anthropic.claude-haiku-4-5-20251001-v1:0' });
    expect(calls[0]?.body).toBe(
      JSON.stringify({
        max_tokens: 100,
        messages: [{ role: 'user', content: 'Hi' }],
        top_k: 5,
        anthropic_version: 'bedrock-2023-05-31',
        anthropic_beta: ['context-1m-2025-08-07', 'interleaved-thinking-2025-05-14'],
      }),
    );
  });

  it('yields each chunk as the Anthropic event it holds, named by its type', async () => {
    const start = { type: 'message_start', message: { id: 'msg_bdrk_1', usage: { input_tokens: 3, output_tokens: 1 } } };
    const delta = { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi' } };
    const { api } = fakeInvoke({ chunks: [encode(start), encode(delta)] });
    const events = await native?.streamMessages(body, {}, providerCall({ model: 'claude-haiku-4-5', bedrock: api }));
    const { received, error } = await collectUntilError(events ?? emptyEvents());
    expect(error).toBeUndefined();
    expect(received).toEqual([
      { event: 'message_start', data: JSON.stringify(start) },
      { event: 'content_block_delta', data: JSON.stringify(delta) },
    ]);
  });

  it('maps Bedrock’s exceptions as Converse does: refused at once, or in the stream', async () => {
    const throttled = new ConverseCallError(429, 'ThrottlingException', 'Too many requests.');
    const refused = await native?.streamMessages(body, {}, providerCall({ model: 'claude-haiku-4-5', bedrock: fakeInvoke({ error: throttled }).api })).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ProviderError);
    expect(refused).toMatchObject({ kind: 'rate_limit', status: 429, retryable: true });

    const inStream = new ConverseCallError(200, 'ModelStreamErrorException', 'The model stopped.');
    const events = await native?.streamMessages(body, {}, providerCall({ model: 'claude-haiku-4-5', bedrock: fakeInvoke({ chunks: [encode({ type: 'ping' })], streamError: inStream }).api }));
    const { received, error } = await collectUntilError(events ?? emptyEvents());
    expect(received).toHaveLength(1);
    expect(error).toMatchObject({ kind: 'server', status: 502, type: 'ModelStreamErrorException' });
  });
});
