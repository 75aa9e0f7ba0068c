import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../../lambdas/local/dynamodb-local.js';
import { MockAnthropicUpstream } from '../mock-anthropic-upstream.js';
import { MockGeminiUpstream } from '../mock-gemini-upstream.js';
import { MockOpenAIUpstream } from '../mock-openai-upstream.js';
import { startSpawnedGateway, type SpawnedGateway } from '../spawned-gateway.js';
import { outboundLog } from './outbound-connections.js';
import type { FuzzTarget } from './run-fuzz.js';

export interface FuzzGateway {
  target: FuzzTarget;
  gateway: SpawnedGateway;
  stop: () => Promise<void>;
}

/**
 * `npm start` as a user runs it, with the OpenAI, Anthropic and Gemini providers pointed at
 * local mock upstreams, so that valid inputs naming their models are served offline and their
 * translation code is fuzzed too. Behind network-fence.ts: it reaches only those and DynamoDB
 * (`dynamoDbEndpoint`, or one started here), and what else it tries is recorded, not sent.
 */
export async function startFuzzGateway(options: { dynamoDbEndpoint?: string } = {}): Promise<FuzzGateway> {
  const upstreams = [new MockOpenAIUpstream(), new MockAnthropicUpstream(), new MockGeminiUpstream()] as const;
  const upstreamUrls = await Promise.all(upstreams.map((upstream) => upstream.start()));
  const [openai, anthropic, gemini] = upstreamUrls;
  // Started here rather than by the gateway, so that the fence knows its port.
  const dynamodb: DynamoDbLocal | undefined = options.dynamoDbEndpoint ? undefined : await startDynamoDbLocal();
  const dynamoDbEndpoint = options.dynamoDbEndpoint ?? dynamodb?.endpoint ?? '';
  const fenceLog = join(mkdtempSync(join(tmpdir(), 'switchboard-fuzz-fence-')), 'outbound.jsonl');
  writeFileSync(fenceLog, '');
  const gateway = await startSpawnedGateway({
    dynamoDbEndpoint,
    imports: [new URL('./network-fence.ts', import.meta.url).href],
    env: {
      OPENAI_API_KEY: 'sk-fuzz-openai',
      OPENAI_BASE_URL: openai,
      ANTHROPIC_API_KEY: 'sk-ant-fuzz',
      ANTHROPIC_BASE_URL: anthropic,
      GEMINI_API_KEY: 'AIza-fuzz',
      GEMINI_BASE_URL: gemini,
      // Groq speaks OpenAI's protocol: its speech-to-text models are served by the same mock.
      GROQ_API_KEY: 'gsk-fuzz',
      GROQ_BASE_URL: openai,
      // As the stacks run (npm start allows loopback): webhooks are checked against the setting that matters.
      SWITCHBOARD_WEBHOOKS_ALLOW_LOOPBACK: 'false',
      FUZZ_FENCE_LOG: fenceLog,
      FUZZ_FENCE_PORTS: [dynamoDbEndpoint, ...upstreamUrls].map((url) => new URL(url).port).join(','),
    },
  });
  // The mocks record every request for tests that inspect them; here that would only grow.
  const forget = setInterval(() => upstreams.forEach((upstream) => upstream.requests.splice(0)), 1_000);
  return {
    target: { url: gateway.url, apiKey: gateway.apiKey, adminKey: gateway.adminKey, webhooksAllowLoopback: false, outbound: outboundLog(fenceLog) },
    gateway,
    stop: async () => {
      clearInterval(forget);
      await gateway.stop();
      await Promise.all(upstreams.map((upstream) => upstream.stop()));
      await dynamodb?.stop();
    },
  };
}
