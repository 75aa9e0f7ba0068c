import { describe, expect, it } from 'vitest';
import { toAnthropicRequest } from '../../../lambdas/core/providers/anthropic/to-anthropic-request.js';
import { toOpenAIRequest } from '../../../lambdas/core/providers/openai/to-openai-request.js';
import { effortLevel } from '../../../lambdas/core/providers/reasoning-budget.js';
import { toGeminiRequest } from '../../../lambdas/core/providers/google/to-gemini-request.js';
import { chatCompletionRequestSchema, type ChatCompletionRequest } from '../../../lambdas/core/schemas/openai-chat-request.js';

const ask = (effort: string, extra: Record<string, unknown> = {}): ChatCompletionRequest =>
  chatCompletionRequestSchema.parse({ model: 'x/y', messages: [{ role: 'user', content: 'Think.' }], reasoning_effort: effort, ...extra });

describe("Requesty's reasoning values", () => {
  it('map to OpenAI efforts by the budget table', () => {
    expect(['max', 'min', '0', '1024', '1025', '8192', '8193', 'medium'].map((effort) => effortLevel(ask(effort).reasoning_effort!))).toEqual([
      'high',
      'low',
      'low',
      'low',
      'medium',
      'medium',
      'high',
      'medium',
    ]);
    expect(JSON.parse(toOpenAIRequest(ask('10000'), 'o4-mini'))).toMatchObject({ reasoning_effort: 'high' });
  });

  it('become Anthropic budgets: max is the model output less one, min 1024, a budget string as given', () => {
    expect(toAnthropicRequest(ask('max'), 'claude-sonnet-4-5').body).toMatchObject({ max_tokens: 64_000, thinking: { type: 'enabled', budget_tokens: 63_999 } });
    expect(toAnthropicRequest(ask('min'), 'claude-sonnet-4-5').body).toMatchObject({ thinking: { budget_tokens: 1024 } });
    expect(toAnthropicRequest(ask('10000'), 'claude-sonnet-4-5').body).toMatchObject({ max_tokens: 14_096, thinking: { budget_tokens: 10_000 } });
    // Within an explicit cap, a budget is reduced to fit.
    expect(toAnthropicRequest(ask('10000', { max_tokens: 5000 }), 'claude-sonnet-4-5').body).toMatchObject({
      max_tokens: 5000,
      thinking: { budget_tokens: 4999 },
    });
  });

  it('become Gemini thinking budgets', () => {
    expect(toGeminiRequest(ask('3000'))).toMatchObject({ generationConfig: { thinkingConfig: { thinkingBudget: 3000 } } });
    expect(toGeminiRequest(ask('max'))).toMatchObject({ generationConfig: { thinkingConfig: { thinkingBudget: 32_768 } } });
  });

  it('refuses anything else, naming the field', () => {
    expect(chatCompletionRequestSchema.safeParse({ model: 'x/y', messages: [{ role: 'user', content: 'a' }], reasoning_effort: 'lots' }).success).toBe(false);
  });
});
