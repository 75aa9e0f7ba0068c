import type { IncomingMessage, ServerResponse } from 'node:http';
import { answerEchoingKey, echoKeyMode, presentedUpstreamKey } from './mock-echo-key.js';
import { MockUpstream, type RecordedRequest } from './mock-upstream.js';

export const anthropicThinking = 'Thinking about Paris.';
export const anthropicUsage = { input_tokens: 20, output_tokens: 12, cache_read_input_tokens: 100, cache_creation_input_tokens: 5 };

/**
 * A local stand-in for api.anthropic.com's Messages API, answering in SSE (the gateway always
 * asks for a stream). A request offering tools gets a call of the first tool with
 * `{"city": "Paris", "days": 3}` (unless its last turn carries the tool's result: then text); any
 * other gets a text reply. With `thinking` enabled, a thinking block ("Thinking about Paris.")
 * comes first. Model `error-<status>` answers
 * with Anthropic's JSON error body for that status; the stream for model `truncated` is cut after
 * its text, before `message_delta` and `message_stop`; `echo-key-*`
 * models quote the key sent (mock-echo-key.ts).
 */
export class MockAnthropicUpstream extends MockUpstream {
  protected async answer({ body }: RecordedRequest, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const echo = echoKeyMode(String(body.model));
    if (echo) return answerEchoingKey('anthropic', echo, presentedUpstreamKey('anthropic', req.headers), body.stream === true, res);
    const status = /^error-(\d{3})$/.exec(String(body.model))?.[1];
    if (status) {
      res.writeHead(Number(status), { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }));
    }
    const tool = answersToolResult(body) ? undefined : (body.tools as Array<{ name: string }> | undefined)?.[0]?.name;
    const thinks = (body.thinking as { type?: string } | undefined)?.type === 'enabled';
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const send = (type: string, data: Record<string, unknown>) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
    const message = { id: 'msg_mock_1', type: 'message', role: 'assistant', model: body.model, content: [], stop_reason: null, stop_sequence: null };
    send('message_start', { message: { ...message, usage: { ...anthropicUsage, output_tokens: 1 } } });
    if (thinks) {
      send('content_block_start', { index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } });
      send('content_block_delta', { index: 0, delta: { type: 'thinking_delta', thinking: anthropicThinking } });
      send('content_block_delta', { index: 0, delta: { type: 'signature_delta', signature: 'c2lnbmF0dXJl' } });
      send('content_block_stop', { index: 0 });
    }
    const index = thinks ? 1 : 0;
    if (tool) {
      send('content_block_start', { index, content_block: { type: 'tool_use', id: 'toolu_mock_1', name: tool, input: {} } });
      for (const part of ['{"city": "Pa', 'ris", "da', 'ys": 3}']) {
        send('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: part } });
      }
    } else {
      send('content_block_start', { index, content_block: { type: 'text', text: '' } });
      for (const part of ['Bonjour ', 'from ', 'Claude!']) send('content_block_delta', { index, delta: { type: 'text_delta', text: part } });
    }
    if (body.model === 'truncated') return void res.end();
    send('content_block_stop', { index });
    send('message_delta', { delta: { stop_reason: tool ? 'tool_use' : 'end_turn', stop_sequence: null }, usage: { output_tokens: anthropicUsage.output_tokens } });
    send('message_stop', {});
    res.end();
  }
}

/** The last user turn carries a tool's result: the model answers in text rather than calling again. */
function answersToolResult(body: Record<string, unknown>): boolean {
  const messages = Array.isArray(body.messages) ? (body.messages as Array<{ content?: unknown }>) : [];
  const last = messages.at(-1)?.content;
  return Array.isArray(last) && last.some((block) => (block as { type?: unknown }).type === 'tool_result');
}
