import { z } from 'zod';
import { builtinToolSchema } from '../schemas/openai-chat-response.js';

/** US dollars per million tokens. */
const price = z.number().nonnegative();

const tokenPrices = {
  input: price,
  output: price,
  cache_read: price.nullable(),
  cache_write: price.nullable(),
};

/** US dollars per 1,000 calls, by built-in tool. */
export const toolCallPricesSchema = z.partialRecord(builtinToolSchema, price);
export type ToolCallPrices = z.infer<typeof toolCallPricesSchema>;

export const capabilitiesSchema = z
  .object({
    tools: z.boolean(),
    vision: z.boolean(),
    reasoning: z.boolean(),
    caching: z.boolean(),
    structured_output: z.boolean(),
  })
  .strict();
export type Capabilities = z.infer<typeof capabilitiesSchema>;

export const pricingSchema = z
  .object({
    ...tokenPrices,
    /** Reasoning tokens, where a provider bills them apart from other output; else at `output`. */
    reasoning: price.nullable().optional(),
    /**
     * Long-context prices: a request whose prompt has more than `above_input_tokens` tokens is
     * priced wholly at the tier's prices (the last tier it passes), as Gemini and GPT-5.4+ bill.
     */
    tiers: z
      .array(z.object({ above_input_tokens: z.int().nonnegative(), ...tokenPrices }).strict())
      .optional(),
    /** US dollars per 1,000 calls of a built-in tool the provider bills by the call (web search), besides its tokens. */
    tool_calls: toolCallPricesSchema.optional(),
  })
  .strict();
export type Pricing = z.infer<typeof pricingSchema>;

export const catalogEntrySchema = z
  .object({
    /** `provider/model`, as callers name it. */
    id: z.string().regex(/^[^/\s]+\/\S+$/),
    /** `chat` models answer chat, messages (and responses); `embedding` models answer embeddings. */
    type: z.enum(['chat', 'embedding']),
    context_window: z.int().positive(),
    max_output_tokens: z.int().positive(),
    capabilities: capabilitiesSchema,
    pricing: pricingSchema,
    /**
     * Where inference runs: AWS regions or geographies (`eu`, `us`, `apac`, `global`, ...) for
     * Bedrock, the regions of the provider's API otherwise.
     */
    regions: z.array(z.string().min(1)),
  })
  .strict();

export type CatalogEntry = z.infer<typeof catalogEntrySchema>;
