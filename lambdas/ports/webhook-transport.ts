/** One POST to a webhook receiver. */
export interface WebhookPost {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** For the whole exchange: connection, request and response head. */
  timeoutMs: number;
}

/**
 * Sends a webhook POST and resolves with the receiver's status; rejects with a
 * WebhookTransportError when there is no answer (refused address, connection, timeout).
 */
export type WebhookTransport = (post: WebhookPost) => Promise<{ status: number }>;

export class WebhookTransportError extends Error {
  constructor(
    readonly kind: 'refused-address' | 'connection' | 'timeout',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'WebhookTransportError';
  }
}
