import type { ChatCompletion, ChatCompletionChunk } from '../schemas/openai-chat-response.js';

type Choice = ChatCompletion['choices'][number];
type ToolCall = NonNullable<Choice['message']['tool_calls']>[number];
type ToolCallDelta = NonNullable<ChatCompletionChunk['choices'][number]['delta']['tool_calls']>[number];

/** Delta fields that name something rather than carry text: sent whole, never concatenated. */
const wholeFields = new Set(['id', 'type', 'role', 'name', 'expires_at', 'format']);

/**
 * A chat completion built from the chunks of its stream: the gateway asks providers for streams
 * even when the client wants one JSON answer, so a hung provider is noticed in seconds, not when
 * the whole answer would have been due. Text fields of a delta are concatenated, lists (logprobs,
 * annotations) appended, tool calls assembled by index, and fields the gateway does not know
 * merged the same way, so they reach the client as the provider sent them.
 */
export class CompletionAssembler {
  private readonly choices = new Map<number, { message: Record<string, unknown>; toolCalls: ToolCall[]; finish: string | null; extra: Record<string, unknown> }>();
  private head: { id: string; created: number; model: string; extra: Record<string, unknown> } | undefined;
  private usage: ChatCompletion['usage'];

  add(chunk: ChatCompletionChunk): void {
    const { choices, object: _object, usage, id, created, model, ...extra } = chunk;
    this.head = this.head
      ? { id: this.head.id || id, created: this.head.created || created, model: this.head.model || model, extra: { ...extra, ...this.head.extra } }
      : { id, created, model, extra };
    if (usage) this.usage = usage;
    for (const { index, delta, finish_reason: finish, ...extra } of choices) {
      const choice = this.choices.get(index) ?? { message: {}, toolCalls: [], finish: null, extra: {} };
      const { tool_calls: toolCalls, role: _role, ...fields } = delta;
      merge(choice.message, fields);
      for (const call of toolCalls ?? []) addToolCall(choice.toolCalls, call);
      merge(choice.extra, extra);
      if (finish) choice.finish = finish;
      this.choices.set(index, choice);
    }
  }

  completion(): ChatCompletion {
    const { id, created, model, extra } = this.head ?? { id: '', created: 0, model: '', extra: {} };
    return {
      ...extra,
      id,
      object: 'chat.completion',
      created,
      model,
      choices: [...this.choices.entries()]
        .sort(([a], [b]) => a - b)
        .map(([index, { message, toolCalls, finish, extra }]) => ({
          ...extra,
          index,
          message: {
            ...message,
            role: 'assistant',
            content: typeof message.content === 'string' && (message.content !== '' || toolCalls.length === 0) ? message.content : toolCalls.length > 0 ? null : '',
            ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
          },
          finish_reason: finish,
        })),
      ...(this.usage ? { usage: this.usage } : {}),
    };
  }
}

function addToolCall(calls: ToolCall[], delta: ToolCallDelta): void {
  const existing = calls[delta.index];
  if (!existing) {
    calls[delta.index] = {
      id: delta.id ?? '',
      type: 'function',
      function: { name: delta.function?.name ?? '', arguments: delta.function?.arguments ?? '' },
    };
    return;
  }
  if (delta.id) existing.id = delta.id;
  if (delta.function?.name) existing.function.name += delta.function.name;
  if (delta.function?.arguments) existing.function.arguments += delta.function.arguments;
}

/** Merges a delta into what came before it: text appended, lists extended, objects merged. */
function merge(into: Record<string, unknown>, delta: Record<string, unknown>): void {
  for (const [field, value] of Object.entries(delta)) {
    const before = into[field];
    if (value === null || value === undefined) {
      if (!(field in into)) into[field] = value;
    } else if (typeof value === 'string' && typeof before === 'string' && !wholeFields.has(field)) {
      into[field] = before + value;
    } else if (Array.isArray(value) && Array.isArray(before)) {
      into[field] = [...before, ...value];
    } else if (isRecord(value) && isRecord(before)) {
      merge(before, value);
    } else {
      into[field] = isRecord(value) ? { ...value } : value;
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
