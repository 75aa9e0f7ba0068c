import { GatewayError } from '../errors.js';
import { unknownModelReason } from '../providers/known-model.js';
import type { ChatProvider } from '../providers/provider.js';
import { policyNameOf, type Policy } from './policy-schema.js';
import { resolvePolicyTree, type PolicyLookup } from './policy-resolver.js';

/**
 * Checks what a schema cannot: every model exists and is approved for the policy's scope,
 * nested policies exist, retries are set only on models, and the policy does not reach itself
 * through nested policies. `lookup` sees the stored policies; the candidate stands in for its
 * own name.
 */
export async function validatePolicy(
  candidate: Policy,
  lookup: PolicyLookup,
  providers: Readonly<Record<string, ChatProvider>>,
  isApproved: (modelId: string) => boolean,
): Promise<void> {
  for (const [index, entry] of candidate.models.entries()) {
    const param = `models[${index}].model`;
    const nested = policyNameOf(entry.model);
    if (nested !== undefined) {
      if ('retries' in entry && typeof entry.retries === 'number' && entry.retries > 0) {
        throw invalid(`${entry.model}: retries apply to models; a nested policy retries by its own rules.`, `models[${index}].retries`);
      }
      continue;
    }
    const unknown = unknownModelReason(entry.model, providers, { wildcard: false });
    if (unknown) throw invalid(unknown, param);
    if (!isApproved(entry.model)) {
      throw new GatewayError(400, 'model_not_allowed', `${entry.model} is not an approved model; approve it first.`, {
        param,
        type: 'invalid_request_error',
      });
    }
  }

  const withCandidate: PolicyLookup = async (name, apiKeyId) =>
    name === candidate.name && apiKeyId === candidate.api_key_id ? candidate : lookup(name, apiKeyId);
  try {
    await resolvePolicyTree(candidate.name, candidate.api_key_id, withCandidate);
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    throw invalid(
      error.code === 'model_not_found' ? `A nested policy does not exist: ${error.message}` : error.message,
      'models',
    );
  }
}

function invalid(message: string, param: string): GatewayError {
  return new GatewayError(400, 'invalid_policy', message, { param, type: 'invalid_request_error' });
}
