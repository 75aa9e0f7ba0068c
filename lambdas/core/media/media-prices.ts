/**
 * Prices of answers that are not counted in tokens: generated images, by the image, and
 * transcribed audio, by the minute. This is data, kept apart from the token catalog
 * (core/catalog): to add or reprice a model, edit these lists. List prices in US dollars as the
 * providers published them when this list was written; check them before relying on cost figures.
 *
 * Sources:
 * - OpenAI images: https://platform.openai.com/docs/pricing#image-generation (per image, by
 *   quality and size).
 * - Gemini images: https://ai.google.dev/gemini-api/docs/pricing#gemini-2.5-flash-image (1290
 *   output tokens an image at $30 per million: $0.039 an image up to 1024x1024).
 * - OpenAI transcription: https://platform.openai.com/docs/pricing#transcription-and-speech
 *   (whisper-1 by the minute; the gpt-4o transcribe models at their published per-minute estimate).
 * - Groq transcription: https://groq.com/pricing and
 *   https://console.groq.com/docs/speech-to-text (per hour, at least 10 seconds a request).
 */

/** US dollars per image, by quality, then by size (`WIDTHxHEIGHT`). */
export interface ImagePrice {
  perImage: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** The quality an image has when the request names none. */
  defaultQuality: string;
  /** The size an image has when the request names none. */
  defaultSize: string;
}

export interface AudioPrice {
  usdPerMinute: number;
  /** The least a request is billed for, in seconds. */
  minimumSeconds: number;
}

const gptImageSizes = (square: number, oblong: number) => ({ '1024x1024': square, '1024x1536': oblong, '1536x1024': oblong });
const gptImage1: ImagePrice = {
  perImage: { low: gptImageSizes(0.011, 0.016), medium: gptImageSizes(0.042, 0.063), high: gptImageSizes(0.167, 0.25) },
  defaultQuality: 'auto',
  defaultSize: '1024x1024',
};
const gptImage1Mini: ImagePrice = {
  perImage: { low: gptImageSizes(0.005, 0.006), medium: gptImageSizes(0.011, 0.015), high: gptImageSizes(0.036, 0.052) },
  defaultQuality: 'auto',
  defaultSize: '1024x1024',
};
const geminiFlashImage: ImagePrice = { perImage: { standard: { '1024x1024': 0.039 } }, defaultQuality: 'standard', defaultSize: '1024x1024' };

export const imagePrices: Readonly<Record<string, ImagePrice>> = {
  'openai/gpt-image-1': gptImage1,
  'openai/gpt-image-1-mini': gptImage1Mini,
  'openai/dall-e-3': {
    perImage: {
      standard: { '1024x1024': 0.04, '1024x1792': 0.08, '1792x1024': 0.08 },
      hd: { '1024x1024': 0.08, '1024x1792': 0.12, '1792x1024': 0.12 },
    },
    defaultQuality: 'standard',
    defaultSize: '1024x1024',
  },
  'openai/dall-e-2': {
    perImage: { standard: { '256x256': 0.016, '512x512': 0.018, '1024x1024': 0.02 } },
    defaultQuality: 'standard',
    defaultSize: '1024x1024',
  },
  'google/gemini-2.5-flash-image': geminiFlashImage,
  'google/gemini-2.5-flash-image-preview': geminiFlashImage,
};

export const audioPrices: Readonly<Record<string, AudioPrice>> = {
  'openai/whisper-1': { usdPerMinute: 0.006, minimumSeconds: 0 },
  'openai/gpt-4o-transcribe': { usdPerMinute: 0.006, minimumSeconds: 0 },
  'openai/gpt-4o-mini-transcribe': { usdPerMinute: 0.003, minimumSeconds: 0 },
  'groq/whisper-large-v3': { usdPerMinute: 0.111 / 60, minimumSeconds: 10 },
  'groq/whisper-large-v3-turbo': { usdPerMinute: 0.04 / 60, minimumSeconds: 10 },
  'groq/distil-whisper-large-v3-en': { usdPerMinute: 0.02 / 60, minimumSeconds: 10 },
};
