import fc from 'fast-check';

/**
 * A piece of JSON text inserted as is when a body is written: nesting and sizes that would make
 * the fuzzer's own JSON.stringify overflow or crawl are built as text.
 */
export class RawJson {
  constructor(readonly text: string) {}
}

/** What a body is made of before it is written: JSON values, some parts of them raw text. */
export type FuzzValue = null | boolean | number | string | RawJson | FuzzValue[] | { [key: string]: FuzzValue };

/** JSON text of a value; raw parts go in verbatim, numbers JSON cannot hold become `null`. */
export function writeJson(value: FuzzValue): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map(writeJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([key, item]) => `${JSON.stringify(key)}:${writeJson(item)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const oddStrings = [
  '',
  ' ',
  '\u0000',
  '\uD800',
  '\uDFFF\uD800',
  '\u202Eevil',
  '\uFEFF',
  '𝕳𝖊𝖑𝖑𝖔',
  '🏳️‍🌈',
  'ﷺ',
  '../../etc/passwd',
  '%00%2e%2e%2f',
  '${jndi:ldap://x}',
  '<script>alert(1)</script>',
  "'; DROP TABLE keys; --",
  '__proto__',
  'constructor',
  'null',
  '[DONE]',
  'data: [DONE]\n\n',
  'line\r\nbreak: injected',
  'mock/echo',
  'policy/',
  'policy/../fuzz-fallback',
  'mock/',
  '/',
  'a/b',
];

const longLengths = [256, 257, 4_096, 65_536, 1_000_000];

/** Strings to put where a field expects something else, or something well-behaved. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(...oddStrings),
  fc
    .tuple(fc.constantFrom(...longLengths), fc.constantFrom('a', 'é', '😀', '\u0000', ' '))
    .map(([length, unit]) => unit.repeat(unit.length === 2 ? length / 2 : length)),
);

export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -0, -1, 0.5, 1e308, -1e308, 5e-324, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 53 + 2, 1e21, 128, 129, 4096, 100_000),
);

/** Number literals JSON.parse accepts but no number type holds: huge, tiny, long. */
const hostileNumberText = fc.constantFrom('1e999', '-1e999', '1e-999', '123456789012345678901234567890', '0.' + '0'.repeat(400) + '1', '-0.0e0');

/** Arrays or objects nested as deep as the gateway's limit, one past it, and far past it. */
export const deepJson: fc.Arbitrary<RawJson> = fc
  .tuple(fc.constantFrom(8, 128, 129, 1_000, 20_000, 200_000), fc.constantFrom(['[', ']'], ['{"a":', '}']))
  .map(([depth, [open, close]]) => new RawJson(`${open.repeat(depth)}1${close.repeat(depth)}`));

const wideJson: fc.Arbitrary<RawJson> = fc
  .tuple(fc.constantFrom(1_000, 100_000), fc.constantFrom('0', '"x"', '{}', 'null'))
  .map(([count, item]) => new RawJson(`[${Array(count).fill(item).join(',')}]`));

const manyKeys: fc.Arbitrary<RawJson> = fc
  .constantFrom(1_000, 50_000)
  .map((count) => new RawJson(`{${Array.from({ length: count }, (_, i) => `"k${i}":${i}`).join(',')}}`));

/** Any value at all, biased towards the wrong type, the wrong size and the wrong characters. */
export const hostileValue: fc.Arbitrary<FuzzValue> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom<FuzzValue>(null, true, false, 0, -1, '', [], {}, [null], { '': null }) },
  { weight: 4, arbitrary: hostileString },
  { weight: 3, arbitrary: hostileNumber },
  { weight: 1, arbitrary: hostileNumberText.map((text) => new RawJson(text)) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<FuzzValue> },
  { weight: 1, arbitrary: deepJson },
  { weight: 1, arbitrary: fc.oneof(wideJson, manyKeys) },
);

/** One change to a valid body: where (a walk down its tree) and what. */
export interface Mutation {
  walk: number[];
  op: 'set' | 'delete' | 'add';
  key: string;
  value: FuzzValue;
}

export const mutation: fc.Arbitrary<Mutation> = fc.record({
  walk: fc.array(fc.nat(), { maxLength: 5 }),
  op: fc.constantFrom('set', 'set', 'delete', 'add'),
  key: fc.oneof(fc.constantFrom('__proto__', 'constructor', '', 'stream', 'model', 'n'), fc.string({ maxLength: 12 })),
  value: hostileValue,
});

/**
 * Applies mutations to a copy of `value`.
 */
export function mutate(value: FuzzValue, mutations: readonly Mutation[]): FuzzValue {
  let root = copy(value);
  for (const change of mutations) {
    if (!isContainer(root)) {
      if (change.op !== 'delete') root = copy(change.value);
      continue;
    }
    let parent: FuzzValue[] | { [key: string]: FuzzValue } = root;
    let key = childKey(parent, change.walk[0] ?? 0);
    for (const step of change.walk.slice(1)) {
      const child: FuzzValue | undefined = key === undefined ? undefined : childOf(parent, key);
      if (child === undefined || !isContainer(child)) break;
      const next = childKey(child, step);
      if (next === undefined) break;
      parent = child;
      key = next;
    }
    apply(parent, key, change);
  }
  return root;
}

type Container = FuzzValue[] | { [key: string]: FuzzValue };

function isContainer(value: FuzzValue): value is Container {
  return value !== null && typeof value === 'object' && !(value instanceof RawJson);
}

function childKey(container: Container, step: number): string | number | undefined {
  const keys = Array.isArray(container) ? container.map((_, i) => i) : Object.keys(container);
  return keys.length === 0 ? undefined : keys[step % keys.length];
}

function childOf(container: Container, key: string | number): FuzzValue | undefined {
  return Array.isArray(container) ? container[Number(key)] : Object.hasOwn(container, key) ? container[key] : undefined;
}

function apply(parent: Container, key: string | number | undefined, change: Mutation): void {
  // A copy: generated values are shared (constants are one instance), and a later mutation may change it.
  const value = copy(change.value);
  if (Array.isArray(parent)) {
    const index = key === undefined ? parent.length : Number(key);
    if (change.op === 'set') parent[index] = value;
    else if (change.op === 'delete') parent.splice(index, 1);
    else parent.push(value);
    return;
  }
  const target = change.op === 'add' || key === undefined ? change.key : String(key);
  if (change.op === 'delete') delete parent[target];
  // defineProperty, so that "__proto__" becomes a key of the body, as JSON.parse makes it.
  else Object.defineProperty(parent, target, { value, enumerable: true, writable: true, configurable: true });
}

function copy(value: FuzzValue): FuzzValue {
  if (Array.isArray(value)) return value.map(copy);
  if (isContainer(value)) {
    const result: { [key: string]: FuzzValue } = {};
    for (const [key, item] of Object.entries(value)) {
      Object.defineProperty(result, key, { value: copy(item), enumerable: true, writable: true, configurable: true });
    }
    return result;
  }
  return value;
}

/** Byte sequences no UTF-8 decoder accepts as they are, and bytes that end JSON early. */
const badBytes = [
  [0xff],
  [0xc3, 0x28],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xe2, 0x82],
  [0xc0, 0xaf],
  [0x00],
  [0xef, 0xbb, 0xbf],
  [0x22],
  [0x7d],
  [0x5c],
].map((bytes) => Uint8Array.from(bytes));

/** A change to the bytes of a written body: cut it, or splice in bytes that break it. */
export interface ByteMutation {
  /** Where, as a share of the length in thousandths. */
  at: number;
  op: 'truncate' | 'insert' | 'replace';
  bytes: Uint8Array;
}

export const byteMutation: fc.Arbitrary<ByteMutation> = fc.record({
  at: fc.integer({ min: 0, max: 1000 }),
  op: fc.constantFrom('truncate', 'insert', 'replace'),
  bytes: fc.oneof(fc.constantFrom(...badBytes), fc.uint8Array({ minLength: 1, maxLength: 8 })),
});

export function mutateBytes(body: Buffer, changes: readonly ByteMutation[]): Buffer {
  let result = body;
  for (const change of changes) {
    const at = Math.floor((result.length * change.at) / 1000);
    if (change.op === 'truncate') result = result.subarray(0, at);
    else {
      const rest = result.subarray(change.op === 'replace' ? Math.min(result.length, at + change.bytes.length) : at);
      result = Buffer.concat([result.subarray(0, at), change.bytes, rest]);
    }
  }
  return result;
}
