import { z } from 'zod';
import { tokenCountSchema } from '../../schemas/token-count.js';

// https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/text-embeddings-api:
// `:predict` with one instance per text (gemini-embedding-001 takes a single one a request).

const predictionSchema = z
  .object({
    predictions: z
      .array(
        z.object({
          embeddings: z.object({ values: z.array(z.number()), statistics: z.object({ token_count: tokenCountSchema }).loose().optional() }).loose(),
        }).loose(),
      )
      .length(1),
  })
  .loose();

/** The `:predict` body embedding one text. */
export function toVertexEmbeddingRequest(text: string, dimensions: number | undefined): Record<string, unknown> {
  return { instances: [{ content: text }], ...(dimensions ? { parameters: { outputDimensionality: dimensions } } : {}) };
}

/** One `:predict` answer's vector and token count; undefined when it is not one. */
export function fromVertexEmbeddingResponse(answer: unknown): { vector: number[]; tokens: number } | undefined {
  const parsed = predictionSchema.safeParse(answer);
  if (!parsed.success) return undefined;
  const embeddings = parsed.data.predictions[0]?.embeddings;
  return embeddings ? { vector: embeddings.values, tokens: embeddings.statistics?.token_count ?? 0 } : undefined;
}
