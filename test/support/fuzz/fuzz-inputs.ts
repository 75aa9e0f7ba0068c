import fc from 'fast-check';
import { formBody } from './fuzz-multipart.js';
import { fixture, fuzzRoutes, type FuzzRoute } from './fuzz-routes.js';
import { byteMutation, deepJson, hostileString, hostileValue, mutateBytes, mutation, mutate, writeJson, type FuzzValue } from './fuzz-values.js';

/** Filled in when a request is sent, like the fixtures' ids. */
export const secretSlot = { apiKey: '@@API_KEY@@', adminKey: '@@ADMIN_KEY@@' } as const;

/** A request a client library can send, however odd. */
export interface HttpFuzzInput {
  kind: 'http';
  method: string;
  /** The request target as sent: not normalised, possibly not even valid. */
  path: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
  /** How the body was made, for the summary. */
  shape: string;
  /** What was broken in a valid body, in words, when the words say more than its bytes. */
  changes?: string[];
  /** The body read back as JSON, when it is JSON. */
  value: unknown;
}

/** Bytes only a raw socket sends: what HTTP parsers must refuse. */
export interface RawFuzzInput {
  kind: 'raw';
  bytes: Buffer;
  /** Half-close after writing: the input ends mid-request, so the server must learn nothing more is coming. */
  endAfterWrite: boolean;
  shape: string;
}

export type FuzzInput = HttpFuzzInput | RawFuzzInput;

export function fuzzInput(): fc.Arbitrary<FuzzInput> {
  return fc.oneof({ weight: 24, arbitrary: httpInput }, { weight: 1, arbitrary: rawInput });
}

const lambdaLimitBytes = 6 * 1024 * 1024;
const gatewayLimitBytes = 5 * 1024 * 1024;

/** A chat request of about `bytes` bytes, most of it one message. */
const hugeBody = fc.constantFrom(1_000_000, gatewayLimitBytes - 100, gatewayLimitBytes + 1, lambdaLimitBytes + 1).map((bytes) => {
  const frame = JSON.stringify({ model: 'mock/echo', messages: [{ role: 'user', content: '' }] });
  return Buffer.from(frame.replace('""', `"${'x'.repeat(Math.max(0, bytes - frame.length))}"`));
});

interface Body {
  shape: string;
  bytes: Buffer | undefined;
  /** The content type this body goes with (`null`: none); unset, the input gets any. */
  contentType?: string | null;
  changes?: string[];
}

const json = (shape: string) => (value: FuzzValue): Body => ({ shape, bytes: Buffer.from(writeJson(value)) });

function bodyFor(route: FuzzRoute): fc.Arbitrary<Body> {
  const unrelated: Array<fc.WeightedArbitrary<Body>> = [
    { weight: 2, arbitrary: hostileValue.map(json('random-json')) },
    { weight: 1, arbitrary: deepJson.map(json('deep-json')) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ shape: 'bytes', bytes: Buffer.from(bytes) })) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('', ' ', 'null', '{}', '[]', '\uFEFF{}', '{"model":').map((text) => ({ shape: 'tiny', bytes: Buffer.from(text) })),
    },
  ];
  if (route.form) {
    const breakBytes = (bytes: Buffer) => fc.array(byteMutation, { minLength: 1, maxLength: 2 }).map((changes) => mutateBytes(bytes, changes));
    return fc.oneof({ weight: 46, arbitrary: formBody(route.form, breakBytes) }, ...unrelated);
  }
  if (!route.body) {
    return fc.oneof({ weight: 20, arbitrary: fc.constant<Body>({ shape: 'none', bytes: undefined }) }, ...unrelated);
  }
  const valid = route.body;
  const structured = fc.oneof(
    { weight: 6, arbitrary: valid.map(json('valid')) },
    { weight: 14, arbitrary: fc.tuple(valid, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([value, changes]) => json('mutated')(mutate(value, changes))) },
  );
  const broken = fc.tuple(structured, fc.array(byteMutation, { minLength: 1, maxLength: 2 })).map(([body, changes]) => ({
    shape: `${body.shape}+bytes`,
    bytes: mutateBytes(body.bytes ?? Buffer.alloc(0), changes),
  }));
  return fc.oneof(
    { weight: 40, arbitrary: structured },
    { weight: 6, arbitrary: broken },
    ...unrelated,
    // About one body in a thousand is huge: each costs megabytes on the wire.
    { weight: 1, arbitrary: fc.nat(19).chain((n) => (n === 0 ? hugeBody.map((bytes) => ({ shape: 'huge', bytes })) : valid.map(json('valid')))) },
  );
}

