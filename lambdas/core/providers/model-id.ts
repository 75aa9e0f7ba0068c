import { GatewayError } from '../errors.js';

export interface ModelRef {
  provider: string;
  model: string;
}

/** `openai/gpt-4o-mini` → openai + gpt-4o-mini; the model part may itself contain slashes. */
export function parseModelId(id: string): ModelRef {
  const slash = id.indexOf('/');
  if (slash <= 0 || slash === id.length - 1) {
    throw new GatewayError(
      404,
      'model_not_found',
      `Model "${id}" is not of the form "provider/model" (for example "openai/gpt-4o-mini" or "mock/echo").`,
      { param: 'model', type: 'invalid_request_error' },
    );
  }
  return { provider: id.slice(0, slash), model: id.slice(slash + 1) };
}
