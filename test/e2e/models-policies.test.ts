import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { eventuallyPasses } from '../support/eventually.js';
import { manageClient } from '../support/manage-client.js';
import { startTestGateway } from '../support/test-gateway.js';

let gateway: LocalGateway;
let manage: ReturnType<typeof manageClient>;

beforeAll(async () => {
  gateway = await startTestGateway({ SWITCHBOARD_POLICY_CACHE_TTL_MS: '200' });
  manage = manageClient(gateway.url);
});
afterAll(() => gateway?.stop());

async function newClient() {
  const { json } = await manage('POST', '/apikey', { name: 'lister' });
  return { id: String(json.id), client: new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: String(json.key), maxRetries: 0 }) };
}

const ids = async (client: OpenAI, query = {}) => {
  const listed = [];
  for await (const model of client.models.list({ query })) listed.push(model.id);
  return listed;
};

describe('GET /v1/models with routing policies', () => {
  it("lists the organisation's policies and the key's own, the key's winning a shared name, and retrieves one", async () => {
    const shared = { type: 'fallback', models: [{ model: 'mock/echo' }] };
    await manage('POST', '/policy', { name: 'listed-org', ...shared });
    await manage('POST', '/policy', { name: 'listed-shared', type: 'latency', models: [{ model: 'mock/echo' }] });
    const { id, client } = await newClient();
    await manage('POST', '/policy', { name: 'listed-shared', ...shared, api_key_id: id });
    const other = await newClient();

    const listed = await ids(client);
    expect(listed).toEqual(expect.arrayContaining(['mock/echo', 'policy/listed-org', 'policy/listed-shared']));
    expect(listed.filter((model) => model === 'policy/listed-shared')).toHaveLength(1);
    expect(await client.models.retrieve('policy/listed-shared')).toMatchObject({
      id: 'policy/listed-shared',
      object: 'model',
      owned_by: 'api_key',
      type: 'policy',
      policy: { type: 'fallback', models: ['mock/echo'] },
    });
    // Another key sees the organisation's policy of that name, not this key's.
    expect(await other.client.models.retrieve('policy/listed-shared')).toMatchObject({ owned_by: 'organization', policy: { type: 'latency' } });

    // Filters: policies only when asked for by provider; a catalog filter leaves them out.
    expect(await ids(client, { provider: 'policy' })).toEqual(expect.arrayContaining(['policy/listed-org', 'policy/listed-shared']));
    expect((await ids(client, { provider: 'policy' })).every((model) => model.startsWith('policy/'))).toBe(true);
    expect((await ids(client, { provider: 'mock' })).some((model) => model.startsWith('policy/'))).toBe(false);

    // A deleted policy leaves the list within the policy cache time.
    await manage('DELETE', '/policy/listed-org');
    await eventuallyPasses(async () => expect(await ids(client)).not.toContain('policy/listed-org'), 'the deleted policy to leave the list');
    const retrieved = () => client.models.retrieve('policy/listed-org').catch((error: InstanceType<typeof OpenAI.APIError>) => error.status);
    await eventuallyPasses(async () => expect(await retrieved()).toBe(404), 'the deleted policy to be not found');
  });
});
