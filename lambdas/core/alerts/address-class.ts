/**
 * What an IP address reaches, for the webhook SSRF guard: only `public` addresses may receive
 * webhooks (and `loopback` where the local setting allows it). Everything a request from inside
 * a VPC or a Lambda could use to reach something private is refused: RFC 1918, loopback,
 * link-local, unique-local, carrier-grade NAT, the instance-metadata endpoints, and IPv6 forms
 * that embed an IPv4 address (IPv4-mapped, NAT64, 6to4), classified by that address.
 * https://www.iana.org/assignments/iana-ipv4-special-registry
 * https://www.iana.org/assignments/iana-ipv6-special-registry
 */
export type AddressClass =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'unique-local'
  | 'cgnat'
  | 'metadata'
  | 'unspecified'
  | 'multicast'
  | 'documentation'
  | 'reserved';

type Range<T> = readonly [prefix: T, bits: number, kind: AddressClass];

// First match wins: the metadata addresses come before the link-local and unique-local ranges holding them.
const ipv4Ranges: readonly Range<string>[] = [
  ['169.254.169.254', 32, 'metadata'],
  ['169.254.170.2', 32, 'metadata'],
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'cgnat'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, 'reserved'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

const ipv6Ranges: readonly Range<string>[] = [
  ['fd00:ec2::254', 128, 'metadata'],
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['64:ff9b:1::', 48, 'private'],
  ['100::', 64, 'reserved'],
  ['2001::', 23, 'reserved'],
  ['2001:db8::', 32, 'documentation'],
  ['3fff::', 20, 'documentation'],
  ['fc00::', 7, 'unique-local'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'private'],
  ['ff00::', 8, 'multicast'],
];

/** The class of an IPv4 or IPv6 address in text form; undefined when it is not one. */
export function classifyAddress(address: string): AddressClass | undefined {
  const v4 = parseIpv4(address);
  if (v4 !== undefined) return classifyIpv4(v4);
  const v6 = parseIpv6(address);
  return v6 === undefined ? undefined : classifyIpv6(v6);
}

/** Whether a webhook may be delivered to an address of this class. */
export function deliverableAddress(kind: AddressClass | undefined, { allowLoopback }: { allowLoopback: boolean }): boolean {
  return kind === 'public' || (allowLoopback && kind === 'loopback');
}

function classifyIpv4(address: number): AddressClass {
  for (const [prefix, bits, kind] of ipv4Ranges) {
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    if (((address & mask) >>> 0) === ((parseIpv4(prefix) as number) & mask) >>> 0) return kind;
  }
  return 'public';
}

function classifyIpv6(groups: readonly number[]): AddressClass {
  const embedded = embeddedIpv4(groups);
  if (embedded !== undefined) return classifyIpv4(embedded);
  for (const [prefix, bits, kind] of ipv6Ranges) {
    if (inPrefix(groups, parseIpv6(prefix) as number[], bits)) return kind;
  }
  // Only 2000::/3 is global unicast; the rest of the space is unassigned or special.
  return (groups[0] as number) >> 13 === 1 ? 'public' : 'reserved';
}

/**
 * The IPv4 address an IPv6 one stands for: IPv4-mapped (::ffff:a.b.c.d), IPv4-translated
 * (::ffff:0:a.b.c.d), IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::a.b.c.d) and 6to4
 * (2002:aabb:ccdd::).
 */
function embeddedIpv4(g: readonly number[]): number | undefined {
  const low = (((g[6] as number) << 16) | (g[7] as number)) >>> 0;
  const zeros = (from: number, to: number) => g.slice(from, to).every((group) => group === 0);
  if (zeros(0, 5) && g[5] === 0xffff) return low;
  if (zeros(0, 4) && g[4] === 0xffff && g[5] === 0) return low;
  if (zeros(0, 6) && low > 1) return low;
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return low;
  if (g[0] === 0x2002) return (((g[1] as number) << 16) | (g[2] as number)) >>> 0;
  return undefined;
}

function inPrefix(address: readonly number[], prefix: readonly number[], bits: number): boolean {
  for (let index = 0; index < 8 && bits > 0; index++, bits -= 16) {
    const mask = bits >= 16 ? 0xffff : (0xffff << (16 - bits)) & 0xffff;
    if (((address[index] as number) & mask) !== ((prefix[index] as number) & mask)) return false;
  }
  return true;
}

/** Dotted-quad IPv4 (the form URL parsing and DNS give) as a 32-bit number. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((part) => /^(0|[1-9]\d{0,2})$/.test(part) && Number(part) <= 255)) return undefined;
  return parts.reduce((value, part) => value * 256 + Number(part), 0);
}

/** IPv6 text (compressed, with an embedded IPv4 tail, in brackets or not) as eight 16-bit groups. */
export function parseIpv6(text: string): number[] | undefined {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  // A zone (fe80::1%eth0) names an interface: only link-local addresses have one.
  if (bare.includes('%') || !bare.includes(':')) return undefined;
  let tail: number[] = [];
  let head = bare;
  const lastColon = bare.lastIndexOf(':');
  if (bare.slice(lastColon + 1).includes('.')) {
    const v4 = parseIpv4(bare.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    tail = [v4 >>> 16, v4 & 0xffff];
    head = bare.slice(lastColon - 1, lastColon + 1) === '::' ? bare.slice(0, lastColon + 1) : bare.slice(0, lastColon);
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (part: string) => (part === '' ? [] : part.split(':'));
  const [before, after] = [groupsOf(halves[0] ?? ''), halves.length === 2 ? groupsOf(halves[1] ?? '') : undefined];
  const written = [...before, ...(after ?? [])];
  if (!written.every((group) => /^[0-9a-f]{1,4}$/i.test(group))) return undefined;
  const needed = 8 - tail.length;
  if (after === undefined ? written.length !== needed : written.length >= needed) return undefined;
  const groups = [...before, ...Array<string>(needed - written.length).fill('0'), ...(after ?? [])].map((group) => parseInt(group, 16));
  return [...groups, ...tail];
}
