import dns, { type LookupAddress } from 'node:dns';
import { appendFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import net, { type LookupFunction } from 'node:net';

/**
 * Loaded into the fuzzed gateway's process (`--import`): its connections may go only to its own
 * services on this machine (FUZZ_FENCE_PORTS, loopback ports: DynamoDB Local, the mock
 * upstreams). Any other connection, a webhook delivery above all, is refused before a packet
 * leaves, and its resolved address written to FUZZ_FENCE_LOG for the fuzzer to judge
 * (outbound-connections.ts). It also stands in for DNS under `rebind.invalid`: a name there
 * resolves to a public address the first time (the webhook is accepted) and then to the internal
 * address its second label spells (`<unique>.169-254-169-254.rebind.invalid`), as DNS rebinding does.
 */
const logPath = process.env.FUZZ_FENCE_LOG ?? '';
const allowedPorts = new Set((process.env.FUZZ_FENCE_PORTS ?? '').split(',').filter(Boolean).map(Number));
if (!logPath) throw new Error('network-fence: FUZZ_FENCE_LOG is not set.');

const loopback = new net.BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

function allowed(address: string, port: number): boolean {
  const family = net.isIP(address) === 6 ? 'ipv6' : 'ipv4';
  return allowedPorts.has(port) && net.isIP(address) !== 0 && loopback.check(address, family);
}

function refusal(address: string, port: number): NodeJS.ErrnoException {
  appendFileSync(logPath, `${JSON.stringify({ address, port })}\n`);
  return Object.assign(new Error(`connect ECONNREFUSED ${address}:${port} (the fuzz fence)`), { code: 'ECONNREFUSED' });
}

type Connect = (this: net.Socket, ...args: unknown[]) => net.Socket;
const connect = net.Socket.prototype.connect as Connect;
const normalizeArgs = (net as unknown as { _normalizeArgs: (args: unknown[]) => [net.NetConnectOpts & { lookup?: LookupFunction }, unknown] })._normalizeArgs;

net.Socket.prototype.connect = function fencedConnect(this: net.Socket, ...args: unknown[]) {
  // Node's own callers pass the arguments normalised already, as an array.
  const [options, callback] = Array.isArray(args[0]) ? (args[0] as ReturnType<typeof normalizeArgs>) : normalizeArgs(args);
  // As Node decides: a connection with a `path` goes to a local socket.
  if ('path' in options && options.path) return connect.apply(this, args);
  const { host = 'localhost', port: portText } = options as net.TcpNetConnectOpts;
  const port = Number(portText);
  if (net.isIP(host) !== 0) {
    if (allowed(host, port)) return connect.apply(this, args);
    const error = refusal(host, port);
    process.nextTick(() => this.destroy(error));
    return this;
  }
  // A name is judged by the addresses it resolves to, whoever resolves it (the webhook guard's own lookup included).
  const lookup: LookupFunction = options.lookup ?? (dns.lookup as LookupFunction);
  const fencedLookup: LookupFunction = (hostname, lookupOptions, done) =>
    lookup(hostname, lookupOptions, (error, address: string | LookupAddress[], family?: number) => {
      if (error) return done(error, address as string, family);
      const addresses = typeof address === 'string' ? [address] : address.map((entry) => entry.address);
      const refused = addresses.find((each) => !allowed(each, port));
      if (refused !== undefined) return done(refusal(refused, port), '', 4);
      done(null, address as string, family);
    });
  return connect.call(this, { ...options, lookup: fencedLookup }, callback);
} as typeof net.Socket.prototype.connect;

const publicAddress = '1.1.1.1';
const resolvedBefore = new Set<string>();
const lookupPromise = dns.promises.lookup;
dns.promises.lookup = (async (hostname: string, options?: dns.LookupOptions) => {
  const [, internal] = hostname.toLowerCase().match(/^[^.]+\.(\d+-\d+-\d+-\d+)\.rebind\.invalid\.?$/) ?? [];
  if (internal === undefined) return lookupPromise(hostname, options ?? {});
  const address = resolvedBefore.has(hostname) ? internal.replaceAll('-', '.') : publicAddress;
  resolvedBefore.add(hostname);
  return options?.all ? [{ address, family: 4 }] : { address, family: 4 };
}) as typeof dns.promises.lookup;
// The gateway imports `lookup` from node:dns/promises as an ES module binding: update it.
syncBuiltinESMExports();
