import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { MockScriptedOpenAIUpstream } from '../support/mock-scripted-openai-upstream.js';
import { loggedRecord, recordRequestLog } from '../support/recording-request-log.js';
import { startTestGateway, testKey } from '../support/test-gateway.js';

/**
 * Mistral's reasoning models (Magistral) send `content` as typed parts, thinking and text, in
 * stream deltas and whole answers alike. A JSON answer the gateway assembles, or is given whole,
 * reads them as OpenAI clients read content: the text as `content`, the thinking as
 * `reasoning_content`; a stream passed through keeps them as Mistral sent them. Either way a
 * stream cut before its usage is charged for the parts' text as for the same text as strings.
 */
const chunk = (delta: object, finish: string | null = null) =>
  JSON.stringify({ id: 'cmpl-magistral', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'magistral-small-latest', choices: [{ index: 0, delta, finish_reason: finish }] });
const streamed = [
  chunk({ role: 'assistant', content: '' }),
  chunk({ content: [{ type: 'thinking', thinking: [{ type: 'text', text: 'Weighing ' }] }] }),
  chunk({ content: [{ type: 'thinking', thinking: [{ type: 'text', text: 'it up.' }], closed: true }] }),
  chunk({ content: [{ type: 'text', text: 'READY' }] }),
  JSON.stringify({
    id: 'cmpl-magistral',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model: 'magistral-small-latest',
    choices: [{ index: 0, delta: { content: '' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 11, completion_tokens: 9, total_tokens: 20 },
  }),
];
// A real magistral-medium answer's shape: content as [thinking, text], `tool_calls` null.
const whole = {
  id: 'cmpl-whole',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'magistral-medium-2509',
  usage: { prompt_tokens: 11, total_tokens: 48, completion_tokens: 37 },
  choices: [
    {
      index: 0,
      finish_reason: 'stop',
      message: {
        role: 'assistant',
        tool_calls: null,
        content: [
          { type: 'thinking', thinking: [{ type: 'text', text: 'The user wants exactly READY.' }], closed: true },
          { type: 'text', text: 'READY' },
        ],
      },
    },
  ],
};

/** A stream cut before its usage, its thinking and text as parts or as strings: the same 52 characters of output. */
const cutParts = [
  chunk({ role: 'assistant', content: '' }),
  chunk({ content: [{ type: 'thinking', thinking: [{ type: 'text', text: 'Weighing the question ' }] }] }),
  chunk({ content: [{ type: 'thinking', thinking: [{ type: 'text', text: 'up carefully.' }], closed: true }] }),
  chunk({ content: [{ type: 'text', text: 'READY and willing' }] }),
];
const cutStrings = [
  chunk({ role: 'assistant', content: '' }),
  chunk({ reasoning_content: 'Weighing the question ' }),
  chunk({ reasoning_content: 'up carefully.' }),
  chunk({ content: 'READY and willing' }),
];

const upstream = new MockScriptedOpenAIUpstream({ data: streamed, json: JSON.stringify(whole) });
const cutUpstream = new MockScriptedOpenAIUpstream({ data: cutParts, cut: true });
const gateways: LocalGateway[] = [];

async function gatewayWith(upstreamUrl: string, env: NodeJS.ProcessEnv = {}): Promise<{ client: OpenAI; log: ReturnType<typeof recordRequestLog>; url: string }> {
  const gateway = await startTestGateway({ MISTRAL_BASE_URL: upstreamUrl, MISTRAL_API_KEY: 'mistral-parts-0123456789', ...env });
  gateways.push(gateway);
  return { client: new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: testKey, maxRetries: 0 }), log: recordRequestLog(gateway), url: gateway.url };
}

