import { microsToDollars } from '../core/catalog/request-cost.js';
import { imageCostMicros } from '../core/media/media-cost.js';
import { unsupportedParameter } from '../core/providers/message-parts.js';
import { withCapturedHeaders } from '../core/request-log/captured-headers.js';
import { imagesRequestSchema } from '../core/schemas/openai-images.js';
import { jsonStart } from './chat-completions.js';
import type { GatewayDeps } from './gateway-config.js';
import { jsonResponse, type GatewayRequest, type GatewayResponse } from './gateway-http.js';
import { loggedRoute } from './logged-route.js';
import { toOpenAIError } from './openai-error-body.js';
import { parseBody } from './parse-body.js';
import { respondInTime } from './respond-in-time.js';
import { routedHeaders, runRouted } from './run-routed.js';

/**
 * POST /v1/images/generations, for OpenAI-compatible and Gemini image models (and policies of
 * them). Priced by the image (media-prices.ts): the hold is the dearest the request could cost,
 * the charge what the answer says it made (its quality and size where it reports them).
 */
export function imagesGenerations(request: GatewayRequest, deps: GatewayDeps): Promise<GatewayResponse> {
  return loggedRoute(request, deps, 'images', toOpenAIError, async ({ key, log, failure }) => {
    const parsed = parseBody(request.body, imagesRequestSchema);
    const body = { ...parsed, requesty: withCapturedHeaders(parsed.requesty, request.headers, deps.capturedHeaders) };
    log.askedFor({ model: body.model, stream: false, requesty: body.requesty, toolsOffered: [] });
    const count = body.n ?? 1;
    const work = (async (): Promise<GatewayResponse> => {
      const routed = await runRouted(
        {
          model: body.model,
          key,
          requestId: request.requestId,
          requesty: body.requesty,
          mode: 'complete',
          bound: () => ({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 }),
          pieceBound: (model) => imageCostMicros(model, body, count, deps.markup),
          clientSignal: request.clientSignal,
          tryModel: async (provider, call) => {
            if (!provider.generateImages) throw unsupportedParameter('model', `${provider.id} has no image generation models here.`);
            return { value: await provider.generateImages(body, call), firstByteAt: deps.clock.now() };
          },
          log,
        },
        deps,
      );
      const images = routed.value;
      const made = images.data.length;
      const usage = {
        prompt_tokens: images.usage?.input_tokens ?? 0,
        completion_tokens: images.usage?.output_tokens ?? 0,
        total_tokens: images.usage?.total_tokens ?? (images.usage ? images.usage.input_tokens + images.usage.output_tokens : 0),
      };
      const options = { quality: images.quality ?? body.quality, size: images.size ?? body.size };
      const priced = imageCostMicros(routed.model, options, made, deps.markup);
      const { cost, charged } = await routed.ledger.settle(routed.model, usage, false, priced);
      const headers = { ...routedHeaders(routed, request.requestId), ...(await routed.ledger.remainingHeaders(charged)) };
      // Unpriced models (possible without a spend limit) report no cost rather than $0.
      if (cost === undefined) return jsonResponse(200, images, headers);
      const answered = { ...images, usage: { ...(images.usage ?? { input_tokens: 0, output_tokens: 0, total_tokens: 0 }), cost: microsToDollars(cost) } };
      return jsonResponse(200, answered, { ...headers, 'x-switchboard-cost': microsToDollars(cost).toFixed(6) });
    })().catch(failure);
    return respondInTime(work, jsonStart(request.requestId), deps.limits);
  });
}
