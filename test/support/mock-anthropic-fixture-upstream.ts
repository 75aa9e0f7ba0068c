import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MockUpstream, type RecordedRequest } from './mock-upstream.js';

export const fixture = (name: string) => readFileSync(new URL(`../fixtures/providers/anthropic/${name}`, import.meta.url), 'utf8');

/** tool-result-answer.sse.txt as a client assembles it: its thinking (streamed in deltas) and its content. */
export const toolResultAnswer = {
  thinking: 'It is 18 degrees in Paris.',
  content: [
    { type: 'thinking', thinking: 'It is 18 degrees in Paris.', signature: 'ErUBCkYIBxgCIkB2answer==' },
    { type: 'text', text: 'It is 18 °C and sunny in Paris.' },
  ],
};

/** What count_tokens answers, for every request. */
export const countedTokens = 2_095;

/**
 * api.anthropic.com played from recorded-shape fixtures (test/fixtures/providers/anthropic):
 * a request offering a server tool (web search) gets `web-search.sse.txt`; one whose last turn
 * returns a tool result gets `tool-result-answer.sse.txt`; any other `thinking-tool-use.sse.txt`
 * (thinking with a signature, text, a tool call); one forcing a tool (`tool_choice` of type
 * `tool`) `forced-tool-use.sse.txt` (the call as the first block). count_tokens answers
 * `countedTokens`; model `overloaded` answers 529 as Anthropic does, and model
 * `overloaded-after-start` accepts the request, then sends an `error` event right after
 * `message_start` (`overloaded-after-start.sse.txt`). Each request is recorded with its raw body.
 */
export class MockAnthropicFixtureUpstream extends MockUpstream {
  protected answer({ path, body }: RecordedRequest, _req: IncomingMessage, res: ServerResponse): void {
    if (path === '/v1/messages/count_tokens') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ input_tokens: countedTokens }));
    }
    if (body.model === 'overloaded') {
      res.writeHead(529, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }));
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end(fixture(fixtureFor(body)));
  }
}

/** The fixture a Messages request is answered with (see MockAnthropicFixtureUpstream). */
export function fixtureFor(body: Record<string, unknown>): string {
  if (body.model === 'overloaded-after-start') return 'overloaded-after-start.sse.txt';
  if ((body.tool_choice as { type?: string } | undefined)?.type === 'tool') return 'forced-tool-use.sse.txt';
  const tools = (body.tools ?? []) as Array<{ type?: string }>;
  if (tools.some((tool) => tool.type?.startsWith('web_search'))) return 'web-search.sse.txt';
  const messages = body.messages as Array<{ role: string; content: unknown }>;
  const last = messages.at(-1);
  const returnsResult = Array.isArray(last?.content) && (last.content as Array<{ type: string }>).some((block) => block.type === 'tool_result');
  return returnsResult ? 'tool-result-answer.sse.txt' : 'thinking-tool-use.sse.txt';
}
