import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../lambdas/local/free-port.js';

interface RunningStart {
  output: () => string;
  waitFor: (text: string) => Promise<void>;
  interrupt: () => Promise<number | null>;
  pid: number;
}

/** Runs `npm start`'s entry file as a user would, in its own process. */
function runStart(env: NodeJS.ProcessEnv): RunningStart {
  const child = spawn(process.execPath, ['--import', 'tsx', 'lambdas/local/start.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const listeners: Array<() => void> = [];
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    pid: child.pid ?? 0,
    output: () => output,
    waitFor: (text) =>
      new Promise((resolve, reject) => {
        const check = () => output.includes(text) && resolve();
        listeners.push(check);
        check();
        void exited.then(() => reject(new Error(`exited before printing "${text}":\n${output}`)));
      }),
    interrupt: () => {
      child.kill('SIGINT');
      return exited;
    },
  };
}

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
  it('creates and prints a working development key on first start, keeps it across restarts, and stops cleanly on Ctrl-C', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-start-'));
    const port = String(await freePort());
    const env = { SWITCHBOARD_DATA_DIR: dataDir, PORT: port, SWITCHBOARD_DEV_KEY: '', DYNAMODB_ENDPOINT: '' };

    const first = runStart(env);
    await first.waitFor('Press Ctrl-C to stop.');
    const key = /(sb-[A-Za-z0-9_-]{43})/.exec(first.output())?.[1];
    expect(key).toBeDefined();
    expect(first.output()).toContain(`curl http://127.0.0.1:${port}/v1/chat/completions`);
    expect(javaDescendantsOf(first.pid)).not.toBe(0);
    expect(await first.interrupt()).toBe(0);
    expect(javaDescendantsOf(first.pid)).toBe(0);

    const second = runStart(env);
    await second.waitFor('Press Ctrl-C to stop.');
    expect(second.output()).not.toContain('sb-');
    const response = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock/echo', messages: [{ role: 'user', content: 'still here' }] }),
    });
    expect(response.status).toBe(200);
    expect(await second.interrupt()).toBe(0);
  }, 60_000);

  it('takes DynamoDB Local down even when the server is killed outright', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-kill-'));
    const env = { SWITCHBOARD_DATA_DIR: dataDir, PORT: String(await freePort()), SWITCHBOARD_DEV_KEY: 'sb-kill-test-key-000000', DYNAMODB_ENDPOINT: '' };
    const server = runStart(env);
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
