import { errors, type Dispatcher } from 'undici';
import { rawHttp } from '../raw-http.js';
import { acceptedWebhookProblem } from './accepted-webhook.js';
import { problemWith, rawProblem } from './clean-response.js';
import type { FuzzInput } from './fuzz-inputs.js';
import { testedWebhookProblem } from './outbound-connections.js';
import type { FuzzTarget } from './run-fuzz.js';

/** What placeholders in generated inputs stand for on this run. */
export type Substitutions = ReadonlyArray<readonly [placeholder: string, value: string]>;

export type Outcome =
  /** `label` is the status, or how a raw exchange ended, for the summary. */
  | { kind: 'answered'; label: string; problem: string | undefined }
  /** The client library would not send it (a header value it forbids, say): says nothing about the server. */
  | { kind: 'not-sent'; reason: string }
  | { kind: 'no-answer'; problem: string };

/** Longer than any answer of a mock model takes, even on a busy machine: past it, the input hangs. */
const answerDeadlineMs = 60_000;

/** Sends one input and judges the answer. */
export async function sendFuzzInput(input: FuzzInput, target: FuzzTarget, client: Dispatcher, fill: Substitutions): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'no-answer', problem: `no answer within ${answerDeadlineMs / 1000} s` }), answerDeadlineMs);
  });
  try {
    return await Promise.race([send(input, target, client, fill), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

async function send(input: FuzzInput, target: FuzzTarget, client: Dispatcher, fill: Substitutions): Promise<Outcome> {
  if (input.kind === 'raw') {
    const exchange = await rawHttp(target.url, substitute(input.bytes, fill), { endAfterWrite: input.endAfterWrite, timeoutMs: 15_000 });
    const statuses = exchange.responses.map((response) => response.status).join('+');
    return { kind: 'answered', label: `raw ${statuses || 'closed'}`, problem: rawProblem(exchange) };
  }
  const path = substituteText(input.path, fill);
  let response: Dispatcher.ResponseData;
  try {
    response = await client.request({
      method: input.method,
      path,
      headers: Object.fromEntries(Object.entries(input.headers).map(([name, value]) => [name, substituteText(value, fill)])),
      body: input.body && substitute(input.body, fill),
      headersTimeout: 30_000,
      bodyTimeout: 30_000,
    });
  } catch (error) {
    if (error instanceof errors.InvalidArgumentError || error instanceof errors.NotSupportedError) return { kind: 'not-sent', reason: error.message };
    return { kind: 'no-answer', problem: `no answer: ${describe(error)}` };
  }
  let body: string;
  try {
    body = await response.body.text();
  } catch (error) {
    return { kind: 'no-answer', problem: `the ${response.statusCode} answer broke off: ${describe(error)}` };
  }
  const observed = { status: response.statusCode, contentType: String(response.headers['content-type'] ?? ''), body };
  return {
    kind: 'answered',
    label: String(response.statusCode),
    problem:
      problemWith(input.method, path, observed) ??
      acceptedWebhookProblem(input.method, path, observed, target.webhooksAllowLoopback) ??
      testedWebhookProblem(input.method, path, observed),
  };
}

function substituteText(text: string, fill: Substitutions): string {
  return fill.reduce((result, [placeholder, value]) => result.split(placeholder).join(value), text);
}

/** Placeholders are ASCII, so they are replaced in the bytes without decoding them (bodies may not be UTF-8). */
function substitute(bytes: Buffer, fill: Substitutions): Buffer {
  let result = bytes;
  for (const [placeholder, value] of fill) {
    const parts: Buffer[] = [];
    let from = 0;
    for (let at = result.indexOf(placeholder, from, 'latin1'); at >= 0; at = result.indexOf(placeholder, from, 'latin1')) {
      parts.push(result.subarray(from, at), Buffer.from(value));
      from = at + placeholder.length;
    }
    if (parts.length > 0) result = Buffer.concat([...parts, result.subarray(from)]);
  }
  return result;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return `${error.name}${typeof code === 'string' ? ` ${code}` : ''}: ${error.message}`;
}
