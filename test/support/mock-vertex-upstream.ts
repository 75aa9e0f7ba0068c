import { verify, type KeyObject } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MockAnthropicUpstream } from './mock-anthropic-upstream.js';
import { MockGeminiUpstream } from './mock-gemini-upstream.js';
import { MockUpstream, type RecordedRequest } from './mock-upstream.js';

const modelPath = /^\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/publishers\/(google|anthropic)\/models\/([^:/]+):(\w+)(\?.*)?$/;

/**
 * A local stand-in for Vertex AI and Google's OAuth token endpoint (`POST /token`), which only
 * issues tokens for assertions signed by `publicKey`'s private key. Model calls need a token it
 * issued and still honours (`revokeTokens` ends them all, as an expired or revoked token is
 * refused); Gemini models answer as MockGeminiUpstream, Claude models as MockAnthropicUpstream
 * (given a body that has `anthropic_version` and no `model`), and Claude's `count-tokens`
 * model counts 4 characters of the messages' JSON a token; `:predict` embeds its one
 * instance as `[length, 0.5, dimensions]` counting a token per word. Model `rate-limited` answers 429
 * with `Retry-After: 7`.
 */
export class MockVertexUpstream extends MockUpstream {
  /** Each token issued, in order. */
  readonly issued: string[] = [];
  private readonly honoured = new Set<string>();
  private readonly gemini = new MockGeminiUpstream();
  private readonly anthropic = new MockAnthropicUpstream();

  constructor(private readonly publicKey: KeyObject) {
    super();
  }

  revokeTokens(): void {
    this.honoured.clear();
  }

  /** The calls to models, without the token exchanges. */
  modelRequests(): RecordedRequest[] {
    return this.requests.filter((request) => request.path !== '/token');
  }

  protected async answer(request: RecordedRequest, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (request.path === '/token') return this.issueToken(request, res);
    const match = modelPath.exec(request.path);
    if (!match) return googleError(res, 404, 'NOT_FOUND', `No such resource: ${request.path}`);
    const token = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (!this.honoured.has(token)) return googleError(res, 401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials. Expected OAuth 2 access token.');
    const [, , , publisher, model, method, query] = match;
    if (model === 'rate-limited') return googleError(res, 429, 'RESOURCE_EXHAUSTED', 'Quota exceeded for aiplatform.googleapis.com/generate_content_requests_per_minute.', { 'retry-after': '7' });
    if (publisher === 'anthropic' && model === 'count-tokens' && method === 'rawPredict') return countTokens(request.body, res);
    if (publisher === 'anthropic') {
      if (method !== 'streamRawPredict' || request.body.anthropic_version !== 'vertex-2023-10-16' || 'model' in request.body) {
        return googleError(res, 400, 'INVALID_ARGUMENT', 'Claude on Vertex takes anthropic_version and no model in the body.');
      }
      return this.anthropic.respond({ ...request, body: { ...request.body, model } }, req, res);
    }
    if (method === 'predict') return predictEmbedding(request.body, res);
    if (method !== 'streamGenerateContent' || query !== '?alt=sse') return googleError(res, 400, 'INVALID_ARGUMENT', `Unsupported method ${method}${query ?? ''}.`);
    return this.gemini.respond(request, req, res);
  }

  private issueToken({ body }: RecordedRequest, res: ServerResponse): void {
    const [header = '', claims = '', signature = ''] = String(body.assertion).split('.');
    const signed = verify('RSA-SHA256', Buffer.from(`${header}.${claims}`), this.publicKey, Buffer.from(signature, 'base64url'));
    if (body.grant_type !== 'urn:ietf:params:oauth:grant-type:jwt-bearer' || !signed) {
      res.writeHead(400, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ error: 'invalid_grant', error_description: 'Invalid JWT Signature.' }));
    }
    const token = `ya29.mock-${this.issued.length + 1}`;
    this.issued.push(token);
    this.honoured.add(token);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ access_token: token, expires_in: 3599, token_type: 'Bearer' }));
  }
}

function googleError(res: ServerResponse, code: number, status: string, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(code, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ error: { code, message, status } }));
}

function predictEmbedding(body: Record<string, unknown>, res: ServerResponse): void {
  const instances = body.instances as Array<{ content: string }>;
  if (instances.length !== 1) return googleError(res, 400, 'INVALID_ARGUMENT', 'gemini-embedding-001 takes one instance a request.');
  const content = instances[0]?.content ?? '';
  const dimensions = (body.parameters as { outputDimensionality?: number } | undefined)?.outputDimensionality ?? 3072;
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ predictions: [{ embeddings: { values: [content.length, 0.5, dimensions], statistics: { token_count: content.split(' ').length, truncated: false } } }], metadata: { billableCharacterCount: content.length } }));
}

function countTokens(body: Record<string, unknown>, res: ServerResponse): void {
  if (body.anthropic_version !== 'vertex-2023-10-16' || typeof body.model !== 'string') return googleError(res, 400, 'INVALID_ARGUMENT', 'count-tokens takes anthropic_version and the model counted for.');
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ input_tokens: Math.ceil(JSON.stringify(body.messages).length / 4) }));
}
