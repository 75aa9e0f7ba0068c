import type { RawExchange } from '../raw-http.js';

/** A response as the fuzzer read it. */
export interface ObservedResponse {
  status: number;
  contentType: string;
  body: string;
}

/**
 * Errors raised before the route is known (unparsable HTTP, a body over a size limit) have
 * OpenAI's shape on every path, /v1/messages included (README, "Errors").
 */
const beforeRouteCodes = new Set(['invalid_http', 'payload_too_large']);

/**
 * What is wrong with an answer, or undefined when it is clean: never a 5xx; an error in the
 * route's own shape (Anthropic's on POST /v1/messages, OpenAI's everywhere else); a success whose
 * body is well-formed JSON or a complete event stream.
 */
export function problemWith(method: string, target: string, response: ObservedResponse): string | undefined {
  const { status } = response;
  if (status >= 500) return `server error ${status}: ${excerpt(response.body)}`;
  // The root sends a browser to the console.
  if (status === 302 && routePath(target) === '/' && (method === 'GET' || method === 'HEAD')) return undefined;
  if (status < 200 || (status >= 300 && status < 400)) return `unexpected status ${status}`;
  if (method === 'HEAD') return undefined;
  if (status >= 400) return errorProblem(method, target, response);
  if (response.contentType.includes('text/event-stream')) {
    if (isMessagesRoute(method, target)) return anthropicStreamProblem(response.body);
    return isResponsesRoute(method, target) ? responsesStreamProblem(response.body) : openAIStreamProblem(response.body);
  }
  // A transcript asked for as text, srt or vtt is plain text.
  if (isTranscriptionsRoute(method, target) && response.contentType.startsWith('text/plain')) return response.body === '' ? `an empty ${status} transcript` : undefined;
  const json = parsed(response.body);
  if (json === undefined) return `a ${status} whose body is not JSON: ${excerpt(response.body)}`;
  // A Responses API object always has `error`, null when it succeeded; a test send's outcome names the delivery's error.
  if (isRecord(json) && !isWebhookTestRoute(method, target) && ((json.error !== undefined && json.error !== null) || json.type === 'error')) {
    return `a ${status} carrying an error: ${excerpt(response.body)}`;
  }
  return undefined;
}

/** Raw exchanges: every response clean (either error shape: the route may not be known), and the connection ended. */
export function rawProblem(exchange: RawExchange): string | undefined {
  if (exchange.timedOut) return 'the server neither answered nor closed the connection';
  if (exchange.trailing !== '') return `bytes that are not an HTTP response: ${excerpt(exchange.trailing)}`;
  for (const response of exchange.responses) {
    if (response.status >= 500) return `server error ${response.status}: ${excerpt(response.body)}`;
    if (response.status >= 400) {
      const json = parsed(response.body);
      if (!isOpenAIError(json) && !isAnthropicError(json)) return `a ${response.status} not in an error shape: ${excerpt(response.body)}`;
    }
  }
  return undefined;
}

function errorProblem(method: string, target: string, response: ObservedResponse): string | undefined {
  if (!response.contentType.includes('application/json')) return `a ${response.status} with content-type "${response.contentType}"`;
  const json = parsed(response.body);
  if (isMessagesRoute(method, target) && !(isOpenAIError(json) && beforeRouteCodes.has(json.error.code ?? ''))) {
    return isAnthropicError(json) ? undefined : `a ${response.status} not in Anthropic's error shape: ${excerpt(response.body)}`;
  }
  return isOpenAIError(json) ? undefined : `a ${response.status} not in OpenAI's error shape: ${excerpt(response.body)}`;
}

/** The path the router matches: as the local server reads the target, trailing slashes dropped. */
export function routePath(target: string): string | undefined {
  try {
    const { pathname } = target.startsWith('/') ? new URL(`http://localhost${target}`) : new URL(target, 'http://localhost');
    return pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  } catch {
    return undefined;
  }
}

function isMessagesRoute(method: string, target: string): boolean {
  return method === 'POST' && routePath(target) === '/v1/messages';
}

