import { BlockList, isIP } from 'node:net';
import type { ObservedResponse } from './clean-response.js';
import { routePath } from './clean-response.js';

/**
 * Addresses no webhook may reach, listed here apart from the gateway's own classification
 * (lambdas/core/alerts/address-class.ts) so that a mistake there shows: loopback, private,
 * link-local, unique-local, carrier-grade NAT, unspecified, multicast, the metadata endpoints,
 * and IPv6 forms embedding loopback or link-local IPv4 (IPv4-mapped ones BlockList matches itself).
 */
const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');
loopback.addSubnet('::7f00:0', 104, 'ipv6');
loopback.addSubnet('64:ff9b::7f00:0', 104, 'ipv6');
loopback.addSubnet('2002:7f00::', 24, 'ipv6');

const internal = new BlockList();
for (const [prefix, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  internal.addSubnet(prefix, bits, 'ipv4');
}
for (const [prefix, bits] of [
  ['::', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['::a9fe:0', 112],
  ['64:ff9b::a9fe:0', 112],
  ['2002:a9fe::', 32],
] as const) {
  internal.addSubnet(prefix, bits, 'ipv6');
}

/**
 * What is wrong with a webhook the gateway accepted (a 2xx to `POST /v1/manage/webhook`), or
 * undefined: its URL must be https (http only where loopback is allowed), carry no credentials,
 * and name no internal address (a loopback one only where allowed). Host names are judged by
 * their name alone (the fuzzer makes none but `localhost`'s spellings).
 */
export function acceptedWebhookProblem(method: string, target: string, response: ObservedResponse, allowLoopback: boolean): string | undefined {
  if (method !== 'POST' || routePath(target) !== '/v1/manage/webhook' || response.status >= 300) return undefined;
  let text: unknown;
  try {
    text = (JSON.parse(response.body) as { url?: unknown }).url;
  } catch {
    return undefined;
  }
  if (typeof text !== 'string') return `a webhook accepted without its url in the answer: ${response.body.slice(0, 300)}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `a webhook accepted with a URL that does not parse: ${JSON.stringify(text.slice(0, 300))}`;
  }
  const why =
    url.protocol !== 'https:' && !(allowLoopback && url.protocol === 'http:')
      ? `its scheme ${url.protocol}`
      : url.username || url.password
        ? 'credentials in it'
        : forbiddenHost(url.hostname.replace(/^\[(.*)\]$/, '$1'), allowLoopback);
  return why && `an SSRF: a webhook to ${JSON.stringify(text.slice(0, 300))} accepted despite ${why}`;
}

/** Why no webhook may reach `host` (an address, or a name judged by the name alone), or undefined. */
export function forbiddenHost(host: string, allowLoopback: boolean): string | undefined {
  const family = isIP(host) === 6 ? 'ipv6' : 'ipv4';
  const isLoopback = (isIP(host) !== 0 && loopback.check(host, family)) || host === 'localhost' || host.endsWith('.localhost');
  if (isIP(host) !== 0 && internal.check(host, family)) return `the internal address ${host}`;
  return isLoopback && !allowLoopback ? `the loopback host ${host}` : undefined;
}
