import { effortLevel } from '../reasoning-budget.js';
import type { HostDialect } from './openai-compatible-presets.js';
import type { ChatCompletionRequest } from '../../schemas/openai-chat-request.js';
import type { ReasoningEffort } from '../../schemas/reasoning-effort.js';

/**
 * The request is already in OpenAI's format: only the gateway's own fields change. Unknown
 * fields stay, so OpenAI-compatible hosts receive parameters the gateway has never heard of.
 */
export function toOpenAIRequest(request: ChatCompletionRequest, model: string, dialect: HostDialect = {}): string {
  const { requesty: _requesty, ...body } = request;
  return toOpenAINativeRequest(body, model, dialect);
}

/**
 * The body an OpenAI-compatible host gets: the client's JSON in the client's field order, with
 * the upstream's model name, Requesty's efforts as OpenAI's, and always a stream with usage
 * (the gateway assembles JSON answers itself and needs the usage for accounting; whether the
 * client sees the usage chunk is decided on the way back). `body` was validated on the way in.
 * The host's dialect applies last: for one that refuses `stream_options` (and sends the usage
 * unasked) the field is left out, the client's own included; fields it names its own way are
 * sent under its names.
 */
export function toOpenAINativeRequest(body: Readonly<Record<string, unknown>>, model: string, dialect: HostDialect = {}): string {
  const named = withHostNames(body, dialect);
  const { stream_options: options, ...rest } = named;
  if (dialect.refusesStreamOptions) return JSON.stringify({ ...rest, ...openAIEffort(body), model, stream: true });
  const asked = typeof options === 'object' && options !== null ? options : {};
  // The client's own stream_options keep their place among its fields.
  return JSON.stringify({ ...named, ...openAIEffort(body), model, stream: true, stream_options: { ...asked, include_usage: true } });
}

/** The same body asked as one JSON answer (`SWITCHBOARD_UPSTREAM_JSON`), which reports its usage unasked. */
export function toOpenAIJsonRequest(body: Readonly<Record<string, unknown>>, model: string, dialect: HostDialect = {}): string {
  const { stream_options: _options, ...rest } = withHostNames(body, dialect);
  return JSON.stringify({ ...rest, ...openAIEffort(body), model, stream: false });
}

/** The body with OpenAI's names of fields the host names its own way renamed in place; where the client sent both, the host's. */
function withHostNames(body: Readonly<Record<string, unknown>>, { fieldNames }: HostDialect): Readonly<Record<string, unknown>> {
  if (!fieldNames) return body;
  const renamed: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(body)) {
    const hostName = Object.hasOwn(fieldNames, field) ? fieldNames[field] : undefined;
    if (hostName === undefined) renamed[field] = value;
    else if (!Object.hasOwn(body, hostName)) renamed[hostName] = value;
  }
  return renamed;
}

function openAIEffort(body: Readonly<Record<string, unknown>>): { reasoning_effort?: string } {
  return typeof body.reasoning_effort === 'string' ? { reasoning_effort: effortLevel(body.reasoning_effort as ReasoningEffort) } : {};
}
