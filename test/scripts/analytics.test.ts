import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { fixtureFeedback, fixtureInRange, fixtureRequests, sum } from '../support/analytics-fixtures.js';
import { writeLogFiles } from '../support/request-log-fixtures.js';
import { startTestGateway, testAdminKey } from '../support/test-gateway.js';

const run = promisify(execFile);
const dataDir = mkdtempSync(join(tmpdir(), 'analytics-cli-'));
let gateway: LocalGateway;

beforeAll(async () => {
  writeLogFiles(dataDir, 'requests', fixtureRequests);
  writeLogFiles(dataDir, 'feedback', fixtureFeedback);
  gateway = await startTestGateway({ SWITCHBOARD_DATA_DIR: dataDir });
});
afterAll(() => gateway?.stop());

async function analytics(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(process.execPath, ['--import', 'tsx', 'scripts/analytics.ts', ...args], { env: { ...process.env, SWITCHBOARD_DATA_DIR: dataDir } }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
}

const range = ['--start', '2026-11-01', '--end', '2026-11-04'];
const cost = (records: typeof fixtureInRange) => sum(records, (record) => record.cost_micros) / 1e6;

describe('npm run analytics', () => {
  it('prints a table of the local logs, numbers aligned right', async () => {
    const { code, stdout } = await analytics(...range, '--metrics', 'requests,cost', '--group-by', 'api_key');
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^api_key\s+requests\s+cost$/);
    expect(lines[1]).toMatch(/^-+\s+-+\s+-+$/);
    const keyA = fixtureInRange.filter((record) => record.api_key_id === 'key_a');
    expect(lines).toContain(`key_a          ${keyA.length}  ${cost(keyA)}`);
  }, 30_000);

  it('prints CSV or JSON, with filters and a resolution', async () => {
    const csv = await analytics(...range, '--metrics', 'requests', '--resolution', 'month', '--filter', 'model=openai/*', '--filter', 'tag=prod', '--format', 'csv');
    const openaiProd = fixtureInRange.filter((record) => record.model?.startsWith('openai/') && record.tags.includes('prod'));
    expect(csv.stdout).toBe(`period,requests\r\n2026-11,${openaiProd.length}\r\n`);
    const json = await analytics(...range, '--metrics', 'cost', '--format', 'json');
    expect(JSON.parse(json.stdout)).toEqual({ rows: [{ cost: cost(fixtureInRange) }], truncated: false });
  }, 30_000);

  it('queries a running gateway through its endpoint with --url and --key', async () => {
    const { code, stdout } = await analytics(...range, '--metrics', 'cost', '--format', 'json', '--url', gateway.url, '--key', testAdminKey);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ rows: [{ cost: cost(fixtureInRange) }], truncated: false });
    const refused = await analytics(...range, '--url', gateway.url, '--key', 'sb-wrong');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/Analytics failed: .*key/i);
  }, 30_000);

  it('exits 2 with the endpoint’s message on a bad option', async () => {
    const unknown = await analytics(...range, '--metrics', 'requests,vibes');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown metric "vibes"');
    expect((await analytics('--filter', 'model')).code).toBe(2);
    expect((await analytics('--format', 'xml')).code).toBe(2);
  }, 30_000);
});
