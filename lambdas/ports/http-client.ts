/** The one way the core talks to an upstream over HTTP; adapters/undici implements it. */
export interface HttpRequest {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  /** A binary body (a multipart upload), sent instead of `body`. */
  bodyBytes?: Uint8Array;
  /** Cancels the call; absent where nothing can cancel it. */
  signal?: AbortSignal;
  /** Longest wait for the connection and the response head: what a hung provider is detected by. */
  headersTimeoutMs: number;
  /** Longest silence between two body chunks. */
  idleTimeoutMs: number;
  /** Epoch ms by which the body, streamed or whole, must have been read; after it the body fails as a timeout. */
  deadlineAt: number;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | undefined>;
  /**
   * The body exactly as sent (never decompressed), chunk by chunk. Stopping early (break, return
   * or throw in a `for await`) releases the connection; so does the deadline, read or not.
   */
  body: AsyncIterable<Uint8Array>;
}

export type HttpClient = (request: HttpRequest) => Promise<HttpResponse>;

/** Thrown by an HttpClient when the upstream could not be reached or answered too slowly. */
export class HttpTransportError extends Error {
  constructor(
    readonly kind: 'timeout' | 'connection' | 'aborted',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HttpTransportError';
  }
}