/** Percent-encodes the UTF-8 of any string, lone surrogates included (encodeURIComponent throws on those). */
function percentEncoded(text: string): string {
  return [...Buffer.from(text)].map((byte) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}

const fixturesFor: Record<string, readonly string[]> = {
  key: [fixture.key],
  group: [fixture.group],
  member: [fixture.member],
  policy: [fixture.policy],
  webhook: [fixture.webhook, fixture.rebindingWebhook],
  model: ['mock%2Fecho'],
};

function paramValue(name: string): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...(fixturesFor[name] ?? ['x'])) },
    { weight: 2, arbitrary: hostileString.filter((text) => text.length < 4_000).map(percentEncoded) },
    { weight: 1, arbitrary: fc.constantFrom('%', '%zz', '%E0%A4%A', '%C3%28', '%2F', '%00', '..', '.', 'mock/echo', 'key_0123456789abcdef0123456789abcdef') },
    { weight: 1, arbitrary: fc.constantFrom(300, 3_000).map((length) => 'a'.repeat(length)) },
  );
}

const pathVariant = fc.oneof(
  { weight: 30, arbitrary: fc.constant((path: string) => path) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      (path: string) => `${path}/`,
      (path: string) => `${path}//`,
      (path: string) => path.replace('/v1/', '/v1//'),
      (path: string) => `/${path}`,
      (path: string) => path.toUpperCase(),
      (path: string) => path.replace('/v1/', '/v1/x/../'),
      (path: string) => path.replace('/v1/', '/v1/./'),
      (path: string) => path.replace('/v1/', '/v1/%2e%2e/v1/'),
      (path: string) => path.replace(/[a-z]/, (char) => `%${char.charCodeAt(0).toString(16)}`),
      (path: string) => path.replace('/v1/', '/v2/'),
      (path: string) => `${path};x=1`,
      (path: string) => `${path}#fragment`,
      (path: string) => `${path}/\u00e9`,
      (path: string) => `${path}/${'a'.repeat(10_000)}`,
      (path: string) => `${path}/${'a'.repeat(20_000)}`,
      () => '/',
      () => '/v1',
      () => '/v1/manage',
      () => '/v1/manage/',
      () => '/../../etc/passwd',
      () => '/v1/%2e%2e/%2e%2e/etc/passwd',
    ),
  },
);

const randomQuery = fc.oneof(
  { weight: 8, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: hostileString.filter((text) => text.length < 2_000).map((text) => `?q=${percentEncoded(text)}`) },
  { weight: 1, arbitrary: fc.constantFrom('?', '?&&=&', '?%zz=%E0', '?a=1&a=2', '?limit=5') },
);

function pathFor(route: FuzzRoute): fc.Arbitrary<string> {
  const names = [...route.path.matchAll(/:(\w+)/g)].map((match) => match[1] ?? '');
  return fc.tuple(fc.tuple(...names.map(paramValue)), pathVariant, route.query ?? randomQuery).map(([values, variant, query]) => {
    let index = 0;
    const path = route.path.replace(/:(\w+)/g, () => values[index++] ?? '');
    return `${variant(path)}${query}`;
  });
}

const methodFor = (route: FuzzRoute) =>
  fc.oneof({ weight: 12, arbitrary: fc.constant(route.method) }, { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'PROPFIND', 'TRACE') });

/** What an undici client lets through in a header value: no control characters but tab, Latin-1 at most. */
const headerText = fc.string({
  unit: fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0xa0, max: 0xff }), fc.constant(0x09)).map((code) => String.fromCharCode(code)),
  maxLength: 60,
});

function authFor(route: FuzzRoute): fc.Arbitrary<Record<string, string>> {
  const right = route.auth === 'management' ? secretSlot.adminKey : secretSlot.apiKey;
  const other = route.auth === 'management' ? secretSlot.apiKey : secretSlot.adminKey;
  return fc.oneof(
    { weight: 24, arbitrary: fc.constant<Record<string, string>>({ authorization: `Bearer ${right}` }) },
    { weight: 2, arbitrary: fc.constant<Record<string, string>>({ 'x-api-key': right }) },
    { weight: 1, arbitrary: fc.constant<Record<string, string>>({ authorization: `Bearer ${other}` }) },
    { weight: 1, arbitrary: fc.constant<Record<string, string>>({}) },
    { weight: 1, arbitrary: fc.constant({ authorization: 'Bearer sb-fuzz-not-a-key-000000000000000000' }) },
    { weight: 1, arbitrary: headerText.map((value) => ({ authorization: value })) },
    { weight: 1, arbitrary: headerText.map((value) => ({ authorization: `Bearer ${value}`, 'x-api-key': right })) },
    {
      weight: 1,
      arbitrary: fc.constantFrom<Record<string, string>>(
        { authorization: 'Bearer' },
        { authorization: 'bearer ' + right },
        { authorization: 'Basic dXNlcjpwYXNz' },
        { authorization: `Bearer ${right} extra` },
        { authorization: `Bearer ${'k'.repeat(8_000)}` },
        { 'x-api-key': '' },
      ),
    },
  );
}

const contentType = fc.oneof(
  { weight: 12, arbitrary: fc.constant({ 'content-type': 'application/json' }) },
  { weight: 1, arbitrary: fc.constant({}) },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom('text/plain', 'application/octet-stream', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', 'application/x-www-form-urlencoded', 'image/png', ';;;', 'application/json, text/xml')
      .map((value) => ({ 'content-type': value })),
  },
);

