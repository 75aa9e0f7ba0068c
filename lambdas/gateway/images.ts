import { microsToDollars } from '../core/catalog/request-cost.js';
import { imageCostMicros } from '../core/media/media-cost.js';
import { unsupportedParameter } from '../core/providers/message-parts.js';
import { withCapturedHeaders } from '../core/request-log/captured-headers.js';
import { imagesRequestSchema } from '../core/schemas/openai-images.js';
import type { GatewayDeps } from './gateway-config.js';
import { jsonResponse, type GatewayRequest, type GatewayResponse } from './gateway-http.js';
import { oneCallRoute } from './one-call-route.js';
import { parseBody } from './parse-body.js';

/**
 * POST /v1/images/generations, for OpenAI-compatible and Gemini image models (and policies of
 * them). Priced by the image (media-prices.ts): the hold is the dearest the request could cost,
 * the charge what the answer says it made (its quality and size where it reports them).
 */
export function imagesGenerations(request: GatewayRequest, deps: GatewayDeps): Promise<GatewayResponse> {
  return oneCallRoute(request, deps, 'images', () => {
    const parsed = parseBody(request.body, imagesRequestSchema);
    const body = { ...parsed, requesty: withCapturedHeaders(parsed.requesty, request.headers, deps.capturedHeaders) };
    const count = body.n ?? 1;
    return {
      model: body.model,
      requesty: body.requesty,
      pieceBound: (model) => imageCostMicros(model, body, count, deps.markup),
      call: (provider, call) => {
        if (!provider.generateImages) throw unsupportedParameter('model', `${provider.id} has no image generation models here.`);
        return provider.generateImages(body, call);
      },
      charge: (images, model) => {
        const usage = {
          prompt_tokens: images.usage?.input_tokens ?? 0,
          completion_tokens: images.usage?.output_tokens ?? 0,
          total_tokens: images.usage?.total_tokens ?? (images.usage ? images.usage.input_tokens + images.usage.output_tokens : 0),
        };
        const options = { quality: images.quality ?? body.quality, size: images.size ?? body.size };
        return {
          usage,
          pieceCost: imageCostMicros(model, options, images.data.length, deps.markup),
          // Unpriced models (possible without a spend limit) report no cost rather than $0.
          reply: (cost, headers) =>
            jsonResponse(200, cost === undefined ? images : { ...images, usage: { ...(images.usage ?? { input_tokens: 0, output_tokens: 0, total_tokens: 0 }), cost: microsToDollars(cost) } }, headers),
        };
      },
    };
  });
}
