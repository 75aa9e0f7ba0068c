import type { CatalogEntry } from '../catalog/catalog-schema.js';
import type { ChatCompletionRequest } from '../schemas/openai-chat-request.js';
import type { BuiltinToolCalls, Usage } from '../schemas/openai-chat-response.js';

/**
 * What a chat request's prompt is made of, measured once: what its tokens can be bounded by
 * (bytes) and what must be bounded otherwise (media, whose tokens do not follow their size).
 */
export interface PromptMeasure {
  /** UTF-8 bytes of the request without its inline media: text, tools, schemas and JSON syntax. */
  textBytes: number;
  images: number;
  /** Audio and file parts: their tokens follow their duration or pages, not their bytes. */
  otherMedia: number;
}

/**
 * The most tokens one image costs on any provider the gateway serves (OpenAI's patch-based
 * models stay under 2,500, Claude under 5,000, Gemini under 1,200 at high resolution).
 */
export const maxImageTokens = 10_000;

/** Tokens providers add around a prompt: message framing, and the system prompt tool use brings (Claude's is under 600). */
const promptOverheadTokens = 1_000;

/** Providers whose models may think beyond the request's output cap (Gemini bills thoughts apart). */
const thinkingBeyondMaxTokens = new Set(['google']);

export function measurePrompt(request: ChatCompletionRequest, requestBytes: number): PromptMeasure {
  let mediaBytes = 0;
  let images = 0;
  let otherMedia = 0;
  for (const message of request.messages) {
    if (message.role !== 'user' || typeof message.content === 'string') continue;
    for (const part of message.content) {
      if (part.type === 'image_url') {
        images++;
        mediaBytes += part.image_url.url.length;
      } else if (part.type === 'input_audio') {
        otherMedia++;
        mediaBytes += part.input_audio.data.length;
      } else if (part.type === 'file') {
        otherMedia++;
        mediaBytes += part.file.file_data?.length ?? 0;
      } else if (part.type === 'input_file') {
        otherMedia++;
        mediaBytes += part.file_data.length;
      }
    }
  }
  return { textBytes: Math.max(0, requestBytes - mediaBytes), images, otherMedia };
}

/**
 * The most a chat request can be billed on `model`, whatever the provider answers. Input: no
 * tokenizer makes more tokens than bytes of text (plus what providers add around a prompt), an
 * image costs at most `maxImageTokens`, and audio or files are bounded only by the context
 * window (as is everything). Output: each of the
 * `n` choices up to the request's output cap (reasoning included, except where a provider bills
 * thinking beyond it) or, without one, the model's maximum. Priced as cache writes where those
 * cost more than plain input.
 */
export function chatUsageBound(request: ChatCompletionRequest, prompt: PromptMeasure, model: string, entry: CatalogEntry): Usage {
  return usageBound(prompt, { maxTokens: request.max_completion_tokens ?? request.max_tokens ?? undefined, choices: request.n ?? 1 }, model, entry);
}

/**
 * The same bound for any request: its prompt, its output cap (if any), how many answers it asks
 * for, and the most calls of each built-in tool billed by the call that it allows.
 */
export function usageBound(
  prompt: PromptMeasure,
  output: { maxTokens: number | undefined; choices: number; toolCalls?: BuiltinToolCalls },
  model: string,
  entry: CatalogEntry,
): Usage {
  const fromSize = prompt.textBytes + promptOverheadTokens + prompt.images * maxImageTokens;
  const input = prompt.otherMedia > 0 ? entry.context_window : Math.min(fromSize, entry.context_window);
  const requested = output.maxTokens;
  const provider = model.slice(0, model.indexOf('/'));
  const perChoice =
    requested === undefined ? entry.max_output_tokens : requested + (thinkingBeyondMaxTokens.has(provider) ? entry.max_output_tokens : 0);
  const outputTokens = perChoice * output.choices;
  return {
    prompt_tokens: input,
    completion_tokens: outputTokens,
    total_tokens: input + outputTokens,
    prompt_tokens_details: { cached_tokens: 0, cache_creation_tokens: input },
    ...(output.toolCalls && { builtin_tool_calls: output.toolCalls }),
  };
}

/** What the client received of an answer whose usage never came: text characters. */
export interface Delivered {
  outputChars: number;
}

/**
 * The usage of an answer cut short before the provider reported it (the client left, the
 * provider failed or ended the stream early): an estimate that errs low, so a request is never
 * charged more than its provider billed. Text at four characters a token, each image at 85
 * tokens (the least any provider charges), audio and files at nothing; the output the client
 * received at four characters a token.
 */
export function deliveredUsageEstimate(prompt: PromptMeasure, delivered: Delivered): Usage {
  const input = Math.floor(prompt.textBytes / 4) + prompt.images * 85;
  const output = Math.floor(delivered.outputChars / 4);
  return { prompt_tokens: input, completion_tokens: output, total_tokens: input + output };
}
