import type { IncomingMessage, ServerResponse } from 'node:http';
import { drip, everyUntilClosed, garbage, gzipBomb, repeated, writeAll } from './misbehaving-answers.js';
import { answerEchoingKey, echoKeyMode, presentedUpstreamKey } from './mock-echo-key.js';
import { MockResponsesApi } from './mock-openai-responses.js';
import { MockUpstream, type RecordedRequest } from './mock-upstream.js';

/**
 * A local stand-in for api.openai.com speaking its real wire format: chat answers are streamed
 * (SSE; the gateway always asks for a stream), embeddings, images and errors are JSON,
 * transcriptions in the format asked for (see `sendImages`, `sendTranscription`). The request's
 * `model` picks the behaviour:
 * - anything else: a normal reply ("Hello from upstream!" in three stream chunks);
 * - `gated-stream`: the first token, then the rest only after `releaseGate()`;
 * - `error-<status>`: that status with an OpenAI error body (`error-429` adds Retry-After: 7);
 * - `hang`: never answers; `hang-midstream`: the first token, then silence; `no-token`: a stream
 *   head and role announcement, then silence (a model thinking forever);
 * - `reset`: destroys the connection; `reset-midstream`: the first token, then a reset;
 * - `malformed`: a 200 whose body is not JSON;
 * - `flaky-<n>-<tag>`: 503 for the first n requests naming exactly this model, then normal;
 * - `limited-<n>-<ms>-<tag>`: 429 with `retry-after-ms: <ms>` (none when <ms> is `none`) for the
 *   first n requests, then normal;
 * - `reset-after-head`: a stream whose connection resets before its first chunk;
 * - `slow-first-<ms>`: a stream whose first chunk comes after <ms> milliseconds;
 * - `truncated`: a stream cut after its first three chunks, without `data: [DONE]`;
 * - `empty-200`: a 200 with an empty body;
 * - `garbage-stream`: a 200 whose body is 64 KiB of binary noise;
 * - `huge-line`: a stream whose first event is one 10 MB line;
 * - `gzip-bomb`: a 200 with `content-encoding: gzip`, about 1 MB that inflates to 1 GiB;
 * - `endless`: a stream of content chunks every 20 ms that never ends;
 * - `drip`: the answer one byte a second;
 * - `fractional-usage`, `negative-cached`: a normal answer whose usage counts 12.5 prompt tokens,
 *   or -4 cached ones.
 * Each behaviour from `truncated` on also answers a model named `<behaviour>:<tag>`, so that a
 * test can count failures (for the circuit breaker) under a model of its own.
 * A last message containing `behave:<name>` makes the request behave as the model `<name>`.
 * - `echo-key-error`, `echo-key-partial`, `echo-key-midstream`: quote the key sent (mock-echo-key.ts).
 * A request offering tools gets two parallel calls of the first tool, streamed as OpenAI does:
 * id and name first, then the arguments in pieces; when its last message is a tool's result,
 * it gets the normal reply instead, as a model answers once its tools have.
 */
export class MockOpenAIUpstream extends MockUpstream {
  private gate: { promise: Promise<void>; open: () => void } = newGate();
  private readonly failuresServed = new Map<string, number>();
  streamsFinished = 0;
  /** POST /responses (mock-openai-responses.ts); `error-<status>` models fail as chat's do. */
  readonly responsesApi = new MockResponsesApi();

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

  /** Whether this request is one of the first `times` naming `model`, which must fail. */
  private failNext(model: string, times: number): boolean {
    const served = this.failuresServed.get(model) ?? 0;
    if (served >= times) return false;
    this.failuresServed.set(model, served + 1);
    return true;
  }

