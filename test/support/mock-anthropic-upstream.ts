import type { IncomingMessage, ServerResponse } from 'node:http';
import { answerEchoingKey, echoKeyMode, presentedUpstreamKey } from './mock-echo-key.js';
import { MockUpstream, type RecordedRequest } from './mock-upstream.js';

export const anthropicUsage = { input_tokens: 20, output_tokens: 12, cache_read_input_tokens: 100, cache_creation_input_tokens: 5 };

/**
 * A local stand-in for api.anthropic.com's Messages API, answering in SSE (the gateway always
 * asks for a stream). A request offering tools gets a call of the first tool with
 * `{"city": "Paris", "days": 3}`; any other gets a text reply. Model `error-<status>` answers
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
    const tool = (body.tools as Array<{ name: string }> | undefined)?.[0]?.name;
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const send = (type: string, data: Record<string, unknown>) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
    const message = { id: 'msg_mock_1', type: 'message', role: 'assistant', model: body.model, content: [], stop_reason: null, stop_sequence: null };
    send('message_start', { message: { ...message, usage: { ...anthropicUsage, output_tokens: 1 } } });
    if (tool) {
      send('content_block_start', { index: 0, content_block: { type: 'tool_use', id: 'toolu_mock_1', name: tool, input: {} } });
      for (const part of ['{"city": "Pa', 'ris", "da', 'ys": 3}']) {
        send('content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: part } });
      }
    } else {
      send('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
      for (const part of ['Bonjour ', 'from ', 'Claude!']) send('content_block_delta', { index: 0, delta: { type: 'text_delta', text: part } });
    }
    if (body.model === 'truncated') return void res.end();
    send('content_block_stop', { index: 0 });
    send('message_delta', { delta: { stop_reason: tool ? 'tool_use' : 'end_turn', stop_sequence: null }, usage: { output_tokens: anthropicUsage.output_tokens } });
    send('message_stop', {});
    res.end();
  }
}
