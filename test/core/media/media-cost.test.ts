import { describe, expect, it } from 'vitest';
import { audioCostMicros, imageCostMicros } from '../../../lambdas/core/media/media-cost.js';
import { transcriptSeconds } from '../../../lambdas/core/media/transcript-seconds.js';

describe('imageCostMicros', () => {
  it('prices by quality and size, the dearest listed for auto or an unlisted value', () => {
    expect(imageCostMicros('openai/gpt-image-1', { quality: 'low', size: '1024x1024' }, 1, 0)).toBe(11_000);
    expect(imageCostMicros('openai/gpt-image-1', { quality: 'medium', size: '1536x1024' }, 3, 0)).toBe(189_000);
    expect(imageCostMicros('openai/gpt-image-1', { quality: 'auto', size: '1024x1024' }, 1, 0)).toBe(167_000);
    expect(imageCostMicros('openai/gpt-image-1', { quality: 'high', size: 'auto' }, 1, 0)).toBe(250_000);
    expect(imageCostMicros('openai/dall-e-3', {}, 1, 0)).toBe(40_000);
  });

  it('adds the markup, rounding up to a whole micro-dollar, and knows no unlisted model', () => {
    expect(imageCostMicros('openai/gpt-image-1-mini', { quality: 'low', size: '1024x1024' }, 1, 0.05)).toBe(5_250);
    expect(imageCostMicros('openai/dall-e-2', { size: '256x256' }, 1, 0.0001)).toBe(16_002);
    expect(imageCostMicros('openai/gpt-4o', {}, 1, 0)).toBeUndefined();
  });
});

describe('audioCostMicros', () => {
  it('prices by the second at the per-minute price, with the provider’s minimum', () => {
    expect(audioCostMicros('openai/whisper-1', 60, 0)).toBe(6_000);
    expect(audioCostMicros('openai/whisper-1', 0.5, 0)).toBe(50);
    expect(audioCostMicros('groq/whisper-large-v3', 1, 0)).toBe(309);
    expect(audioCostMicros('groq/whisper-large-v3', 3600, 0)).toBe(111_000);
    expect(audioCostMicros('openai/tts-1', 10, 0)).toBeUndefined();
  });
});

describe('transcriptSeconds', () => {
  it('reads the duration from verbose_json, whisper-1’s usage, and the last srt or vtt cue', () => {
    expect(transcriptSeconds('verbose_json', '{"text": "hi", "duration": 12.25}')).toBe(12.25);
    expect(transcriptSeconds('json', '{"text": "hi", "usage": {"type": "duration", "seconds": 9}}')).toBe(9);
    expect(transcriptSeconds('srt', '1\n00:00:00,000 --> 00:00:02,000\nA\n\n2\n00:00:02,000 --> 01:02:03,500\nB\n')).toBe(3723.5);
    expect(transcriptSeconds('vtt', 'WEBVTT\n\n00:01.000 --> 00:04.250\nA\n')).toBe(4.25);
  });

  it('says nothing when the answer does not tell', () => {
    expect(transcriptSeconds('text', 'hello')).toBeUndefined();
    expect(transcriptSeconds('json', '{"text": "hi", "usage": {"type": "tokens", "input_tokens": 5}}')).toBeUndefined();
    expect(transcriptSeconds('json', 'not json')).toBeUndefined();
    expect(transcriptSeconds('json', '{"duration": -1}')).toBeUndefined();
  });
});
