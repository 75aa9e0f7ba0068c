import { describe, expect, it } from 'vitest';
import { jsonNestsDeeperThan } from '../../lambdas/gateway/json-depth.js';

describe('jsonNestsDeeperThan', () => {
  it('counts arrays and objects, not brackets inside strings (escaped quotes included)', () => {
    expect(jsonNestsDeeperThan('{"a":[{"b":[1]}]}', 4)).toBe(false);
    expect(jsonNestsDeeperThan('{"a":[{"b":[1]}]}', 3)).toBe(true);
    expect(jsonNestsDeeperThan(`{"text":"${'[{'.repeat(1000)}","q":"\\"[[[[\\\\"}`, 1)).toBe(false);
    expect(jsonNestsDeeperThan(`${'['.repeat(65)}${']'.repeat(65)}`, 64)).toBe(true);
  });

  it('skips a large string in one search', () => {
    const image = `{"url":"data:image/png;base64,${'A'.repeat(5_000_000)}"}`;
    expect(jsonNestsDeeperThan(image, 1)).toBe(false);
  });
});
