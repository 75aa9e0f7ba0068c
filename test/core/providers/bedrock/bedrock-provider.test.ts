import { describe, expect, it } from 'vitest';
import { bedrockModel } from '../../../../lambdas/core/providers/bedrock/bedrock-model.js';
import { bedrockProvider } from '../../../../lambdas/core/providers/bedrock/bedrock-provider.js';
import type { ProviderCall } from '../../../../lambdas/core/providers/provider.js';
import { chatCompletionRequestSchema, type ChatCompletionRequest } from '../../../../lambdas/core/schemas/openai-chat-request.js';
import { ProviderError } from '../../../../lambdas/core/errors.js';
import { BedrockResponseError, ConverseCallError, type BedrockRuntime, type ConverseCall } from '../../../../lambdas/ports/bedrock-runtime.js';
import { HttpTransportError } from '../../../../lambdas/ports/http-client.js';
import { collect, collectUntilError } from '../../../support/collect.js';
import { providerCall } from '../../../support/provider-call.js';
import { assembled } from '../assembled.js';

const provider = bedrockProvider();
const request = (fields: Record<string, unknown>): ChatCompletionRequest =>
  chatCompletionRequestSchema.parse({ model: 'bedrock/x', messages: [{ role: 'user', content: 'Hi' }], ...fields });

/** A recording BedrockRuntime that refuses the call with `error`, or streams `events` and then fails with `streamError`. */
function fakeConverse(answer: { events?: unknown[]; error?: Error; streamError?: Error }) {
  const calls: ConverseCall[] = [];
  const api: BedrockRuntime = {
    async converseStream(call) {
      calls.push(call);
      if (answer.error) throw answer.error;
      return (async function* () {
        yield* answer.events ?? [];
        if (answer.streamError) throw answer.streamError;
      })();
    },
    countTokens: () => Promise.reject(new Error('not used by chat')),
    async invokeModel() {
      throw new Error('not used by chat');
    },
    async invokeModelStream() {
      throw new Error('not used by chat');
    },
  };
  return { api, calls };
}

const callWith = (bedrock: BedrockRuntime, model = 'claude-sonnet-4-5@eu-west-1'): ProviderCall =>
  providerCall({ model, credentials: { region: 'us-west-2' }, bedrock });

/** A ConverseStream answer calling the tool `name` with {"city": "Paris"}, with cache reads and writes in its usage. */
const toolUseEvents = (name: string) => [
  { messageStart: { role: 'assistant' } },
  { contentBlockStart: { contentBlockIndex: 0, start: { toolUse: { toolUseId: 't1', name } } } },
  { contentBlockDelta: { contentBlockIndex: 0, delta: { toolUse: { input: '{"city":' } } } },
  { contentBlockDelta: { contentBlockIndex: 0, delta: { toolUse: { input: '"Paris"}' } } } },
  { contentBlockStop: { contentBlockIndex: 0 } },
  { messageStop: { stopReason: 'tool_use' } },
  { metadata: { usage: { inputTokens: 5, outputTokens: 7, cacheReadInputTokens: 8, cacheWriteInputTokens: 2 } } },
];

describe('bedrock model ids', () => {
  it('take the region from @region, else the gateway’s, and map short names to the geography’s inference profile', () => {
    expect(bedrockModel('claude-sonnet-4-5@eu-central-1', 'us-east-1')).toEqual({
      region: 'eu-central-1',
      modelId: 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0',
    });
    expect(bedrockModel('claude-haiku-4-5', 'ap-northeast-1').modelId).toBe('apac.anthropic.claude-haiku-4-5-20251001-v1:0');
    expect(bedrockModel('amazon.nova-pro-v1:0@us-west-2', 'eu-west-1')).toEqual({ region: 'us-west-2', modelId: 'amazon.nova-pro-v1:0' });
    expect(provider.runsInEu('claude-sonnet-4-5@eu-central-1', {})).toBe(true);
    expect(provider.runsInEu('claude-sonnet-4-5', { region: 'us-east-1' })).toBe(false);
  });

  it('run in the EU only in EU member states’ regions, on the region’s own models or the EU inference profile', () => {
    const eu = (model: string) => provider.runsInEu(model, { region: 'us-east-1' });
    expect(eu('claude-sonnet-4-5@eu-west-3')).toBe(true);
    expect(eu('mistral.mistral-large-2402-v1:0@eu-west-1')).toBe(true);
    expect(eu('eu.anthropic.claude-sonnet-4-5-20250929-v1:0@eu-north-1')).toBe(true);
    expect(eu('arn:aws:bedrock:eu-central-1:123456789012:inference-profile/eu.anthropic.claude-sonnet-4-5-20250929-v1:0@eu-central-1')).toBe(true);
    // London and Zurich are in Europe, not in the EU.
    expect(eu('claude-sonnet-4-5@eu-west-2')).toBe(false);
    expect(eu('claude-sonnet-4-5@eu-central-2')).toBe(false);
    // A global profile called from Frankfurt may run anywhere.
    expect(eu('global.anthropic.claude-sonnet-4-5-20250929-v1:0@eu-central-1')).toBe(false);
    expect(eu('us.anthropic.claude-sonnet-4-5-20250929-v1:0@eu-central-1')).toBe(false);
    expect(eu('arn:aws:bedrock:eu-central-1:123456789012:application-inference-profile/abc123@eu-central-1')).toBe(false);
    expect(eu('arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-v2@eu-central-1')).toBe(false);
  });
});

