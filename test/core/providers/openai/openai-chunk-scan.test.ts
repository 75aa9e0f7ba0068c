import { describe, expect, it } from 'vitest';
import { unreadChunkChars } from '../../../../lambdas/core/providers/openai/openai-chunk-scan.js';
import { readOpenAIChunk } from '../../../../lambdas/core/providers/openai/openai-stream-chunks.js';
import { outputChars } from '../../../../lambdas/gateway/open-answer.js';

const chunk = (delta: object, extra: object = {}, finish: string | null = null) =>
  JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], usage: null, ...extra });

describe('looking into a stream chunk without parsing it', () => {
  it('asks for chunks with usage, a finish, a tool name, an error or no choices to be read, spaces or not', () => {
    expect(unreadChunkChars(chunk({ content: 'hi' }))).toBe(2);
    expect(unreadChunkChars('{"choices": [], "usage": {"prompt_tokens": 1}}')).toBeUndefined();
    expect(unreadChunkChars(chunk({}, {}, 'stop'))).toBeUndefined();
    expect(unreadChunkChars('{"choices":[{"finish_reason":null},{"finish_reason" : "length"}]}')).toBeUndefined();
    expect(unreadChunkChars(chunk({ tool_calls: [{ index: 0, id: 'call_1', function: { name: 'get', arguments: '' } }] }))).toBeUndefined();
    expect(unreadChunkChars('{"error": {"message": "overloaded"}}')).toBeUndefined();
    expect(unreadChunkChars('{"id": "x"}')).toBeUndefined();
  });

  it('is not fooled by keys quoted inside a text', () => {
    expect(unreadChunkChars(chunk({ content: '"usage": 12, "finish_reason": "stop"' }))).toBe(36);
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
    for (const delta of deltas) expect(unreadChunkChars(chunk(delta))).toBe(outputChars(delta as Parameters<typeof outputChars>[0]));
    expect(unreadChunkChars('{"choices":[{"delta":{"content":"caf\\u00e9"}}]}')).toBe(4);
  });

  it('counts no text where a key names something else', () => {
    expect(unreadChunkChars(chunk({ content: '' }, { logprobs: { content: [{ token: 'x' }] } }))).toBe(0);
    expect(unreadChunkChars(chunk({ content: 'hi' }, { logprobs: { content: [{ token: 'hi', logprob: -0.1, bytes: [104, 105], top_logprobs: [] }], refusal: [] } }))).toBe(2);
    expect(unreadChunkChars('{"choices":[{"delta":{"type":"content"}}]}')).toBe(0);
  });

  it("asks for a chunk whose text comes as parts (Mistral's thinking and text) to be read, the parsed delta counting it", () => {
    const parts = [
      [{ type: 'thinking', thinking: [{ type: 'text', text: 'Weighing ' }] }],
      [{ type: 'text', text: 'READY' }],
      [{ text: 'READY', type: 'text' }],
    ];
    for (const content of parts) expect(unreadChunkChars(chunk({ content }))).toBeUndefined();
    expect(unreadChunkChars('{"choices":[{"delta":{"content" : {"type":"text","text":"READY"}}}]}')).toBeUndefined();
    expect(unreadChunkChars(chunk({ content: [] }))).toBe(0);
    const read = readOpenAIChunk('mistral', chunk({ content: [...(parts[0] ?? []), ...(parts[1] ?? [])] })).chunk;
    expect(outputChars(read.choices[0]?.delta ?? {})).toBe(unreadChunkChars(chunk({ reasoning_content: 'Weighing ', content: 'READY' })));
  });

  it('passes over lists and objects under other keys, as it did: only content comes as parts', () => {
    expect(unreadChunkChars(chunk({ tool_calls: [{ index: 0, function: { arguments: { city: 'Paris' } } }] }))).toBe(0);
    expect(unreadChunkChars(chunk({ content: 'hi', refusal: [] }))).toBe(2);
  });
});