const extraHeaderName = fc.oneof(
  fc.constantFrom('accept', 'accept-encoding', 'user-agent', 'x-request-id', 'anthropic-version', 'anthropic-beta', 'openai-organization', 'cookie', 'origin', 'x-origin-verify', 'content-encoding', 'x-forwarded-for', 'host'),
  fc.stringMatching(/^x-[a-z0-9-]{1,20}$/),
);
const extraHeaders = fc
  .dictionary(extraHeaderName, fc.oneof({ weight: 9, arbitrary: headerText }, { weight: 1, arbitrary: fc.constant('v'.repeat(8_000)) }), { maxKeys: 3 })
  // undici (the fuzzer's client) fails an internal assertion on a Host value that opens an IPv6 bracket.
  .map((headers) => (headers.host?.startsWith('[') ? { ...headers, host: `x${headers.host}` } : headers));

const httpInput: fc.Arbitrary<HttpFuzzInput> = fc
  .constantFrom(...fuzzRoutes.flatMap(({ weight, route }) => Array<FuzzRoute>(weight).fill(route)))
  .chain((route) =>
    fc.record({ method: methodFor(route), path: pathFor(route), auth: authFor(route), contentType, extra: extraHeaders, body: bodyFor(route) }),
  )
  .map(({ method, path, auth, contentType: type, extra, body }) => ({
    kind: 'http' as const,
    method,
    path,
    // Authentication and content type last, so that a random extra header never hides them.
    headers: { ...extra, ...(body.contentType === undefined ? type : body.contentType === null ? {} : { 'content-type': body.contentType }), ...auth },
    body: method === 'HEAD' ? undefined : body.bytes,
    shape: body.shape,
    ...(body.changes ? { changes: body.changes } : {}),
    value: body.bytes && readJson(body.bytes),
  }));

/** As the gateway reads a body: UTF-8 (invalid bytes replaced), then JSON. */
function readJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}

const wellFormed = (method: string, path: string, headers: string[], body = '') =>
  [`${method} ${path} HTTP/1.1`, 'Host: fuzz', `Authorization: Bearer ${secretSlot.apiKey}`, ...headers, 'Connection: close', '', body].join('\r\n');

const rawInput: fc.Arbitrary<RawFuzzInput> = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 200 }).map((bytes) => ({ kind: 'raw' as const, bytes: Buffer.from(bytes), endAfterWrite: true, shape: 'raw-garbage' })),
  fc
    .constantFrom(
      'GARBAGE',
      'GET /v1/models HTTP/9.9',
      'get /v1/models HTTP/1.1',
      'FOO /v1/models HTTP/1.1',
      'GET http://[ HTTP/1.1',
      'GET //v1/models HTTP/1.1',
      'GET * HTTP/1.1',
      'GET http://elsewhere/v1/models HTTP/1.1',
      'PRI * HTTP/2.0',
      'GET /v1/mo\x7fdels HTTP/1.1',
      'GET /v1/caf\xe9 HTTP/1.1',
      'GET /v1/models HTTP/1.0',
    )
    .map((line) => ({ kind: 'raw' as const, bytes: Buffer.from(`${line}\r\nHost: fuzz\r\nConnection: close\r\n\r\n`, 'latin1'), endAfterWrite: false, shape: 'raw-request-line' })),
  fc
    .constantFrom<string[]>(
      ['Bad Header: y'],
      ['X: \x01'],
      [': novalue'],
      [`X-Long: ${'a'.repeat(20_000)}`],
      ['Content-Length: 5', 'Content-Length: 6'],
      ['Content-Length: -1'],
      ['Content-Length: abc'],
      ['Transfer-Encoding: chunked', 'Content-Length: 3'],
      ['Transfer-Encoding: gzip'],
      ['Host: second'],
      ['Connection: Upgrade', 'Upgrade: websocket'],
      ['Expect: 100-continue'],
    )
    .map((headers) => ({ kind: 'raw' as const, bytes: Buffer.from(wellFormed('POST', '/v1/chat/completions', headers), 'latin1'), endAfterWrite: false, shape: 'raw-headers' })),
  fc
    .constantFrom('zz\r\n', '5\r\n{"mod\r\n', 'ffffffffffffffff\r\n', `1;${'a'.repeat(20_000)}\r\nx\r\n0\r\n\r\n`, '2\r\n{}\r\n0\r\n\r\n')
    .map((chunks) => ({
      kind: 'raw' as const,
      bytes: Buffer.from(wellFormed('POST', '/v1/chat/completions', ['Content-Type: application/json', 'Transfer-Encoding: chunked'], chunks), 'latin1'),
      // A chunked body that never reaches its last chunk is cut off by the half-close.
      endAfterWrite: !chunks.endsWith('0\r\n\r\n'),
      shape: 'raw-chunked',
    })),
  fc.nat(100).map((sent) => ({
    kind: 'raw' as const,
    bytes: Buffer.from(wellFormed('POST', '/v1/chat/completions', ['Content-Type: application/json', 'Content-Length: 200'], '{"model":"mock/echo"'.padEnd(sent, ' ')), 'latin1'),
    endAfterWrite: true,
    shape: 'raw-cut-body',
  })),
);
