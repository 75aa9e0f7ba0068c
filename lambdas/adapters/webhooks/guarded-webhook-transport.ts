import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { checkResolved, checkWebhookUrl, type WebhookUrlPolicy } from '../../core/alerts/webhook-url.js';
import { WebhookTransportError, type WebhookTransport } from '../../ports/webhook-transport.js';

/** Every address a host name resolves to. */
export type ResolveHost = (host: string) => Promise<string[]>;

export const systemResolveHost: ResolveHost = async (host) => (await dnsLookup(host, { all: true, verbatim: true })).map((entry) => entry.address);

/**
 * Resolves a webhook's host and refuses it unless every address is deliverable (what
 * `POST /v1/manage/webhook` checks when saving); rejects with the reason.
 */
export async function checkWebhookHost(url: string, policy: WebhookUrlPolicy, resolve: ResolveHost = systemResolveHost): Promise<void> {
  const checked = checkWebhookUrl(url, policy);
  if (!checked.ok) throw new WebhookTransportError('refused-address', `The URL ${checked.reason}.`);
  if (checked.literal) return;
  const addresses = await resolve(checked.host).catch((error: unknown) => {
    throw new WebhookTransportError('connection', `Host ${checked.host} could not be resolved (${codeOf(error)}).`, { cause: error });
  });
  const refused = checkResolved(checked.host, addresses, policy);
  if (refused) throw new WebhookTransportError('refused-address', `The URL's ${refused}.`);
}

/**
 * POSTs webhooks over node:http(s), guarded against SSRF at connect time: the host is resolved
 * again for every connection (DNS may have changed since the webhook was saved), every address
 * it resolves to is checked, and the connection goes to a checked address (the `lookup` hook
 * hands the socket that address, so a second resolution cannot swap it). Redirects are not
 * followed, and no connection is reused.
 */
export function guardedWebhookTransport(policy: WebhookUrlPolicy, resolve: ResolveHost = systemResolveHost): WebhookTransport {
  return async (post) => {
    const checked = checkWebhookUrl(post.url, policy);
    if (!checked.ok) throw new WebhookTransportError('refused-address', `The URL ${checked.reason}.`);
    const lookup: LookupFunction = (hostname, options, callback) => {
      resolve(hostname).then(
        (addresses) => {
          const refused = checkResolved(hostname, addresses, policy);
          const [address = ''] = addresses;
          if (refused) return callback(new WebhookTransportError('refused-address', `The URL's ${refused}.`), '', 4);
          const family = isIP(address);
          // Node asks for every address when it may try both families; it gets the one checked address.
          if (options.all) return (callback as unknown as (error: null, addresses: { address: string; family: number }[]) => void)(null, [{ address, family }]);
          callback(null, address, family);
        },
        (error: unknown) => callback(error as NodeJS.ErrnoException, '', 4),
      );
    };
    const options: RequestOptions = {
      method: 'POST',
      headers: { ...post.headers, 'content-length': String(Buffer.byteLength(post.body)) },
      lookup,
      agent: false,
      signal: AbortSignal.timeout(post.timeoutMs),
    };
    const request = (checked.url.protocol === 'https:' ? httpsRequest : httpRequest)(checked.url, options);
    return answerOf(request, post.body, post.timeoutMs);
  };
}

function answerOf(request: ClientRequest, body: string, timeoutMs: number): Promise<{ status: number }> {
  return new Promise((resolve, reject) => {
    request.once('response', (response: IncomingMessage) => {
      // The answer's body is not needed: read and dropped (the timeout still bounds it).
      response.on('error', () => undefined).resume();
      resolve({ status: response.statusCode ?? 0 });
    });
    request.once('error', (error: Error) => {
      if (error instanceof WebhookTransportError) return reject(error);
      if (error.name === 'AbortError' || error.name === 'TimeoutError') {
        return reject(new WebhookTransportError('timeout', `No answer within ${timeoutMs} ms.`, { cause: error }));
      }
      reject(new WebhookTransportError('connection', `The receiver could not be reached (${codeOf(error)}).`, { cause: error }));
    });
    request.end(body);
  });
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : error instanceof Error ? error.message.slice(0, 100) : String(error);
}
