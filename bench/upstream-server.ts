import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A lean OpenAI-compatible upstream for benchmarks: a fixed completion, or a stream of
 * `STREAM_CHUNKS` content chunks. It does as little as possible so the hop is what is measured.
 * Model `fail-500` answers 500 and notes when (GET /last-failure tells); model `hang` never answers.
 * POST /v1/messages streams the same tokens in Anthropic's event format.
 */
const streamChunks = Number(process.env.STREAM_CHUNKS ?? 20);
const completion = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'gpt-bench',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello from the bench upstream.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 10, completion_tokens: 7, total_tokens: 17 },
});
const chunk = (delta: object, finish: string | null) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'gpt-bench', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
const streamBody = [
  chunk({ role: 'assistant', content: '' }, null),
  ...Array.from({ length: streamChunks }, (_, i) => chunk({ content: `token${i} ` }, null)),
  chunk({}, 'stop'),
  `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'gpt-bench', choices: [], usage: { prompt_tokens: 10, completion_tokens: streamChunks, total_tokens: 10 + streamChunks } })}\n\n`,
  'data: [DONE]\n\n',
];

/** Wall-clock milliseconds with sub-millisecond precision, comparable across processes. */
const wallClock = () => performance.timeOrigin + performance.now();
let lastFailureAt = 0;

const anthropicEvent = (type: string, data: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
const anthropicStreamBody = [
  anthropicEvent('message_start', {
    message: { id: 'msg_bench', type: 'message', role: 'assistant', model: 'claude-bench', content: [], stop_reason: null, usage: { input_tokens: 10, output_tokens: 1 } },
  }),
  anthropicEvent('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
  ...Array.from({ length: streamChunks }, (_, i) => anthropicEvent('content_block_delta', { index: 0, delta: { type: 'text_delta', text: `token${i} ` } })),
  anthropicEvent('content_block_stop', { index: 0 }),
  anthropicEvent('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: streamChunks } }),
  anthropicEvent('message_stop', {}),
];

/** Writes each event on its own, as a real provider's tokens arrive. */
function writeEvents(res: import('node:http').ServerResponse, events: string[]): void {
  let index = 0;
  const next = () => {
    if (index === events.length) return void res.end();
    res.write(events[index++]);
    setImmediate(next);
  };
  next();
}

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/last-failure') return void res.end(String(lastFailureAt));
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (piece: string) => (body += piece));
  req.on('end', () => {
    if (body.includes('"model":"hang"')) return;
    if (body.includes('"model":"fail-500"')) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"error":{"message":"bench failure","type":"server_error","code":null,"param":null}}', () => {
        lastFailureAt = wallClock();
      });
      return;
    }
    if (!body.includes('"stream":true')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(completion);
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    writeEvents(res, req.url?.endsWith('/v1/messages') ? anthropicStreamBody : streamBody);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => console.log(`PORT=${(server.address() as AddressInfo).port}`));
