import { z } from 'zod';
import { tokenCountSchema } from '../../schemas/token-count.js';

// https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStream.html

export const converseUsageSchema = z
  .object({
    inputTokens: tokenCountSchema.optional(),
    outputTokens: tokenCountSchema.optional(),
    totalTokens: tokenCountSchema.optional(),
    cacheReadInputTokens: tokenCountSchema.optional(),
    cacheWriteInputTokens: tokenCountSchema.optional(),
  })
  .loose();

export const converseStreamEventSchema = z
  .object({
    messageStart: z.object({ role: z.string() }).loose().optional(),
    contentBlockStart: z
      .object({
        contentBlockIndex: z.number().int(),
        start: z.object({ toolUse: z.object({ toolUseId: z.string(), name: z.string() }).loose().optional() }).loose().optional(),
      })
      .loose()
      .optional(),
    contentBlockDelta: z
      .object({
        contentBlockIndex: z.number().int(),
        delta: z
          .object({
            text: z.string().optional(),
            toolUse: z.object({ input: z.string() }).loose().optional(),
            reasoningContent: z.object({ text: z.string().optional() }).loose().optional(),
          })
          .loose(),
      })
      .loose()
      .optional(),
    contentBlockStop: z.object({ contentBlockIndex: z.number().int() }).loose().optional(),
    messageStop: z.object({ stopReason: z.string() }).loose().optional(),
    metadata: z.object({ usage: converseUsageSchema.optional() }).loose().optional(),
  })
  .loose();

export const titanEmbeddingSchema = z
  .object({ embedding: z.array(z.number()), inputTextTokenCount: tokenCountSchema.optional() })
  .loose();

export type ConverseUsage = z.infer<typeof converseUsageSchema>;
