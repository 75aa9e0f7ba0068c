import { pricedEntry } from '../core/catalog/priced-entry.js';
import { uncachedCostMicros } from '../core/catalog/request-cost.js';
import { GatewayError } from '../core/errors.js';
import { callingApp, originTitle } from '../core/request-log/calling-app.js';
import type { RequestLogAttempt, RequestLogRecord } from '../core/request-log/request-log-record.js';
import { userAgentFamily } from '../core/request-log/user-agent-family.js';
import type { AttemptReport } from '../core/routing/run-attempts.js';
import type { ChatCompletion, ChatCompletionChunk, Usage } from '../core/schemas/openai-chat-response.js';
import type { RequestyExtension } from '../core/schemas/requesty-extension.js';
import type { ApiKeyRecord } from '../ports/key-store.js';
import type { GatewayDeps } from './gateway-config.js';
import type { GatewayRequest, GatewayResponse } from './gateway-http.js';

export type Endpoint = 'chat' | 'messages' | 'count_tokens' | 'embeddings' | 'responses' | 'images' | 'transcriptions';

/** What the request asked for, once its body is read. */
export interface AskedFor {
  model: string;
  stream: boolean;
  requesty: RequestyExtension | undefined;
  toolsOffered: readonly string[];
}

/**
 * What one request did, gathered as it runs and written as one request-log record once its
 * response has ended (or its client has gone): the route starts it after authentication and
 * hands it on; routing reports each attempt; the answer reports its usage and output.
 */
export class RequestLogEntry {
  private readonly startedAt: number;
  private readonly attempts: RequestLogAttempt[] = [];
  private asked: AskedFor | undefined;
  private served: { model: string; policy: string | undefined; firstTokenAt: number } | undefined;
  private policy: string | undefined;
  private usage: SettledUsage | undefined;
  private responseId: string | undefined;
  /** The id the route gave its answer itself (a Responses API `resp_…`), over the provider's. */
  private ownAnswerId: string | undefined;
  /** One name per call, repeats kept (two forecasts are two calls), up to `maxToolCalls`. */
  private readonly toolCalls: string[] = [];
  private finishReason: string | undefined;
  private failure: { type: string | null; code: string | null } | undefined;
  /** Set while the request holds an open ledger: its record waits for the usage. */
  private ledgerOpen = false;
  private ended: { status: number; bytesOut: number; at: number } | undefined;
  private written = false;

  constructor(
    private readonly request: GatewayRequest,
    private readonly endpoint: Endpoint,
    private readonly key: ApiKeyRecord,
    private readonly deps: GatewayDeps,
  ) {
    this.startedAt = deps.clock.now();
  }

  /** The calling app's title, as usage by `origin_title` counts it: the app this record names. */
  originTitle(): string | undefined {
    return originTitle(callingApp(this.request.headers));
  }

  askedFor(asked: AskedFor): void {
    this.asked = asked;
  }

  /** The answer goes out under this id, whatever the provider called it. */
  answerId(id: string): void {
    this.ownAnswerId = id;
  }

  /** Routing's report of each call, as it ends. */
  readonly attempt = (call: AttemptReport): void => {
    this.attempts.push({ model: call.model, status: call.status, error_code: bounded(call.errorCode), first_token_ms: call.firstByteMs ?? null });
  };

  routedBy(policy: string | undefined): void {
    this.policy = policy;
  }

  answeredBy(model: string, firstTokenAt: number): void {
    this.served = { model, policy: this.policy, firstTokenAt };
  }

  /** The request's ledger is open: the record is written once it is closed, with what it settled. */
  ledgerOpened(): void {
    this.ledgerOpen = true;
  }

  /** The ledger closed: settled with `usage` (the provider's, or the gateway's estimate) at `cost`, or released. */
  ledgerClosed(settled: SettledUsage | undefined): void {
    if (settled) this.usage = settled;
    this.ledgerOpen = false;
    this.writeWhenDone();
  }

  completion(completion: ChatCompletion): void {
    this.responseId = completion.id;
    for (const choice of completion.choices) {
      for (const call of choice.message.tool_calls ?? []) this.calledTool(call.function.name);
      if (choice.finish_reason) this.finishReason = choice.finish_reason;
    }
  }

  chunk(chunk: ChatCompletionChunk): void {
    this.responseId ??= chunk.id || undefined;
    for (const choice of chunk.choices) {
      // A streamed call names its tool once, in its first delta.
      for (const call of choice.delta.tool_calls ?? []) if (call.function?.name) this.calledTool(call.function.name);
      if (choice.finish_reason) this.finishReason = choice.finish_reason;
    }
  }

  /** What an answer passed through in Anthropic's own format said (the native /v1/messages path), as it is read. */
  nativeAnswer(seen: { id?: string; toolCall?: string; finishReason?: string }): void {
    if (seen.id) this.responseId ??= seen.id;
    if (seen.toolCall) this.calledTool(seen.toolCall);
    if (seen.finishReason) this.finishReason = seen.finishReason;
  }

