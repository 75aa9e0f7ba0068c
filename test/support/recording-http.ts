import type { HttpClient, HttpRequest } from '../../lambdas/ports/http-client.js';

export interface ScriptedResponse {
  status: number;
  headers?: Record<string, string>;
  /** Sent as separate body chunks, to exercise parsers across chunk boundaries. */
  chunks: string[];
}

/** An injected HttpClient that records what a provider sends and replays a fixture. */
export function recordingHttp(response: ScriptedResponse): { http: HttpClient; sent: HttpRequest[] } {
  const sent: HttpRequest[] = [];
  const encoder = new TextEncoder();
  const http: HttpClient = async (request) => {
    sent.push(request);
    return {
      status: response.status,
      headers: response.headers ?? {},
      body: (async function* () {
        for (const chunk of response.chunks) yield encoder.encode(chunk);
      })(),
    };
  };
  return { http, sent };
}

/** Cuts a fixture into pieces of `size` characters. */
export function cut(text: string, size: number): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
  return pieces;
}
