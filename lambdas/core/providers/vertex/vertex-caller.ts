import { GatewayError, ProviderError } from '../../errors.js';
import type { HttpResponse } from '../../../ports/http-client.js';
import { callUpstream } from '../call-upstream.js';
import type { ProviderCall } from '../provider.js';
import { AccessTokens } from './access-tokens.js';
import { readVertexErrorBody } from './read-vertex-error-body.js';
import { vertexModelUrl, type VertexTarget } from './vertex-target.js';

/** One POST to a Vertex model's `method` (`streamRawPredict`, `predict`…), its body JSON text. */
export type VertexSend = (call: ProviderCall, target: VertexTarget, method: string, body: string, headers?: Readonly<Record<string, string>>) => Promise<HttpResponse>;

/**
 * Calls as the configured service account: each carries a cached access token, and a 401 (a
 * revoked or expired token) buys a new one and is tried once more.
 */
export function vertexCaller(id: string): VertexSend {
  const tokens = new AccessTokens(id);
  return async (call, target, method, body, headers = {}) => {
    const { serviceAccount, baseUrl } = call.credentials;
    const project = call.credentials.project ?? serviceAccount?.project_id;
    if (!serviceAccount || !project) {
      throw new GatewayError(503, 'provider_not_configured', `Provider "${id}" has no service account${serviceAccount ? ' project' : ''} configured.`, { param: 'model' });
    }
    const request = (token: string) => ({
      url: `${vertexModelUrl(target, project, baseUrl)}:${method}`,
      headers: { ...headers, 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body,
    });
    const token = await tokens.get(serviceAccount, call);
    try {
      return await callUpstream(id, request(token), call, readVertexErrorBody);
    } catch (error) {
      if (!(error instanceof ProviderError) || error.status !== 401) throw error;
      await tokens.forget(serviceAccount, token);
      return callUpstream(id, request(await tokens.get(serviceAccount, call)), call, readVertexErrorBody);
    }
  };
}
