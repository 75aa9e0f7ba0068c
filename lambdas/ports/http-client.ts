/** The one way the core talks to an upstream over HTTP; adapters/undici implements it. */
export interface HttpRequest {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  /** Cancels the call; absent where nothing can cancel it. */
  signal?: AbortSignal;
  /** Longest wait for the response head. */
  firstByteTimeoutMs: number;
  /** Longest silence between two body chunks. */
  idleTimeoutMs: number;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | undefined>;
  body: AsyncIterable<Uint8Array>;
  text(): Promise<string>;
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
