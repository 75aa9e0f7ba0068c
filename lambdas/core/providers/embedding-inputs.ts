import type { EmbeddingsRequest } from '../schemas/openai-embeddings.js';
import { unsupportedParameter } from './message-parts.js';

/** The inputs as texts; token arrays are OpenAI's own encoding, which other providers cannot read. */
export function textInputs(request: EmbeddingsRequest, provider: string): string[] {
  const { input } = request;
  if (typeof input === 'string') return [input];
  if (input.every((item): item is string => typeof item === 'string')) return input;
  throw unsupportedParameter('input', `${provider} embeds text only; send strings, not token arrays.`);
}
