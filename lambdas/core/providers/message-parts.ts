import { GatewayError } from '../errors.js';
import type { ChatMessage, InstructionMessage } from '../schemas/openai-chat-request.js';

/** Shared by the translators to non-OpenAI formats: reading OpenAI message parts. */

/** The text of string content or of an array of parts (parts without text count as empty). */
export function textOf(content: string | ReadonlyArray<{ type: string; text?: string }>): string {
  return typeof content === 'string' ? content : content.map((part) => part.text ?? '').join('');
}

/** `data:<type>;base64,<data>` → its parts; undefined for any other URL. */
export function parseDataUrl(url: string): { mediaType: string; data: string } | undefined {
  const match = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  return match?.[1] !== undefined && match[2] !== undefined ? { mediaType: match[1], data: match[2] } : undefined;
}

/** A tool call's arguments, which providers other than OpenAI want as an object. */
export function parseToolArguments(json: string): unknown {
  try {
    return JSON.parse(json || '{}');
  } catch {
    throw unsupportedParameter('messages', 'A tool call’s arguments are not valid JSON.');
  }
}

/** A request the provider cannot serve: refused before any upstream call. */
export function unsupportedParameter(param: string, message: string): GatewayError {
  return new GatewayError(400, 'unsupported_parameter', message, { param, type: 'invalid_request_error' });
}

export function isInstruction(message: ChatMessage): message is InstructionMessage {
  return message.role === 'system' || message.role === 'developer';
}

/**
 * For APIs that want user and assistant turns to alternate: a turn of the same role as the last
 * one is merged into it (its `blocks` appended).
 */
export function appendTurn<Turn extends { role: string }>(turns: Turn[], turn: Turn, blocks: (turn: Turn) => unknown[]): void {
  const last = turns.at(-1);
  if (last && last.role === turn.role) blocks(last).push(...blocks(turn));
  else turns.push(turn);
}
