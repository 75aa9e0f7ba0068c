import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../lambdas/local/free-port.js';
import { spawnStart } from '../support/spawned-gateway.js';

/** How many java processes run below `pid` (DynamoDB Local sits under a small shell). */
function javaDescendantsOf(pid: number): number {
  const table = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,comm='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .map(([child, parent, command]) => ({ child: Number(child), parent: Number(parent), command }));
  const below = new Set([pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const row of table) if (below.has(row.parent) && !below.has(row.child)) grew = below.add(row.child) !== undefined;
  }
  return table.filter((row) => below.has(row.child) && row.command === 'java').length;
}

describe('npm start', () => {
  it('creates and prints working development and management keys on first start, keeps them and their usage across restarts, and stops cleanly on Ctrl-C', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-start-'));
    const port = String(await freePort());
    // Usage written only a minute after a request: what the second start sees was written by Ctrl-C.
    const env = { SWITCHBOARD_DATA_DIR: dataDir, PORT: port, SWITCHBOARD_DEV_KEY: '', SWITCHBOARD_ADMIN_KEY: '', DYNAMODB_ENDPOINT: '', SWITCHBOARD_USAGE_WRITES: '60000' };
    const base = `http://127.0.0.1:${port}`;
    const chat = (key: string | undefined) =>
      fetch(`${base}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'mock/echo', messages: [{ role: 'user', content: 'still here' }] }),
      });

    const first = spawnStart(env);
    await first.waitFor('Press Ctrl-C to stop.');
    const [key, adminKey] = [...new Set([...first.output().matchAll(/(sb-[A-Za-z0-9_-]{43})/g)].map((match) => match[1]))];
    expect(key).toBeDefined();
    expect(adminKey).toBeDefined();
    expect(first.output()).toContain(`curl ${base}/v1/chat/completions`);
    expect((await chat(key)).status).toBe(200);
    expect(javaDescendantsOf(first.pid)).not.toBe(0);
    expect(await first.interrupt()).toBe(0);
    expect(javaDescendantsOf(first.pid)).toBe(0);

    const second = spawnStart(env);
    await second.waitFor('Press Ctrl-C to stop.');
    expect(second.output()).not.toContain('sb-');
    expect((await chat(key)).status).toBe(200);
    // The management key works, and the request made before Ctrl-C was written on the way out.
    const manage = (path: string, body?: unknown) =>
      fetch(`${base}/v1/manage${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }).then(async (response) => ({ status: response.status, json: (await response.json()) as Record<string, unknown> }));
    const keys = await manage('/apikey');
    expect(keys.status).toBe(200);
    const [development] = keys.json.data as { id: string }[];
    const usage = await manage(`/apikey/${development?.id}/usage`, { start: new Date(Date.now() - 3_600_000).toISOString(), end: new Date().toISOString(), resolution: 'month' });
    expect(Object.values(usage.json.usage as Record<string, { requests: number }>).reduce((sum, month) => sum + month.requests, 0)).toBe(1);
    expect(await second.interrupt()).toBe(0);
  }, 60_000);

  it('takes DynamoDB Local down even when the server is killed outright', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-kill-'));
    const env = { SWITCHBOARD_DATA_DIR: dataDir, PORT: String(await freePort()), SWITCHBOARD_DEV_KEY: 'sb-kill-test-key-000000', DYNAMODB_ENDPOINT: '' };
    const server = spawnStart(env);
    await server.waitFor('Press Ctrl-C to stop.');
    const dynamoDbRunning = () => {
      try {
        return execFileSync('pgrep', ['-f', `dbPath ${join(dataDir, 'dynamodb')}`], { encoding: 'utf8' }).trim() !== '';
      } catch {
        return false; // pgrep exits 1 when nothing matches
      }
    };
    expect(dynamoDbRunning()).toBe(true);
    process.kill(server.pid, 'SIGKILL');
    const deadline = Date.now() + 10_000;
    while (dynamoDbRunning() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(dynamoDbRunning()).toBe(false);
  }, 30_000);
});
