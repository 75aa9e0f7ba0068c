import { classifyAddress, deliverableAddress } from './address-class.js';

/** Where webhooks may go: `allowLoopback` is the local setting (off in the stacks). */
export interface WebhookUrlPolicy {
  allowLoopback: boolean;
}

export type CheckedUrl = { ok: true; url: URL; host: string; literal: boolean } | { ok: false; reason: string };

/**
 * The checks a webhook URL gets before any name is resolved: https (plain http only where
 * loopback is allowed, for a receiver on this machine), no credentials in it, and, when the
 * host is an IP address, a deliverable one. A host name is checked again once resolved (see
 * checkResolved), when the webhook is saved and at every connection.
 */
export function checkWebhookUrl(text: string, policy: WebhookUrlPolicy): CheckedUrl {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, reason: 'is not a valid absolute URL' };
  }
  const schemes = policy.allowLoopback ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(url.protocol)) return { ok: false, reason: `must use ${policy.allowLoopback ? 'https or http' : 'https'}` };
  if (url.username || url.password) return { ok: false, reason: 'must not carry a user name or password' };
  // URL parsing normalises IPv4 spellings (0x7f.1, 2130706433) to dotted quads and keeps IPv6 in brackets.
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (host === '') return { ok: false, reason: 'has no host' };
  const kind = classifyAddress(host);
  if (kind === undefined) return { ok: true, url, host, literal: false };
  return deliverableAddress(kind, policy) ? { ok: true, url, host, literal: true } : { ok: false, reason: refusal(host, kind) };
}

/** Undefined when every address a host resolved to is deliverable; otherwise why not. */
export function checkResolved(host: string, addresses: readonly string[], policy: WebhookUrlPolicy): string | undefined {
  if (addresses.length === 0) return `host ${host} did not resolve to any address`;
  for (const address of addresses) {
    const kind = classifyAddress(address);
    if (!deliverableAddress(kind, policy)) return `host ${host} resolves to ${refusal(address, kind ?? 'reserved')}`;
  }
  return undefined;
}

function refusal(address: string, kind: string): string {
  return `${address}, a ${kind} address; webhooks go to public addresses only`;
}
