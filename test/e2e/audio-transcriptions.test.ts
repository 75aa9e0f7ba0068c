import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { manageClient } from '../support/manage-client.js';
import { MockOpenAIUpstream, mockAudioSeconds, mockTranscript } from '../support/mock-openai-upstream.js';
import { loggedRecord, recordRequestLog } from '../support/recording-request-log.js';
import { startTestGateway, testKey } from '../support/test-gateway.js';

const openaiUpstream = new MockOpenAIUpstream();
// Groq speaks OpenAI's protocol: a second mock of it stands for api.groq.com.
const groqUpstream = new MockOpenAIUpstream();
let gateway: LocalGateway;
let client: OpenAI;
let log: ReturnType<typeof recordRequestLog>;

beforeAll(async () => {
  gateway = await startTestGateway({
    OPENAI_BASE_URL: await openaiUpstream.start(),
    OPENAI_API_KEY: 'sk-upstream-audio-0123456789',
    GROQ_BASE_URL: await groqUpstream.start(),
    GROQ_API_KEY: 'gsk-upstream-audio-0123456789',
  });
  log = recordRequestLog(gateway);
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: testKey, maxRetries: 0 });
}, 60_000);
afterAll(async () => {
  await gateway?.stop();
  await Promise.all([openaiUpstream.stop(), groqUpstream.stop()]);
});
beforeEach(() => {
  log.records.length = 0;
});

/** 32,000 bytes that are not valid UTF-8, so a body decoded as text would not survive. */
const audio = Buffer.alloc(32_000, 0xff);
const speech = () => toFile(audio, 'speech.mp3', { type: 'audio/mpeg' });

const recordOf = (requestId: string | null) => loggedRecord(log, requestId);

