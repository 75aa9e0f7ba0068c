import { createHash, randomUUID } from 'node:crypto';
import type { ChatCompletionChunk, Usage } from '../../schemas/openai-chat-response.js';
import { GatewayError } from '../../errors.js';
import { embeddingsList } from '../../schemas/openai-embeddings.js';
import { textInputs } from '../embedding-inputs.js';
import type { ChatProvider } from '../provider.js';
import { isMockModel, mockReply, type MockReply } from './mock-reply.js';

/** Built in and offline, so the gateway can be tried and tested with no provider account. */
export const mockProvider: ChatProvider = {
  id: 'mock',
  knowsModel: isMockModel,
  // The mock answers from inside the gateway itself, wherever that runs.
  runsInEu: () => true,
  /** Deterministic unit vectors (8 dimensions, or `dimensions`) derived from each text's hash. */
  async embed(request, call) {
    if (call.model !== 'embed') {
      throw new GatewayError(404, 'model_not_found', `mock/${call.model} is not an embedding model; use mock/embed.`, { param: 'model' });
    }
    const texts = textInputs(request, 'mock');
    const vectors = texts.map((text) => mockEmbedding(text, request.dimensions ?? 8));
    const tokens = texts.reduce((sum, text) => sum + Math.max(1, Math.ceil(text.length / 4)), 0);
    return embeddingsList(vectors, call.model, tokens, request.encoding_format);
  },
  async stream(request, call) {
    const reply = mockReply(call.model, request);
    return mockChunks(reply, call.model, `chatcmpl-mock-${randomUUID()}`, Math.floor(call.clock.now() / 1000));
  },
};

async function* mockChunks(reply: MockReply, model: string, id: string, created: number): AsyncGenerator<ChatCompletionChunk> {
  const chunk = (delta: ChatCompletionChunk['choices'][number]['delta'], finish: string | null): ChatCompletionChunk => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  yield chunk({ role: 'assistant', content: '' }, null);
  for (const piece of reply.pieces) yield chunk({ content: piece }, null);
  if (reply.toolCall) {
    const { id: callId, name, arguments: args } = reply.toolCall;
    yield chunk({ tool_calls: [{ index: 0, id: callId, type: 'function', function: { name, arguments: '' } }] }, null);
    // Split the arguments the way real providers do, so clients must assemble deltas.
    const middle = Math.ceil(args.length / 2);
    for (const part of [args.slice(0, middle), args.slice(middle)]) {
      yield chunk({ tool_calls: [{ index: 0, function: { arguments: part } }] }, null);
    }
  }
  yield chunk({}, reply.toolCall ? 'tool_calls' : 'stop');
  yield { id, object: 'chat.completion.chunk', created, model, choices: [], usage: mockUsage(reply) };
}

function mockUsage(reply: MockReply): Usage {
  const completionTokens = reply.toolCall ? Math.ceil(reply.toolCall.arguments.length / 4) : reply.pieces.length;
  return {
    prompt_tokens: reply.promptTokens,
    completion_tokens: completionTokens,
    total_tokens: reply.promptTokens + completionTokens,
  };
}

function mockEmbedding(text: string, dimensions: number): number[] {
  const seed = createHash('sha256').update(text).digest();
  const raw = Array.from({ length: dimensions }, (_, i) => (seed[i % seed.length] ?? 0) / 255 - 0.5 + i / (10 * dimensions));
  const norm = Math.hypot(...raw) || 1;
  return raw.map((value) => value / norm);
}
