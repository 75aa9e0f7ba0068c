import type { HttpResponse } from '../../../ports/http-client.js';
import { chatCompletionSchema, type ChatCompletion } from '../../schemas/openai-chat-response.js';
import { readJson } from '../read-upstream-body.js';
import { unexpectedBody } from './openai-stream-chunks.js';

/** An OpenAI-compatible host's JSON answer, validated, its unknown fields kept. */
export async function readChatCompletion(provider: string, response: HttpResponse): Promise<ChatCompletion> {
  const json = await readJson(provider, response);
  const completion = chatCompletionSchema.safeParse(json);
  if (completion.success) return completion.data;
  throw unexpectedBody(provider, json);
}
