import type { IncomingMessage, ServerResponse } from 'node:http';
import { answerEchoingKey, echoKeyMode, presentedUpstreamKey } from './mock-echo-key.js';
import { MockUpstream, type RecordedRequest } from './mock-upstream.js';

/**
 * A local stand-in for api.openai.com speaking its real wire format (JSON and SSE). The request's
 * `model` picks the behaviour:
 * - anything else: a normal reply ("Hello from upstream!" in three stream chunks);
 * - `gated-stream`: the first chunk, then the rest only after `releaseGate()`;
 * - `error-<status>`: that status with an OpenAI error body (`error-429` adds Retry-After: 7);
 * - `hang`: never answers; `hang-midstream`: one chunk, then silence;
 * - `reset`: destroys the connection; `reset-midstream`: one chunk, then a reset;
 * - `malformed`: a 200 whose body is not JSON;
 * - `flaky-<n>-<tag>`: 503 for the first n requests naming exactly this model, then normal;
 * - `limited-<n>-<ms>-<tag>`: 429 with `retry-after-ms: <ms>` (none when <ms> is `none`) for the
 *   first n requests, then normal;
 * - `reset-after-head`: a stream whose connection resets before its first chunk;
 * - `slow-first-<ms>`: a stream whose first chunk comes after <ms> milliseconds;
 * - `echo-key-error`, `echo-key-partial`, `echo-key-midstream`: quote the key sent (mock-echo-key.ts).
 * A request offering tools gets two parallel calls of the first tool, streamed as OpenAI does:
 * id and name first, then the arguments in pieces.
 */
export class MockOpenAIUpstream extends MockUpstream {
  /** Resolves with the path of each request whose connection the gateway closed early. */
  readonly closedEarly: string[] = [];
  private gate: { promise: Promise<void>; open: () => void } = newGate();
  private closeListeners: Array<() => void> = [];
  private readonly failuresServed = new Map<string, number>();
  streamsFinished = 0;

  /** Resolves with the base URL OpenAI clients use, ending in /v1. */
  override async start(): Promise<string> {
    return `${await super.start()}/v1`;
  }

  override async stop(): Promise<void> {
    this.gate.open();
    await super.stop();
  }

  releaseGate(): void {
    this.gate.open();
    this.gate = newGate();
  }

  /** Resolves the next time the gateway closes an upstream connection before the reply ended. */
  nextEarlyClose(): Promise<void> {
    return new Promise((resolve) => this.closeListeners.push(resolve));
  }

  /** Whether this request is one of the first `times` naming `model`, which must fail. */
  private failNext(model: string, times: number): boolean {
    const served = this.failuresServed.get(model) ?? 0;
    if (served >= times) return false;
    this.failuresServed.set(model, served + 1);
    return true;
  }

  protected async answer({ body }: RecordedRequest, req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.on('close', () => {
      if (res.writableFinished) return;
      this.closedEarly.push(req.url ?? '');
      for (const listener of this.closeListeners.splice(0)) listener();
    });

    if (req.url?.endsWith('/embeddings')) return sendEmbeddings(res, body);
    const model = String(body.model);
    const stream = body.stream === true;
    const echo = echoKeyMode(model);
    if (echo) return answerEchoingKey('openai', echo, presentedUpstreamKey('openai', req.headers), stream, res);
    const errorStatus = /^error-(\d{3})$/.exec(model);
    if (errorStatus) return sendError(res, Number(errorStatus[1]));
    const flaky = /^(flaky|limited)-(\d+)-(?:(\d+|none)-)?/.exec(model);
    if (flaky && this.failNext(model, Number(flaky[2]))) {
      if (flaky[1] === 'flaky') return sendError(res, 503);
      return sendError(res, 429, flaky[3] === 'none' ? {} : { 'retry-after-ms': flaky[3] ?? '0' });
    }
    if (model === 'hang') return;
    if (model === 'reset') return void req.socket.destroy();
    if (model === 'malformed') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end('{"id": "chatcmpl-1", "choices": [');
    }
    if (Array.isArray(body.tools) && body.tools.length > 0) return sendToolCalls(res, model, stream);
    if (!stream) return sendCompletion(res, model);

    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    if (model === 'reset-after-head') {
      res.flushHeaders();
      return void setTimeout(() => req.socket.destroy(), 5);
    }
    const slowFirst = /^slow-first-(\d+)$/.exec(model);
    if (slowFirst) {
      res.flushHeaders();
      await new Promise((resolve) => setTimeout(resolve, Number(slowFirst[1])));
    }
    const includeUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
    const [first, ...rest] = streamChunks(model, includeUsage);
    res.write(sse(first));
    if (model === 'hang-midstream') return;
    if (model === 'reset-midstream') return void setTimeout(() => req.socket.destroy(), 5);
    if (model === 'gated-stream') await this.gate.promise;
    for (const chunk of rest) res.write(sse(chunk));
    res.end('data: [DONE]\n\n');
    this.streamsFinished++;
  }
}

