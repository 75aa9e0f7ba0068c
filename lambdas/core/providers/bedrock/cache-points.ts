import { maxCacheBreakpoints } from '../anthropic/cache-breakpoints.js';

type Block = Record<string, unknown>;

/** https://docs.aws.amazon.com/bedrock/latest/userguide/prompt-caching.html: a checkpoint ends the cached prefix. */
export const cachePoint: Block = { cachePoint: { type: 'default' } };

/** Models that take cache points on Bedrock (Claude, Nova); others would refuse the request. */
export function cachesOnBedrock(modelId: string): boolean {
  return /anthropic\.claude|amazon\.nova/.test(modelId);
}

/**
 * `auto_cache` for a Converse request: cache points after the tools, the system prompt and the
 * latest two user turns, where none is set already, within the limit of four a request.
 */
export function withCachePoints(input: Record<string, unknown>): Record<string, unknown> {
  const has = (blocks: unknown) => Array.isArray(blocks) && blocks.some((block: Block) => 'cachePoint' in block);
  let room = maxCacheBreakpoints - countCachePoints(input);
  const next = { ...input };
  const toolConfig = next.toolConfig as { tools?: Block[] } | undefined;
  if (room > 0 && toolConfig?.tools?.length && !has(toolConfig.tools)) {
    next.toolConfig = { ...toolConfig, tools: [...toolConfig.tools, cachePoint] };
    room--;
  }
  if (room > 0 && Array.isArray(next.system) && next.system.length > 0 && !has(next.system)) {
    next.system = [...(next.system as Block[]), cachePoint];
    room--;
  }
  const messages = [...((next.messages as Block[] | undefined) ?? [])];
  for (let i = messages.length - 1, turns = 0; i >= 0 && room > 0 && turns < 2; i--) {
    const turn = messages[i];
    if (turn?.role !== 'user') continue;
    turns++;
    if (has(turn.content)) continue;
    messages[i] = { ...turn, content: [...((turn.content as Block[] | undefined) ?? []), cachePoint] };
    room--;
  }
  next.messages = messages;
  return next;
}

function countCachePoints(input: Record<string, unknown>): number {
  const count = (blocks: unknown) => (Array.isArray(blocks) ? blocks.filter((block: Block) => 'cachePoint' in block).length : 0);
  const messages = (input.messages as Block[] | undefined) ?? [];
  return count((input.toolConfig as { tools?: unknown } | undefined)?.tools) + count(input.system) + messages.reduce((sum, turn) => sum + count(turn.content), 0);
}
