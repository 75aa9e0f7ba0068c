import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { MockAnthropicFixtureUpstream } from '../support/mock-anthropic-fixture-upstream.js';
import { startTestGateway, testKey } from '../support/test-gateway.js';

const upstream = new MockAnthropicFixtureUpstream();
let gateway: LocalGateway;

beforeAll(async () => {
  gateway = await startTestGateway({ ANTHROPIC_BASE_URL: await upstream.start(), ANTHROPIC_API_KEY: 'sk-ant-upstream-replay-0123456789' });
});
afterAll(async () => {
  await gateway?.stop();
  await upstream.stop();
});

/** The headers Claude Code sends with ANTHROPIC_BASE_URL and ANTHROPIC_AUTH_TOKEN set (its key as a bearer token). */
const claudeCodeHeaders = {
  authorization: `Bearer ${testKey}`,
  'content-type': 'application/json',
  'anthropic-version': '2023-06-01',
  'anthropic-beta': 'claude-code-20250219,interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14',
  'x-app': 'cli',
  'user-agent': 'claude-cli/2.0.14 (external, cli)',
};

const tools = [
  {
    name: 'Bash',
    description: 'Executes a given bash command in a persistent shell session.',
    input_schema: { type: 'object', properties: { command: { type: 'string' }, timeout: { type: 'number' } }, required: ['command'], additionalProperties: false, $schema: 'http://json-schema.org/draft-07/schema#' },
  },
  {
    name: 'get_weather',
    description: 'Current weather',
    input_schema: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
  },
];
const system = [
  { type: 'text', text: "You are Claude Code, Anthropic's official CLI for Claude.", cache_control: { type: 'ephemeral' } },
  { type: 'text', text: 'You are an interactive CLI tool that helps users with software engineering tasks.', cache_control: { type: 'ephemeral' } },
];

/** Claude Code's request for a conversation so far, as it would send it to api.anthropic.com. */
function claudeCodeRequest(model: string, messages: unknown[]) {
  return {
    model,
    messages,
    temperature: 1,
    system,
    tools,
    metadata: { user_id: 'user_4f2a_account__session_9c1e' },
    max_tokens: 32_000,
    thinking: { budget_tokens: 31_999, type: 'enabled' },
    stream: true,
  };
}

/** Reads an SSE body into the final message's content, as Claude Code's SDK does. */
async function contentOf(response: Response): Promise<Array<Record<string, unknown>>> {
  const text = await response.text();
  const content: Array<Record<string, unknown>> = [];
  const json: Record<number, string> = {};
  for (const frame of text.split('\n\n')) {
    const data = frame.split('\n').find((line) => line.startsWith('data: '))?.slice(6);
    if (!data) continue;
    const event = JSON.parse(data) as { type: string; index: number; content_block?: Record<string, unknown>; delta?: Record<string, string> };
    if (event.type === 'content_block_start') content[event.index] = { ...event.content_block };
    if (event.type === 'content_block_delta' && event.delta) {
      const block = content[event.index] as Record<string, unknown>;
      if (event.delta.type === 'text_delta') block.text = `${String(block.text)}${event.delta.text}`;
      if (event.delta.type === 'thinking_delta') block.thinking = `${String(block.thinking)}${event.delta.thinking}`;
      if (event.delta.type === 'signature_delta') block.signature = event.delta.signature;
      if (event.delta.type === 'input_json_delta') json[event.index] = `${json[event.index] ?? ''}${event.delta.partial_json}`;
    }
    if (event.type === 'content_block_stop' && json[event.index] !== undefined) (content[event.index] as Record<string, unknown>).input = JSON.parse(json[event.index] ?? '{}');
  }
  return content;
}

describe('a Claude Code session through the gateway', () => {
  it('sends Anthropic, turn after turn, exactly what Claude Code would send it directly, but for the model and key', async () => {
    const messages: Array<{ role: string; content: unknown }> = [
      { role: 'user', content: [{ type: 'text', text: '<system-reminder>This is a reminder.</system-reminder>' }, { type: 'text', text: 'What is the weather in Paris?', cache_control: { type: 'ephemeral' } }] },
    ];
    for (let turn = 0; turn < 3; turn++) {
      // Claude Code names its model bare (the gateway's default alias sends it to anthropic/).
      const body = JSON.stringify(claudeCodeRequest('claude-sonnet-4-5-20250929', messages));
      const response = await fetch(`${gateway.url}/v1/messages?beta=true`, { method: 'POST', headers: claudeCodeHeaders, body });
      expect(response.status).toBe(200);
      const content = await contentOf(response);

      const sent = upstream.requests.at(-1);
      expect(sent?.raw).toBe(JSON.stringify(claudeCodeRequest('claude-sonnet-4-5', messages)));
      expect(sent?.headers).toMatchObject({
        'anthropic-version': claudeCodeHeaders['anthropic-version'],
        'anthropic-beta': claudeCodeHeaders['anthropic-beta'],
        'x-api-key': 'sk-ant-upstream-replay-0123456789',
      });
      expect(sent?.headers.authorization).toBeUndefined();

      // The next turn: the answer as it came (thinking signatures included), then a tool result or a follow-up, marked for the cache.
      messages.push({ role: 'assistant', content });
      const toolUse = content.find((block) => block.type === 'tool_use');
      for (const message of messages) if (Array.isArray(message.content)) for (const block of message.content as Array<Record<string, unknown>>) if (message.role === 'user') delete block.cache_control;
      messages.push({
        role: 'user',
        content: toolUse
          ? [{ type: 'tool_result', tool_use_id: toolUse.id, content: '18 °C, sunny', cache_control: { type: 'ephemeral' } }]
          : [{ type: 'text', text: 'And tomorrow?', cache_control: { type: 'ephemeral' } }],
      });
    }
    expect(upstream.requests).toHaveLength(3);
    expect(upstream.requests.map((request) => request.path)).toEqual(['/v1/messages', '/v1/messages', '/v1/messages']);
  });
});
