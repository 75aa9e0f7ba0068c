import { readFileSync } from 'node:fs';
import { forbiddenHost } from './accepted-webhook.js';
import { isWebhookTestRoute, type ObservedResponse } from './clean-response.js';

/** A connection the fenced gateway tried outside its own services (network-fence.ts refused it). */
export interface OutboundConnection {
  address: string;
  port: number;
}

/** The fence's log, read on: each call gives the connections written since the last. */
export function outboundLog(path: string): () => OutboundConnection[] {
  let read = 0;
  return () => {
    const text = readFileSync(path, 'utf8');
    // Only whole lines: the gateway may be writing the next one.
    const end = text.lastIndexOf('\n') + 1;
    const lines = text.slice(read, end).split('\n').filter(Boolean);
    read = Math.max(read, end);
    return lines.map((line) => JSON.parse(line) as OutboundConnection);
  };
}

/** An SSRF, whatever sent it: a connection to an address no webhook may reach. */
export function outboundProblem(connection: OutboundConnection, allowLoopback: boolean): string | undefined {
  const why = forbiddenHost(connection.address, allowLoopback);
  return why && `an SSRF: the gateway connected to ${why}, port ${connection.port} (the fuzz fence stopped it)`;
}

/**
 * What is wrong with an answer to `POST /v1/manage/webhook/<id>/test`: behind the fence no
 * delivery can arrive anywhere, so one reported delivered went past it.
 */
export function testedWebhookProblem(method: string, target: string, response: ObservedResponse): string | undefined {
  if (!isWebhookTestRoute(method, target) || response.status >= 300) return undefined;
  let status: unknown;
  try {
    status = (JSON.parse(response.body) as { status?: unknown }).status;
  } catch {
    return undefined; // problemWith judges a body that is not JSON
  }
  return status === 'failed' ? undefined : `a test delivery that reached a receiver past the fuzz fence (status ${JSON.stringify(status)}): ${response.body.slice(0, 300)}`;
}
