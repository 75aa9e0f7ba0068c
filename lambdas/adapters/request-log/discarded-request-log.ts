import type { RequestLogSink } from '../../ports/request-log-sink.js';

/** Where records go when no log is configured (no stream, no data folder): nowhere, silently. */
export const discardedRequestLog: RequestLogSink = {
  write: () => undefined,
  writeFeedback: () => undefined,
  flush: async () => undefined,
};