describe('POST /v1/audio/transcriptions with the OpenAI SDK', () => {
  it('transcribes with whisper-1, charged by the minute from the duration the answer tells', async () => {
    const { data: transcript, response } = await client.audio.transcriptions.create({ file: await speech(), model: 'openai/whisper-1', language: 'en' }).withResponse();
    // 42.5 s at $0.006 a minute.
    expect(transcript).toEqual({ text: mockTranscript, usage: { type: 'duration', seconds: 43, cost: 0.00425 } });
    expect(response.headers.get('x-switchboard-cost')).toBe('0.004250');
    const sent = openaiUpstream.requests.at(-1);
    expect(sent?.path).toBe('/v1/audio/transcriptions');
    // A JSON request to a Whisper model is asked as verbose_json, which tells the duration; the
    // file arrives byte for byte (decoded as text, its 0xff bytes would have tripled its size).
    expect(sent?.body).toMatchObject({ model: 'whisper-1', language: 'en', response_format: 'verbose_json', file: { filename: 'speech.mp3', type: 'audio/mpeg', size: audio.length } });
    const record = await recordOf(response.headers.get('x-request-id'));
    expect(record).toMatchObject({ endpoint: 'transcriptions', model: 'openai/whisper-1', status: 200, cost_micros: 4250, usage_estimated: false, bytes_in: expect.any(Number) });
    expect(record.bytes_in).toBeGreaterThan(audio.length);
  });

  it('transcribes with Groq, billed per hour of audio with its 10-second minimum, in every format', async () => {
    const verbose = await client.audio.transcriptions.create({ file: await speech(), model: 'groq/whisper-large-v3-turbo', response_format: 'verbose_json' });
    expect(verbose).toMatchObject({ text: mockTranscript, duration: mockAudioSeconds, usage: { cost: 0.000473 } });
    expect(groqUpstream.requests.at(-1)?.body).toMatchObject({ model: 'whisper-large-v3-turbo', response_format: 'verbose_json' });
    expect(groqUpstream.requests.at(-1)?.headers.authorization).toBe('Bearer gsk-upstream-audio-0123456789');

    const text = await client.audio.transcriptions.create({ file: await speech(), model: 'groq/whisper-large-v3', response_format: 'text' }).withResponse();
    expect(text.data).toBe(`${mockTranscript}\n`);
    // No duration in plain text: estimated from the file at 128 kbit/s (2 s), below Groq's 10 s minimum.
    expect(text.response.headers.get('x-switchboard-cost')).toBe('0.000309');
    expect(await recordOf(text.response.headers.get('x-request-id'))).toMatchObject({ usage_estimated: true, cost_micros: 309 });

    const subtitles = await client.audio.transcriptions.create({ file: await speech(), model: 'groq/whisper-large-v3', response_format: 'srt' }).withResponse();
    expect(subtitles.data).toContain(mockTranscript);
    // The last cue ends at 42.5 s.
    expect(subtitles.response.headers.get('x-switchboard-cost')).toBe('0.001311');
  });

  it('refuses what it cannot transcribe with a 400 naming the field', async () => {
    const post = (body: string | FormData, headers: Record<string, string> = {}) =>
      fetch(`${gateway.url}/v1/audio/transcriptions`, { method: 'POST', headers: { authorization: `Bearer ${testKey}`, ...headers }, body });
    const asJson = await post(JSON.stringify({ model: 'openai/whisper-1' }), { 'content-type': 'application/json' });
    expect(asJson.status).toBe(400);
    expect(((await asJson.json()) as { error: { param: string } }).error.param).toBe('file');

    const noFile = new FormData();
    noFile.append('model', 'openai/whisper-1');
    expect(((await (await post(noFile)).json()) as { error: { param: string } }).error.param).toBe('file');

    const badFormat = new FormData();
    badFormat.append('file', new Blob([audio], { type: 'audio/mpeg' }), 'speech.mp3');
    badFormat.append('model', 'openai/whisper-1');
    badFormat.append('response_format', 'mp3');
    const refused = await post(badFormat);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { param: string } }).error.param).toBe('response_format');

    const noSpeech = (await client.audio.transcriptions.create({ file: await speech(), model: 'mock/echo' }).catch((error: unknown) => error)) as InstanceType<typeof OpenAI.APIError>;
    expect(noSpeech.status).toBe(400);
    expect(noSpeech.param).toBe('model');
  });

  it('refuses a text `file` field, beside the audio or instead of it, rather than sending two files upstream', async () => {
    const sentBefore = openaiUpstream.requests.length;
    for (const withAudio of [true, false]) {
      const form = new FormData();
      if (withAudio) form.append('file', new Blob([audio], { type: 'audio/mpeg' }), 'speech.mp3');
      form.append('file', 'not a file');
      form.append('model', 'openai/whisper-1');
      const response = await fetch(`${gateway.url}/v1/audio/transcriptions`, { method: 'POST', headers: { authorization: `Bearer ${testKey}` }, body: form });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { param: string; message: string } }).error).toMatchObject({ param: 'file', message: expect.stringContaining('text, not a file') });
    }
    expect(openaiUpstream.requests.length).toBe(sentBefore);
  });

  it('refuses a second file, or a file under another name, naming `file` and not echoing the name', async () => {
    const cases = [
      { name: 'file', message: 'Only one file is taken' },
      { name: `upload-${'x'.repeat(10_000)}`, message: 'only as the `file` field' },
    ];
    for (const { name, message } of cases) {
      const form = new FormData();
      form.append('file', new Blob([audio], { type: 'audio/mpeg' }), 'speech.mp3');
      form.append(name, new Blob([audio], { type: 'audio/mpeg' }), 'again.mp3');
      form.append('model', 'openai/whisper-1');
      const response = await fetch(`${gateway.url}/v1/audio/transcriptions`, { method: 'POST', headers: { authorization: `Bearer ${testKey}` }, body: form });
      expect(response.status).toBe(400);
      const text = await response.text();
      expect(text.length).toBeLessThan(1_000);
      expect((JSON.parse(text) as { error: { param: string; message: string } }).error).toMatchObject({ param: 'file', message: expect.stringContaining(message) });
    }
  });

  it('relays an upstream failure with its status, and refuses unpriced models under a spend limit', async () => {
    const failure = (await client.audio.transcriptions.create({ file: await speech(), model: 'openai/error-429' }).catch((error: unknown) => error)) as InstanceType<typeof OpenAI.APIError>;
    expect(failure.status).toBe(429);

    const { json } = await manageClient(gateway.url)('POST', '/apikey', { name: 'audio', monthly_limit: 5 });
    const limited = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: String(json.key), maxRetries: 0 });
    const unpriced = (await limited.audio.transcriptions.create({ file: await speech(), model: 'openai/new-transcriber' }).catch((error: unknown) => error)) as InstanceType<
      typeof OpenAI.APIError
    >;
    expect(unpriced.status).toBe(400);
    expect(unpriced.code).toBe('model_not_priced');
    const served = await limited.audio.transcriptions.create({ file: await speech(), model: 'openai/whisper-1' });
    expect(served.text).toBe(mockTranscript);
  });
});
