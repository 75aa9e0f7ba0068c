import type { Account } from './account.js';

/**
 * Whether the account may call a model: any model when the organisation approved no list;
 * otherwise one on its list or its group's. An entry is a model id (`openai/gpt-4o`, which also
 * covers each `@region` of it) or a whole provider (`openai/*`).
 */
export function isApproved(modelId: string, { org, group }: Pick<Account, 'org' | 'group'>): boolean {
  if (org.approvedModels === undefined) return true;
  const withoutRegion = modelId.replace(/@[^/@]*$/, '');
  return [...org.approvedModels, ...(group?.models ?? [])].some((entry) =>
    entry.endsWith('/*') ? modelId.startsWith(entry.slice(0, -1)) : entry === modelId || entry === withoutRegion,
  );
}