let assembling: Awaited<ReturnType<typeof gatewayWith>>;
let asJson: Awaited<ReturnType<typeof gatewayWith>>;
let cutting: Awaited<ReturnType<typeof gatewayWith>>;
beforeAll(async () => {
  const upstreamUrl = await upstream.start();
  assembling = await gatewayWith(upstreamUrl);
  asJson = await gatewayWith(upstreamUrl, { SWITCHBOARD_UPSTREAM_JSON: 'true' });
  cutting = await gatewayWith(await cutUpstream.start());
}, 60_000);
afterAll(async () => {
  await Promise.all(gateways.map((gateway) => gateway.stop()));
  await Promise.all([upstream.stop(), cutUpstream.stop()]);
});

const ask = [{ role: 'user' as const, content: 'Say READY.' }];
type WithReasoning = OpenAI.ChatCompletionMessage & { reasoning_content?: string };

describe("Mistral's content parts", () => {
  it('assembles a JSON answer from a stream of parts: the text as content, the thinking as reasoning_content', async () => {
    const { data: completion, response } = await assembling.client.chat.completions.create({ model: 'mistral/magistral-small-latest', messages: ask }).withResponse();
    const message = completion.choices[0]?.message as WithReasoning;
    expect(message.content).toBe('READY');
    expect(message.reasoning_content).toBe('Weighing it up.');
    expect(completion.usage).toMatchObject({ prompt_tokens: 11, completion_tokens: 9 });
    expect(await loggedRecord(assembling.log, response.headers.get('x-request-id'))).toMatchObject({ status: 200, output_tokens: 9, usage_estimated: false });
  });

  it('reads a whole answer given as parts the same way (SWITCHBOARD_UPSTREAM_JSON)', async () => {
    const completion = await asJson.client.chat.completions.create({ model: 'mistral/magistral-medium-latest', messages: ask });
    const message = completion.choices[0]?.message as WithReasoning;
    expect(message.content).toBe('READY');
    expect(message.reasoning_content).toBe('The user wants exactly READY.');
    expect(message.tool_calls).toBeNull();
    expect(completion.usage).toMatchObject({ prompt_tokens: 11, completion_tokens: 37 });
  });

  it('passes a stream of parts through as Mistral sent them', async () => {
    const stream = await assembling.client.chat.completions.create({ model: 'mistral/magistral-small-latest', messages: ask, stream: true });
    const contents: unknown[] = [];
    for await (const piece of stream) contents.push(piece.choices[0]?.delta.content);
    expect(contents).toContainEqual([{ type: 'text', text: 'READY' }]);
    expect(contents).toContainEqual([{ type: 'thinking', thinking: [{ type: 'text', text: 'Weighing ' }] }]);
  });
});

describe("a stream of Mistral's content parts cut before its usage", () => {
  const model = 'mistral/magistral-small-latest';
  const endpoints = [
    { name: '/v1/chat/completions (passed through)', path: '/v1/chat/completions', body: { model, messages: ask, stream: true } },
    { name: '/v1/messages (translated)', path: '/v1/messages', body: { model, max_tokens: 256, messages: ask, stream: true } },
    { name: '/v1/responses (translated)', path: '/v1/responses', body: { model, input: 'Say READY.', stream: true } },
  ];

  /** The output tokens a request is charged when the host cuts the stream `data` (the gateway's estimate). */
  async function estimatedOutput(path: string, body: object, data: readonly string[]): Promise<number> {
    cutUpstream.script = { data, cut: true };
    const response = await fetch(`${cutting.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${testKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
    await response.text();
    const record = await loggedRecord(cutting.log, response.headers.get('x-request-id'));
    expect(record.usage_estimated).toBe(true);
    return record.output_tokens ?? 0;
  }

  for (const { name, path, body } of endpoints) {
    it(`is charged for the text and thinking it delivered as if they had come as strings: ${name}`, async () => {
      const fromParts = await estimatedOutput(path, body, cutParts);
      // 52 characters at four a token.
      expect(fromParts).toBe(13);
      expect(fromParts).toBe(await estimatedOutput(path, body, cutStrings));
    });
  }
});
