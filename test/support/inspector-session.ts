import { WebSocket } from 'undici';
import { z } from 'zod';

/** What `process.memoryUsage()` reports, in bytes. */
const memoryUsageSchema = z.object({ rss: z.number(), heapTotal: z.number(), heapUsed: z.number(), external: z.number(), arrayBuffers: z.number() });
export type MemoryUsage = z.infer<typeof memoryUsageSchema>;

const replySchema = z.object({
  id: z.number(),
  result: z.object({ result: z.object({ value: z.unknown() }).optional() }).optional(),
  error: z.object({ message: z.string() }).optional(),
});

/**
 * A DevTools protocol session with a Node process started with `--inspect=127.0.0.1:0`, for
 * measuring memory from outside: a full garbage collection on demand, then the process's own
 * memory figures. Nothing in the process under test has to expose a hook for it.
 */
export interface InspectorSession {
  collectGarbage: () => Promise<void>;
  memoryUsage: () => Promise<MemoryUsage>;
  close: () => void;
}

/** The inspector address Node prints when it starts with `--inspect`. */
export function inspectorUrl(output: string): string {
  const url = /Debugger listening on (ws:\/\/\S+)/.exec(output)?.[1];
  if (!url) throw new Error(`the process printed no inspector address:\n${output}`);
  return url;
}

export async function connectInspector(url: string): Promise<InspectorSession> {
  const socket = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    socket.onopen = () => resolve();
    socket.onerror = () => reject(new Error(`could not connect to the inspector at ${url}`));
  });
  type Reply = z.infer<typeof replySchema>;
  const waiting = new Map<number, { resolve: (reply: Reply) => void; reject: (error: Error) => void }>();
  socket.onmessage = (event) => {
    const message = replySchema.safeParse(JSON.parse(String(event.data)));
    // Anything without an id is an event, which no call here subscribes to.
    if (message.success) waiting.get(message.data.id)?.resolve(message.data);
  };
  socket.onclose = () => {
    for (const call of waiting.values()) call.reject(new Error('the inspected process closed its inspector'));
  };
  let lastId = 0;
  const call = async (method: string, params: Record<string, unknown> = {}) => {
    const id = ++lastId;
    try {
      const reply = await new Promise<Reply>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        socket.send(JSON.stringify({ id, method, params }));
      });
      if (reply.error) throw new Error(`${method}: ${reply.error.message}`);
      return reply.result?.result?.value;
    } finally {
      waiting.delete(id);
    }
  };
  return {
    collectGarbage: async () => void (await call('HeapProfiler.collectGarbage')),
    memoryUsage: async () => memoryUsageSchema.parse(await call('Runtime.evaluate', { expression: 'process.memoryUsage()', returnByValue: true })),
    close: () => socket.close(),
  };
}
