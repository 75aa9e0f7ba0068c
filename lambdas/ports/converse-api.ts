/**
 * Bedrock's Converse API, as the core sees it: request and response objects in Converse's JSON
 * shape (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html),
 * validated by the provider. adapters/bedrock implements it with the AWS SDK.
 */
export interface ConverseCall {
  region: string;
  /** ConverseRequest fields, modelId included. */
  input: Record<string, unknown>;
  signal?: AbortSignal;
  firstByteTimeoutMs: number;
}

export interface ConverseApi {
  converse(call: ConverseCall): Promise<unknown>;
  /** Resolves once Bedrock has accepted the request; yields ConverseStream events. */
  converseStream(call: ConverseCall): Promise<AsyncIterable<unknown>>;
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
