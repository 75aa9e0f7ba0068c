import { CompletionAssembler } from '../../../lambdas/core/providers/assemble-completion.js';
import type { ChatCompletion, ChatCompletionChunk } from '../../../lambdas/core/schemas/openai-chat-response.js';

/** The completion a provider's stream makes, assembled as the gateway does for a JSON answer. */
export async function assembled(chunks: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletion> {
  const assembler = new CompletionAssembler();
  for await (const chunk of chunks) assembler.add(chunk);
  return assembler.completion();
}
