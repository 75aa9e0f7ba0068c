import { GatewayError, ProviderError, providerErrorKindForStatus } from '../../errors.js';
import type { ChatCompletionRequest, ChatMessage } from '../../schemas/openai-chat-request.js';

export interface MockToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** What a mock model answers, before it is shaped as a stream. */
export interface MockReply {
  /** The text, already cut into the pieces a stream sends one by one. */
  pieces: string[];
  toolCall: MockToolCall | undefined;
  promptTokens: number;
}

const lorem =
  'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua'.split(
    ' ',
  );
const maxLoremWords = 100_000;
const failingStatuses = new Set([400, 401, 403, 404, 408, 409, 422, 429, 500, 502, 503, 504, 529]);

const mockModelPattern = /^(?:echo|embed|lorem(?:-\d+)?|fail-\d{3})$/;

export function isMockModel(model: string): boolean {
  const failure = /^fail-(\d{3})$/.exec(model);
  return mockModelPattern.test(model) && (!failure || failingStatuses.has(Number(failure[1])));
}

/**
 * The built-in models, all deterministic:
 * - `echo`: repeats the last user message, one word per stream chunk;
 * - `lorem` / `lorem-<n>`: n words (default 16) of lorem ipsum, one per chunk;
 * - `fail-<status>`: fails like a provider answering that HTTP status (429 asks to retry after 1 s).
 * When the request offers function tools (and tool_choice is not "none"), the model calls the
 * named or first one with the last user message as `{"input": ...}`.
 */
export function mockReply(model: string, request: ChatCompletionRequest): MockReply {
  const failure = /^fail-(\d{3})$/.exec(model);
  if (failure) throw mockFailure(Number(failure[1]));

  const promptTokens = estimateTokens(request.messages);
  const toolCall = chooseToolCall(request);
  if (toolCall) return { pieces: [], toolCall, promptTokens };

  if (model === 'echo') return { pieces: wordPieces(lastUserText(request.messages)), toolCall, promptTokens };
  const loremMatch = /^lorem(?:-(\d+))?$/.exec(model);
  if (loremMatch) {
    const words = Math.min(Number(loremMatch[1] ?? 16), maxLoremWords);
    const text = Array.from({ length: words }, (_, i) => lorem[i % lorem.length]).join(' ');
    return { pieces: wordPieces(text), toolCall, promptTokens };
  }
  throw new GatewayError(
    404,
    'model_not_found',
    `Model "mock/${model}" does not exist. Mock models: mock/echo, mock/lorem, mock/lorem-<n>, mock/fail-<status>; for embeddings, mock/embed.`,
    { param: 'model', type: 'invalid_request_error' },
  );
}

function mockFailure(status: number): ProviderError {
  if (!failingStatuses.has(status)) {
    throw new GatewayError(404, 'model_not_found', `mock/fail-${status}: the mock cannot fail with HTTP ${status}.`, {
      param: 'model',
      type: 'invalid_request_error',
    });
  }
  return new ProviderError({
    provider: 'mock',
    kind: providerErrorKindForStatus(status),
    status,
    message: `mock: failing with HTTP ${status} as requested.`,
    ...(status === 429 ? { retryAfterMs: 1000 } : {}),
  });
}

/** Splits text so that joining the pieces gives the text back exactly. */
function wordPieces(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [''];
}

function lastUserText(messages: ChatMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message?.role === 'user') return textOf(message.content);
  }
  return '';
}

function textOf(content: ChatMessage['content']): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part) => ('text' in part && typeof part.text === 'string' ? part.text : '')).join('');
}

/** Roughly four characters a token, like OpenAI's rule of thumb; deterministic is what matters. */
function estimateTokens(messages: ChatMessage[]): number {
  const characters = messages.reduce((sum, message) => sum + textOf(message.content).length, 0);
  return Math.max(1, Math.ceil(characters / 4));
}

function chooseToolCall(request: ChatCompletionRequest): MockToolCall | undefined {
  const tools = (request.tools ?? []).flatMap((tool) => (tool.type === 'function' ? [tool.function.name] : []));
  const choice = request.tool_choice;
  if (tools.length === 0 || choice === 'none') return undefined;
  const named = typeof choice === 'object' && choice.type === 'function' ? choice.function.name : undefined;
  const name = named ?? tools[0];
  if (name === undefined) return undefined;
  return {
    id: 'call_mock_0',
    name,
    arguments: JSON.stringify({ input: lastUserText(request.messages) }),
  };
}
