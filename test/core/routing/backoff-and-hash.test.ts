import { describe, expect, it } from 'vitest';
import { backoffMs } from '../../../lambdas/core/routing/backoff.js';
import { stableUnitHash } from '../../../lambdas/core/routing/stable-hash.js';

describe('backoffMs', () => {
  it('doubles from 500 ms to 4 s and stays there', () => {
    expect([0, 1, 2, 3, 4, 9].map((retry) => backoffMs(retry, 0.5))).toEqual([500, 1000, 2000, 4000, 4000, 4000]);
  });
  it('jitters by at most ±10%', () => {
    expect(backoffMs(1, 0)).toBe(900);
    expect(backoffMs(1, 0.999_999)).toBe(1100);
  });
});

describe('stableUnitHash', () => {
  it('is stable, in [0, 1), and spreads keys evenly', () => {
    expect(stableUnitHash('conversation-42')).toBe(stableUnitHash('conversation-42'));
    const values = Array.from({ length: 10_000 }, (_, i) => stableUnitHash(`trace-${i}`));
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const lowerHalf = values.filter((value) => value < 0.5).length;
    expect(lowerHalf).toBeGreaterThan(4_800);
    expect(lowerHalf).toBeLessThan(5_200);
  });
});
