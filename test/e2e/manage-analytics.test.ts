import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { fixtureFeedback, fixtureInRange, fixtureRequests, inRange, sum } from '../support/analytics-fixtures.js';
import { manageClient } from '../support/manage-client.js';
import { writeLogFiles } from '../support/request-log-fixtures.js';
import { startTestGateway, testAdminKey, testKey } from '../support/test-gateway.js';

let gateway: LocalGateway;
let manage: ReturnType<typeof manageClient>;

beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'manage-analytics-'));
  writeLogFiles(dataDir, 'requests', fixtureRequests);
  writeLogFiles(dataDir, 'feedback', fixtureFeedback);
  gateway = await startTestGateway({ SWITCHBOARD_DATA_DIR: dataDir });
  manage = manageClient(gateway.url);
});
afterAll(() => gateway?.stop());

const analytics = (body: unknown, key = testAdminKey) =>
  fetch(`${gateway.url}/v1/manage/analytics`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('POST /v1/manage/analytics on the local server', () => {
  it('answers JSON rows named as the spec names them, from the local logs through DuckDB', async () => {
    const { status, json } = await manage('POST', '/analytics', { ...inRange, metrics: ['requests', 'cost'], group_by: ['api_key'] });
    expect(status).toBe(200);
    const forKey = (key: string) => fixtureInRange.filter((record) => record.api_key_id === key);
    expect(json).toEqual({
      rows: expect.arrayContaining(
        ['key_a', 'key_b'].map((key) => ({ api_key: key, requests: forKey(key).length, cost: sum(forKey(key), (record) => record.cost_micros) / 1e6 })),
      ),
      truncated: false,
    });
    expect(json.rows).toHaveLength(2);
  });

  it('answers CSV when asked, with a header line and values a spreadsheet will not run', async () => {
    const response = await analytics({ ...inRange, metrics: ['requests'], group_by: ['extra.team'], resolution: 'month', format: 'csv', filters: { 'extra.team': ["ads's", 'search'] } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('x-switchboard-truncated')).toBe('false');
    const count = (team: string) => fixtureInRange.filter((record) => record.extra.team === team).length;
    expect(await response.text()).toBe(`period,extra.team,requests\r\n2026-11,search,${count('search')}\r\n2026-11,ads's,${count("ads's")}\r\n`);
  });

  it('refuses a bad spec with 400 in the API’s error shape, naming the field', async () => {
    const unknown = await manage('POST', '/analytics', { ...inRange, metrics: ['requests', 'mood'] });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error).toMatchObject({ code: 'invalid_request', param: 'metrics[1]', message: expect.stringContaining('unknown metric "mood"') });
    const backwards = await manage('POST', '/analytics', { start: '2026-11-05', end: '2026-11-01', metrics: ['requests'] });
    expect(backwards.json.error).toMatchObject({ param: 'end', message: expect.stringContaining('end must be after start') });
    const tooLong = await manage('POST', '/analytics', { start: '2025-01-01', end: '2026-11-01', metrics: ['requests'] });
    expect(tooLong.json.error?.message).toContain('at most 400 days');
    const field = await manage('POST', '/analytics', { ...inRange, metrics: ['requests'], group_by: ['model"; DROP TABLE requests; --'] });
    expect(field.json.error).toMatchObject({ param: 'group_by[0]', message: expect.stringContaining('unknown field') });
    expect((await manage('POST', '/analytics', 'not json')).json.error?.code).toBe('invalid_json');
  });

  it('is for management keys only', async () => {
    expect((await analytics({ ...inRange, metrics: ['requests'] }, testKey)).status).toBe(403);
    expect((await fetch(`${gateway.url}/v1/manage/analytics`, { method: 'POST', body: '{}' })).status).toBe(401);
    expect((await manage('GET', '/analytics')).status).toBe(405);
  });
});
