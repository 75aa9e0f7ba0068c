import type { IncomingMessage, ServerResponse } from 'node:http';
import { answerEchoingKey, echoKeyMode, presentedUpstreamKey } from './mock-echo-key.js';
import { MockUpstream, type RecordedRequest } from './mock-upstream.js';

/**
 * A local stand-in for the Gemini API (streamGenerateContent?alt=sse and batchEmbedContents). A
 * request declaring functions gets a call of the first with `{"city": "Paris"}` (unless its last
 * turn carries the function's result: then text); any other
 * gets "Hello from Gemini!", streamed in two parts. A stream for model `truncated` ends before
 * the part that carries `finishReason`. `echo-key-*` models quote the key sent (mock-echo-key.ts).
 * Image models (a name with `-image`) add an image part to their streamed text, and answer
 * generateContent asking for IMAGE with one image.
 */
export class MockGeminiUpstream extends MockUpstream {
  protected async answer({ body }: RecordedRequest, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const echo = echoKeyMode(req.url ?? '');
    if (echo) return answerEchoingKey('gemini', echo, presentedUpstreamKey('gemini', req.headers), req.url?.includes(':streamGenerateContent') === true, res);
    if (req.url?.includes(':batchEmbedContents')) {
      const requests = body.requests as unknown[];
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ embeddings: requests.map((_, i) => ({ values: [i, 0.5, 0.25] })) }));
    }
    if (req.url?.includes(':generateContent')) return sendImage(res, body);
    const tools = body.tools as Array<{ functionDeclarations: Array<{ name: string }> }> | undefined;
    const contents = Array.isArray(body.contents) ? (body.contents as Array<{ parts?: Array<Record<string, unknown>> }>) : [];
    // Once the last turn carries the function's result, the model answers in text.
    const answered = contents.at(-1)?.parts?.some((part) => 'functionResponse' in part) === true;
    const tool = answered ? undefined : tools?.[0]?.functionDeclarations[0]?.name;
    const usageMetadata = { promptTokenCount: 11, candidatesTokenCount: 5, totalTokenCount: 16, cachedContentTokenCount: 3 };
    // Image models (`…-image…`) add a picture to their text, as gemini-2.5-flash-image does.
    const picture = /-image/.test(req.url ?? '') ? [{ inlineData: { mimeType: 'image/png', data: mockGeminiImage } }] : [];
    const parts = tool ? [[{ functionCall: { name: tool, args: { city: 'Paris' } } }]] : [[{ text: 'Hello ' }], [{ text: 'from Gemini!' }, ...picture]];
    const responses = parts.map((partList, i) => ({
      candidates: [{ content: { role: 'model', parts: partList }, index: 0, ...(i === parts.length - 1 ? { finishReason: 'STOP' } : {}) }],
      usageMetadata,
      modelVersion: 'gemini-2.5-flash',
    }));
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const sent = req.url?.includes('/models/truncated:') ? responses.slice(0, -1) : responses;
    for (const response of sent) res.write(`data: ${JSON.stringify(response)}\r\n\r\n`);
    res.end();
  }
}

export const mockGeminiImage = 'R0lGODlhAQABAAAAACw=';
export const mockGeminiImageUsage = { promptTokenCount: 7, candidatesTokenCount: 1290, totalTokenCount: 1297 };

/** One generated image for generateContent with responseModalities IMAGE, as gemini-2.5-flash-image answers. */
function sendImage(res: ServerResponse, body: Record<string, unknown>): void {
  const modalities = (body.generationConfig as { responseModalities?: string[] } | undefined)?.responseModalities ?? [];
  const parts = modalities.includes('IMAGE') ? [{ inlineData: { mimeType: 'image/png', data: mockGeminiImage } }] : [{ text: 'No image asked for.' }];
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }], usageMetadata: mockGeminiImageUsage }));
}