describe('bedrock provider', () => {
  it('builds a ConverseStream request: system, inference config, tools, tool choice, reasoning', async () => {
    const { api, calls } = fakeConverse({ events: [] });
    await provider.stream(
      request({
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: [{ type: 'input_file', filename: 'q3 report.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' }] },
        ],
        max_tokens: 20_000,
        temperature: 0.5,
        stop: 'END',
        tools: [{ type: 'function', function: { name: 'lookup', description: 'Look up', parameters: { type: 'object' } } }],
        tool_choice: { type: 'function', function: { name: 'lookup' } },
        reasoning_effort: 'high',
      }),
      callWith(api),
    );
    expect(calls[0]?.region).toBe('eu-west-1');
    expect(calls[0]?.input).toEqual({
      modelId: 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0',
      system: [{ text: 'Be brief.' }],
      messages: [{ role: 'user', content: [{ document: { format: 'pdf', name: 'q3 report', source: { bytes: Buffer.from('JVBERi0=', 'base64') } } }] }],
      inferenceConfig: { maxTokens: 20_000, temperature: 0.5, stopSequences: ['END'] },
      toolConfig: {
        tools: [{ toolSpec: { name: 'lookup', description: 'Look up', inputSchema: { json: { type: 'object' } } } }],
        toolChoice: { tool: { name: 'lookup' } },
      },
      additionalModelRequestFields: { thinking: { type: 'enabled', budget_tokens: 16384 } },
    });
  });

  it('returns structured output from a forced tool call as JSON text', async () => {
    const { api, calls } = fakeConverse({ events: toolUseEvents('answer') });
    const completion = await assembled(
      await provider.stream(request({ response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object' } } } }), callWith(api)),
    );
    expect(calls[0]?.input.toolConfig).toMatchObject({ toolChoice: { tool: { name: 'answer' } } });
    expect(completion.choices[0]).toEqual({ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: '{"city":"Paris"}' } });
  });

  it('streams a tool call with its id and name first, and counts cache reads and writes in the prompt', async () => {
    const { api } = fakeConverse({ events: toolUseEvents('lookup') });
    const chunks = await collect(await provider.stream(request({ tools: [{ type: 'function', function: { name: 'lookup' } }] }), callWith(api)));
    expect(chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? [])).toEqual([
      { index: 0, id: 't1', type: 'function', function: { name: 'lookup', arguments: '' } },
      { index: 0, function: { arguments: '{"city":' } },
      { index: 0, function: { arguments: '"Paris"}' } },
    ]);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('tool_calls');
    expect(chunks.at(-1)?.usage).toEqual({
      prompt_tokens: 5 + 8 + 2,
      completion_tokens: 7,
      total_tokens: 5 + 8 + 2 + 7,
      prompt_tokens_details: { cached_tokens: 8, cache_creation_tokens: 2 },
    });
  });

  it('streams reasoning and text, then the finish and the usage from the metadata event', async () => {
    const { api } = fakeConverse({
      events: [
        { messageStart: { role: 'assistant' } },
        { contentBlockDelta: { contentBlockIndex: 0, delta: { reasoningContent: { text: 'Thinking.' } } } },
        { contentBlockDelta: { contentBlockIndex: 1, delta: { text: 'Answer.' } } },
        { messageStop: { stopReason: 'max_tokens' } },
        { metadata: { usage: { inputTokens: 5, outputTokens: 7 } } },
      ],
    });
    const chunks = await collect(await provider.stream(request({ stream: true }), callWith(api)));
    expect(chunks.map((chunk) => chunk.choices[0]?.delta)).toEqual([
      { role: 'assistant', content: '' },
      { reasoning_content: 'Thinking.' },
      { content: 'Answer.' },
      {},
      undefined,
    ]);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('length');
    expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 5, completion_tokens: 7 });
  });

  it('classifies Bedrock exceptions for routing', async () => {
    for (const [name, status, kind] of [
      ['ThrottlingException', 429, 'rate_limit'],
      ['ModelNotReadyException', 429, 'overloaded'],
      ['ValidationException', 400, 'bad_request'],
      ['AccessDeniedException', 403, 'auth'],
    ] as const) {
      const { api } = fakeConverse({ error: new ConverseCallError(status, name, 'nope') });
      const error = await provider.stream(request({}), callWith(api)).catch((thrown: unknown) => thrown);
      expect(error).toMatchObject({ kind, status, type: name, message: 'bedrock: nope' });
    }
  });
});

