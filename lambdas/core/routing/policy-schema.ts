import { z } from 'zod';
import { modelIdSchema } from '../schemas/model-id-field.js';

// The policy document is a public contract (README, "Routing policies"). Shapes follow
// Requesty's fallback, load-balancing and latency policies.

export const policyNamePattern = /^[a-zA-Z0-9_-]{1,64}$/;
export const policyModelPrefix = 'policy/';

// Bounded as a request's model is: a policy's model ends up in the same header, logs and usage rows.
const modelId = modelIdSchema.regex(/^[^/\s]+\/\S+$/, 'must be "provider/model" or "policy/<name>"');
const policyName = z.string().regex(policyNamePattern, 'must be 1-64 letters, digits, underscores or dashes');
const apiKeyId = z.string().min(1).max(128).optional();

/**
 * Per model of any policy: how long the provider may take to answer with its response head
 * (a hung provider is given up after this) and to send its first token (a model thinking).
 */
const entryLimits = {
  headers_timeout_ms: z.number().int().min(100).max(300_000).optional(),
  first_token_timeout_ms: z.number().int().min(100).max(840_000).optional(),
};

const fallbackPolicySchema = z.object({
  name: policyName,
  type: z.literal('fallback'),
  models: z
    .array(z.object({ model: modelId, retries: z.number().int().min(0).max(10).default(0), ...entryLimits }).strict())
    .min(1)
    .max(20),
  api_key_id: apiKeyId,
});

const loadBalancingPolicySchema = z
  .object({
    name: policyName,
    type: z.literal('load_balancing'),
    models: z
      .array(z.object({ model: modelId, weight: z.number().positive().max(100), ...entryLimits }).strict())
      .min(1)
      .max(20),
    api_key_id: apiKeyId,
  })
  .refine((policy) => Math.abs(policy.models.reduce((sum, entry) => sum + entry.weight, 0) - 100) < 1e-9, {
    message: 'weights must sum to 100',
    path: ['models'],
  });

const latencyPolicySchema = z.object({
  name: policyName,
  type: z.literal('latency'),
  models: z.array(z.object({ model: modelId, ...entryLimits }).strict()).min(1).max(20),
  api_key_id: apiKeyId,
});

export const policySchema = z.discriminatedUnion('type', [
  fallbackPolicySchema,
  loadBalancingPolicySchema,
  latencyPolicySchema,
]);

export type Policy = z.infer<typeof policySchema>;

/** `policy/<name>` → `<name>`; undefined for a provider model. */
export function policyNameOf(model: string): string | undefined {
  return model.startsWith(policyModelPrefix) ? model.slice(policyModelPrefix.length) : undefined;
}
