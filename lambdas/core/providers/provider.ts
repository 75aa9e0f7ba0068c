import type { Clock } from '../../ports/clock.js';
import type { BedrockRuntime } from '../../ports/bedrock-runtime.js';
import type { HttpClient } from '../../ports/http-client.js';
import type { ChatCompletionRequest } from '../schemas/openai-chat-request.js';
import type { ChatCompletion, ChatCompletionChunk } from '../schemas/openai-chat-response.js';
import type { SseEvent } from '../sse/parse-sse.js';
import type { EmbeddingsRequest, EmbeddingsResponse } from '../schemas/openai-embeddings.js';
import type { ImagesRequest, ImagesResponse } from '../schemas/openai-images.js';
import type { TranscriptionAnswer, TranscriptionRequest } from '../schemas/openai-transcriptions.js';
import type { ServiceAccount } from './vertex/service-account.js';

export interface ProviderCredentials {
  apiKey?: string;
  baseUrl?: string;
  /** Azure OpenAI's api-version. */
  apiVersion?: string;
  /** Bedrock and Vertex: the region models without an `@region` run in. */
  region?: string;
  /** Vertex: the service account whose access tokens the calls carry. */
  serviceAccount?: ServiceAccount;
  /** Vertex: the Google Cloud project billed (the service account's own when absent). */
  project?: string;
}

/** Everything a provider call may touch, injected so adapters stay pure and testable. */
export interface ProviderCall {
  /** The model id without the provider prefix, as the upstream knows it. */
  model: string;
  credentials: ProviderCredentials;
  http: HttpClient;
  /** The Bedrock runtime, for the bedrock provider. */
  bedrock?: BedrockRuntime;
  clock: Clock;
  /** Aborted when the client goes away; only streams can notice that. */
  signal?: AbortSignal;
  /** Longest wait for the connection and the response head: what a hung provider is detected by. */
  headersTimeoutMs: number;
  /** Longest silence between two chunks of the response body. */
  idleTimeoutMs: number;
  /** Epoch ms by which the answer, streamed or whole, must have been read; after it, a timeout. */
  deadlineAt: number;
}

/**
 * A provider that speaks Anthropic's Messages API natively: /v1/messages requests go through
 * untranslated. `headers` are the `anthropic-*` headers to forward (version, beta).
 */
export interface AnthropicProtocol {
  /** Whether `model` speaks it (on Bedrock, Claude does); absent when every model of the provider does. */
  speaks?(model: string): boolean;
  /**
   * `body` is the client's Messages request as it came, less the gateway's own fields; the
   * upstream's call names the model its own way. Resolves once the upstream has accepted the
   * request (as `stream` does); yields Anthropic's stream events as they come.
   */
  streamMessages(body: Readonly<Record<string, unknown>>, headers: Readonly<Record<string, string>>, call: ProviderCall): Promise<AsyncIterable<SseEvent>>;
  /** POST /v1/messages/count_tokens (the model already the upstream's name): the upstream's JSON answer. Absent where the upstream cannot count. */
  countTokens?(body: string, headers: Readonly<Record<string, string>>, call: ProviderCall): Promise<unknown>;
}

/**
 * A provider that serves OpenAI's Responses API itself: /v1/responses requests go through
 * untranslated, and the upstream keeps what it stores (previous_response_id, conversations).
 */
export interface ResponsesProtocol {
  /**
   * `body` is the client's Responses request as it came, less the gateway's own fields; the
   * call sets the upstream's model name and asks for a stream. Resolves once the upstream has
   * accepted the request (as `stream` does); yields the Responses API's stream events as they come.
   */
  streamResponses(body: Readonly<Record<string, unknown>>, call: ProviderCall): Promise<AsyncIterable<SseEvent>>;
}

/**
 * A provider that speaks OpenAI's chat completions API natively: /v1/chat/completions requests
 * go through untranslated and the upstream's stream comes back as it came.
 */
export interface OpenAIChatProtocol {
  /**
   * `body` is the client's chat request as it came, less the gateway's own fields; the target
   * sets the model and asks for a stream with usage. Resolves once the upstream has accepted the
   * request (as `stream` does); yields its SSE events, `[DONE]` included, as they come.
   */
  streamChat(body: Readonly<Record<string, unknown>>, call: ProviderCall): Promise<AsyncIterable<SseEvent>>;
  /**
   * The same request asked as one JSON answer (`SWITCHBOARD_UPSTREAM_JSON`): resolves with the
   * upstream's completion once it has come whole, its unknown fields kept.
   */
  completeChat(body: Readonly<Record<string, unknown>>, call: ProviderCall): Promise<ChatCompletion>;
}

export interface ChatProvider {
  readonly id: string;
  /** Whether the provider serves this model; absent when any name may be valid upstream. */
  knowsModel?(model: string): boolean;
  /** Whether inference for this model, with these credentials, runs inside the EU. */
  runsInEu(model: string, credentials: ProviderCredentials): boolean;
  /**
   * What the provider cannot be called without and these credentials lack, in words for an
   * error (`an API key`), else undefined. Absent for providers that need nothing configured.
   */
  missingCredentials?(credentials: ProviderCredentials): string | undefined;
  /**
   * Resolves once the upstream has accepted the request, so a 429 or 5xx is still a thrown
   * ProviderError that routing can fail over on before anything reaches the client.
   */
  stream(request: ChatCompletionRequest, call: ProviderCall): Promise<AsyncIterable<ChatCompletionChunk>>;
  /** Present for providers that speak Anthropic's Messages API, for all models or some (native-protocol.ts). */
  anthropicProtocol?: AnthropicProtocol;
  /** Present for providers that serve OpenAI's Responses API (OpenAI, Azure OpenAI). */
  responsesProtocol?: ResponsesProtocol;
  /** Present for providers that speak OpenAI's chat completions API (native-protocol.ts). */
  openAIChatProtocol?: OpenAIChatProtocol;
  /** Absent for providers without embedding models. */
  embed?(request: EmbeddingsRequest, call: ProviderCall): Promise<EmbeddingsResponse>;
  /** Absent for providers without image models: OpenAI's images API shape, whatever the upstream. */
  generateImages?(request: ImagesRequest, call: ProviderCall): Promise<ImagesResponse>;
  /** Absent for providers without speech-to-text models. */
  transcribe?(request: TranscriptionRequest, call: ProviderCall): Promise<TranscriptionAnswer>;
}
