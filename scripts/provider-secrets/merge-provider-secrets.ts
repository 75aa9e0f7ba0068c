/**
 * Upgrading from one secret per provider: the old secrets' values merged into the one provider
 * secret's `{"<provider id>": {...}}`. Pure, so the export script only lists and reads.
 */

/** An old per-provider secret as Secrets Manager lists it; `text` undefined if it could not be read. */
export interface OldProviderSecret {
  name: string;
  description: string;
  text: string | undefined;
}

export interface MergedProviderSecrets {
  merged: Record<string, unknown>;
  /** Providers whose old secret held credentials, now in `merged`. */
  exported: string[];
  /** Providers whose old secret was the empty `{}` the stack created. */
  empty: string[];
  /** Old secrets that could not be read or parsed, by name and reason (never a value). */
  skipped: { name: string; reason: string }[];
}

/** The description the old stacks gave each provider's secret (lib/provider-secrets.ts before the merge). */
const oldDescription = /^Switchboard credentials for provider "([^"]+)"/;

export function mergeProviderSecrets(secrets: readonly OldProviderSecret[]): MergedProviderSecrets {
  const result: MergedProviderSecrets = { merged: {}, exported: [], empty: [], skipped: [] };
  for (const { name, description, text } of secrets) {
    const provider = oldDescription.exec(description)?.[1];
    if (provider === undefined) continue;
    if (text === undefined) {
      result.skipped.push({ name, reason: 'could not be read' });
      continue;
    }
    const value = parseObject(text);
    if (value === undefined) {
      result.skipped.push({ name, reason: 'does not hold a JSON object' });
    } else if (Object.keys(value).length === 0) {
      result.empty.push(provider);
    } else {
      result.merged[provider] = value;
      result.exported.push(provider);
    }
  }
  return result;
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
