import { describe, expect, it } from 'vitest';
import {
  defaultBuiltinToolCalls,
  messagesToolCallBound,
  responsesToolCallBound,
  withMessagesToolCallBound,
  withResponsesToolCallBound,
} from '../../../lambdas/core/accounting/builtin-tool-bound.js';
import { usageBound } from '../../../lambdas/core/accounting/usage-bound.js';
import { catalogEntry } from '../../../lambdas/core/catalog/model-catalog.js';
import { requestCostMicros } from '../../../lambdas/core/catalog/request-cost.js';
import { toOpenAIUsage } from '../../../lambdas/core/providers/anthropic/anthropic-usage.js';
import { anthropicMessagesRequestSchema } from '../../../lambdas/core/schemas/anthropic-messages-request.js';
import { responsesRequestSchema } from '../../../lambdas/core/schemas/openai-responses-request.js';

const messagesTools = (tools: unknown[]) => anthropicMessagesRequestSchema.parse({ model: 'anthropic/claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }], tools }).tools;
const weatherTool = { name: 'get_weather', input_schema: { type: 'object' } };

describe('the web searches a request can be billed for', () => {
  it('is a Messages request’s max_uses on its web search tool, else the gateway’s, which it sets on the request', () => {
    expect(messagesToolCallBound(messagesTools([weatherTool, { type: 'web_search_20250305', name: 'web_search', max_uses: 3 }]))).toEqual({ web_search: 3 });
    expect(messagesToolCallBound(messagesTools([{ type: 'web_search_20260209', name: 'web_search' }]))).toEqual({ web_search: defaultBuiltinToolCalls });
    // Fetching a page and running code are not billed by the call.
    expect(messagesToolCallBound(messagesTools([weatherTool, { type: 'web_fetch_20250910', name: 'web_fetch' }]))).toEqual({});
    expect(messagesToolCallBound(undefined)).toEqual({});

    const body = { tools: [weatherTool, { type: 'web_search_20250305', name: 'web_search' }, { type: 'web_search_20250305', name: 'bounded', max_uses: 2 }] };
    withMessagesToolCallBound(body);
    expect(body.tools).toEqual([weatherTool, { type: 'web_search_20250305', name: 'web_search', max_uses: defaultBuiltinToolCalls }, { type: 'web_search_20250305', name: 'bounded', max_uses: 2 }]);
  });

  it('is a Responses request’s max_tool_calls, else the gateway’s, which it sets on the request, at the price of the web search tool offered', () => {
    const request = (fields: Record<string, unknown>) => responsesRequestSchema.parse({ model: 'openai/gpt-4o', input: 'Hi', ...fields });
    expect(responsesToolCallBound(request({ tools: [{ type: 'web_search' }], max_tool_calls: 4 }))).toEqual({ web_search: 4 });
    expect(responsesToolCallBound(request({ tools: [{ type: 'web_search_preview' }] }))).toEqual({ web_search_preview: defaultBuiltinToolCalls });
    expect(responsesToolCallBound(request({ tools: [{ type: 'function', name: 'f' }] }))).toEqual({});

    const unbounded: Record<string, unknown> = { model: 'gpt-4o', tools: [{ type: 'web_search' }] };
    withResponsesToolCallBound(unbounded);
    expect(unbounded.max_tool_calls).toBe(defaultBuiltinToolCalls);
    const own: Record<string, unknown> = { model: 'gpt-4o', tools: [{ type: 'web_search' }], max_tool_calls: 1 };
    withResponsesToolCallBound(own);
    expect(own.max_tool_calls).toBe(1);
    const withoutSearch: Record<string, unknown> = { model: 'gpt-4o', tools: [{ type: 'file_search' }] };
    withResponsesToolCallBound(withoutSearch);
    expect(withoutSearch).not.toHaveProperty('max_tool_calls');
  });

  it('holds a stored prompt’s unseen tools as web searches at the dearer price, bounded on the request', () => {
    const stored = { model: 'openai/gpt-4o', input: 'Hi', prompt: { id: 'pmpt_123', version: '2' } };
    expect(responsesToolCallBound(responsesRequestSchema.parse(stored))).toEqual({ web_search_preview: defaultBuiltinToolCalls });
    expect(responsesToolCallBound(responsesRequestSchema.parse({ ...stored, max_tool_calls: 3 }))).toEqual({ web_search_preview: 3 });
    const body: Record<string, unknown> = { ...stored };
    withResponsesToolCallBound(body);
    expect(body.max_tool_calls).toBe(defaultBuiltinToolCalls);
  });

  it('is held under a spend limit at the model’s price per search, and charged as the answer reports it', () => {
    const entry = catalogEntry('anthropic/claude-sonnet-4-5');
    if (!entry) throw new Error('the catalog lost claude-sonnet-4-5');
    const prompt = { textBytes: 100, images: 0, otherMedia: 0 };
    const plain = usageBound(prompt, { maxTokens: 10, choices: 1 }, 'anthropic/claude-sonnet-4-5', entry);
    const searching = usageBound(prompt, { maxTokens: 10, choices: 1, toolCalls: { web_search: 5 } }, 'anthropic/claude-sonnet-4-5', entry);
    expect(requestCostMicros(searching, entry, 0) - requestCostMicros(plain, entry, 0)).toBe(5 * 10_000);

    const answered = toOpenAIUsage({ input_tokens: 10, output_tokens: 5, server_tool_use: { web_search_requests: 2 } });
    expect(answered.builtin_tool_calls).toEqual({ web_search: 2 });
    expect(toOpenAIUsage({ input_tokens: 10, output_tokens: 5, server_tool_use: { web_search_requests: 0 } })).not.toHaveProperty('builtin_tool_calls');
  });
});
