import { z } from 'zod';

export const maxModelIdChars = 256;

/**
 * The `model` of a public request: `provider/model`, `policy/<name>` or a regional Bedrock id.
 * Every real id is short printable ASCII; anything else is refused before it can reach a
 * response header (`x-switchboard-model`), a log line or a usage row's key. Whether the id
 * names a known provider and model is decided later (404 `model_not_found`).
 */
export const modelIdSchema = z
  .string()
  .min(1, 'a model id must not be empty')
  .max(maxModelIdChars, `a model id is at most ${maxModelIdChars} characters`)
  .regex(/^[\x21-\x7e]+$/, 'a model id is printable ASCII without spaces, for example "openai/gpt-4o-mini"');
