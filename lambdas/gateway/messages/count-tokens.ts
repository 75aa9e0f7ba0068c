import { accountOf } from '../../core/accounting/directory-lookup.js';
import { measureAnthropicPrompt } from '../../core/accounting/anthropic-prompt-measure.js';
import { parseModelId } from '../../core/providers/model-id.js';
import { anthropicProtocolFor } from '../../core/providers/native-protocol.js';
import { chatProviderFor } from '../../core/providers/registry.js';
import { withoutLongContext } from '../../core/routing/model-aliases.js';
import { anthropicCountTokensRequestSchema } from '../../core/schemas/anthropic-messages-request.js';
import type { GatewayDeps } from '../gateway-config.js';
import { jsonResponse, type GatewayRequest, type GatewayResponse } from '../gateway-http.js';
import { loggedRoute } from '../logged-route.js';
import { parseBodyWithRaw } from '../parse-body.js';
import { planRoute } from '../plan-route.js';
import { errorResponse } from '../route-request.js';
import { usableCredentials } from '../usable-credentials.js';
import { toAnthropicError } from './anthropic-error-body.js';
import { forwardedAnthropicHeaders } from './forwarded-anthropic-headers.js';
import { nativeCountTokensBody } from './native-messages-body.js';

/** Tokens an image is estimated at: Anthropic's ~(width × height) / 750 for a 1092 × 1092 image. */
const estimatedImageTokens = 1_600;
/** Tokens a document (a PDF's pages, a file) is estimated at: a few pages of text. */
const estimatedDocumentTokens = 3_000;

/**
 * POST /v1/messages/count_tokens. The model (alias, policy: its first model) is resolved as for
 * /v1/messages; Anthropic's API counts exactly, upstream, with the request as it came. Any
 * other target (Claude on Bedrock included) gets the gateway's estimate, marked
 * `"estimated": true`: four bytes of the request's text a token, 1,600 tokens an image and
 * 3,000 a document. Nothing is charged.
 */
export async function countTokens(request: GatewayRequest, deps: GatewayDeps): Promise<GatewayResponse> {
  try {
    return await loggedRoute(request, deps, 'count_tokens', toAnthropicError, async ({ key, log }) => {
      const { data: body, raw } = parseBodyWithRaw(request.body, anthropicCountTokensRequestSchema);
      log.askedFor({ model: body.model, stream: false, requesty: body.requesty, toolsOffered: (body.tools ?? []).map((tool) => tool.name) });
      const account = await accountOf(key, deps.directory);
      const route = await planRoute(body.model, account, request.requestId, 'complete', deps);
      log.routedBy(route.policy);
      const target = route.attempts[0]?.model ?? body.model;
      const { provider: providerId, model } = parseModelId(target);
      const provider = chatProviderFor(providerId, target);
      const native = anthropicProtocolFor(provider, model);
      const headers = { 'x-request-id': request.requestId, 'x-switchboard-model': target };
      if (!native?.countTokens) {
        log.answeredBy(target, deps.clock.now());
        const prompt = measureAnthropicPrompt(body, Buffer.byteLength(request.body));
        const tokens = Math.ceil(prompt.textBytes / 4) + prompt.images * estimatedImageTokens + prompt.otherMedia * estimatedDocumentTokens;
        return jsonResponse(200, { input_tokens: tokens, estimated: true }, headers);
      }
      const now = deps.clock.now();
      const counted = await native.countTokens(nativeCountTokensBody(raw as Record<string, unknown>, model), forwardedAnthropicHeaders(request.headers, withoutLongContext(body.model).longContext), {
        model,
        credentials: usableCredentials(provider, deps.credentials[providerId]),
        http: deps.http,
        bedrock: deps.bedrock,
        clock: deps.clock,
        ...(request.clientSignal ? { signal: request.clientSignal } : {}),
        headersTimeoutMs: deps.limits.headersTimeoutMs,
        idleTimeoutMs: deps.limits.idleTimeoutMs,
        deadlineAt: now + deps.limits.deadlineMs,
      });
      log.answeredBy(target, deps.clock.now());
      return jsonResponse(200, counted, headers);
    });
  } catch (error) {
    return errorResponse(error, request, deps, toAnthropicError);
  }
}
