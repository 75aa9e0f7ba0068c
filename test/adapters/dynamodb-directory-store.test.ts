import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbDirectoryStore } from '../../lambdas/adapters/dynamodb/dynamodb-directory-store.js';
import { ensureTables } from '../../lambdas/local/ensure-tables.js';
import { testDynamoDbClient } from '../support/dynamodb-client.js';

const client = testDynamoDbClient();
const table = `directory-store-${Date.now()}`;
const store = new DynamoDbDirectoryStore(client, table);

beforeAll(() => ensureTables(client, { keys: `${table}-keys`, policies: `${table}-policies`, usage: `${table}-usage`, directory: table }));

describe('DynamoDbDirectoryStore on DynamoDB Local', () => {
  it('keeps organisation settings, with defaults before any, a null change removing a field', async () => {
    expect(await store.org()).toEqual({ name: 'Switchboard' });
    expect(await store.updateOrg(() => ({ monthlyLimit: 5_000_000, approvedModels: ['mock/echo'] }))).toEqual({
      name: 'Switchboard',
      monthlyLimit: 5_000_000,
      approvedModels: ['mock/echo'],
    });
    expect(await store.updateOrg(() => ({ monthlyLimit: null, name: 'Acme' }))).toEqual({ name: 'Acme', approvedModels: ['mock/echo'] });
    expect(await store.org()).toEqual({ name: 'Acme', approvedModels: ['mock/echo'] });
  });

  it('loses no change when many edits of one record run at once', async () => {
    const group = { id: 'g-race', name: 'race', description: '', models: [], createdAt: 1 };
    await store.createGroup(group);
    // Each edit reads the group and writes it back; without the version check one would undo another.
    await Promise.all([
      store.updateGroup('g-race', { name: 'renamed' }),
      store.updateGroup('g-race', { description: 'described' }),
      store.updateGroup('g-race', { monthlyLimit: 3 }),
      store.updateGroup('g-race', { models: ['mock/echo'] }),
    ]);
    expect(await store.group('g-race')).toEqual({ ...group, name: 'renamed', description: 'described', monthlyLimit: 3, models: ['mock/echo'] });
    // Each change is made of the settings as they are when it is written.
    const addRegion = (region: string, limit: number) => store.updateOrg((org) => ({ prepaidLimits: { ...org.prepaidLimits, [region]: limit } }));
    await Promise.all([store.updateOrg(() => ({ defaultKeyLimit: 7 })), addRegion('us-east-1', 9), addRegion('eu-central-1', 8)]);
    expect(await store.org()).toMatchObject({ defaultKeyLimit: 7, prepaidLimits: { 'us-east-1': 9, 'eu-central-1': 8 } });
  });

  it('pages through groups, and deletes a group with its members', async () => {
    for (const id of ['g1', 'g2', 'g3']) await store.createGroup({ id, name: id, description: '', models: [], createdAt: 1 });
    const page = await store.listGroups(2, undefined);
    expect(page.groups).toHaveLength(2);
    const rest = await store.listGroups(10, page.nextCursor);
    expect([...page.groups, ...rest.groups].map((group) => group.id).sort()).toEqual(['g-race', 'g1', 'g2', 'g3']);

    expect(await store.addMember('g1', { userId: 'ann', role: 'admin', addedAt: 1 })).toBe(true);
    expect(await store.addMember('g1', { userId: 'ann', role: 'member', addedAt: 2 })).toBe(false);
    expect(await store.updateMember('g1', 'ann', 'member')).toEqual({ userId: 'ann', role: 'member', addedAt: 1 });
    expect(await store.updateMember('g1', 'bob', 'member')).toBeUndefined();
    expect(await store.updateGroup('nope', { name: 'x' })).toBeUndefined();
    expect(await store.deleteGroup('g1')).toBe(true);
    expect(await store.members('g1')).toEqual([]);
    expect(await store.deleteGroup('g1')).toBe(false);
    expect(await store.removeMember('g1', 'ann')).toBe(false);
  });
});
