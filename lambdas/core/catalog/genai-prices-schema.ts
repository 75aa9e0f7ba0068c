import { z } from 'zod';

/**
 * The part of `@pydantic/genai-prices`' data format the catalog reads (its `Provider` and
 * `ModelInfo` types: https://github.com/pydantic/genai-prices, `prices/data.schema.json`), as
 * `scripts/refresh-catalog.ts` copies it into `data/genai-prices.json`.
 */
export type MatchLogic =
  | { equals: string }
  | { starts_with: string }
  | { ends_with: string }
  | { contains: string }
  | { regex: string }
  | { or: MatchLogic[] }
  | { and: MatchLogic[] };

export const matchLogicSchema: z.ZodType<MatchLogic> = z.lazy(() =>
  z.union([
    z.object({ equals: z.string() }).strict(),
    z.object({ starts_with: z.string() }).strict(),
    z.object({ ends_with: z.string() }).strict(),
    z.object({ contains: z.string() }).strict(),
    z.object({ regex: z.string() }).strict(),
    z.object({ or: z.array(matchLogicSchema) }).strict(),
    z.object({ and: z.array(matchLogicSchema) }).strict(),
  ]),
);

/** US dollars per million units; above `start` input tokens, the whole request is priced at the tier's price. */
const tieredPriceSchema = z.object({
  base: z.number().nonnegative(),
  tiers: z.array(z.object({ start: z.number().nonnegative(), price: z.number().nonnegative() })),
});
export type TieredPrice = z.infer<typeof tieredPriceSchema>;

export const modelPriceSchema = z.record(z.string(), z.union([z.number().nonnegative(), tieredPriceSchema]));
export type ModelPrice = z.infer<typeof modelPriceSchema>;

const conditionalPriceSchema = z.object({
  constraint: z
    .union([
      z.object({ type: z.literal('start_date'), start_date: z.string() }),
      z.object({ type: z.literal('time_of_date'), start_time: z.string(), end_time: z.string() }),
    ])
    .optional(),
  prices: modelPriceSchema,
});

export const genaiModelSchema = z.object({
  id: z.string().min(1),
  match: matchLogicSchema,
  context_window: z.int().positive().optional(),
  prices: z.union([modelPriceSchema, z.array(conditionalPriceSchema)]),
  deprecated: z.boolean().optional(),
});
export type GenaiModel = z.infer<typeof genaiModelSchema>;

export const genaiProviderSchema = z.object({ id: z.string(), models: z.array(genaiModelSchema) });
export type GenaiProvider = z.infer<typeof genaiProviderSchema>;

export const genaiPricesFileSchema = z.object({
  /** `prices_as_of`: the day of the refresh, when dated price changes are read. */
  source: z.object({ package: z.string(), version: z.string(), prices_as_of: z.iso.date() }),
  providers: z.array(genaiProviderSchema),
});
export type GenaiPricesFile = z.infer<typeof genaiPricesFileSchema>;
