import { describe, expect, it } from 'vitest';
import { fromResponsesUsage, responsesErrorStatus, responsesFinishReason } from '../../../../lambdas/core/providers/openai/responses-usage.js';
import { measureResponsesPrompt } from '../../../../lambdas/core/accounting/responses-prompt-measure.js';
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
