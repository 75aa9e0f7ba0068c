import type { ImagesRequest, ImagesResponse } from '../../schemas/openai-images.js';
import { unsupportedParameter } from '../message-parts.js';
import { geminiResponseSchema, type GeminiUsage } from './gemini-wire.js';

// https://ai.google.dev/gemini-api/docs/image-generation: Gemini image models answer
// generateContent with images as inlineData parts, one image a call, shaped by an aspect ratio.

const aspectRatios = new Set(['1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9']);

/** The generateContent body for one image of an OpenAI images request. */
export function toGeminiImageRequest(request: ImagesRequest): Record<string, unknown> {
  const aspectRatio = aspectRatioOf(request.size);
  return {
    contents: [{ role: 'user', parts: [{ text: request.prompt }] }],
    generationConfig: { responseModalities: ['IMAGE'], ...(aspectRatio ? { imageConfig: { aspectRatio } } : {}) },
  };
}

/** Gemini's answers (one per image asked for) → OpenAI's images response; `url` answers are data URLs. */
export function fromGeminiImageResponses(answers: unknown[], request: ImagesRequest, created: number): ImagesResponse | undefined {
  const data: ImagesResponse['data'] = [];
  let input = 0;
  let output = 0;
  for (const answer of answers) {
    const parsed = geminiResponseSchema.safeParse(answer);
    if (!parsed.success) return undefined;
    for (const part of parsed.data.candidates?.[0]?.content?.parts ?? []) {
      if (!part.inlineData || part.thought) continue;
      const { mimeType, data: base64 } = part.inlineData;
      data.push(request.response_format === 'b64_json' ? { b64_json: base64 } : { url: `data:${mimeType};base64,${base64}` });
    }
    const usage: GeminiUsage = parsed.data.usageMetadata ?? {};
    input += usage.promptTokenCount ?? 0;
    output += (usage.candidatesTokenCount ?? 0) + (usage.thoughtsTokenCount ?? 0);
  }
  return { created, data, usage: { input_tokens: input, output_tokens: output, total_tokens: input + output } };
}

function aspectRatioOf(size: string | null | undefined): string | undefined {
  if (!size || size === 'auto') return undefined;
  const [width = 0, height = 0] = size.split('x').map(Number);
  const divisor = gcd(width, height);
  const ratio = `${width / divisor}:${height / divisor}`;
  if (!aspectRatios.has(ratio)) {
    throw unsupportedParameter('size', `Gemini image models take sizes of these aspect ratios: ${[...aspectRatios].join(', ')}; ${size} is ${ratio}.`);
  }
  return ratio;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a || 1 : gcd(b, a % b);
}
