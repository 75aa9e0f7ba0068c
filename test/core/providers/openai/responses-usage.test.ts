import { describe, expect, it } from 'vitest';
import { fromResponsesUsage, responsesErrorStatus, responsesFinishReason, responseUsage, responsesWebSearchTool } from '../../../../lambdas/core/providers/openai/responses-usage.js';
import { measureResponsesPrompt } from '../../../../lambdas/core/accounting/responses-prompt-measure.js';
import { responsesControlEventSchema } from '../../../../lambdas/core/providers/openai/responses-wire.js';
import { responsesRequestSchema } from '../../../../lambdas/core/schemas/openai-responses-request.js';

describe('the Responses API’s usage, errors and prompt, in the gateway’s terms', () => {
  it('maps usage to chat usage with the cached part inside the input, as OpenAI counts it', () => {
    expect(fromResponsesUsage({ input_tokens: 20, input_tokens_details: { cached_tokens: 8 }, output_tokens: 6, output_tokens_details: { reasoning_tokens: 2 }, total_tokens: 26 })).toEqual({
      prompt_tokens: 20,
      completion_tokens: 6,
      total_tokens: 26,
      prompt_tokens_details: { cached_tokens: 8 },
      completion_tokens_details: { reasoning_tokens: 2 },
    });
    // More cached than input would price the prompt below cost: never more than the input.
    expect(fromResponsesUsage({ input_tokens: 3, input_tokens_details: { cached_tokens: 9 }, output_tokens: 0 }).prompt_tokens_details).toEqual({ cached_tokens: 3 });
  });

  it('counts a finished response’s web searches, priced as the web search tool it offered', () => {
    const usage = { input_tokens: 10, output_tokens: 5 };
    const search = (action?: string) => ({ type: 'web_search_call', id: 'ws_1', status: 'completed', ...(action && { action: { type: action } }) });
    const output = [search('search'), search('open_page'), search('find_in_page'), search(), { type: 'message', content: [] }];
    expect(responseUsage({ id: 'resp_1', usage, output, tools: [{ type: 'web_search' }] })?.builtin_tool_calls).toEqual({ web_search: 2 });
    expect(responseUsage({ id: 'resp_1', usage, output, tools: [{ type: 'web_search_preview' }] })?.builtin_tool_calls).toEqual({ web_search_preview: 2 });
    expect(responseUsage({ id: 'resp_1', usage, output: [{ type: 'message' }], tools: [{ type: 'web_search' }] })).not.toHaveProperty('builtin_tool_calls');
    expect(responseUsage({ id: 'resp_1', usage: null, output })).toBeUndefined();
    expect(responsesWebSearchTool([{ type: 'function' }, { type: 'web_search_2025_08_26' }, { type: 'web_search_preview' }])).toBe('web_search');
    expect(responsesWebSearchTool([{ type: 'web_search_preview_2025_03_11' }])).toBe('web_search_preview');
    expect(responsesWebSearchTool([{ type: 'file_search' }])).toBeUndefined();
    // Other items' actions have shapes of their own (a shell call's has no type): they are not read.
    const shell = { type: 'shell_call', id: 'sh_1', status: 'completed', action: { commands: ['ls'] } };
    expect(responsesControlEventSchema.safeParse({ type: 'response.completed', response: { id: 'resp_1', usage, output: [shell], tools: [{ type: 'shell' }] } }).success).toBe(true);
  });

  it('gives stream error codes the status routing acts on, and finishes the log’s finish reason', () => {
    expect([responsesErrorStatus('rate_limit_exceeded'), responsesErrorStatus('invalid_prompt'), responsesErrorStatus('server_error'), responsesErrorStatus(null)]).toEqual([429, 400, 500, 500]);
    expect(responsesFinishReason('response.incomplete', 'max_output_tokens', false)).toBe('length');
    expect(responsesFinishReason('response.incomplete', 'content_filter', false)).toBe('content_filter');
    expect(responsesFinishReason('response.completed', null, true)).toBe('tool_calls');
    expect(responsesFinishReason('response.failed', null, false)).toBeUndefined();
  });

  it('measures inline media apart from the text, and stored state as bounded only by the context window', () => {
    const image = 'data:image/png;base64,' + 'A'.repeat(1000);
    const request = responsesRequestSchema.parse({
      model: 'openai/gpt-4o-mini',
      input: [{ role: 'user', content: [{ type: 'input_text', text: 'What is it?' }, { type: 'input_image', image_url: image }] }],
    });
    expect(measureResponsesPrompt(request, 1200)).toEqual({ textBytes: 1200 - image.length, images: 1, otherMedia: 0 });
    const stateful = responsesRequestSchema.parse({ model: 'openai/gpt-4o-mini', input: 'And?', previous_response_id: 'resp_1' });
    expect(measureResponsesPrompt(stateful, 100).otherMedia).toBe(1);
  });
});