function isTranscriptionsRoute(method: string, target: string): boolean {
  return method === 'POST' && routePath(target) === '/v1/audio/transcriptions';
}

export function isWebhookTestRoute(method: string, target: string): boolean {
  return method === 'POST' && /^\/v1\/manage\/webhook\/[^/]+\/test$/.test(routePath(target) ?? '');
}

function isResponsesRoute(method: string, target: string): boolean {
  return method === 'POST' && routePath(target) === '/v1/responses';
}

interface OpenAIError {
  error: { message: string; type: string; code: string | null; param: string | null };
}

function isOpenAIError(json: unknown): json is OpenAIError {
  if (!isRecord(json) || !sameKeys(json, ['error']) || !isRecord(json.error)) return false;
  const { message, type, code, param } = json.error;
  return (
    sameKeys(json.error, ['message', 'type', 'code', 'param']) &&
    typeof message === 'string' &&
    typeof type === 'string' &&
    (code === null || typeof code === 'string') &&
    (param === null || typeof param === 'string')
  );
}

function isAnthropicError(json: unknown): boolean {
  return (
    isRecord(json) &&
    sameKeys(json, ['type', 'error']) &&
    json.type === 'error' &&
    isRecord(json.error) &&
    sameKeys(json.error, ['type', 'message']) &&
    typeof json.error.type === 'string' &&
    typeof json.error.message === 'string'
  );
}

/** Every event a JSON chunk, no error event, and `[DONE]` last. */
function openAIStreamProblem(body: string): string | undefined {
  const data = events(body).flatMap((event) => event.data);
  if (data.at(-1) !== '[DONE]') return `a stream that does not end with [DONE]: ${excerpt(body.slice(-300))}`;
  for (const payload of data.slice(0, -1)) {
    const json = parsed(payload);
    if (!isRecord(json)) return `a stream event that is not a JSON object: ${excerpt(payload)}`;
    if ('error' in json) return `a stream that failed: ${excerpt(payload)}`;
  }
  return undefined;
}

/** Every event JSON, no error or failed response, and `response.completed` (or `.incomplete`) last. */
function responsesStreamProblem(body: string): string | undefined {
  const all = events(body);
  for (const event of all) {
    if (event.name === 'error' || event.name === 'response.failed') return `a stream that failed: ${excerpt(event.data.join('\n'))}`;
    if (event.data.some((payload) => !isRecord(parsed(payload)))) return `a stream event that is not a JSON object: ${excerpt(event.data.join('\n'))}`;
  }
  const last = all.at(-1)?.name;
  if (last !== 'response.completed' && last !== 'response.incomplete') return `a stream that does not end with response.completed: ${excerpt(body.slice(-300))}`;
  return undefined;
}

/** Every event JSON, no error event, and `message_stop` last. */
function anthropicStreamProblem(body: string): string | undefined {
  const all = events(body);
  for (const event of all) {
    if (event.name === 'error') return `a stream that failed: ${excerpt(event.data.join('\n'))}`;
    if (event.data.some((payload) => !isRecord(parsed(payload)))) return `a stream event that is not a JSON object: ${excerpt(event.data.join('\n'))}`;
  }
  if (all.at(-1)?.name !== 'message_stop') return `a stream that does not end with message_stop: ${excerpt(body.slice(-300))}`;
  return undefined;
}

function events(body: string): Array<{ name: string | undefined; data: string[] }> {
  return body
    .split(/\r?\n\r?\n/)
    .map((block) => block.split(/\r?\n/).filter((line) => line !== '' && !line.startsWith(':')))
    .filter((lines) => lines.length > 0)
    .map((lines) => ({
      name: lines.find((line) => line.startsWith('event:'))?.slice(6).trim(),
      data: lines.filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trim()),
    }));
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function sameKeys(value: Record<string, unknown>, keys: readonly string[]): boolean {
  const own = Object.keys(value);
  return own.length === keys.length && keys.every((key) => own.includes(key));
}

export function excerpt(text: string, length = 300): string {
  return text.length <= length ? text : `${text.slice(0, length)}… (${text.length} characters)`;
}
