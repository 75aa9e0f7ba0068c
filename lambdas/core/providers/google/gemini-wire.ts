import { z } from 'zod';
import { tokenCountSchema } from '../../schemas/token-count.js';

// https://ai.google.dev/api/generate-content — the parts of Gemini's responses the gateway reads.

const partSchema = z
  .object({
    text: z.string().optional(),
    thought: z.boolean().optional(),
    functionCall: z.object({ name: z.string(), args: z.record(z.string(), z.unknown()).optional(), id: z.string().optional() }).loose().optional(),
    /** A generated image (image models): https://ai.google.dev/gemini-api/docs/image-generation */
    inlineData: z.object({ mimeType: z.string(), data: z.string() }).loose().optional(),
  })
  .loose();

export const geminiUsageSchema = z
  .object({
    promptTokenCount: tokenCountSchema.optional(),
    candidatesTokenCount: tokenCountSchema.optional(),
    totalTokenCount: tokenCountSchema.optional(),
    cachedContentTokenCount: tokenCountSchema.optional(),
    thoughtsTokenCount: tokenCountSchema.optional(),
  })
  .loose()
  // The cached part is inside promptTokenCount; more would price the prompt below cost.
  .refine((usage) => (usage.cachedContentTokenCount ?? 0) <= (usage.promptTokenCount ?? 0), { message: 'cached tokens exceed prompt tokens' });

export const geminiResponseSchema = z
  .object({
    candidates: z
      .array(
        z
          .object({
            content: z.object({ parts: z.array(partSchema).optional() }).loose().optional(),
            finishReason: z.string().optional(),
            index: z.number().int().nonnegative().optional(),
          })
          .loose(),
      )
      .optional(),
    promptFeedback: z.object({ blockReason: z.string().optional() }).loose().optional(),
    usageMetadata: geminiUsageSchema.optional(),
  })
  .loose();

export const geminiEmbeddingsSchema = z.object({ embeddings: z.array(z.object({ values: z.array(z.number()) }).loose()) }).loose();

export const geminiErrorBodySchema = z.object({
  error: z.object({ code: z.number().int().optional(), message: z.string(), status: z.string().optional() }).loose(),
});

export type GeminiCandidate = NonNullable<z.infer<typeof geminiResponseSchema>['candidates']>[number];
export type GeminiUsage = z.infer<typeof geminiUsageSchema>;
