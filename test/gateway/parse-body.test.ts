import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../lambdas/core/errors.js';
import { maxJsonDepth, parseBody } from '../../lambdas/gateway/parse-body.js';

const anything = z.object({ value: z.unknown() });
const nested = (depth: number, open: string, close: string) => `{"value": ${open.repeat(depth - 1)}1${close.repeat(depth - 1)}}`;

function failure(run: () => unknown): GatewayError {
  try {
    run();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a GatewayError');
}

describe('parseBody', () => {
  it(`accepts JSON nested ${maxJsonDepth} levels deep`, () => {
    expect(() => parseBody(nested(maxJsonDepth, '[', ']'), anything)).not.toThrow();
    expect(() => parseBody(nested(maxJsonDepth, '{"a":', '}'), anything)).not.toThrow();
  });

  it('refuses deeper JSON with a 400 before any code recurses into it (JSON.stringify overflows near 10,000 levels)', () => {
    for (const body of [nested(maxJsonDepth + 1, '[', ']'), nested(100_000, '{"a":', '}')]) {
      const error = failure(() => parseBody(body, anything));
      expect({ status: error.status, code: error.code }).toEqual({ status: 400, code: 'invalid_request' });
      expect(error.message).toContain(`deeper than ${maxJsonDepth} levels`);
    }
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    const body = JSON.stringify({ value: `\\"${'['.repeat(10_000)}"{{{` });
    expect(parseBody(body, anything).value).toContain('[[[');
  });

  it('answers a body that is not JSON with 400 invalid_json', () => {
    expect(failure(() => parseBody('{"value": ', anything)).code).toBe('invalid_json');
  });
});
