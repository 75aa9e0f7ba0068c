import type { ProviderError } from '../../core/errors.js';
import { malformedResponse } from '../../core/providers/upstream-error.js';
import type { SseEvent } from '../../core/sse/parse-sse.js';

type Block = Record<string, unknown> & { type: string };

/**
 * Folds Anthropic's stream events into the Message a non-streamed request gets, as Anthropic's
 * SDKs do (https://docs.anthropic.com/en/docs/build-with-claude/streaming): text, thinking and
 * signature deltas appended, tool and server-tool inputs parsed from their JSON deltas,
 * citations collected, blocks that come whole (search results) kept whole, and the
 * message_delta's stop reason and usage merged in.
 */
export class AnthropicMessageAssembler {
  private message: Record<string, unknown> & { content: Block[]; usage: Record<string, unknown> } = { content: [], usage: {} };
  private readonly partialJson = new Map<number, string>();

  constructor(private readonly provider: string) {}

  add(event: SseEvent): void {
    if (!event.data) return;
    let data: Record<string, unknown> & { type?: string };
    try {
      data = JSON.parse(event.data) as typeof data;
    } catch {
      throw malformedResponse(this.provider);
    }
    const index = typeof data.index === 'number' ? data.index : -1;
    switch (data.type) {
      case 'message_start': {
        const started = data.message as typeof this.message;
        this.message = { ...started, content: [...(started.content ?? [])], usage: { ...started.usage } };
        break;
      }
      case 'content_block_start':
        this.message.content[index] = { ...(data.content_block as Block) };
        break;
      case 'content_block_delta':
        this.applyDelta(index, data.delta as Record<string, unknown> & { type: string });
        break;
      case 'content_block_stop': {
        const json = this.partialJson.get(index);
        const block = this.message.content[index];
        if (json !== undefined && block) {
          try {
            block.input = json === '' ? {} : JSON.parse(json);
          } catch {
            throw malformedResponse(this.provider);
          }
        }
        break;
      }
      case 'message_delta': {
        const delta = (data.delta ?? {}) as Record<string, unknown>;
        Object.assign(this.message, delta);
        for (const [field, value] of Object.entries((data.usage ?? {}) as Record<string, unknown>)) if (value !== null) this.message.usage[field] = value;
        break;
      }
      default:
        break;
    }
  }

  private applyDelta(index: number, delta: Record<string, unknown> & { type: string }): void {
    const block = this.message.content[index];
    if (!block) throw malformedResponse(this.provider);
    const append = (field: string, value: unknown) => {
      block[field] = `${typeof block[field] === 'string' ? block[field] : ''}${typeof value === 'string' ? value : ''}`;
    };
    switch (delta.type) {
      case 'text_delta':
        append('text', delta.text);
        break;
      case 'thinking_delta':
        append('thinking', delta.thinking);
        break;
      case 'signature_delta':
        append('signature', delta.signature);
        break;
      case 'input_json_delta':
        this.partialJson.set(index, `${this.partialJson.get(index) ?? ''}${typeof delta.partial_json === 'string' ? delta.partial_json : ''}`);
        break;
      case 'citations_delta':
        block.citations = [...(Array.isArray(block.citations) ? block.citations : []), delta.citation];
        break;
      default:
        break;
    }
  }

  /** The whole message; `failure` when the stream said it failed instead. */
  result(failure: ProviderError | undefined): Record<string, unknown> {
    if (failure) throw failure;
    return this.message;
  }
}
