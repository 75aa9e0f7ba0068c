import { describe, expect, it } from 'vitest';
import { capturedHeaders, defaultCapturedHeaders, withCapturedHeaders } from '../../../lambdas/core/request-log/captured-headers.js';

describe('captured headers', () => {
  const headers = {
    'x-openwebui-user-email': 'ada@example.com',
    'x-openwebui-user-name': '  Ada\u0007 Lovelace ',
    'x-title': 'x'.repeat(1_000),
    authorization: 'Bearer sb-secret',
  };

  it('keeps the listed headers under the names Requesty reports them by, printable and bounded', () => {
    const captured = capturedHeaders(headers, defaultCapturedHeaders);
    expect(captured).toEqual({
      'X-Openwebui-User-Email': 'ada@example.com',
      'X-Openwebui-User-Name': 'Ada Lovelace',
      'X-Title': 'x'.repeat(256),
    });
  });

  it('records only what is listed: never the key', () => {
    expect(capturedHeaders(headers, ['X-Title'])).not.toHaveProperty('Authorization');
    expect(capturedHeaders(headers, [])).toEqual({});
  });

  it("joins requesty.extra, the client's own fields winning a clash", () => {
    const requesty = { user_id: 'ada', extra: { 'X-Title': 'mine', team: 'core' } };
    expect(withCapturedHeaders(requesty, headers, ['X-Title', 'X-OpenWebUI-User-Email'])).toEqual({
      user_id: 'ada',
      extra: { 'X-Openwebui-User-Email': 'ada@example.com', 'X-Title': 'mine', team: 'core' },
    });
    expect(withCapturedHeaders(requesty, {}, defaultCapturedHeaders)).toBe(requesty);
    expect(withCapturedHeaders(undefined, headers, ['X-Title'])).toEqual({ extra: { 'X-Title': 'x'.repeat(256) } });
  });
});
