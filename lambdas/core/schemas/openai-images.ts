import { z } from 'zod';
import { modelIdSchema } from './model-id-field.js';
import { requestyExtensionSchema } from './requesty-extension.js';
import { tokenCountSchema } from './token-count.js';

// https://platform.openai.com/docs/api-reference/images/create and Requesty's
// https://docs.requesty.ai/api-reference/endpoint/images-generations-create. Loose, so newer
// parameters (moderation, output_compression, style...) reach OpenAI-compatible hosts untouched.

export const imagesRequestSchema = z
  .object({
    model: modelIdSchema,
    prompt: z.string().min(1).max(32_000),
    n: z.int().min(1).max(10).nullish(),
    size: z.string().regex(/^(auto|\d{2,5}x\d{2,5})$/, 'must be "auto" or WIDTHxHEIGHT, as "1024x1024"').nullish(),
    quality: z.string().max(32).nullish(),
    response_format: z.enum(['url', 'b64_json']).nullish(),
    output_format: z.enum(['png', 'jpeg', 'webp']).nullish(),
    background: z.enum(['auto', 'transparent', 'opaque']).nullish(),
    // Partial images need a stream of image events; the gateway answers whole images.
    stream: z.literal(false, 'streamed images are not supported: leave stream unset').nullish(),
    user: z.string().optional(),
    requesty: requestyExtensionSchema.optional(),
  })
  .loose();

export type ImagesRequest = z.infer<typeof imagesRequestSchema>;

const imageSchema = z.object({ url: z.string().optional(), b64_json: z.string().optional(), revised_prompt: z.string().optional() }).loose();

/** What an OpenAI-compatible host answers; gpt-image models add usage and the quality and size they used. */
export const imagesResponseSchema = z
  .object({
    created: z.number(),
    data: z.array(imageSchema),
    quality: z.string().optional(),
    size: z.string().optional(),
    usage: z
      .object({ input_tokens: tokenCountSchema, output_tokens: tokenCountSchema, total_tokens: tokenCountSchema.optional() })
      .loose()
      .optional(),
  })
  .loose();

export type ImagesResponse = z.infer<typeof imagesResponseSchema>;
