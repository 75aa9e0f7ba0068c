import type { IncomingHttpHeaders, ServerResponse } from 'node:http';

/**
 * Models (names of the model part) that make a mock upstream quote the credential it was sent,
 * as providers do when they reject one ("Incorrect API key provided: sk-..."):
 * - `echo-key-error`: an error response quoting the whole key;
 * - `echo-key-partial`: an error response quoting its first 20 characters;
 * - `echo-key-midstream`: a stream that starts, then fails with an error event quoting the key.
 */
export type EchoKeyMode = 'error' | 'partial' | 'midstream';

export type UpstreamProtocol = 'openai' | 'anthropic' | 'gemini';

export function echoKeyMode(modelOrPath: string): EchoKeyMode | undefined {
  return /echo-key-(error|partial|midstream)/.exec(modelOrPath)?.[1] as EchoKeyMode | undefined;
}

/** The key as each protocol carries it. */
export function presentedUpstreamKey(protocol: UpstreamProtocol, headers: IncomingHttpHeaders): string {
  if (protocol === 'anthropic') return String(headers['x-api-key'] ?? '');
  if (protocol === 'gemini') return String(headers['x-goog-api-key'] ?? '');
  return String(headers.authorization ?? '').replace(/^Bearer\s+/i, '');
}

export function answerEchoingKey(protocol: UpstreamProtocol, mode: EchoKeyMode, key: string, stream: boolean, res: ServerResponse): void {
  const quoted = mode === 'partial' ? `${key.slice(0, 20)}...` : key;
  if (mode !== 'midstream' || !stream) {
    const [status, body] = errorBody(protocol, `Incorrect API key provided: ${quoted}.`);
    res.writeHead(status, { 'content-type': 'application/json' });
    return void res.end(JSON.stringify(body));
  }
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const message = `The key ${quoted} was revoked while streaming.`;
  if (protocol === 'openai') {
    const chunk = { id: 'chatcmpl-echo', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'echo-key-midstream', choices: [{ index: 0, delta: { role: 'assistant', content: 'Hel' }, finish_reason: null }] };
    res.write(`data: ${JSON.stringify(chunk)}\n\n`);
    return void res.end(`data: ${JSON.stringify({ error: { message, type: 'server_error', code: null } })}\n\n`);
  }
  if (protocol === 'anthropic') {
    const usage = { input_tokens: 5, output_tokens: 1 };
    const send = (type: string, data: Record<string, unknown>) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
    send('message_start', { message: { id: 'msg_echo', type: 'message', role: 'assistant', model: 'echo-key-midstream', content: [], stop_reason: null, stop_sequence: null, usage } });
    send('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
    send('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'Hel' } });
    send('error', { error: { type: 'overloaded_error', message } });
    return void res.end();
  }
  const part = { candidates: [{ content: { role: 'model', parts: [{ text: 'Hel' }] }, index: 0 }] };
  res.write(`data: ${JSON.stringify(part)}\r\n\r\n`);
  res.end(`data: ${JSON.stringify({ error: { code: 500, message, status: 'INTERNAL' } })}\r\n\r\n`);
}

function errorBody(protocol: UpstreamProtocol, message: string): [number, unknown] {
  if (protocol === 'anthropic') return [401, { type: 'error', error: { type: 'authentication_error', message } }];
  if (protocol === 'gemini') return [400, { error: { code: 400, message, status: 'INVALID_ARGUMENT' } }];
  return [401, { error: { message, type: 'invalid_request_error', param: null, code: 'invalid_api_key' } }];
}
