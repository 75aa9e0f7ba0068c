import { describe, expect, it } from 'vitest';
import { accountOf, cachedDirectoryLookup, type DirectoryLookup } from '../../../lambdas/core/accounting/directory-lookup.js';
import { newApiKeyRecord } from '../../../lambdas/core/auth/api-key.js';
import { StoreUnavailableError } from '../../../lambdas/core/errors.js';
import { codeOf } from '../../support/error-code.js';
import type { GroupRecord, OrgSettings } from '../../../lambdas/ports/directory-store.js';

/** The directory port in memory, failing as DynamoDB does while unreachable when `down`. */
class FakeDirectory {
  down = false;
  reads = 0;
  readonly orgSettings: OrgSettings = { name: 'acme', monthlyLimit: 100_000_000 };
  readonly groups = new Map<string, GroupRecord>([['g1', { id: 'g1', name: 'search', description: '', monthlyLimit: 5_000_000, models: [], createdAt: 0 }]]);
  readonly store: DirectoryLookup = {
    org: async () => this.read(this.orgSettings),
    group: async (id) => this.read(this.groups.get(id)),
  };

  private read<T>(value: T): T {
    this.reads++;
    if (this.down) throw new StoreUnavailableError('The store is unavailable.', 1);
    return value;
  }
}

const key = { ...newApiKeyRecord('sb-grouped', 'grouped', 0), groupId: 'g1' };

describe('cachedDirectoryLookup', () => {
  it('answers from what it last read while the store is unavailable, within the stale-if-error window', async () => {
    const clock = { time: 0, now: () => clock.time };
    const directory = new FakeDirectory();
    const lookup = cachedDirectoryLookup(directory.store, clock, 5_000, 60_000);
    const before = await accountOf(key, lookup);
    directory.down = true;
    clock.time += 30_000;
    expect(await accountOf(key, lookup)).toEqual(before);
    expect(before.group?.monthlyLimit).toBe(5_000_000);
    clock.time += 35_000;
    expect(await codeOf(accountOf(key, lookup))).toBe('503 store_unavailable');
  });

  it('fails with 503 when it has read nothing yet, since the limits it decides cannot be known', async () => {
    const clock = { time: 0, now: () => clock.time };
    const directory = new FakeDirectory();
    const lookup = cachedDirectoryLookup(directory.store, clock, 5_000, 60_000);
    await lookup.org();
    directory.down = true;
    // The organisation is known; the key's group never was read.
    expect(await codeOf(accountOf(key, lookup))).toBe('503 store_unavailable');
    expect(await codeOf(accountOf({ ...key, groupId: undefined }, lookup))).toBeUndefined();
  });

  it('reads the organisation once per TTL however many requests ask at once', async () => {
    const clock = { time: 0, now: () => clock.time };
    const directory = new FakeDirectory();
    const lookup = cachedDirectoryLookup(directory.store, clock, 5_000, 60_000);
    await Promise.all(Array.from({ length: 10 }, () => lookup.org()));
    expect(directory.reads).toBe(1);
  });
});
