/**
 * The Bedrock runtime, as the core sees it: ConverseStream requests and events in their JSON
 * shape (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStream.html),
 * InvokeModel JSON bodies, and InvokeModelWithResponseStream's payload parts as bytes, validated
 * by the provider. adapters/bedrock implements it with
 * the AWS SDK.
 */
export interface BedrockCallLimits {
  /** Longest wait for the connection and the response head. */
  headersTimeoutMs: number;
  /** Longest silence between two chunks of the response body. */
  idleTimeoutMs: number;
  /** Epoch ms by which the response, streamed or whole, must have been read; after it, a timeout. */
  deadlineAt: number;
}

export interface ConverseCall extends BedrockCallLimits {
  region: string;
  /** ConverseRequest fields, modelId included. */
  input: Record<string, unknown>;
  signal?: AbortSignal;
}

export interface InvokeModelCall extends BedrockCallLimits {
  region: string;
  modelId: string;
  /** The model's own JSON request body. */
  body: Record<string, unknown>;
}

export interface InvokeModelStreamCall extends BedrockCallLimits {
  region: string;
  modelId: string;
  /** The model's own JSON request body, sent as it is. */
  body: string;
  signal?: AbortSignal;
}

export interface BedrockRuntime {
  /**
   * Resolves once Bedrock has accepted the request; yields ConverseStream events. Stopping the
   * iteration early releases the connection.
   */
  converseStream(call: ConverseCall): Promise<AsyncIterable<unknown>>;
  /** The model's JSON response body (embedding models have no Converse form). */
  invokeModel(call: InvokeModelCall): Promise<unknown>;
  /**
   * InvokeModelWithResponseStream
   * (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_InvokeModelWithResponseStream.html):
   * resolves once Bedrock has accepted the request; yields each `chunk` event's bytes (the
   * model's own stream events, one a chunk for Claude). An exception event fails the iteration
   * with a ConverseCallError; stopping early releases the connection.
   */
  invokeModelStream(call: InvokeModelStreamCall): Promise<AsyncIterable<Uint8Array>>;
  /**
   * CountTokens (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_CountTokens.html)
   * of an InvokeModel body: the input tokens the same request would be charged.
   */
  countTokens(call: InvokeModelStreamCall): Promise<number>;
}

/** Bedrock refused or failed a call; `name` is its exception name (ThrottlingException...). */
export class ConverseCallError extends Error {
  constructor(
    readonly status: number,
    readonly exceptionName: string,
    message: string,
  ) {
    super(message);
    this.name = 'ConverseCallError';
  }
}

/**
 * Bedrock's answer could not be read: a body or one event-stream frame larger than the gateway
 * reads, or not in its format (bad frames, checksums, JSON).
 */
export class BedrockResponseError extends Error {
  constructor(
    readonly reason: 'response_too_large' | 'event_too_large' | 'malformed',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BedrockResponseError';
  }
}
