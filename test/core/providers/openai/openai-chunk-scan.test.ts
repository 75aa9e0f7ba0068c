import { describe, expect, it } from 'vitest';
import { hasNonNull, outputTextChars } from '../../../../lambdas/core/providers/openai/openai-chunk-scan.js';
import { outputChars } from '../../../../lambdas/gateway/open-answer.js';

const chunk = (delta: object, extra: object = {}) =>
  JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, logprobs: null, finish_reason: null }], usage: null, ...extra });

describe('looking into a chunk without parsing it', () => {
  it('tells a key with a value from one that is null, with or without spaces', () => {
    expect(hasNonNull(chunk({ content: 'hi' }), 'usage')).toBe(false);
    expect(hasNonNull(chunk({ content: 'hi' }), 'finish_reason')).toBe(false);
    expect(hasNonNull('{"choices": [], "usage": {"prompt_tokens": 1}}', 'usage')).toBe(true);
    expect(hasNonNull('{"choices":[{"finish_reason" : "stop"}]}', 'finish_reason')).toBe(true);
    expect(hasNonNull('{"choices":[{"finish_reason":null},{"finish_reason":"length"}]}', 'finish_reason')).toBe(true);
  });

  it('is not fooled by the key quoted inside a text', () => {
    expect(hasNonNull(chunk({ content: '"usage": 12' }), 'usage')).toBe(false);
    expect(hasNonNull(chunk({ content: 'usage' }), 'usage')).toBe(false);
  });

  it('counts the output text as outputChars counts the parsed delta, escapes decoded', () => {
    const deltas = [
      { content: 'Hello' },
      { content: 'caf\u00e9 "au lait"\n\\' },
      { reasoning_content: 'thinking...' },
      { refusal: 'no' },
      { content: null },
      { tool_calls: [{ index: 0, function: { arguments: '{"city":"Paris"}' } }, { index: 1, function: { arguments: '{}' } }] },
    ];
    for (const delta of deltas) expect(outputTextChars(chunk(delta))).toBe(outputChars(delta as Parameters<typeof outputChars>[0]));
    expect(outputTextChars('{"choices":[{"delta":{"content":"caf\\u00e9"}}]}')).toBe(4);
  });

  it('counts no text where a key names something else', () => {
    expect(outputTextChars(chunk({ content: '' }, { logprobs: { content: [{ token: 'x' }] } }))).toBe(0);
    expect(outputTextChars('{"choices":[{"delta":{"type":"content"}}]}')).toBe(0);
  });
});
