import type { IncomingMessage, ServerResponse } from 'node:http';
import { EventStreamCodec } from '@smithy/core/event-streams';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { fixture, fixtureFor } from './mock-anthropic-fixture-upstream.js';
import { everyUntilClosed, writeAll } from './misbehaving-answers.js';
import { MockUpstream, type RecordedRequest } from './mock-upstream.js';

export const bedrockUsage = { inputTokens: 30, outputTokens: 9, totalTokens: 39, cacheReadInputTokens: 8, cacheWriteInputTokens: 2 };
/** What Bedrock adds to a Claude stream's `message_stop` event. */
export const invocationMetrics = { inputTokenCount: 472, outputTokenCount: 89, invocationLatency: 812, firstByteLatency: 301 };

/**
 * A local stand-in for the Bedrock runtime (HTTP/1.1): ConverseStream answers AWS event-stream
 * frames, InvokeModel (Titan embeddings) JSON. A request offering tools gets a call of the first
 * with `{"city": "Paris"}`; any other gets "Hello from Bedrock!". The model id picks a failure:
 * - `throttled...`: a ThrottlingException;
 * - `hang`: no answer at all;
 * - `truncated`: a stream cut after its text, without `messageStop` and `metadata`;
 * - `huge-frame`: a stream whose first frame holds 10 MB of text;
 * - `endless`: a stream of text frames every 20 ms that never ends.
 * InvokeModelWithResponseStream (a Claude model's Messages body) answers the events of the
 * Anthropic fixture MockAnthropicFixtureUpstream would (test/fixtures/providers/anthropic), each
 * as one `chunk` frame's bytes, with Bedrock's invocation metrics on `message_stop`; a model id
 * containing `stream-throttled` gets a throttlingException frame before any chunk, one
 * containing `throttled` a 429, and one containing `fails-midway` a modelStreamErrorException
 * frame after the first content block's chunks.
 */
export class MockBedrockUpstream extends MockUpstream {
  private readonly codec = new EventStreamCodec(toUtf8, fromUtf8);
  private savedEnv: NodeJS.ProcessEnv | undefined;

  /**
   * Starts, and points the AWS SDK of this process at it with dummy credentials (the SDK reads
   * both from the environment); `stop` restores the environment.
   */
  override async start(): Promise<string> {
    const url = await super.start();
    this.savedEnv = { ...process.env };
    Object.assign(process.env, { AWS_ENDPOINT_URL_BEDROCK_RUNTIME: url, AWS_ACCESS_KEY_ID: 'AKIDLOCAL', AWS_SECRET_ACCESS_KEY: 'local-secret' });
    return url;
  }

  override async stop(): Promise<void> {
    await super.stop();
    if (this.savedEnv) process.env = this.savedEnv;
  }

  private frame(type: string, payload: unknown): Uint8Array {
    return this.codec.encode({
      headers: {
        ':event-type': { type: 'string', value: type },
        ':message-type': { type: 'string', value: 'event' },
        ':content-type': { type: 'string', value: 'application/json' },
      },
      body: fromUtf8(JSON.stringify(payload)),
    });
  }

  private exception(type: string, message: string): Uint8Array {
    return this.codec.encode({
      headers: {
        ':exception-type': { type: 'string', value: type },
        ':message-type': { type: 'string', value: 'exception' },
        ':content-type': { type: 'string', value: 'application/json' },
      },
      body: fromUtf8(JSON.stringify({ message })),
    });
  }

  protected async answer({ body }: RecordedRequest, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const modelId = /^\/model\/([^/]+)\//.exec(decodeURIComponent(req.url ?? ''))?.[1] ?? '';
    if (modelId === 'hang') return;
    if (modelId.includes('stream-throttled')) {
      res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream' });
      return void res.end(this.exception('throttlingException', 'Too many tokens, please wait before trying again.'));
    }
    if (modelId.includes('throttled')) {
      res.writeHead(429, { 'content-type': 'application/json', 'x-amzn-errortype': 'ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/' });
      return void res.end(JSON.stringify({ message: 'Too many requests, please wait before trying again.' }));
    }
    if (req.url?.endsWith('/invoke-with-response-stream')) return this.answerInvokeStream(body, res, modelId.includes('fails-midway'));
    if (req.url?.endsWith('/count-tokens')) {
      // CountTokens of an InvokeModel body (base64 in JSON): a token per four bytes of it.
      const counted = Buffer.from(String((body.input as { invokeModel?: { body?: string } } | undefined)?.invokeModel?.body ?? ''), 'base64');
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ inputTokens: Math.ceil(counted.length / 4) }));
    }
    if (req.url?.endsWith('/invoke')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ embedding: [String(body.inputText).length, 1, 0], inputTextTokenCount: 4 }));
    }
    const tool = (body.toolConfig as { tools: Array<{ toolSpec: { name: string } }> } | undefined)?.tools[0]?.toolSpec.name;
    res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream' });
    const send = (type: string, payload: unknown) => res.write(this.frame(type, payload));
    send('messageStart', { role: 'assistant' });
    if (modelId === 'huge-frame') return writeAll(res, [this.frame('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'a'.repeat(10_000_000) } })]);
    if (modelId === 'endless') return everyUntilClosed(res, 20, () => send('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'la ' } }));
    if (tool) {
      send('contentBlockStart', { contentBlockIndex: 0, start: { toolUse: { toolUseId: 'tooluse_mock_1', name: tool } } });
      for (const part of ['{"city":', ' "Paris"}']) send('contentBlockDelta', { contentBlockIndex: 0, delta: { toolUse: { input: part } } });
    } else {
      for (const part of ['Hello ', 'from Bedrock!']) send('contentBlockDelta', { contentBlockIndex: 0, delta: { text: part } });
    }
    if (modelId === 'truncated') return void res.end();
    send('contentBlockStop', { contentBlockIndex: 0 });
    send('messageStop', { stopReason: tool ? 'tool_use' : 'end_turn' });
    send('metadata', { usage: bedrockUsage, metrics: { latencyMs: 5 } });
    res.end();
  }

  private answerInvokeStream(body: Record<string, unknown>, res: ServerResponse, failMidway: boolean): void {
    res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream' });
    const events = fixture(fixtureFor(body))
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => line.slice('data: '.length));
    for (const data of events) {
      const event = JSON.parse(data) as { type: string };
      if (failMidway && event.type === 'content_block_stop') {
        return void res.end(this.exception('modelStreamErrorException', 'The model stopped answering.'));
      }
      const json = event.type === 'message_stop' ? JSON.stringify({ ...event, 'amazon-bedrock-invocationMetrics': invocationMetrics }) : data;
      res.write(this.frame('chunk', { bytes: Buffer.from(json).toString('base64') }));
    }
    res.end();
  }
}
