import type { ResponsesRequest } from '../../core/schemas/openai-responses-request.js';
import type { ChatCompletionChunk, Usage } from '../../core/schemas/openai-chat-response.js';
import { keepAlive, type StreamItem } from '../keep-alive.js';
import { responsesErrorEvent } from './responses-error-event.js';
import {
  finishedStatus,
  functionCallItem,
  itemId,
  messageItem,
  outputTextPart,
  reasoningItem,
  responseObject,
  wantsReasoning,
  type ResponseItem,
} from './to-responses-object.js';

/** The output item being streamed: one per run of reasoning or text, one per tool call. */
type Open =
  | { kind: 'reasoning'; id: string; text: string }
  | { kind: 'message'; id: string; text: string }
  | { kind: 'call'; id: string; toolIndex: number; callId: string; name: string; arguments: string };

/**
 * OpenAI chunks → the Responses API's typed stream events
 * (https://platform.openai.com/docs/api-reference/responses-streaming): `response.created`,
 * then each output item added, its deltas and its `.done` events in order, then
 * `response.completed` (or `response.incomplete`) with the whole response and its usage. Every
 * event carries a `sequence_number`. Keep-alives are SSE comments. A failure after the start is
 * an `error` event, which the OpenAI SDKs raise (it carries `error` as well as Responses' own
 * `code` and `message`).
 */
export async function* encodeResponsesStream(
  items: AsyncIterable<StreamItem>,
  request: ResponsesRequest,
  ids: { responseId: string; createdAt: number },
  knownSecrets: readonly string[],
): AsyncGenerator<string> {
  let sequence = 0;
  const event = (type: string, data: Record<string, unknown>) =>
    `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...data })}\n\n`;
  const output: ResponseItem[] = [];
  let open: Open | undefined;
  let usage: Usage | undefined;
  let finishReason: string | null = null;
  const snapshot = (status: 'in_progress' | 'completed' | 'incomplete') =>
    responseObject(request, ids.responseId, ids.createdAt, { status, finishReason, output: [...output], usage });

  function* close(): Generator<string> {
    if (!open) return;
    const output_index = output.length;
    const current = open;
    open = undefined;
    if (current.kind === 'reasoning') {
      const part = { type: 'summary_text', text: current.text };
      yield event('response.reasoning_summary_text.done', { item_id: current.id, output_index, summary_index: 0, text: current.text });
      yield event('response.reasoning_summary_part.done', { item_id: current.id, output_index, summary_index: 0, part });
      const item = reasoningItem(current.id, current.text);
      output.push(item);
      yield event('response.output_item.done', { output_index, item });
    } else if (current.kind === 'message') {
      yield event('response.output_text.done', { item_id: current.id, output_index, content_index: 0, text: current.text, logprobs: [] });
      yield event('response.content_part.done', { item_id: current.id, output_index, content_index: 0, part: outputTextPart(current.text) });
      const item = messageItem(current.id, current.text, 'completed');
      output.push(item);
      yield event('response.output_item.done', { output_index, item });
    } else {
      const call = { id: current.callId, name: current.name, arguments: current.arguments };
      yield event('response.function_call_arguments.done', { item_id: current.id, output_index, name: current.name, arguments: current.arguments });
      const item = functionCallItem(current.id, call, 'completed');
      output.push(item);
      yield event('response.output_item.done', { output_index, item });
    }
  }

  function* openItem(next: Open): Generator<string> {
    yield* close();
    open = next;
    const output_index = output.length;
    if (next.kind === 'reasoning') {
      yield event('response.output_item.added', { output_index, item: reasoningItem(next.id, '') });
      yield event('response.reasoning_summary_part.added', { item_id: next.id, output_index, summary_index: 0, part: { type: 'summary_text', text: '' } });
    } else if (next.kind === 'message') {
      yield event('response.output_item.added', { output_index, item: messageItem(next.id, '', 'in_progress') });
      yield event('response.content_part.added', { item_id: next.id, output_index, content_index: 0, part: outputTextPart('') });
    } else {
      const call = { id: next.callId, name: next.name, arguments: '' };
      yield event('response.output_item.added', { output_index, item: functionCallItem(next.id, call, 'in_progress') });
    }
  }

  yield event('response.created', { response: snapshot('in_progress') });
  yield event('response.in_progress', { response: snapshot('in_progress') });
  const reasoningWanted = wantsReasoning(request);
  try {
    for await (const item of items) {
      if (item === keepAlive) {
        yield ': keep-alive\n\n';
        continue;
      }
      const chunk: ChatCompletionChunk = item;
      if (chunk.usage) usage = chunk.usage;
      const choice = chunk.choices[0];
      if (!choice) continue;
      const delta = choice.delta as typeof choice.delta & { reasoning_content?: string };
      if (delta.reasoning_content && reasoningWanted) {
        if (open?.kind !== 'reasoning') yield* openItem({ kind: 'reasoning', id: itemId('rs'), text: '' });
        if (open?.kind === 'reasoning') open.text += delta.reasoning_content;
        yield event('response.reasoning_summary_text.delta', { item_id: open?.id, output_index: output.length, summary_index: 0, delta: delta.reasoning_content });
      }
      if (delta.content) {
        if (open?.kind !== 'message') yield* openItem({ kind: 'message', id: itemId('msg'), text: '' });
        if (open?.kind === 'message') open.text += delta.content;
        yield event('response.output_text.delta', { item_id: open?.id, output_index: output.length, content_index: 0, delta: delta.content, logprobs: [] });
      }
      for (const call of delta.tool_calls ?? []) {
        if (call.id || open?.kind !== 'call' || open.toolIndex !== call.index) {
          const callId = call.id ?? `call_${call.index}`;
          yield* openItem({ kind: 'call', id: itemId('fc'), toolIndex: call.index, callId, name: call.function?.name ?? '', arguments: '' });
        }
        const args = call.function?.arguments;
        if (args && open?.kind === 'call') {
          open.arguments += args;
          yield event('response.function_call_arguments.delta', { item_id: open.id, output_index: output.length, delta: args });
        }
      }
      if (choice.finish_reason) finishReason = choice.finish_reason;
    }
  } catch (error) {
    yield responsesErrorEvent(error, sequence++, knownSecrets);
    return;
  }
  yield* close();
  const status = finishedStatus(finishReason);
  yield event(status === 'completed' ? 'response.completed' : 'response.incomplete', { response: snapshot(status) });
}
