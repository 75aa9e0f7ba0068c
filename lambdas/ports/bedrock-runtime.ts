/**
 * The Bedrock runtime, as the core sees it: Converse request and response objects in Converse's
 * JSON shape (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html)
 * and InvokeModel JSON bodies, validated by the provider. adapters/bedrock implements it with
 * the AWS SDK.
 */
export interface ConverseCall {
  region: string;
  /** ConverseRequest fields, modelId included. */
  input: Record<string, unknown>;
  signal?: AbortSignal;
  firstByteTimeoutMs: number;
}

export interface InvokeModelCall {
  region: string;
  modelId: string;
  /** The model's own JSON request body. */
  body: Record<string, unknown>;
  firstByteTimeoutMs: number;
}

export interface BedrockRuntime {
  converse(call: ConverseCall): Promise<unknown>;
  /** Resolves once Bedrock has accepted the request; yields ConverseStream events. */
  converseStream(call: ConverseCall): Promise<AsyncIterable<unknown>>;
  /** The model's JSON response body (embedding models have no Converse form). */
  invokeModel(call: InvokeModelCall): Promise<unknown>;
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
