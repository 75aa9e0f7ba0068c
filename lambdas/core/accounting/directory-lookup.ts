import type { Clock } from '../../ports/clock.js';
import type { DirectoryStore, GroupRecord, OrgSettings } from '../../ports/directory-store.js';
import { TtlCache } from '../ttl-cache.js';
import type { Account } from './account.js';
import type { ApiKeyRecord } from '../../ports/key-store.js';

/** What the hot path reads of the directory: the organisation and one group. */
export type DirectoryLookup = Pick<DirectoryStore, 'org' | 'group'>;

/**
 * A DirectoryLookup with a short in-memory cache, so requests do not read DynamoDB for the
 * organisation and their group each time, while edits still take effect within `ttlMs`. While
 * the store is unavailable, what was read up to `staleIfErrorMs` before is used; with nothing
 * read, the lookup fails (503), since the limits it decides cannot be left unchecked.
 */
export function cachedDirectoryLookup(store: DirectoryLookup, clock: Clock, ttlMs: number, staleIfErrorMs = 0): DirectoryLookup {
  const orgCache = new TtlCache<OrgSettings>(ttlMs, 1, staleIfErrorMs);
  const groupCache = new TtlCache<GroupRecord | undefined>(ttlMs, 1_000, staleIfErrorMs);
  return {
    org: () => orgCache.through('org', clock, () => store.org()),
    group: (id) => groupCache.through(id, clock, () => store.group(id)),
  };
}

export async function accountOf(key: ApiKeyRecord, directory: DirectoryLookup): Promise<Account> {
  const [org, group] = await Promise.all([directory.org(), key.groupId === undefined ? undefined : directory.group(key.groupId)]);
  return { key, org, group };
}
