import { describe, expect, it } from 'vitest';
import { jsonResponse, type GatewayRequest } from '../../lambdas/gateway/gateway-http.js';
import { createRouter } from '../../lambdas/gateway/route-request.js';

const route = createRouter({
  '/v1/things/:id': { GET: async (_request, _deps, { id }) => jsonResponse(200, { id }) },
});
const deps = { credentials: {}, limits: { maxBodyBytes: 1024 } };
const get = (path: string): GatewayRequest => ({ method: 'GET', path, headers: {}, query: {}, body: '', requestId: 'req-1' });

describe('createRouter', () => {
  it('decodes percent-encoded path parameters', async () => {
    const response = await route(get('/v1/things/a%20b%E2%82%AC'), deps);
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body as string)).toEqual({ id: 'a b€' });
  });

  it('answers a parameter that is not valid percent-encoded UTF-8 with a 400 in OpenAI shape, not a 500', async () => {
    for (const path of ['/v1/things/%E0%A4%A', '/v1/things/%', '/v1/things/%zz', '/v1/things/%C3%28']) {
      const response = await route(get(path), deps);
      expect(response.status).toBe(400);
      expect(JSON.parse(response.body as string)).toEqual({
        error: { message: `The path ${path} is not valid percent-encoded UTF-8.`, type: 'invalid_request_error', code: 'invalid_request', param: 'path' },
      });
    }
  });
});
