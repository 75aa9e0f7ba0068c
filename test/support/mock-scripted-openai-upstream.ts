import type { IncomingMessage, ServerResponse } from 'node:http';
import { MockUpstream, type RecordedRequest } from './mock-upstream.js';

/**
 * An OpenAI-compatible host whose chat stream is given as the exact `data:` payloads it sends,
 * each written on its own (formatting, escapes and fields as written), ending with `[DONE]`
 * unless `cut`, with a silence of `pauseBeforeMs[i]` before event i: what a pass-through must
 * relay unchanged. A request that is not for a stream gets `json` (after `jsonDelayMs`) when
 * the script has one; model `hang` then never answers.
 */
export class MockScriptedOpenAIUpstream extends MockUpstream {
  constructor(
    public script: {
      data: readonly string[];
      cut?: boolean;
      pauseBeforeMs?: Readonly<Record<number, number>>;
      json?: string;
      jsonDelayMs?: number;
    },
  ) {
    super();
  }

  override async start(): Promise<string> {
    return `${await super.start()}/v1`;
  }

  protected async answer(request: RecordedRequest, _req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { json, jsonDelayMs } = this.script;
    if (request.body.stream !== true && json !== undefined) {
      if (request.body.model === 'hang') return;
      await new Promise((resolve) => setTimeout(resolve, jsonDelayMs ?? 0));
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(json);
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const [index, data] of this.script.data.entries()) {
      const pause = this.script.pauseBeforeMs?.[index];
      await new Promise((resolve) => (pause ? setTimeout(resolve, pause) : setImmediate(resolve)));
      res.write(`data: ${data}\n\n`);
    }
    res.end(this.script.cut ? '' : 'data: [DONE]\n\n');
  }
}