  protected async answer({ body }: RecordedRequest, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.url?.endsWith('/embeddings')) return sendEmbeddings(res, body);
    if (req.url?.endsWith('/images/generations')) return sendImages(res, body);
    if (req.url?.endsWith('/audio/transcriptions')) return sendTranscription(res, body);
    const responsesError = req.url?.endsWith('/responses') ? /^error-(\d{3})$/.exec(String(body.model)) : null;
    if (responsesError) return sendError(res, Number(responsesError[1]));
    if (req.url?.endsWith('/responses')) return this.responsesApi.answer(body, req, res);
    const model = behaviourAskedFor(body) ?? String(body.model);
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
    const misbehave = misbehaviours[model.split(':')[0] ?? ''];
    if (misbehave) {
      res.writeHead(200, { 'content-type': 'text/event-stream', ...(model === 'gzip-bomb' ? { 'content-encoding': 'gzip' } : {}) });
      return misbehave(res, model);
    }
    if (Array.isArray(body.tools) && body.tools.length > 0 && !answersToolResult(body)) return sendToolCalls(res, model);

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
    // The role announcement and the first token, then the rest: midstream failures come after a token.
    const chunks = streamChunks(model, includeUsage);
    for (const chunk of chunks.slice(0, model === 'no-token' ? 1 : 2)) res.write(sse(chunk));
    const rest = chunks.slice(2);
    if (model === 'hang-midstream') return;
    if (model === 'no-token') return;
    if (model === 'reset-midstream') return void setTimeout(() => req.socket.destroy(), 5);
    if (model === 'gated-stream') await this.gate.promise;
    for (const chunk of rest) res.write(sse(chunk));
    res.end('data: [DONE]\n\n');
    this.streamsFinished++;
  }
}

/** `behave:<name>` in the last message makes any model (a priced one, say) behave as the model `<name>`. */
function behaviourAskedFor(body: Record<string, unknown>): string | undefined {
  const messages = Array.isArray(body.messages) ? (body.messages as Array<{ content?: unknown }>) : [];
  const last = messages.at(-1)?.content;
  return typeof last === 'string' ? /behave:(\S+)/.exec(last)?.[1] : undefined;
}

/** The last message is a tool's result: the model answers in text rather than calling again. */
function answersToolResult(body: Record<string, unknown>): boolean {
  const messages = Array.isArray(body.messages) ? (body.messages as Array<{ role?: unknown }>) : [];
  return messages.at(-1)?.role === 'tool';
}

/** The answers of the models that misbehave once the head is sent (see the class comment). */
const misbehaviours: Record<string, (res: ServerResponse, model: string) => Promise<void> | void> = {
  truncated: (res, model) => void res.end(streamChunks(model, true).slice(0, 3).map(sse).join('')),
  'empty-200': (res) => void res.end(),
  'garbage-stream': (res) => void res.end(garbage()),
  'gzip-bomb': (res) => void res.end(gzipBomb()),
  'huge-line': async (res) => {
    await writeAll(res, ['data: {"id": "', ...repeated('a', 10_000_000), '"}\n\n']);
    res.end();
  },
  endless: (res, model) => {
    const [first] = streamChunks(model, false);
    everyUntilClosed(res, 20, () => res.write(sse({ ...(first as object), choices: [{ index: 0, delta: { content: 'la ' }, finish_reason: null }] })));
  },
  drip: (res, model) => drip(res, streamChunks(model, true).map(sse).join('') + 'data: [DONE]\n\n'),
  'fractional-usage': (res, model) => void res.end(streamWithUsage(model, { ...upstreamUsage, prompt_tokens: 12.5 })),
  'negative-cached': (res, model) => void res.end(streamWithUsage(model, { ...upstreamUsage, prompt_tokens_details: { cached_tokens: -4 } })),
};

