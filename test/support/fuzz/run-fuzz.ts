import fc from 'fast-check';
import { Pool } from 'undici';
import { excerpt } from './clean-response.js';
import { fuzzInput, secretSlot, type FuzzInput } from './fuzz-inputs.js';
import { fixture } from './fuzz-routes.js';
import { outboundProblem, type OutboundConnection } from './outbound-connections.js';
import { sendFuzzInput, type Substitutions } from './send-fuzz-input.js';

/** A running gateway and the keys it knows. */
export interface FuzzTarget {
  url: string;
  apiKey: string;
  adminKey: string;
  /** How the gateway runs with SWITCHBOARD_WEBHOOKS_ALLOW_LOOPBACK: which webhook URLs it may accept. */
  webhooksAllowLoopback: boolean;
  /** The connections it tried outside its own services since the last call (none of them made). */
  outbound: () => OutboundConnection[];
}

export interface FuzzOptions {
  inputs: number;
  seed: number;
  /** Inputs sent at once, at most. */
  concurrency?: number;
  /** Stop after this many distinct failures (each is shrunk first). */
  maxFailures?: number;
  /** Replays one failure: the `path` fast-check printed with its seed. */
  path?: string;
  /** Called after every batch. */
  onProgress?: (report: FuzzReport) => void;
}

export interface FuzzFailure {
  seed: number;
  path: string;
  problem: string;
  input: string;
}

export interface FuzzReport {
  seeds: number[];
  inputsTried: number;
  /** By status (or `raw <statuses>`, `not sent`, `no answer`). */
  outcomes: Record<string, number>;
  /** By kind of body: valid, mutated, random-json, deep-json, bytes, huge, raw-... */
  shapes: Record<string, number>;
  /** Connections the fence stopped, by `address port`: the test sends to webhooks, mostly. */
  outbound: Record<string, number>;
  failures: FuzzFailure[];
}

/** Fixtures are recreated this often: the fuzzer deletes and disables them, and sets limits on the organisation. */
const restoreEvery = 200;

/**
 * Sends `inputs` generated inputs to the gateway, a batch at a time, and checks each answer is
 * clean (clean-response.ts) and that the gateway still serves. A failure is shrunk by
 * fast-check and reported with the seed and path that replay it; then the run goes on with
 * the next seed until `maxFailures` or the input count is reached.
 */
export async function runFuzz(target: FuzzTarget, options: FuzzOptions): Promise<FuzzReport> {
  const concurrency = options.concurrency ?? 8;
  const client = new Pool(target.url, { connections: concurrency, pipelining: 1 });
  const report: FuzzReport = { seeds: [], inputsTried: 0, outcomes: {}, shapes: {}, outbound: {}, failures: [] };
  let fill: Substitutions = [];
  let sinceRestore = restoreEvery;
  let restores = 0;
  let crashed: string | undefined;

  const property = fc.asyncProperty(fc.array(fuzzInput(), { minLength: 1, maxLength: concurrency }), async (batch) => {
    if (sinceRestore >= restoreEvery) {
      fill = await restoreFixtures(target, restores++);
      sinceRestore = 0;
    }
    sinceRestore += batch.length;
    const outcomes = await Promise.all(batch.map((input) => sendFuzzInput(input, target, client, fill)));
    const problems: string[] = [];
    outcomes.forEach((outcome, index) => {
      const input = batch[index] as FuzzInput;
      count(report.shapes, input.shape);
      if (outcome.kind === 'not-sent') return void count(report.outcomes, 'not sent (client refused)');
      report.inputsTried++;
      count(report.outcomes, outcome.kind === 'answered' ? outcome.label : 'no answer');
      if (outcome.problem) problems.push(`${summarize(input)}\n    → ${outcome.problem}`);
    });
    // Which input of the batch tried a connection is not known; shrinking finds it.
    for (const connection of target.outbound()) {
      count(report.outbound, `${connection.address} ${connection.port}`);
      const problem = outboundProblem(connection, target.webhooksAllowLoopback);
      if (problem) problems.push(`one of:\n${batch.map(summarize).join('\n')}\n    → ${problem}`);
    }
    options.onProgress?.(report);
    if (problems.length > 0 && !(await serves(target))) {
      // Shrinking against a gateway that is down only shrinks to innocent inputs: what crashed it is in this first batch.
      crashed ??= batch.map(summarize).join('\n');
      problems.push(`and then the gateway stopped serving; the batch that was in flight when it went down:\n${crashed}`);
    }
    if (problems.length > 0) throw new Error(problems.join('\n'));
  });

  try {
    let seed = options.seed;
    let serving = true;
    while (serving && report.inputsTried < options.inputs && report.failures.length < (options.maxFailures ?? Infinity)) {
      report.seeds.push(seed);
      const numRuns = Math.max(1, Math.ceil((options.inputs - report.inputsTried) / ((concurrency + 1) / 2)));
      const details = await fc.check(property, { seed, numRuns, ...(options.path ? { path: options.path } : {}), reporter: () => undefined });
      if (details.failed) {
        report.failures.push({
          seed,
          path: details.counterexamplePath ?? '',
          problem: details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance),
          input: excerpt(fc.stringify(details.counterexample), 2_000),
        });
        options.onProgress?.(report);
      }
      if (options.path) break;
      // The next seed is derived, not random: a whole run replays from its first seed.
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 1;
      // Past a crash every input fails: the first failure is the one to look at.
      serving = !details.failed || (await serves(target));
    }
    if (!(await serves(target))) {
      report.failures.push({ seed: options.seed, path: '', problem: 'the gateway does not serve after the run', input: '' });
    }
  } finally {
    await client.close();
  }
  return report;
}

