import type { IncomingMessage, ServerResponse } from 'node:http';
import { MockUpstream, type RecordedRequest } from './mock-upstream.js';

/**
 * An OpenAI-compatible host whose chat stream is given as the exact `data:` payloads it sends,
 * each written on its own (formatting, escapes and fields as written), ending with `[DONE]`
 * unless `cut`: what a pass-through must relay unchanged.
 */
export class MockScriptedOpenAIUpstream extends MockUpstream {
  constructor(
    public script: { data: readonly string[]; cut?: boolean },
  ) {
    super();
  }

  override async start(): Promise<string> {
    return `${await super.start()}/v1`;
  }

  protected async answer(_request: RecordedRequest, _req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const data of this.script.data) {
      res.write(`data: ${data}\n\n`);
      await new Promise((resolve) => setImmediate(resolve));
    }
    res.end(this.script.cut ? '' : 'data: [DONE]\n\n');
  }
}
