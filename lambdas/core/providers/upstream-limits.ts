/**
 * How much of a provider's answer the gateway holds at once, whatever the provider sends: these
 * bound the memory one request can take (see the README's Errors section). Past them the answer
 * is a retryable 502, never an out-of-memory crash.
 */

/**
 * A JSON answer (embeddings; chat too with SWITCHBOARD_UPSTREAM_JSON), read whole before it is parsed: room for
 * the largest embedding batch the OpenAI SDKs send by default (2,048 inputs of 3,072 dimensions in base64, about 34 MB).
 */
export const maxResponseBytes = 64 * 1024 * 1024;

/**
 * One stream event (an SSE event, or a Bedrock event-stream frame), in characters or bytes: room
 * for an inline image in a Gemini stream (a 2K PNG in base64), far beyond any text delta.
 */
export const maxEventSize = 8 * 1024 * 1024;

/** An error answer is read only for its message. */
export const maxErrorBodyBytes = 64 * 1024;
