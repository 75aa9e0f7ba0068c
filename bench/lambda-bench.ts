import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { build } from 'esbuild';
import { projectRoot } from '../lib/lambda-entries.js';
import { buildLambda, type BuiltLambda } from '../scripts/build-lambda.js';
import { MockFirehose } from '../test/support/mock-firehose.js';
import { MockSecretsManager } from '../test/support/mock-secrets-manager.js';

/**
 * The router as Lambda runs it: the bundle `cdk synth` ships (built here as it builds it),
 * loaded in fresh Node processes by lambda-runtime.ts (the runtime's globals, an event in, a
 * response stream out, no HTTP in front), with its AWS calls going to DynamoDB Local and local
 * doubles of Secrets Manager and Firehose, and its provider to the bench upstream.
 */
export interface LambdaFigures {
  bundle: BuiltLambda;
  /** Medians over the fresh processes. */
  cold: { loadMs: number; firstResponseMs: number; loadCpuMs: number; firstResponseCpuMs: number };
  warm: Record<'nonStreaming' | 'streaming', WarmFigures>;
  processes: number;
}

export interface WarmFigures {
  wallMsPerInvocation: number;
  cpuMicrosPerInvocation: number;
  cpuMicrosToResponseEnd: number;
  /** The part of cpuMicrosPerInvocation spent in the kernel (sockets). */
  systemCpuMicrosPerInvocation: number;
  allocatedKiBPerInvocation: number;
  gcPerInvocation: number;
  gcMicrosPerInvocation: number;
  heapUsedMiB: number;
  rssMiB: number;
}

interface RunnerOutput {
  cold: LambdaFigures['cold'];
  warm: WarmFigures & { invocations: number };
}

const originSecretArn = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:bench-origin';
const providerSecretArn = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:bench-providers';
const originSecret = 'bench-origin-secret-000000000000000000000000';

export async function measureLambdaBundle(options: {
  upstreamOrigin: string;
  dynamoDbEndpoint: string;
  apiKey: string;
  processes: number;
  invocations: number;
}): Promise<LambdaFigures> {
  const bundle = await buildLambda('router');
  const runner = await buildRunner();
  const secrets = new MockSecretsManager();
  const firehose = new MockFirehose(['bench-requests', 'bench-feedback']);
  const [secretsUrl, firehoseUrl] = await Promise.all([secrets.start(), firehose.start()]);
  secrets.set(originSecretArn, JSON.stringify({ current: originSecret }));
  secrets.set(providerSecretArn, JSON.stringify({ openai: { apiKey: 'sk-bench', baseUrl: `${options.upstreamOrigin}/v1` } }));
  const env = {
    PATH: process.env.PATH,
    // As the stack sets it (lib/gateway-function.ts).
    NODE_OPTIONS: process.env.BENCH_LAMBDA_NODE_OPTIONS ?? '--enable-source-maps',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsUrl,
    AWS_ENDPOINT_URL_FIREHOSE: firehoseUrl,
    DYNAMODB_ENDPOINT: options.dynamoDbEndpoint,
    ORIGIN_VERIFY_SECRET_ARN: originSecretArn,
    PROVIDER_SECRET_ARN: providerSecretArn,
    REQUEST_LOG_STREAM: 'bench-requests',
    FEEDBACK_STREAM: 'bench-feedback',
    USAGE_DEAD_LETTER_QUEUE_URL: 'http://127.0.0.1:9/000000000000/bench-usage-dead-letters',
    // As the stack sets it (lib/router.ts): a key without a limit records its usage as one item.
    SWITCHBOARD_USAGE_FOLD: 'true',
    SWITCHBOARD_BREAKER_THRESHOLD: '1000000000',
    BUNDLE: bundle.file,
    INVOCATIONS: String(options.invocations),
  };
  try {
    const runs = async (stream: boolean) => {
      const outputs: RunnerOutput[] = [];
      for (let i = 0; i < options.processes; i++) {
        const events = [functionUrlEvent(options.apiKey, stream, i)];
        outputs.push(await runProcess(runner, { ...env, EVENTS: JSON.stringify(events) }));
      }
      return outputs;
    };
    const nonStreaming = await runs(false);
    const streaming = await runs(true);
    const all = [...nonStreaming, ...streaming];
    const coldOf = (pick: (cold: LambdaFigures['cold']) => number) => median(all.map((output) => pick(output.cold)));
    const warmOf = (outputs: RunnerOutput[]): WarmFigures => {
      const pick = (name: keyof WarmFigures) => median(outputs.map((output) => output.warm[name]));
      return {
        wallMsPerInvocation: pick('wallMsPerInvocation'),
        cpuMicrosPerInvocation: pick('cpuMicrosPerInvocation'),
        cpuMicrosToResponseEnd: pick('cpuMicrosToResponseEnd'),
        systemCpuMicrosPerInvocation: pick('systemCpuMicrosPerInvocation'),
        allocatedKiBPerInvocation: pick('allocatedKiBPerInvocation'),
        gcPerInvocation: pick('gcPerInvocation'),
        gcMicrosPerInvocation: pick('gcMicrosPerInvocation'),
        heapUsedMiB: pick('heapUsedMiB'),
        rssMiB: pick('rssMiB'),
      };
    };
    return {
      bundle,
      processes: all.length,
      cold: {
        loadMs: coldOf((cold) => cold.loadMs),
        firstResponseMs: coldOf((cold) => cold.firstResponseMs),
        loadCpuMs: coldOf((cold) => cold.loadCpuMs),
        firstResponseCpuMs: coldOf((cold) => cold.firstResponseCpuMs),
      },
      warm: { nonStreaming: warmOf(nonStreaming), streaming: warmOf(streaming) },
    };
  } finally {
    await Promise.all([secrets.stop(), firehose.stop()]);
  }
}

