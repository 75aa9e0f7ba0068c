import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';

/** What one request's client was told: the cost and tokens it reported, and how long it took. */
export interface Told {
  requestId: string;
  /** Dollars, as the client read them (header, `usage.cost`); 0 for a failure. */
  cost: number;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  /** Tool calls the answer made. */
  toolCalls: number;
  ok: boolean;
  durationMs: number;
}

export interface TrafficTargets {
  gatewayUrl: string;
  key: string;
  /** A fallback policy whose first model fails (`policy/<name>`). */
  failoverPolicy: string;
}

const users = ['ada', 'grace', 'linus'];
const forecastTool: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: { name: 'get_forecast', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
};

/**
 * About fifty varied requests, sequentially, through the official clients: several providers
 * and models, JSON and streamed answers, the Messages API, embeddings, users, tags, extras and
 * captured headers, tool calls, cached tokens, a failover and failures. Returns what each
 * client was told, for comparison with what the request log and analytics say.
 */
export async function sendVariedTraffic(targets: TrafficTargets): Promise<Told[]> {
  const openai = new OpenAI({ baseURL: `${targets.gatewayUrl}/v1`, apiKey: targets.key, maxRetries: 0 });
  const anthropic = new Anthropic({ baseURL: targets.gatewayUrl, apiKey: targets.key, maxRetries: 0 });
  const told: Told[] = [];
  const timed = async (send: () => Promise<Omit<Told, 'durationMs'>>) => {
    const started = performance.now();
    const result = await send();
    told.push({ ...result, durationMs: performance.now() - started });
  };
  const requesty = (i: number) => ({
    user_id: users[i % users.length],
    tags: i % 2 === 0 ? ['even', 'batch'] : ['odd'],
    extra: { team: i % 3 === 0 ? 'core' : 'growth' },
  });
  const models = ['openai/gpt-4o-mini', 'openai/gpt-4o', 'anthropic/claude-sonnet-4-5', 'google/gemini-2.5-flash'];

  for (let i = 0; i < 16; i++) {
    const model = models[i % models.length] as string;
    await timed(async () => {
      const { data, response } = await openai.chat.completions
        .create(
          { model, messages: [{ role: 'user', content: `Hello ${i}` }], requesty: requesty(i) } as OpenAI.ChatCompletionCreateParamsNonStreaming,
          { headers: { 'X-OpenWebUI-User-Email': `${users[i % users.length]}@example.com`, 'X-Title': 'Traffic' } },
        )
        .withResponse();
      return toldByCompletion(data, response);
    });
  }
  for (let i = 0; i < 12; i++) {
    const model = models[i % models.length] as string;
    const params: OpenAI.ChatCompletionCreateParamsStreaming & { requesty: ReturnType<typeof requesty> } = {
      model,
      messages: [{ role: 'user', content: `Stream ${i}` }],
      stream: true,
      stream_options: { include_usage: true },
      requesty: requesty(i),
      ...(i % 3 === 0 ? { tools: [forecastTool] } : {}),
    };
    await timed(async () => {
      const { data: stream, response } = await openai.chat.completions.create(params).withResponse();
      let usage: (OpenAI.CompletionUsage & { cost?: number }) | undefined;
      let toolCalls = 0;
      for await (const chunk of stream) {
        usage = chunk.usage ?? usage;
        // A streamed call's first delta carries its id.
        toolCalls += chunk.choices[0]?.delta.tool_calls?.filter((call) => call.id).length ?? 0;
      }
      return {
        requestId: response.headers.get('x-request-id') ?? '',
        cost: usage?.cost ?? 0,
        inputTokens: usage?.prompt_tokens ?? 0,
        outputTokens: usage?.completion_tokens ?? 0,
        cachedTokens: usage?.prompt_tokens_details?.cached_tokens ?? 0,
        toolCalls,
        ok: true,
      };
    });
  }
  for (let i = 0; i < 8; i++) {
    const model = i % 2 === 0 ? 'anthropic/claude-sonnet-4-5' : 'openai/gpt-4o-mini';
    await timed(async () => {
      const { data, response } = await anthropic.messages
        .create({ model, max_tokens: 50, messages: [{ role: 'user', content: `Message ${i}` }], stream: false })
        .withResponse();
      const cacheRead = data.usage.cache_read_input_tokens ?? 0;
      return {
        requestId: response.headers.get('x-request-id') ?? '',
        cost: Number(response.headers.get('x-switchboard-cost') ?? 0),
        inputTokens: data.usage.input_tokens + cacheRead + (data.usage.cache_creation_input_tokens ?? 0),
        outputTokens: data.usage.output_tokens,
        cachedTokens: cacheRead,
        toolCalls: 0,
        ok: true,
      };
    });
  }
  for (let i = 0; i < 4; i++) {
    await timed(async () => {
      const { data, response } = await openai.embeddings.create({ model: 'openai/text-embedding-3-small', input: [`a ${i}`, 'b'] }).withResponse();
      return {
        requestId: response.headers.get('x-request-id') ?? '',
        cost: Number(response.headers.get('x-switchboard-cost') ?? 0),
        inputTokens: data.usage.prompt_tokens,
        outputTokens: 0,
        cachedTokens: 0,
        toolCalls: 0,
        ok: true,
      };
    });
  }
  for (let i = 0; i < 4; i++) {
    await timed(async () => {
      const { data, response } = await openai.chat.completions.create({ model: targets.failoverPolicy, messages: [{ role: 'user', content: `Fail over ${i}` }] }).withResponse();
      return toldByCompletion(data, response);
    });
  }
  for (const model of ['openai/error-400', 'openai/error-429', 'policy/no-such-policy']) {
    await timed(async () => {
      const error = (await openai.chat.completions.create({ model, messages: [{ role: 'user', content: 'Fail' }] }).catch((thrown: unknown) => thrown)) as InstanceType<
        typeof OpenAI.APIError
      >;
      if (!(error instanceof OpenAI.APIError)) throw new Error(`${model} was expected to fail`);
      return { requestId: error.headers?.get('x-request-id') ?? '', cost: 0, inputTokens: 0, outputTokens: 0, cachedTokens: 0, toolCalls: 0, ok: false };
    });
  }
  return told;
}

/** What a JSON chat answer told its client: the cost header, the usage and the tool calls. */
function toldByCompletion(data: OpenAI.ChatCompletion, response: Response): Omit<Told, 'durationMs'> {
  return {
    requestId: response.headers.get('x-request-id') ?? '',
    cost: Number(response.headers.get('x-switchboard-cost') ?? 0),
    inputTokens: data.usage?.prompt_tokens ?? 0,
    outputTokens: data.usage?.completion_tokens ?? 0,
    cachedTokens: data.usage?.prompt_tokens_details?.cached_tokens ?? 0,
    toolCalls: data.choices[0]?.message.tool_calls?.length ?? 0,
    ok: true,
  };
}