describe('bedrock provider against a misbehaving upstream', () => {
  const complete = [
    { messageStart: { role: 'assistant' } },
    { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'Answer.' } } },
    { messageStop: { stopReason: 'end_turn' } },
    { metadata: { usage: { inputTokens: 5, outputTokens: 7 } } },
  ];
  const streamed = async (events: unknown[]) => collectUntilError(await provider.stream(request({ stream: true }), callWith(fakeConverse({ events }).api)));

  it('reports a stream without messageStop, or without the metadata after it, as ended early', async () => {
    for (const events of [complete.slice(0, 2), complete.slice(0, 3), []]) {
      const { received, error } = await streamed(events);
      expect(received.some((chunk) => chunk.usage)).toBe(false);
      expect(error).toMatchObject({ kind: 'connection', status: 502, retryable: true, message: 'bedrock: the stream ended early.' });
    }
    expect((await streamed(complete)).error).toBeUndefined();
  });

  it('refuses negative or fractional usage', async () => {
    for (const usage of [{ inputTokens: 5, outputTokens: -7 }, { inputTokens: 1.5, outputTokens: 1 }]) {
      const { received, error } = await streamed([...complete.slice(0, 3), { metadata: { usage } }]);
      expect(received.some((chunk) => chunk.usage), JSON.stringify(usage)).toBe(false);
      expect(error, JSON.stringify(usage)).toMatchObject({ status: 502, message: 'bedrock returned a response the gateway could not read.' });
    }
  });

  it('classifies timeouts, resets and unreadable answers from the runtime as retryable provider errors', async () => {
    for (const [thrown, expected] of [
      [new HttpTransportError('timeout', 'late'), { kind: 'timeout', status: 504 }],
      [new HttpTransportError('connection', 'reset'), { kind: 'connection', status: 502 }],
      [new BedrockResponseError('malformed', 'bad frame'), { kind: 'server', status: 502, message: 'bedrock returned a response the gateway could not read.' }],
      [new BedrockResponseError('event_too_large', 'big'), { kind: 'server', status: 502, message: 'bedrock sent a stream event larger than the gateway reads (8 MiB).' }],
      [new BedrockResponseError('response_too_large', 'big'), { kind: 'server', status: 502, message: 'bedrock sent a response larger than the gateway reads (64 MiB).' }],
    ] as const) {
      const { api } = fakeConverse({ error: thrown });
      const error = await provider.stream(request({}), callWith(api)).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ProviderError);
      expect(error).toMatchObject({ ...expected, retryable: true });
    }
  });

  it('gives an exception that arrived inside a stream (status 200) the status of its kind', async () => {
    for (const [name, status, kind] of [
      ['ModelStreamErrorException', 502, 'server'],
      ['ThrottlingException', 429, 'rate_limit'],
      ['SomethingNewException', 502, 'server'],
    ] as const) {
      const { api } = fakeConverse({ events: complete.slice(0, 2), streamError: new ConverseCallError(200, name, 'mid-stream') });
      const { received, error } = await collectUntilError(await provider.stream(request({}), callWith(api)));
      expect(received).toHaveLength(2);
      expect(error).toBeInstanceOf(ProviderError);
      expect(error).toMatchObject({ status, kind, type: name });
    }
  });

  it('passes the headers timeout, idle limit and deadline to the runtime', async () => {
    const { api, calls } = fakeConverse({ events: complete });
    await collect(await provider.stream(request({ stream: true }), { ...callWith(api), headersTimeoutMs: 1234, idleTimeoutMs: 567, deadlineAt: 1_800_000_000_000 }));
    expect(calls[0]).toMatchObject({ headersTimeoutMs: 1234, idleTimeoutMs: 567, deadlineAt: 1_800_000_000_000 });
  });
});
