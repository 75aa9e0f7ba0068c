import { describe, expect, it } from 'vitest';
import { parseSse, type SseEvent } from '../../../lambdas/core/sse/parse-sse.js';

async function parse(...pieces: string[]): Promise<SseEvent[]> {
  const encoder = new TextEncoder();
  async function* bytes() {
    for (const piece of pieces) yield encoder.encode(piece);
  }
  const events: SseEvent[] = [];
  for await (const event of parseSse(bytes())) events.push(event);
  return events;
}

describe('parseSse', () => {
  it('yields one event per blank-line-terminated block', async () => {
    expect(await parse('data: {"a":1}\n\ndata: [DONE]\n\n')).toEqual([
      { event: undefined, data: '{"a":1}' },
      { event: undefined, data: '[DONE]' },
    ]);
  });

  it('reassembles events split anywhere across chunks, CRLF included', async () => {
    expect(await parse('da', 'ta: hel', 'lo\r', '\n\r\nevent: ping\r\ndata: x\r\n\r\n')).toEqual([
      { event: undefined, data: 'hello' },
      { event: 'ping', data: 'x' },
    ]);
  });

  it('joins multi-line data, skips comments and events without data', async () => {
    expect(await parse(': keep-alive\n\nevent: a\ndata: one\ndata: two\n\nevent: empty\n\n')).toEqual([
      { event: 'a', data: 'one\ntwo' },
    ]);
  });

  it('decodes multi-byte characters split between chunks', async () => {
    const bytes = new TextEncoder().encode('data: héllo ✓\n\n');
    async function* split() {
      yield bytes.slice(0, 8);
      yield bytes.slice(8);
    }
    const events: SseEvent[] = [];
    for await (const event of parseSse(split())) events.push(event);
    expect(events).toEqual([{ event: undefined, data: 'héllo ✓' }]);
  });

  it('delivers a final event that lacks its closing blank line', async () => {
    expect(await parse('data: last')).toEqual([{ event: undefined, data: 'last' }]);
  });
});
