type Block = Record<string, unknown>;

/** https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching: at most four breakpoints a request. */
export const maxCacheBreakpoints = 4;
const ephemeral = { type: 'ephemeral' };
/** Blocks Anthropic refuses a cache_control on. */
const uncacheable: ReadonlySet<unknown> = new Set(['thinking', 'redacted_thinking']);

/**
 * Requesty's `auto_cache` for an Anthropic Messages body (https://docs.requesty.ai/features/auto-caching):
 * breakpoints on the tools, the system prompt and the latest two user turns, in that order,
 * where none is set already, up to Anthropic's four (counting the client's own). The prefix up
 * to each breakpoint is then read from the cache on the next turn. Edits `body` in place, copying
 * what it changes (the client's request is shared between attempts).
 */
export function withCacheBreakpoints(body: Record<string, unknown>): void {
  let room = maxCacheBreakpoints - countBreakpoints(body);
  const tools = Array.isArray(body.tools) ? (body.tools as Block[]) : [];
  const lastTool = tools.at(-1);
  if (room > 0 && lastTool && !lastTool.cache_control) {
    body.tools = [...tools.slice(0, -1), { ...lastTool, cache_control: ephemeral }];
    room--;
  }
  const system = typeof body.system === 'string' ? [{ type: 'text', text: body.system }] : Array.isArray(body.system) ? (body.system as Block[]) : [];
  if (room > 0 && system.length > 0 && !system.some((block) => block.cache_control) && markLast(system)) {
    body.system = markLast(system);
    room--;
  }
  if (!Array.isArray(body.messages)) return;
  const messages = [...(body.messages as Block[])];
  for (let i = messages.length - 1, turns = 0; i >= 0 && room > 0 && turns < 2; i--) {
    const turn = messages[i];
    if (turn?.role !== 'user') continue;
    turns++;
    const content = typeof turn.content === 'string' ? [{ type: 'text', text: turn.content }] : Array.isArray(turn.content) ? (turn.content as Block[]) : [];
    if (content.some((block) => block.cache_control)) continue;
    const marked = markLast(content);
    if (!marked) continue;
    messages[i] = { ...turn, content: marked };
    room--;
  }
  body.messages = messages;
}

/** The blocks with a breakpoint on the last that can take one; undefined when none can. */
function markLast(blocks: Block[]): Block[] | undefined {
  for (let i = blocks.length - 1; i >= 0; i--) {
    const block = blocks[i];
    if (!block || uncacheable.has(block.type) || (block.type === 'text' && !block.text)) continue;
    return [...blocks.slice(0, i), { ...block, cache_control: ephemeral }, ...blocks.slice(i + 1)];
  }
  return undefined;
}

function countBreakpoints(body: Record<string, unknown>): number {
  let count = 0;
  const visit = (value: unknown) => {
    if (Array.isArray(value)) for (const item of value) visit(item);
    else if (value && typeof value === 'object') {
      if ((value as Block).cache_control) count++;
      visit((value as Block).content);
    }
  };
  visit(body.tools);
  visit(body.system);
  visit(body.messages);
  return count;
}
