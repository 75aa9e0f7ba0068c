import { z } from 'zod';
import overridesJson from './data/catalog-overrides.json' with { type: 'json' };
import { capabilitiesSchema, catalogEntrySchema, toolCallPricesSchema } from './catalog-schema.js';

const pattern = z.string().refine((source) => {
  try {
    new RegExp(source, 'i');
    return true;
  } catch {
    return false;
  }
}, 'not a valid regular expression');

/** Local corrections and completions of the market data: `data/catalog-overrides.json`. */
export const catalogOverridesSchema = z
  .object({
    $comment: z.string().optional(),
    /** Our provider id → the genai-prices provider it is priced from, and where its API runs. */
    providers: z.record(
      z.string(),
      z.object({ source: z.string(), regions: z.array(z.string()), strip_id_prefix: z.string().optional() }).strict(),
    ),
    exclude: z.array(z.object({ provider: z.string().optional(), pattern }).strict()),
    types: z.array(z.object({ provider: z.string().optional(), pattern, type: z.enum(['chat', 'embedding']) }).strict()),
    capabilities: z.array(z.object({ provider: z.string().optional(), pattern, set: capabilitiesSchema.partial() }).strict()),
    max_output_tokens: z.array(z.object({ provider: z.string().optional(), pattern, tokens: z.int().positive() }).strict()),
    /** Prices of built-in tool calls (the market data has none); rules apply in order, a later one's prices win. */
    tool_calls: z.array(z.object({ provider: z.string().optional(), pattern, set: toolCallPricesSchema }).strict()),
    /** For models whose market data has no context window. */
    context_window: z.array(z.object({ provider: z.string().optional(), pattern, tokens: z.int().positive() }).strict()),
    /** A patch of the entry with this id, or (with every field) a model the market data lacks. */
    models: z.array(catalogEntrySchema.partial().required({ id: true }).extend({ capabilities: capabilitiesSchema.partial().optional() })),
  })
  .strict();

export type CatalogOverrides = z.infer<typeof catalogOverridesSchema>;

/** Validated once at load, so a typo in the file fails every test rather than a request. */
export const catalogOverrides: CatalogOverrides = catalogOverridesSchema.parse(overridesJson);