function streamWithUsage(model: string, usage: Record<string, unknown>): string {
  const chunks = streamChunks(model, true);
  return [...chunks.slice(0, -1), { ...(chunks.at(-1) as object), usage }].map(sse).join('') + 'data: [DONE]\n\n';
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

function streamChunks(model: string, includeUsage: boolean): unknown[] {
  const base = { id: 'chatcmpl-upstream-1', object: 'chat.completion.chunk', created: 1_700_000_000, model, system_fingerprint: 'fp_upstream' };
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

function sendToolCalls(res: ServerResponse, model: string): void {
  const base = { id: 'chatcmpl-upstream-tools', created: 1_700_000_000, model };
  const calls = toolArguments.map((args, index) => ({ id: `call_up_${index}`, type: 'function', function: { name: 'get_forecast', arguments: args } }));
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

/** A 1x1 transparent PNG, base64. */
export const mockImageBase64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
export const mockImageUsage = { input_tokens: 9, output_tokens: 272, total_tokens: 281, input_tokens_details: { text_tokens: 9, image_tokens: 0 } };

/**
 * n images: gpt-image models answer b64_json with usage and the quality and size they chose
 * (`medium`, `1024x1024` for `auto`), as OpenAI does; other models a URL, or b64_json when asked.
 * `error-<status>` models fail like chat.
 */
function sendImages(res: ServerResponse, body: Record<string, unknown>): void {
  const model = String(body.model);
  const errorStatus = /^error-(\d{3})$/.exec(model);
  if (errorStatus) return sendError(res, Number(errorStatus[1]));
  const gptImage = model.startsWith('gpt-image');
  const data = Array.from({ length: Number(body.n ?? 1) }, (_, i) =>
    gptImage || body.response_format === 'b64_json' ? { b64_json: mockImageBase64 } : { url: `https://images.example/${i}.png`, revised_prompt: String(body.prompt) },
  );
  const chosen = (value: unknown, fallback: string) => (value === undefined || value === 'auto' ? fallback : String(value));
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      created: 1_700_000_000,
      data,
      ...(gptImage ? { quality: chosen(body.quality, 'medium'), size: chosen(body.size, '1024x1024'), output_format: 'png', usage: mockImageUsage } : {}),
    }),
  );
}

export const mockTranscript = 'Hello from the audio.';
export const mockAudioSeconds = 42.5;

/**
 * A transcript of the uploaded file in the format asked for: `json` (with whisper-1's duration
 * usage, when the model is whisper-1), `verbose_json` (with `duration`), `text`, `srt`, `vtt`.
 */
function sendTranscription(res: ServerResponse, body: Record<string, unknown>): void {
  const model = String(body.model);
  const format = String(body.response_format ?? 'json');
  const errorStatus = /^error-(\d{3})$/.exec(model);
  if (errorStatus) return sendError(res, Number(errorStatus[1]));
  if (!body.file) {
    res.writeHead(400, { 'content-type': 'application/json' });
    return void res.end(JSON.stringify({ error: { message: 'No file.', type: 'invalid_request_error', param: 'file', code: null } }));
  }
  const cue = (separator: string) => `00:00:00${separator}000 --> 00:00:42${separator}500`;
  const answers: Record<string, [string, string]> = {
    json: ['application/json', JSON.stringify({ text: mockTranscript, ...(model === 'whisper-1' ? { usage: { type: 'duration', seconds: Math.ceil(mockAudioSeconds) } } : {}) })],
    verbose_json: [
      'application/json',
      JSON.stringify({ task: 'transcribe', language: 'english', duration: mockAudioSeconds, text: mockTranscript, segments: [{ id: 0, start: 0, end: mockAudioSeconds, text: mockTranscript }] }),
    ],
    text: ['text/plain; charset=utf-8', `${mockTranscript}\n`],
    srt: ['text/plain; charset=utf-8', `1\n${cue(',')}\n${mockTranscript}\n\n`],
    vtt: ['text/plain; charset=utf-8', `WEBVTT\n\n${cue('.')}\n${mockTranscript}\n\n`],
  };
  const [contentType, text] = answers[format] ?? answers.json ?? ['', ''];
  res.writeHead(200, { 'content-type': contentType });
  res.end(text);
}
