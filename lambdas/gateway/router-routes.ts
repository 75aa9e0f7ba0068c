import { audioTranscriptions } from './audio-transcriptions.js';
import { chatCompletions } from './chat-completions.js';
import { embeddings } from './embeddings.js';
import { feedback } from './feedback.js';
import { getModel, listModels } from './list-models.js';
import { imagesGenerations } from './images.js';
import { countTokens } from './messages/count-tokens.js';
import { messages } from './messages/messages.js';
import { responses } from './responses/responses.js';
import type { GatewayDeps } from './gateway-config.js';
import { jsonResponse } from './gateway-http.js';
import { createRouter } from './route-request.js';

/** What the streaming router Lambda serves. */
export const routeRouterRequest = createRouter<GatewayDeps>({
  '/v1/chat/completions': { POST: chatCompletions },
  '/v1/embeddings': { POST: embeddings },
  '/v1/messages': { POST: messages },
  '/v1/responses': { POST: responses },
  '/v1/images/generations': { POST: imagesGenerations },
  '/v1/audio/transcriptions': { POST: audioTranscriptions },
  '/v1/messages/count_tokens': { POST: countTokens },
  '/v1/models': { GET: listModels },
  '/v1/models/:id*': { GET: getModel },
  '/v1/feedback/:id': { POST: feedback },
  // Requesty's examples post feedback to `https://api.requesty.ai/feedback/{id}`: the same, for drop-in clients.
  '/feedback/:id': { POST: feedback },
  '/healthz': { GET: async () => jsonResponse(200, { status: 'ok' }) },
  // The web console's address, served from its own bucket (lib/edge.ts), locally too.
  '/': { GET: async () => ({ status: 302, headers: { location: '/console/', 'cache-control': 'no-store' }, body: '' }) },
});
