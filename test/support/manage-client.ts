import { testAdminKey } from './test-gateway.js';

export interface ManageResponse {
  status: number;
  json: Record<string, unknown> & { error?: { code: string; message: string; param: string | null } };
}

/** Calls the management API of a local gateway with the test management key. */
export function manageClient(baseUrl: string, key = testAdminKey) {
  return async (method: string, path: string, body?: unknown): Promise<ManageResponse> => {
    const response = await fetch(`${baseUrl}/v1/manage${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    return { status: response.status, json: (await response.json()) as ManageResponse['json'] };
  };
}
