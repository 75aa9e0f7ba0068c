import type { GatewayLimits } from './gateway-config.js';
import type { GatewayResponse } from './gateway-http.js';
import { settlesWithin } from './keep-alive.js';

/** How a response looks when it must start before its outcome is known. */
export interface EarlyStart {
  headers: Record<string, string>;
  /** What fills the silence meanwhile: an SSE comment or ping, or whitespace before JSON (which parsers skip). */
  filler: string;
  /** A failure once the response has started: as an SSE error event, or the error JSON as the body. */
  lateFailure: (failure: GatewayResponse & { body: string }) => string;
}

/**
 * The response `work` settles with, if it does within `responseStartMs`. Otherwise a 200 starts
 * at once and carries `filler` every `keepAliveMs` until the outcome follows in its body:
 * CloudFront cuts an origin silent for 60 s, and SDKs then retry a request the gateway is still
 * serving (and charging for). Routing goes on meanwhile, so failover is still possible; a failure
 * can then only be told in the body.
 */
export async function respondInTime(
  work: Promise<GatewayResponse>,
  early: EarlyStart,
  limits: Pick<GatewayLimits, 'responseStartMs' | 'keepAliveMs'>,
): Promise<GatewayResponse> {
  if (await settlesWithin(work, limits.responseStartMs)) return work;
  let late: GatewayResponse | undefined;
  let read = false;
  // A client that left before the outcome: whatever the outcome holds upstream is let go once it comes.
  const abandon = () => void work.then((abandoned) => abandoned.cancel?.());
  async function* body(): AsyncGenerator<string> {
    try {
      yield early.filler;
      while (!(await settlesWithin(work, limits.keepAliveMs))) yield early.filler;
      late = await work;
      read = true;
      if (typeof late.body === 'string') yield late.status >= 400 ? early.lateFailure({ ...late, body: late.body }) : late.body;
      else yield* late.body;
    } finally {
      if (!read) abandon();
    }
  }
  return { status: 200, headers: early.headers, body: body(), cancel: () => (late ? late.cancel?.() : abandon()) };
}