/** The runtime stand-in as plain CommonJS: no TypeScript loader in the measured process. */
async function buildRunner(): Promise<string> {
  const outdir = join(projectRoot, 'dist', 'bench');
  mkdirSync(outdir, { recursive: true });
  const outfile = join(outdir, 'lambda-runtime.cjs');
  await build({ entryPoints: [join(projectRoot, 'bench', 'lambda-runtime.ts')], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
  return outfile;
}

function runProcess(runner: string, env: NodeJS.ProcessEnv): Promise<RunnerOutput> {
  return new Promise((resolve, reject) => {
    // BENCH_LAMBDA_NODE_ARGS: e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile the invocations.
    const args = process.env.BENCH_LAMBDA_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
    const child = spawn(process.execPath, [...args, runner], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) => {
      const line = stdout.split('\n').find((text) => text.startsWith('{"cold"'));
      if (process.env.BENCH_LAMBDA_OUTPUT) writeFileSync(process.env.BENCH_LAMBDA_OUTPUT, stdout + stderr);
      if (code === 0 && line) resolve(JSON.parse(line) as RunnerOutput);
      else reject(new Error(`the Lambda runtime stand-in exited with ${code}: ${stderr.slice(-2000)}`));
    });
  });
}

/** A Function URL (payload 2.0) event as CloudFront forwards a chat completion to the router. */
function functionUrlEvent(apiKey: string, stream: boolean, n: number): LambdaFunctionURLEvent {
  const body = JSON.stringify({ model: 'openai/gpt-bench', stream, messages: [{ role: 'user', content: 'Say hello in five words.' }], max_tokens: 16 });
  const now = Date.now();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/v1/chat/completions',
    rawQueryString: '',
    headers: {
      authorization: `Bearer ${apiKey}`,
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      host: 'abcdefghij.lambda-url.us-east-1.on.aws',
      'user-agent': 'OpenAI/JS 6.0.0',
      via: '2.0 0123456789abcdef.cloudfront.net (CloudFront)',
      'x-amz-cf-id': `bench-${n}`,
      'x-forwarded-for': '203.0.113.7',
      'x-forwarded-proto': 'https',
      'x-origin-verify': originSecret,
    },
    requestContext: {
      accountId: 'anonymous',
      apiId: 'abcdefghij',
      domainName: 'abcdefghij.lambda-url.us-east-1.on.aws',
      domainPrefix: 'abcdefghij',
      http: { method: 'POST', path: '/v1/chat/completions', protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'OpenAI/JS 6.0.0' },
      requestId: `bench-${n}`,
      routeKey: '$default',
      stage: '$default',
      time: new Date(now).toISOString(),
      timeEpoch: now,
    },
    body,
    isBase64Encoded: false,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
