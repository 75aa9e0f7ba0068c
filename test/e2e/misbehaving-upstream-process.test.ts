import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { gzipBomb } from '../support/misbehaving-answers.js';
import { MockAnthropicUpstream } from '../support/mock-anthropic-upstream.js';
import { MockBedrockUpstream } from '../support/mock-bedrock-upstream.js';
import { MockGeminiUpstream } from '../support/mock-gemini-upstream.js';
import { MockOpenAIUpstream, upstreamReply } from '../support/mock-openai-upstream.js';
import { startSpawnedGateway, type SpawnedGateway } from '../support/spawned-gateway.js';

const openai = new MockOpenAIUpstream();
const anthropic = new MockAnthropicUpstream();
const gemini = new MockGeminiUpstream();
const bedrock = new MockBedrockUpstream();
let gateway: SpawnedGateway;

beforeAll(async () => {
  // Built before any request, so that building it never delays the mock's other answers.
  gzipBomb();
  // Started first: the spawned process inherits the Bedrock endpoint it sets in the environment.
  await bedrock.start();
  gateway = await startSpawnedGateway({
    dynamoDbEndpoint: inject('dynamoDbEndpoint'),
    env: {
      OPENAI_BASE_URL: await openai.start(),
      OPENAI_API_KEY: 'sk-upstream-process-0123456789',
      ANTHROPIC_BASE_URL: await anthropic.start(),
      GEMINI_BASE_URL: await gemini.start(),
      AWS_REGION: 'us-east-1',
      SWITCHBOARD_DEADLINE_MS: '3000',
      SWITCHBOARD_FIRST_BYTE_TIMEOUT_MS: '2000',
      SWITCHBOARD_IDLE_TIMEOUT_MS: '5000',
    },
  });
}, 120_000);

afterAll(async () => {
  await gateway?.stop();
  await Promise.all([openai.stop(), anthropic.stop(), gemini.stop(), bedrock.stop()]);
});

const openAIFailures = [
  'truncated',
  'empty-200',
  'garbage-stream',
  'huge-line',
  'gzip-bomb',
  'endless',
  'drip',
  'reset',
  'fractional-usage',
  'negative-cached',
];
/** These misbehave only when streaming. */
const streamFailures = [
  'openai/reset-midstream',
  'openai/hang-midstream',
  'openai/reset-after-head',
  'anthropic/truncated',
  'google/truncated',
  'bedrock/truncated',
  'bedrock/huge-frame',
  'bedrock/endless',
];

/** Whether an answer is an honest failure: an error in OpenAI's shape, or a stream ending with an error event and no [DONE]. */
function endsWithAClearError(status: number, contentType: string, text: string): boolean {
  if (status !== 200) {
    const body = JSON.parse(text) as { error?: { message?: unknown; code?: unknown } };
    return status >= 500 && typeof body.error?.message === 'string' && typeof body.error.code === 'string';
  }
  const data = text
    .split('\n\n')
    .filter((event) => event.startsWith('data: '))
    .map((event) => event.slice('data: '.length));
  return contentType.includes('text/event-stream') && !data.includes('[DONE]') && 'error' in (JSON.parse(data.at(-1) ?? '{}') as object);
}

/** The most memory the process has held at once, from Linux's /proc. */
function peakResidentBytes(pid: number): number | undefined {
  const status = `/proc/${pid}/status`;
  if (!existsSync(status)) return undefined;
  const kilobytes = /VmHWM:\s+(\d+) kB/.exec(readFileSync(status, 'utf8'))?.[1];
  return kilobytes === undefined ? undefined : Number(kilobytes) * 1024;
}

describe('npm start against misbehaving providers', () => {
  it('answers every failure mode at once with a clear error, holds its memory, and keeps serving', { timeout: 120_000 }, async () => {
    const cases = [
      ...openAIFailures.flatMap((model) => [false, true].map((stream) => ({ model: `openai/${model}`, stream }))),
      ...streamFailures.map((model) => ({ model, stream: true })),
    ];
    const answers = await Promise.all(
      cases.map(async ({ model, stream }) => {
        const response = await fetch(`${gateway.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${gateway.apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'Hi' }] }),
        });
        const text = await response.text();
        return { model, stream, clean: endsWithAClearError(response.status, response.headers.get('content-type') ?? '', text) };
      }),
    );
    expect(answers.filter((answer) => !answer.clean)).toEqual([]);

    expect(gateway.child.exitCode).toBeNull();
    expect(await gateway.serves()).toBe(true);
    const after = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gateway.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] }),
    });
    expect(((await after.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]?.message.content).toBe(upstreamReply);

    // A 1 GiB gzip bomb, a 65 MiB body and 10 MB events went by: none was inflated or held whole.
    const peak = peakResidentBytes(gateway.pid);
    if (peak !== undefined) expect(peak).toBeLessThan(512 * 1024 * 1024);
    expect(gateway.output()).not.toMatch(/FATAL|heap out of memory|Unhandled/i);
  });
});
