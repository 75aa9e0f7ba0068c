import { z } from 'zod';

/** US dollars per million tokens. */
const price = z.number().nonnegative();

export const catalogEntrySchema = z
  .object({
    /** `provider/model`, as callers name it. */
    id: z.string().regex(/^[^/\s]+\/\S+$/),
    context_window: z.int().positive(),
    max_output_tokens: z.int().positive(),
    capabilities: z
      .object({
        tools: z.boolean(),
        vision: z.boolean(),
        reasoning: z.boolean(),
        caching: z.boolean(),
        structured_output: z.boolean(),
      })
      .strict(),
    pricing: z
      .object({
        input: price,
        output: price,
        cache_read: price.nullable(),
        cache_write: price.nullable(),
      })
      .strict(),
  })
  .strict();

export type CatalogEntry = z.infer<typeof catalogEntrySchema>;
