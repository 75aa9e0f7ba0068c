import { requirePermission } from '../core/auth/key-permissions.js';
import { GatewayError } from '../core/errors.js';
import type { FeedbackRecord } from '../core/request-log/feedback-record.js';
import { feedbackIdSchema, feedbackRequestSchema } from '../core/schemas/feedback-request.js';
import type { GatewayDeps } from './gateway-config.js';
import { jsonResponse, type GatewayRequest, type GatewayResponse } from './gateway-http.js';
import { parseBody } from './parse-body.js';
import { presentedKey } from './presented-key.js';

/**
 * `POST /v1/feedback/{id}` (and `/feedback/{id}`, the path of Requesty's examples): feedback on
 * a request, after it was answered (https://docs.requesty.ai/features/request-feedback). Each
 * call's fields merge into the request's feedback, a field given again overwriting the earlier
 * value: every call is written as its own feedback record, and analytics keep, per field, the
 * latest record's value.
 *
 * A key gives feedback on its own requests only. The request log is written, never read, on
 * this path, so the call cannot be checked against the request; instead every record carries
 * the key that sent it, and analytics attach feedback to a request only where both its id (the
 * request id or the answer id) and its key match. Feedback from another key, or on an id that
 * names nothing, is stored and attaches to nothing; both are answered alike, so the answer
 * never tells whether another key's request exists.
 */
export async function feedback(request: GatewayRequest, deps: GatewayDeps, params: Readonly<Record<string, string>>): Promise<GatewayResponse> {
  const key = await deps.authenticator.authenticate(presentedKey(request.headers));
  // Feedback is on the key's own model calls: it takes the permission to make them.
  requirePermission(key, 'completions', 'write');
  const requestId = feedbackIdSchema.safeParse(params.id ?? '');
  if (!requestId.success) {
    throw new GatewayError(400, 'invalid_request', `Invalid request id in the path: ${requestId.error.issues[0]?.message ?? ''}.`, {
      param: 'request_id',
      type: 'invalid_request_error',
    });
  }
  const { data } = parseBody(request.body, feedbackRequestSchema);
  const record: FeedbackRecord = {
    request_id: requestId.data,
    timestamp: new Date(feedbackTime(deps.clock.now())).toISOString(),
    api_key_id: key.id,
    data: Object.fromEntries(Object.entries(data).map(([field, value]) => [field, JSON.stringify(value)])),
  };
  deps.requestLog.writeFeedback(record);
  return jsonResponse(200, { success: true, request_id: record.request_id, fields: Object.keys(record.data) });
}

/**
 * Feedback merges by time, so calls this instance takes one after the other get increasing
 * times, even within one millisecond: the later call's values win.
 */
let lastFeedbackAt = 0;

function feedbackTime(now: number): number {
  lastFeedbackAt = Math.max(now, lastFeedbackAt + 1);
  return lastFeedbackAt;
}