export const upstreamReply = 'Hello from upstream!';
export const upstreamUsage = {
  prompt_tokens: 12,
  completion_tokens: 5,
  total_tokens: 17,
  prompt_tokens_details: { cached_tokens: 4 },
  completion_tokens_details: { reasoning_tokens: 0 },
};

function newGate(): { promise: Promise<void>; open: () => void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

function sse(data: unknown): string {
  return `data: ${JSON.stringify(data)}\n\n`;
}

function sendCompletion(res: ServerResponse, model: string): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      id: 'chatcmpl-upstream-1',
      object: 'chat.completion',
      created: 1_700_000_000,
      model,
      system_fingerprint: 'fp_upstream',
      choices: [
        { index: 0, message: { role: 'assistant', content: upstreamReply, refusal: null }, logprobs: null, finish_reason: 'stop' },
      ],
      usage: upstreamUsage,
    }),
  );
}

function streamChunks(model: string, includeUsage: boolean): unknown[] {
  const base = { id: 'chatcmpl-upstream-1', object: 'chat.completion.chunk', created: 1_700_000_000, model };
  const usage = includeUsage ? { usage: null } : {};
  const chunk = (delta: Record<string, unknown>, finish: string | null) => ({
    ...base,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...usage,
  });
  const chunks: unknown[] = [
    chunk({ role: 'assistant', content: '', refusal: null }, null),
    chunk({ content: 'Hello ' }, null),
    chunk({ content: 'from ' }, null),
    chunk({ content: 'upstream!' }, null),
    chunk({}, 'stop'),
  ];
  if (includeUsage) chunks.push({ ...base, choices: [], usage: upstreamUsage });
  return chunks;
}

/** `retryHeaders` replaces the default `Retry-After: 7` of a 429. */
function sendError(res: ServerResponse, status: number, retryHeaders?: Record<string, string>): void {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...retryHeaders };
  if (status === 429 && !retryHeaders) headers['retry-after'] = '7';
  res.writeHead(status, headers);
  res.end(
    JSON.stringify({
      error: {
        message:
          status === 401
            ? 'Incorrect API key provided: sk-proj-abcd1234****wxyz. You can find your API key at https://platform.openai.com/account/api-keys.'
            : `Upstream says ${status}.`,
        type: status === 429 ? 'requests' : status >= 500 ? 'server_error' : 'invalid_request_error',
        param: null,
        code: status === 429 ? 'rate_limit_exceeded' : null,
      },
    }),
  );
}

/** Three-dimensional vectors, [i + 0.5, 0.25, -1], encoded as asked. */
function sendEmbeddings(res: ServerResponse, body: Record<string, unknown>): void {
  const inputs = [body.input].flat();
  const data = inputs.map((_, index) => {
    const vector = [index + 0.5, 0.25, -1];
    if (body.encoding_format !== 'base64') return { object: 'embedding', index, embedding: vector };
    const buffer = Buffer.alloc(vector.length * 4);
    vector.forEach((value, i) => buffer.writeFloatLE(value, i * 4));
    return { object: 'embedding', index, embedding: buffer.toString('base64') };
  });
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ object: 'list', data, model: body.model, usage: { prompt_tokens: 6, total_tokens: 6 } }));
}

const toolArguments = ['{"city":"Paris"}', '{"city":"Lyon"}'];

function sendToolCalls(res: ServerResponse, model: string, stream: boolean): void {
  const base = { id: 'chatcmpl-upstream-tools', created: 1_700_000_000, model };
  const calls = toolArguments.map((args, index) => ({ id: `call_up_${index}`, type: 'function', function: { name: 'get_forecast', arguments: args } }));
  if (!stream) {
    res.writeHead(200, { 'content-type': 'application/json' });
    return void res.end(
      JSON.stringify({
        ...base,
        object: 'chat.completion',
        choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: calls }, finish_reason: 'tool_calls' }],
        usage: upstreamUsage,
      }),
    );
  }
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
    res.write(sse({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] }));
  chunk({ role: 'assistant', content: null });
  calls.forEach((call, index) => {
    chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }] });
    const args = call.function.arguments;
    for (const part of [args.slice(0, 5), args.slice(5)]) chunk({ tool_calls: [{ index, function: { arguments: part } }] });
  });
  chunk({}, 'tool_calls');
  res.write(sse({ ...base, object: 'chat.completion.chunk', choices: [], usage: upstreamUsage }));
  res.end('data: [DONE]\n\n');
}
