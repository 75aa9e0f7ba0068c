import { describe, expect, it } from 'vitest';
import { chatUsageBound, deliveredUsageEstimate, maxImageTokens, measurePrompt } from '../../../lambdas/core/accounting/usage-bound.js';
import { catalogEntry } from '../../../lambdas/core/catalog/model-catalog.js';
import { chatCompletionRequestSchema } from '../../../lambdas/core/schemas/openai-chat-request.js';

const entry = catalogEntry('openai/gpt-4o-mini');
if (!entry) throw new Error('the catalog lost gpt-4o-mini');
const request = (fields: Record<string, unknown>) => {
  const body = { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }], ...fields };
  return { body: chatCompletionRequestSchema.parse(body), bytes: Buffer.byteLength(JSON.stringify(body)) };
};

describe('the usage a chat request can be billed for', () => {
  it('counts every choice of n at the output cap', () => {
    const one = request({ max_tokens: 100 });
    const many = request({ max_tokens: 100, n: 128 });
    expect(chatUsageBound(one.body, measurePrompt(one.body, one.bytes), 'openai/gpt-4o-mini', entry).completion_tokens).toBe(100);
    expect(chatUsageBound(many.body, measurePrompt(many.body, many.bytes), 'openai/gpt-4o-mini', entry).completion_tokens).toBe(12_800);
  });

  it('bounds an image by the most any provider charges for one, not by the few bytes of its URL, and audio or files by the context window', () => {
    const image = request({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x/y.png' } }] }], max_tokens: 1 });
    const imageBound = chatUsageBound(image.body, measurePrompt(image.body, image.bytes), 'openai/gpt-4o-mini', entry);
    expect(imageBound.prompt_tokens).toBeGreaterThan(maxImageTokens);
    const pdf = request({ messages: [{ role: 'user', content: [{ type: 'file', file: { file_data: 'data:application/pdf;base64,JVBE' } }] }], max_tokens: 1 });
    expect(chatUsageBound(pdf.body, measurePrompt(pdf.body, pdf.bytes), 'openai/gpt-4o-mini', entry).prompt_tokens).toBe(entry.context_window);
  });

  it("uses the model's maximum output without a cap, and adds it for providers whose thinking goes beyond the cap", () => {
    const open = request({});
    expect(chatUsageBound(open.body, measurePrompt(open.body, open.bytes), 'openai/gpt-4o-mini', entry).completion_tokens).toBe(entry.max_output_tokens);
    const capped = request({ max_tokens: 10 });
    expect(chatUsageBound(capped.body, measurePrompt(capped.body, capped.bytes), 'google/gemini-2.5-flash', entry).completion_tokens).toBe(10 + entry.max_output_tokens);
  });

  it('estimates a cut answer low: four characters a token for text, inline media not counted by size', () => {
    const image = request({ messages: [{ role: 'user', content: [{ type: 'text', text: 'Describe' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${'A'.repeat(40_000)}` } }] }] });
    const estimate = deliveredUsageEstimate(measurePrompt(image.body, image.bytes), { outputChars: 40 });
    expect(estimate.completion_tokens).toBe(10);
    expect(estimate.prompt_tokens).toBeLessThan(200);
  });
});
