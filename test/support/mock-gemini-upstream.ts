import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RecordedRequest } from './mock-openai-upstream.js';

/**
 * A local stand-in for the Gemini API (generateContent and streamGenerateContent?alt=sse). A
 * request declaring functions gets a call of the first with `{"city": "Paris"}`; any other
 * gets "Hello from Gemini!", streamed in two parts.
 */
export class MockGeminiUpstream {
  readonly requests: RecordedRequest[] = [];
  private server: Server | undefined;

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
    this.requests.push({ path: req.url ?? '', headers: req.headers, body });
    if (req.url?.includes(':batchEmbedContents')) {
      const requests = body.requests as unknown[];
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ embeddings: requests.map((_, i) => ({ values: [i, 0.5, 0.25] })) }));
    }
    const tools = body.tools as Array<{ functionDeclarations: Array<{ name: string }> }> | undefined;
    const tool = tools?.[0]?.functionDeclarations[0]?.name;
    const usageMetadata = { promptTokenCount: 11, candidatesTokenCount: 5, totalTokenCount: 16, cachedContentTokenCount: 3 };
    const parts = tool ? [[{ functionCall: { name: tool, args: { city: 'Paris' } } }]] : [[{ text: 'Hello ' }], [{ text: 'from Gemini!' }]];
    const responses = parts.map((partList, i) => ({
      candidates: [{ content: { role: 'model', parts: partList }, index: 0, ...(i === parts.length - 1 ? { finishReason: 'STOP' } : {}) }],
      usageMetadata,
      modelVersion: 'gemini-2.5-flash',
    }));
    if (!req.url?.includes(':streamGenerateContent')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      const merged = { ...responses.at(-1), candidates: [{ content: { role: 'model', parts: parts.flat() }, index: 0, finishReason: 'STOP' }] };
      return void res.end(JSON.stringify(merged));
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const response of responses) res.write(`data: ${JSON.stringify(response)}\r\n\r\n`);
    res.end();
  }
}
