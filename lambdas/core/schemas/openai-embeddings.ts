import { z } from 'zod';
import { modelIdSchema } from './model-id-field.js';
import { requestyExtensionSchema } from './requesty-extension.js';
import { tokenCountSchema } from './token-count.js';

// https://platform.openai.com/docs/api-reference/embeddings/create

export const embeddingsRequestSchema = z
  .object({
    model: modelIdSchema,
    input: z.union([
      z.string(),
      z.array(z.string()).min(1).max(2048),
      z.array(z.int()).min(1),
      z.array(z.array(z.int()).min(1)).min(1).max(2048),
    ]),
    encoding_format: z.enum(['float', 'base64']).optional(),
    dimensions: z.int().positive().max(16_384).optional(),
    user: z.string().optional(),
    requesty: requestyExtensionSchema.optional(),
  })
  .loose();

export const embeddingsResponseSchema = z
  .object({
    object: z.literal('list'),
    data: z.array(
      z.object({ object: z.literal('embedding'), index: z.int(), embedding: z.union([z.array(z.number()), z.string()]) }).loose(),
    ),
    model: z.string(),
    usage: z.object({ prompt_tokens: tokenCountSchema, total_tokens: tokenCountSchema }).loose(),
  })
  .loose();

export type EmbeddingsRequest = z.infer<typeof embeddingsRequestSchema>;
export type EmbeddingsResponse = z.infer<typeof embeddingsResponseSchema>;

/** OpenAI's base64 encoding: the float32 little-endian bytes of the vector. */
export function toBase64Embedding(vector: readonly number[]): string {
  const buffer = Buffer.alloc(vector.length * 4);
  vector.forEach((value, i) => buffer.writeFloatLE(value, i * 4));
  return buffer.toString('base64');
}

/** An OpenAI embeddings list from plain vectors, encoded as the caller asked. */
export function embeddingsList(
  vectors: readonly (readonly number[])[],
  model: string,
  promptTokens: number,
  format: EmbeddingsRequest['encoding_format'],
): EmbeddingsResponse {
  return {
    object: 'list',
    data: vectors.map((vector, index) => ({
      object: 'embedding',
      index,
      embedding: format === 'base64' ? toBase64Embedding(vector) : [...vector],
    })),
    model,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
}