/**
 * Addresses a webhook's host name is made to resolve to once it has been accepted (network-fence.ts):
 * a test send must check the name again, and not connect.
 */
const reboundTo = ['127-0-0-1', '169-254-169-254', '10-0-0-1'];

/**
 * A key, a group with a member, the policy chat requests name, an organisation without limits,
 * and two webhooks: one to a public address, one to a name that rebinds to an internal one.
 */
async function restoreFixtures(target: FuzzTarget, round: number): Promise<Substitutions> {
  const manage = async (method: string, path: string, body: unknown) => {
    const response = await fetch(`${target.url}/v1/manage${path}`, {
      method,
      headers: { authorization: `Bearer ${target.adminKey}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, json: (await response.json()) as { id?: string } };
  };
  await manage('POST', '/org', { monthly_limit: null, default_key_limit: null, balance: null });
  await manage('POST', '/org/approved-models', { models: null });
  const policy = { name: fixture.policy, type: 'fallback', models: [{ model: 'mock/echo' }] };
  if ((await manage('PUT', `/policy/${fixture.policy}`, policy)).status === 404) await manage('POST', '/policy', policy);
  // Webhooks the fuzzer made are deleted (an organisation has at most 20); one stands for `:webhook`.
  const webhooks = await manage('GET', '/webhook', undefined);
  for (const { id } of (webhooks.json as { data?: Array<{ id: string }> }).data ?? []) await manage('DELETE', `/webhook/${id}`, undefined);
  const webhook = await manage('POST', '/webhook', { url: 'https://1.1.1.1/fuzz-fixture', description: 'fuzz' });
  const rebinding = await manage('POST', '/webhook', { url: `https://fuzz-${round}.${reboundTo[round % reboundTo.length]}.rebind.invalid/hook`, description: 'fuzz, rebinding' });
  const group = await manage('POST', '/group', { name: 'fuzz' });
  const key = await manage('POST', '/apikey', { name: 'fuzz', monthly_limit: null });
  if (!group.json.id || !key.json.id || !webhook.json.id || !rebinding.json.id) {
    throw new Error(`could not create the fuzz fixtures (${group.status}, ${key.status}, ${webhook.status}, ${rebinding.status})`);
  }
  await manage('POST', `/group/${group.json.id}/member`, { user_id: fixture.member });
  return [
    [fixture.key, key.json.id],
    [fixture.group, group.json.id],
    [fixture.webhook, webhook.json.id],
    [fixture.rebindingWebhook, rebinding.json.id],
    [secretSlot.apiKey, target.apiKey],
    [secretSlot.adminKey, target.adminKey],
  ];
}

async function serves(target: FuzzTarget): Promise<boolean> {
  const response = await fetch(`${target.url}/v1/models`, { headers: { authorization: `Bearer ${target.apiKey}` } }).catch(() => undefined);
  await response?.body?.cancel();
  return response?.status === 200;
}

function count(tally: Record<string, number>, key: string): void {
  tally[key] = (tally[key] ?? 0) + 1;
}

function summarize(input: FuzzInput): string {
  if (input.kind === 'raw') return `raw (${input.shape}${input.endAfterWrite ? ', half-closed' : ''}) ${JSON.stringify(excerpt(input.bytes.toString('latin1'), 200))}`;
  const changes = input.changes ? `, ${input.changes.join('; ')}` : '';
  const body = input.body ? ` body (${input.shape}${changes}, ${input.body.length} bytes) ${JSON.stringify(excerpt(input.body.toString('utf8'), 200))}` : '';
  return `${input.method} ${excerpt(input.path, 200)} headers ${excerpt(JSON.stringify(input.headers), 200)}${body}`;
}
