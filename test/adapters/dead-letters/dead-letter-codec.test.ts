import { describe, expect, it } from 'vitest';
import { decodeLetter, encodeLetter } from '../../../lambdas/adapters/dead-letters/dead-letter-codec.js';
import { november, usageRecord } from '../../support/usage-records.js';

describe('dead letter codec', () => {
  it("keeps a settlement's group, group name and calling app through a replay, and reads letters written before them as without", () => {
    const record = usageRecord('k', 'r-1', 5, { groupId: 'grp_1', groupName: 'Red', originTitle: 'Open WebUI' });
    const letter = { settlement: { record, counters: [november('key#k')], hold: undefined }, reason: { message: 'throttled', rejected: false }, at: 1 };
    expect(decodeLetter(encodeLetter(letter)).settlement.record).toEqual(record);
    const older = usageRecord('k', 'r-2', 5);
    expect(decodeLetter(encodeLetter({ ...letter, settlement: { ...letter.settlement, record: older } })).settlement.record).toEqual(older);
  });
});
