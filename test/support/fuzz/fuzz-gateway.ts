import { MockAnthropicUpstream } from '../mock-anthropic-upstream.js';
import { MockGeminiUpstream } from '../mock-gemini-upstream.js';
import { MockOpenAIUpstream } from '../mock-openai-upstream.js';
import { startSpawnedGateway, type SpawnedGateway } from '../spawned-gateway.js';
import type { FuzzTarget } from './run-fuzz.js';

export interface FuzzGateway {
  target: FuzzTarget;
  gateway: SpawnedGateway;
  stop: () => Promise<void>;
}

/**
 * `npm start` as a user runs it, with the OpenAI, Anthropic and Gemini providers pointed at
 * local mock upstreams, so that valid inputs naming their models are served offline and their
 * translation code is fuzzed too. Without `dynamoDbEndpoint`, the gateway starts its own DynamoDB Local.
 */
export async function startFuzzGateway(options: { dynamoDbEndpoint?: string } = {}): Promise<FuzzGateway> {
  const upstreams = [new MockOpenAIUpstream(), new MockAnthropicUpstream(), new MockGeminiUpstream()] as const;
  const [openai, anthropic, gemini] = await Promise.all(upstreams.map((upstream) => upstream.start()));
  const gateway = await startSpawnedGateway({
    ...options,
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
    },
  });
  // The mocks record every request for tests that inspect them; here that would only grow.
  const forget = setInterval(() => upstreams.forEach((upstream) => upstream.requests.splice(0)), 1_000);
  return {
    target: { url: gateway.url, apiKey: gateway.apiKey, adminKey: gateway.adminKey, webhooksAllowLoopback: false },
    gateway,
    stop: async () => {
      clearInterval(forget);
      await gateway.stop();
      await Promise.all(upstreams.map((upstream) => upstream.stop()));
    },
  };
}
