import { microsToDollars } from '../core/catalog/request-cost.js';
import { audioCostMicros } from '../core/media/media-cost.js';
import { transcriptSeconds } from '../core/media/transcript-seconds.js';
import { unsupportedParameter } from '../core/providers/message-parts.js';
import { withCapturedHeaders } from '../core/request-log/captured-headers.js';
import type { TranscriptionAnswer, TranscriptionRequest } from '../core/schemas/openai-transcriptions.js';
import type { GatewayDeps } from './gateway-config.js';
import type { GatewayRequest, GatewayResponse } from './gateway-http.js';
import { oneCallRoute } from './one-call-route.js';
import { readTranscriptionForm } from './read-transcription-form.js';

/**
 * The fewest bytes a second of speech takes (4 kbit/s, below any codec's speech setting): a file
 * cannot hold more seconds than this allows, which bounds what the budget holds.
 */
const fewestBytesPerSecond = 500;
/** A typical bitrate (128 kbit/s): when no answer tells the duration, the estimate from it errs low. */
const typicalBytesPerSecond = 16_000;

/**
 * POST /v1/audio/transcriptions (multipart/form-data) for OpenAI's and Groq's speech-to-text
 * models, priced by the minute of audio (media-prices.ts). The duration is read from the answer;
 * a JSON request to a Whisper model is asked upstream as verbose_json, which tells it, and
 * answered as the JSON the client asked for.
 */
export function audioTranscriptions(request: GatewayRequest, deps: GatewayDeps): Promise<GatewayResponse> {
  return oneCallRoute(request, deps, 'transcriptions', async () => {
    const form = await readTranscriptionForm(request);
    const bytes = form.file.bytes.byteLength;
    return {
      model: form.fields.model,
      requesty: withCapturedHeaders(undefined, request.headers, deps.capturedHeaders),
      pieceBound: (candidate) => audioCostMicros(candidate, Math.ceil(bytes / fewestBytesPerSecond), deps.markup),
      call: async (provider, call) => {
        if (!provider.transcribe) throw unsupportedParameter('model', `${provider.id} has no speech-to-text models here.`);
        const asked = upstreamRequest(form, call.model);
        return { answer: await provider.transcribe(asked, call), format: asked.fields.response_format ?? 'json' };
      },
      charge: ({ answer, format }, model) => {
        const told = transcriptSeconds(format, answer.body);
        const seconds = told ?? bytes / typicalBytesPerSecond;
        return {
          usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
          estimated: told === undefined,
          pieceCost: audioCostMicros(model, seconds, deps.markup),
          reply: (cost, headers) => {
            const reply = clientAnswer(answer, format, form.fields.response_format ?? 'json', seconds, cost);
            return { status: 200, headers: { 'content-type': reply.contentType, ...headers }, body: reply.body };
          },
        };
      },
    };
  });
}

/** Whisper models tell the duration only in verbose_json: a plain JSON request is asked that way. */
function upstreamRequest(form: TranscriptionRequest, model: string): TranscriptionRequest {
  const format = form.fields.response_format ?? 'json';
  if (format !== 'json' || !model.includes('whisper')) return form;
  return { ...form, fields: { ...form.fields, response_format: 'verbose_json' } };
}

/** The transcript in the format the client asked for, JSON ones with the cost in `usage` as the other routes report it. */
function clientAnswer(answer: TranscriptionAnswer, upstreamFormat: string, asked: string, seconds: number, cost: number | undefined): TranscriptionAnswer {
  if (asked !== 'json' && asked !== 'verbose_json') return answer;
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(answer.body) as Record<string, unknown>;
  } catch {
    return answer;
  }
  const costField = cost === undefined ? {} : { cost: microsToDollars(cost) };
  if (upstreamFormat === asked) {
    const usage = typeof parsed.usage === 'object' && parsed.usage !== null ? parsed.usage : undefined;
    return usage || cost !== undefined ? { ...answer, body: JSON.stringify({ ...parsed, usage: { ...usage, ...costField } }) } : answer;
  }
  // Asked as verbose_json for its duration: answered as OpenAI's json, whisper-1's duration usage included.
  const text = typeof parsed.text === 'string' ? parsed.text : '';
  return { contentType: 'application/json', body: JSON.stringify({ text, usage: { type: 'duration', seconds: Math.ceil(seconds), ...costField } }) };
}
