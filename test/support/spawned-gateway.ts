import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../lambdas/local/free-port.js';

/** `npm start`'s entry file, run as a user runs it, in a process of its own. */
export interface SpawnedProcess {
  child: ChildProcess;
  pid: number;
  output: () => string;
  /** Resolves once the output contains `text`; rejects if the process exits first. */
  waitFor: (text: string) => Promise<void>;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
  interrupt: () => Promise<number | null>;
}

/** `imports`: modules (file URLs) loaded into the process before the gateway, after tsx. */
export function spawnStart(env: NodeJS.ProcessEnv, imports: readonly string[] = []): SpawnedProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', ...imports.flatMap((module) => ['--import', module]), 'lambdas/local/start.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const listeners: Array<() => void> = [];
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    pid: child.pid ?? 0,
    output: () => output,
    exited,
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

export interface SpawnedGateway extends SpawnedProcess {
  url: string;
  apiKey: string;
  adminKey: string;
  /** Whether the process is still running and answers `GET /v1/models`. */
  serves: () => Promise<boolean>;
  stop: () => Promise<void>;
}

/**
 * `npm start` with known keys, on a free port, against `dynamoDbEndpoint` (the test run's shared
 * DynamoDB Local, with tables of its own) or, when that is absent, its own DynamoDB Local.
 */
export async function startSpawnedGateway(options: { dynamoDbEndpoint?: string; env?: NodeJS.ProcessEnv; imports?: readonly string[] } = {}): Promise<SpawnedGateway> {
  const port = await freePort();
  const apiKey = `sb-spawned-${randomUUID()}`;
  const adminKey = `sb-spawned-admin-${randomUUID()}`;
  const suffix = randomUUID();
  const env = {
    PORT: String(port),
    SWITCHBOARD_DEV_KEY: apiKey,
    SWITCHBOARD_ADMIN_KEY: adminKey,
    SWITCHBOARD_DATA_DIR: mkdtempSync(join(tmpdir(), 'switchboard-spawned-')),
    DYNAMODB_ENDPOINT: options.dynamoDbEndpoint ?? '',
    KEYS_TABLE: `keys-${suffix}`,
    POLICIES_TABLE: `policies-${suffix}`,
    USAGE_TABLE: `usage-${suffix}`,
    DIRECTORY_TABLE: `directory-${suffix}`,
    ...options.env,
  };
  const started = spawnStart(env, options.imports);
  await started.waitFor('Press Ctrl-C to stop.');
  const url = `http://127.0.0.1:${port}`;
  return {
    ...started,
    url,
    apiKey,
    adminKey,
    serves: async () => {
      if (started.child.exitCode !== null) return false;
      const response = await fetch(`${url}/v1/models`, { headers: { authorization: `Bearer ${apiKey}` } }).catch(() => undefined);
      await response?.body?.cancel();
      return response?.status === 200;
    },
    stop: async () => {
      if (started.child.exitCode === null) await started.interrupt();
    },
  };
}
