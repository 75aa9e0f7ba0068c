import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A webhook receiver on loopback. Each path answers as told by `answer` (default 200), given
 * how many times that path was called before; every request is recorded, answered or not.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  answer: (path: string, calledBefore: number) => number = () => 200;
  private server: Server | undefined;

  /** Listens on a free loopback port (or `port`) and resolves with the base URL. */
  async start(port = 0): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const path = req.url ?? '/';
        const calledBefore = this.received.filter((entry) => entry.path === path).length;
        this.received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(this.answer(path, calledBefore), { 'content-type': 'text/plain' }).end('ok');
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  on(path: string): ReceivedWebhook[] {
    return this.received.filter((entry) => entry.path === path);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}
