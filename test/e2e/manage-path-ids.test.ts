import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalGateway } from '../../lambdas/local/start-local-gateway.js';
import { manageClient } from '../support/manage-client.js';
import { startTestGateway } from '../support/test-gateway.js';

let gateway: LocalGateway;
let manage: ReturnType<typeof manageClient>;

beforeAll(async () => {
  gateway = await startTestGateway();
  manage = manageClient(gateway.url);
});

afterAll(() => gateway?.stop());

// Longer than DynamoDB's 1 KB sort keys and 2 KB partition keys once encoded: the store would refuse them.
const long = '€'.repeat(1000);
const encoded = encodeURIComponent(long);

describe('management ids and names in the path that no resource can have', () => {
  it('are answered 404 in the resource’s own terms, without asking the store', async () => {
    const cases: Array<[string, string, string, unknown?]> = [
      ['GET', `/apikey/${encoded}`, 'key_not_found'],
      ['DELETE', `/apikey/${encoded}`, 'key_not_found'],
      ['POST', `/apikey/${encoded}/disable`, 'key_not_found'],
      ['POST', `/apikey/${encoded}/usage`, 'key_not_found', { start: '2026-01-01T00:00:00Z', end: '2026-01-02T00:00:00Z' }],
      ['GET', `/group/${encoded}`, 'group_not_found'],
      ['DELETE', `/group/${encoded}`, 'group_not_found'],
      ['POST', `/group/${encoded}/limit`, 'group_not_found', { monthly_limit: 1 }],
      ['POST', `/group/${encoded}/member`, 'group_not_found', { user_id: 'ada' }],
      ['POST', `/group/grp_1/member/${encoded}`, 'member_not_found', { role: 'admin' }],
      ['DELETE', `/group/${encoded}/member/ada`, 'member_not_found'],
      ['GET', `/policy/${encoded}`, 'policy_not_found'],
      ['GET', '/policy/not%20a%20name', 'policy_not_found'],
      ['DELETE', `/policy/${encoded}`, 'policy_not_found'],
    ];
    for (const [method, path, code, body] of cases) {
      const response = await manage(method, path, body);
      expect({ method, path: path.slice(0, 40), status: response.status, code: response.json.error?.code }).toEqual({
        method,
        path: path.slice(0, 40),
        status: 404,
        code,
      });
    }
  });

  it('refuses an api_key_id query longer than any key id with a 400 naming it', async () => {
    for (const method of ['GET', 'DELETE']) {
      const response = await manage(method, `/policy/fast?api_key_id=${encoded}`);
      expect(response.status).toBe(400);
      expect(response.json.error).toMatchObject({ code: 'invalid_request', param: 'api_key_id' });
    }
  });
});
