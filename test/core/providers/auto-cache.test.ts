import { describe, expect, it } from 'vitest';
import { withCacheBreakpoints } from '../../../lambdas/core/providers/anthropic/cache-breakpoints.js';
import { toAnthropicRequest } from '../../../lambdas/core/providers/anthropic/to-anthropic-request.js';
import { withCachePoints } from '../../../lambdas/core/providers/bedrock/cache-points.js';
import { toConverseRequest } from '../../../lambdas/core/providers/bedrock/to-converse-request.js';
import { withDefaultAutoCache } from '../../../lambdas/core/providers/default-auto-cache.js';
import { toGeminiRequest } from '../../../lambdas/core/providers/google/to-gemini-request.js';
import { toOpenAIRequest } from '../../../lambdas/core/providers/openai/to-openai-request.js';
import { chatCompletionRequestSchema, type ChatCompletionRequest } from '../../../lambdas/core/schemas/openai-chat-request.js';

const ephemeral = { type: 'ephemeral' };
const conversation = (extra: Record<string, unknown> = {}): ChatCompletionRequest =>
  chatCompletionRequestSchema.parse({
    model: 'x/y',
    messages: [
      { role: 'system', content: 'A long knowledge base.' },
      { role: 'user', content: 'First question' },
      { role: 'assistant', content: 'First answer' },
      { role: 'user', content: 'Second question' },
    ],
    tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }],
    ...extra,
  });

describe('requesty.auto_cache, per provider', () => {
  it('Anthropic: breakpoints on the tools, the system prompt and the last two user turns', () => {
    const { body } = toAnthropicRequest(conversation({ requesty: { auto_cache: true } }), 'claude-sonnet-4-5');
    expect(body.tools).toEqual([expect.objectContaining({ name: 'lookup', cache_control: ephemeral })]);
    expect(body.system).toEqual([{ type: 'text', text: 'A long knowledge base.', cache_control: ephemeral }]);
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'First question', cache_control: ephemeral }] },
      { role: 'assistant', content: [{ type: 'text', text: 'First answer' }] },
      { role: 'user', content: [{ type: 'text', text: 'Second question', cache_control: ephemeral }] },
    ]);
    // Without it, nothing is marked and the system prompt stays a string.
    expect(JSON.stringify(toAnthropicRequest(conversation(), 'claude-sonnet-4-5').body)).not.toContain('cache_control');
  });

  it('Anthropic: never more than four breakpoints, counting the client’s own, and never on thinking', () => {
    const body: Record<string, unknown> = {
      system: [{ type: 'text', text: 'a', cache_control: ephemeral }],
      tools: [{ name: 't', input_schema: {}, cache_control: ephemeral }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'q1', cache_control: ephemeral }] },
        { role: 'assistant', content: [{ type: 'thinking', thinking: 'x', signature: 's' }] },
        { role: 'user', content: 'q2' },
        { role: 'user', content: 'q3' },
      ],
    };
    withCacheBreakpoints(body);
    expect(JSON.stringify(body).match(/cache_control/g)).toHaveLength(4);
    expect((body.messages as Array<{ content: unknown }>)[3]?.content).toEqual([{ type: 'text', text: 'q3', cache_control: ephemeral }]);
    expect((body.messages as Array<{ content: unknown }>)[2]?.content).toBe('q2');
  });

  it('Bedrock: cache points after the tools, the system prompt and the last two user turns', () => {
    const { input } = toConverseRequest(conversation({ requesty: { auto_cache: true } }));
    const cached = withCachePoints(input);
    const point = { cachePoint: { type: 'default' } };
    expect((cached.toolConfig as { tools: unknown[] }).tools.at(-1)).toEqual(point);
    expect(cached.system).toEqual([{ text: 'A long knowledge base.' }, point]);
    expect((cached.messages as Array<{ content: unknown[] }>).map((turn) => turn.content.at(-1))).toEqual([point, { text: 'First answer' }, point]);
  });

  it('OpenAI and Gemini cache implicitly: nothing is added, and requesty is not forwarded', () => {
    const request = conversation({ requesty: { auto_cache: true } });
    const openai = toOpenAIRequest(request, 'gpt-4o');
    expect(openai).not.toContain('cache');
    expect(openai).not.toContain('requesty');
    expect(JSON.stringify(toGeminiRequest(request))).not.toContain('cache');
  });

  it('carries cache_control on chat content parts to Anthropic and Bedrock', () => {
    const marked = chatCompletionRequestSchema.parse({
      model: 'x/y',
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'Rules.', cache_control: ephemeral }] },
        { role: 'user', content: [{ type: 'text', text: 'Big document', cache_control: ephemeral }, { type: 'text', text: 'Question' }] },
      ],
    });
    expect(toAnthropicRequest(marked, 'claude-sonnet-4-5').body).toMatchObject({
      system: [{ type: 'text', text: 'Rules.', cache_control: ephemeral }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Big document', cache_control: ephemeral }, { type: 'text', text: 'Question' }] }],
    });
    expect(toConverseRequest(marked).input).toMatchObject({
      system: [{ text: 'Rules.' }, { cachePoint: { type: 'default' } }],
      messages: [{ role: 'user', content: [{ text: 'Big document' }, { cachePoint: { type: 'default' } }, { text: 'Question' }] }],
    });
  });

  it('defaults to on for Cline and Roo Code, and respects an explicit choice', () => {
    expect(withDefaultAutoCache(undefined, { 'x-title': 'Cline', 'http-referer': 'https://cline.bot' })).toEqual({ auto_cache: true });
    expect(withDefaultAutoCache(undefined, { 'x-title': 'Roo Code' })).toEqual({ auto_cache: true });
    expect(withDefaultAutoCache({ auto_cache: false }, { 'x-title': 'Cline' })).toEqual({ auto_cache: false });
    expect(withDefaultAutoCache(undefined, { 'x-title': 'Open WebUI' })).toBeUndefined();
  });
});
