import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
  /** The body's text as it arrived. */
  raw: string;
}

/**
 * A local HTTP stand-in for a provider: records each JSON request (a multipart one as its fields,
 * each file as `{ filename, type, size, text }`), then lets the subclass
 * answer it in that provider's wire format, and notes each answer the gateway closed early.
 */
export abstract class MockUpstream {
  readonly requests: RecordedRequest[] = [];
  /** The path of each request whose connection the gateway closed before the answer ended. */
  readonly closedEarly: string[] = [];
  protected server: Server | undefined;
  private closeListeners: Array<() => void> = [];

  /** Listens on a free loopback port and resolves with the base URL. */
  async start(): Promise<string> {
    // Idle connections are kept longer than the gateway keeps them, so reusing one never races
    // this server closing it (a reset a busy machine would otherwise turn into a failed test).
    this.server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => void this.receive(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** Resolves the next time the gateway closes an upstream connection before the answer ended. */
  nextEarlyClose(): Promise<void> {
    return new Promise((resolve) => this.closeListeners.push(resolve));
  }

  protected abstract answer(request: RecordedRequest, req: IncomingMessage, res: ServerResponse): Promise<void> | void;

  /** Answers a request another mock received, as this one would (a mock that hosts several protocols). */
  respond(request: RecordedRequest, req: IncomingMessage, res: ServerResponse): Promise<void> | void {
    return this.answer(request, req, res);
  }

  private async receive(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.on('close', () => {
      if (res.writableFinished) return;
      this.closedEarly.push(req.url ?? '');
      for (const listener of this.closeListeners.splice(0)) listener();
    });
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const bytes = Buffer.concat(chunks);
    const raw = bytes.toString('utf8');
    const request = {
      path: decodeURIComponent(req.url ?? ''),
      headers: req.headers,
      body: req.headers['content-type']?.startsWith('multipart/form-data')
        ? await formFields(bytes, req.headers['content-type'])
        : req.headers['content-type']?.startsWith('application/x-www-form-urlencoded')
          ? Object.fromEntries(new URLSearchParams(raw))
          : (JSON.parse(raw) as Record<string, unknown>),
      raw,
    };
    this.requests.push(request);
    await this.answer(request, req, res);
  }
}

async function formFields(body: Buffer, contentType: string): Promise<Record<string, unknown>> {
  const form = await new Request('http://mock.invalid/', { method: 'POST', headers: { 'content-type': contentType }, body }).formData();
  const fields: Record<string, unknown> = {};
  for (const [name, value] of form) {
    fields[name] = typeof value === 'string' ? value : { filename: value.name, type: value.type, size: value.size, text: await value.text() };
  }
  return fields;
}
