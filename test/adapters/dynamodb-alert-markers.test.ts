import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbAlertMarkers } from '../../lambdas/adapters/dynamodb/dynamodb-alert-markers.js';
import { balanceMarker, type AlertMarker } from '../../lambdas/core/alerts/crossed-alerts.js';
import { ensureTables } from '../../lambdas/local/ensure-tables.js';
import { testDynamoDbClient } from '../support/dynamodb-client.js';

const table = `alert-markers-${Date.now()}`;
const setupClient = testDynamoDbClient();

beforeAll(() => ensureTables(setupClient, { keys: `${table}-keys`, policies: `${table}-policies`, usage: table, directory: `${table}-directory` }));

const monthly: AlertMarker = { alertId: 'alr_race', subject: 'key#key_a', period: '2026-11', expiresAt: Date.UTC(2027, 0, 10) };

describe('alert markers in the usage table, on DynamoDB Local', () => {
  it('let exactly one of 40 processes claiming a crossing at once announce it', async () => {
    // Each claimer has its own client and store, as separate Lambda instances would.
    const claims = await Promise.all(
      Array.from({ length: 40 }, (_, index) => new DynamoDbAlertMarkers(testDynamoDbClient(), table).claim(monthly, 'evt_1', 1_000 + index)),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    const { Item } = await setupClient.send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'alert#alr_race' }, sk: { S: '2026-11#key#key_a' } } }));
    expect(Item).toMatchObject({ event_id: { S: 'evt_1' }, expires_at: { N: String(Date.UTC(2027, 0, 10) / 1000) } });
    // A new month is a new marker.
    expect(await new DynamoDbAlertMarkers(setupClient, table).claim({ ...monthly, period: '2026-12' }, 'evt_2', 1)).toBe(true);
  });

  it('can be given back by the claim that could not publish, and only by it', async () => {
    const markers = new DynamoDbAlertMarkers(setupClient, table);
    const marker = { ...monthly, alertId: 'alr_back' };
    expect(await markers.claim(marker, 'evt_b', 1)).toBe(true);
    await markers.release(marker, 'evt_other');
    expect(await markers.claim(marker, 'evt_b', 2)).toBe(false);
    await markers.release(marker, 'evt_b');
    expect(await markers.claim(marker, 'evt_b', 3)).toBe(true);
  });

  it('re-arm a balance alert by a top-up, claimable then only under the new prepaid limit', async () => {
    const markers = new DynamoDbAlertMarkers(setupClient, table);
    expect(await markers.claim(balanceMarker('alr_bal', 300), 'evt_300', 1)).toBe(true);
    expect(await markers.claim(balanceMarker('alr_bal', 300), 'evt_300', 2)).toBe(false);
    // Topped up without re-arming (the balance stayed below the threshold): nothing new to announce.
    expect(await markers.claim(balanceMarker('alr_bal', 350), 'evt_350', 3)).toBe(false);
    await markers.rearmBalance(balanceMarker('alr_bal', 600));
    // A process still holding the old limit does not announce the old crossing again...
    expect(await markers.claim(balanceMarker('alr_bal', 300), 'evt_300', 4)).toBe(false);
    // ...one that sees the top-up announces the next drop, once.
    const next = await Promise.all([1, 2, 3].map(() => new DynamoDbAlertMarkers(testDynamoDbClient(), table).claim(balanceMarker('alr_bal', 600), 'evt_600', 5)));
    expect(next.filter(Boolean)).toHaveLength(1);
  });
});
