import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventStreamCodec } from '@smithy/core/event-streams';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import type { RecordedRequest } from './mock-openai-upstream.js';

export const bedrockUsage = { inputTokens: 30, outputTokens: 9, totalTokens: 39, cacheReadInputTokens: 8, cacheWriteInputTokens: 2 };

/**
 * A local stand-in for the Bedrock runtime (HTTP/1.1): Converse answers JSON, ConverseStream
 * answers AWS event-stream frames. A request offering tools gets a call of the first with
 * `{"city": "Paris"}`; any other gets "Hello from Bedrock!". A model id starting with
 * `throttled` gets a ThrottlingException.
 */
export class MockBedrockUpstream {
  readonly requests: RecordedRequest[] = [];
  private server: Server | undefined;
  private readonly codec = new EventStreamCodec(toUtf8, fromUtf8);

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.serve(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    this.requests.push({ path: decodeURIComponent(req.url ?? ''), headers: req.headers, body });
    if (decodeURIComponent(req.url ?? '').includes('/model/throttled')) {
      res.writeHead(429, { 'content-type': 'application/json', 'x-amzn-errortype': 'ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/' });
      return void res.end(JSON.stringify({ message: 'Too many requests, please wait before trying again.' }));
    }
    if (req.url?.endsWith('/invoke')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ embedding: [String(body.inputText).length, 1, 0], inputTextTokenCount: 4 }));
    }
    const tool = (body.toolConfig as { tools: Array<{ toolSpec: { name: string } }> } | undefined)?.tools[0]?.toolSpec.name;
    if (!req.url?.endsWith('/converse-stream')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      const content = tool ? [{ toolUse: { toolUseId: 'tooluse_mock_1', name: tool, input: { city: 'Paris' } } }] : [{ text: 'Hello from Bedrock!' }];
      return void res.end(
        JSON.stringify({ output: { message: { role: 'assistant', content } }, stopReason: tool ? 'tool_use' : 'end_turn', usage: bedrockUsage, metrics: { latencyMs: 5 } }),
      );
    }
    res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream' });
    const send = (type: string, payload: unknown) =>
      res.write(
        this.codec.encode({
          headers: {
            ':event-type': { type: 'string', value: type },
            ':message-type': { type: 'string', value: 'event' },
            ':content-type': { type: 'string', value: 'application/json' },
          },
          body: fromUtf8(JSON.stringify(payload)),
        }),
      );
    send('messageStart', { role: 'assistant' });
    if (tool) {
      send('contentBlockStart', { contentBlockIndex: 0, start: { toolUse: { toolUseId: 'tooluse_mock_1', name: tool } } });
      for (const part of ['{"city":', ' "Paris"}']) send('contentBlockDelta', { contentBlockIndex: 0, delta: { toolUse: { input: part } } });
    } else {
      for (const part of ['Hello ', 'from Bedrock!']) send('contentBlockDelta', { contentBlockIndex: 0, delta: { text: part } });
    }
    send('contentBlockStop', { contentBlockIndex: 0 });
    send('messageStop', { stopReason: tool ? 'tool_use' : 'end_turn' });
    send('metadata', { usage: bedrockUsage, metrics: { latencyMs: 5 } });
    res.end();
  }
}