  private calledTool(name: string): void {
    if (this.toolCalls.length < maxToolCalls) this.toolCalls.push(name.slice(0, maxText));
  }

  failed(error: unknown): void {
    const known = error instanceof GatewayError ? error : undefined;
    this.failure = { type: bounded(known?.type), code: bounded(known?.code ?? 'internal_error') };
  }

  /**
   * The response, whose end writes the record (a whole body at once, a streamed one when it has
   * been sent or abandoned by its client), or, when later, the settling of its usage: a stream
   * cut by its client is settled as it is cancelled, and the record must hold what was charged.
   */
  finish(response: GatewayResponse): GatewayResponse {
    if (typeof response.body === 'string') {
      this.ended = { status: response.status, bytesOut: Buffer.byteLength(response.body), at: this.deps.clock.now() };
      this.writeWhenDone();
      return response;
    }
    return { ...response, body: this.counted(response.body, response.status) };
  }

  private async *counted(body: AsyncIterable<string>, status: number): AsyncGenerator<string> {
    let bytes = 0;
    try {
      for await (const piece of body) {
        bytes += Buffer.byteLength(piece);
        yield piece;
      }
    } finally {
      this.ended = { status, bytesOut: bytes, at: this.deps.clock.now() };
      this.writeWhenDone();
    }
  }

  private writeWhenDone(): void {
    if (this.written || !this.ended || this.ledgerOpen) return;
    this.written = true;
    this.deps.requestLog.write(this.record(this.ended));
  }

  private record({ status, bytesOut, at }: { status: number; bytesOut: number; at: number }): RequestLogRecord {
    const { request, deps, asked, served, usage } = this;
    const headers = request.headers;
    const requesty = asked?.requesty;
    const app = callingApp(headers);
    const details = usage?.usage.prompt_tokens_details as { cached_tokens?: number; cache_creation_tokens?: number } | null | undefined;
    // Charged as the ledger charged it: nothing without usage, null when the model is not priced.
    // Images and audio are priced by the piece, with no cache to save on.
    const entry = served && usage && usage.pieceCost === undefined ? pricedEntry(served.model, deps.unpricedModelPrice) : undefined;
    const uncached = usage ? (usage.pieceCost ?? (entry ? uncachedCostMicros(usage.usage, entry, deps.markup) : null)) : 0;
    return {
      request_id: request.requestId,
      response_id: this.ownAnswerId ?? this.responseId ?? null,
      timestamp: new Date(this.startedAt).toISOString(),
      region: deps.region,
      endpoint: this.endpoint,
      api_key_id: this.key.id,
      group_id: this.key.groupId ?? null,
      user_id: requesty?.user_id ?? null,
      trace_id: requesty?.trace_id ?? null,
      tags: requesty?.tags ?? [],
      extra: stringMap(requesty?.extra),
      app_title: app.title,
      app_referer: app.referer,
      user_agent: userAgentFamily(headers['user-agent']),
      model_requested: asked?.model ?? '',
      model: served?.model ?? null,
      provider: served ? served.model.slice(0, served.model.indexOf('/')) : null,
      policy: this.policy ?? null,
      attempts: this.attempts,
      status,
      error_type: this.failure?.type ?? null,
      error_code: this.failure?.code ?? null,
      stream: asked?.stream ?? false,
      latency_ms: Math.max(0, at - this.startedAt),
      first_token_ms: served ? Math.max(0, served.firstTokenAt - this.startedAt) : null,
      input_tokens: usage?.usage.prompt_tokens ?? 0,
      output_tokens: usage?.usage.completion_tokens ?? 0,
      cache_read_tokens: details?.cached_tokens ?? 0,
      cache_write_tokens: details?.cache_creation_tokens ?? 0,
      reasoning_tokens: usage?.usage.completion_tokens_details?.reasoning_tokens ?? 0,
      usage_estimated: usage?.estimated ?? false,
      cost_micros: usage ? (usage.cost ?? null) : 0,
      cost_without_cache_micros: uncached,
      tools_offered: [...(asked?.toolsOffered ?? [])],
      tool_calls: this.toolCalls,
      finish_reason: this.finishReason ?? null,
      bytes_in: request.bodyBytes?.length ?? Buffer.byteLength(request.body),
      bytes_out: bytesOut,
    };
  }
}

/** What a ledger settled: the usage, whether it is an estimate, and its cost (undefined: not priced). */
export interface SettledUsage {
  usage: Usage;
  estimated: boolean;
  cost: number | undefined;
  /** Set when the answer was priced by the piece (images, audio), not by the token. */
  pieceCost?: number;
}

/** The longest text a record field holds (its schema's bound). */
const maxText = 1_024;
/** The most tool calls a record lists: an answer's calls are rarely more than a few. */
const maxToolCalls = 128;

function bounded(text: string | undefined): string | null {
  return text === undefined ? null : text.slice(0, maxText);
}

function stringMap(extra: Record<string, unknown> | undefined): Record<string, string> {
  const map: Record<string, string> = {};
  for (const [field, value] of Object.entries(extra ?? {})) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') map[field] = String(value);
  }
  return map;
}
