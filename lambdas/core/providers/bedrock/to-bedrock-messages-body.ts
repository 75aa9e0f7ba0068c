/** The Messages API version Bedrock's Claude models take, in the body (https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-anthropic-claude-messages-request-response.html). */
export const bedrockAnthropicVersion = 'bedrock-2023-05-31';

/**
 * A client's Messages request as InvokeModel takes it for Claude: the body as it came, without
 * `model` (the model id is in the path) and `stream` (the operation says it), with Bedrock's
 * `anthropic_version`, and the `anthropic-beta` header's values as the `anthropic_beta` array,
 * as Anthropic's own Bedrock client sends them (anthropic-sdk-typescript, packages/bedrock-sdk).
 */
export function toBedrockMessagesBody(body: Readonly<Record<string, unknown>>, headers: Readonly<Record<string, string>>): string {
  const { model: _model, stream: _stream, ...rest } = body;
  const betas = (headers['anthropic-beta'] ?? '')
    .split(',')
    .map((beta) => beta.trim())
    .filter(Boolean);
  return JSON.stringify({ ...rest, anthropic_version: bedrockAnthropicVersion, ...(betas.length > 0 ? { anthropic_beta: betas } : {}) });
}
