import type { IncomingMessage, ServerResponse } from 'node:http';
import { MockUpstream, type RecordedRequest } from './mock-upstream.js';

/**
 * An OpenAI stand-in whose answers cost close to what the gateway reserves for them: each
 * reports `promptTokens` prompt tokens and as many completion tokens as the request allows
 * (`max_tokens`), so a capped key can be spent to near its limit with every request served.
 */
export class MeteredOpenAIUpstream extends MockUpstream {
  constructor(private readonly promptTokens: number) {
    super();
  }

  override async start(): Promise<string> {
    return `${await super.start()}/v1`;
  }

  protected answer({ body }: RecordedRequest, _req: IncomingMessage, res: ServerResponse): void {
    const completion = Number(body.max_tokens ?? body.max_completion_tokens ?? 16);
    const base = { id: 'chatcmpl-metered', object: 'chat.completion.chunk', created: 1_700_000_000, model: String(body.model) };
    const chunks = [
      { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: 'Metered.' }, finish_reason: null }] },
      { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'length' }] },
      { ...base, choices: [], usage: { prompt_tokens: this.promptTokens, completion_tokens: completion, total_tokens: this.promptTokens + completion } },
    ];
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end(`${chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`).join('')}data: [DONE]\n\n`);
  }
}
