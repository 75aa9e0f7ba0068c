import { toOpenAIError } from '../openai-error-body.js';

/**
 * A failure as the Responses stream's `error` event: Responses' own `code`, `message` and
 * `param`, and OpenAI's `error` object, which is what the OpenAI SDKs raise from an event.
 */
export function responsesErrorEvent(error: unknown, sequenceNumber: number, knownSecrets: readonly string[]): string {
  const { body } = toOpenAIError(error, knownSecrets);
  const data = { type: 'error', sequence_number: sequenceNumber, code: body.error.code, message: body.error.message, param: body.error.param, error: body.error };
  return `event: error\ndata: ${JSON.stringify(data)}\n\n`;
}
