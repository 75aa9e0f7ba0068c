import { z } from 'zod';
import type { CatalogEntry } from './catalog-schema.js';

const capabilityNames = ['tools', 'vision', 'reasoning', 'caching', 'structured_output'] as const;
const list = z
  .string()
  .transform((text) => text.split(',').map((item) => item.trim()).filter((item) => item.length > 0))
  .optional();

/** `GET /v1/models` filters: each a comma-separated list; a model must match one provider, one region and the type, and have every capability. */
export const modelFilterSchema = z.object({
  provider: list,
  capability: list.pipe(z.array(z.enum([...capabilityNames, 'embedding', 'chat'])).optional()),
  region: list,
  type: z.enum(['chat', 'embedding']).optional(),
});
export type ModelFilter = z.infer<typeof modelFilterSchema>;

/**
 * Whether an entry passes the filter. A region filter names a region or geography: `eu` matches
 * models that run in the EU (`eu`, `eu-central-1`), `eu-central-1` those of that region or of its
 * geography (Bedrock's `eu` inference profiles serve every EU region), `global` the rest.
 */
export function passesFilter(entry: CatalogEntry, filter: ModelFilter): boolean {
  const provider = entry.id.slice(0, entry.id.indexOf('/'));
  if (filter.provider && !filter.provider.includes(provider)) return false;
  if (filter.type && entry.type !== filter.type) return false;
  for (const capability of filter.capability ?? []) {
    if (capability === 'embedding' || capability === 'chat') {
      if (entry.type !== capability) return false;
    } else if (!entry.capabilities[capability]) return false;
  }
  if (filter.region && !filter.region.some((region) => runsIn(entry.regions, region))) return false;
  return true;
}

function runsIn(regions: readonly string[], wanted: string): boolean {
  const geography = wanted.split('-')[0] ?? wanted;
  return regions.some((region) => region === wanted || region === geography || region.startsWith(`${wanted}-`));
}
