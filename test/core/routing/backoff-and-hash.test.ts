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

  it('gives the same point for the same text in every process and release', () => {
    // Pinned: a change here moves live conversations to other models, so it must be deliberate.
    const word = (text: string) => Math.round(stableUnitHash(text) * 0x1_0000_0000);
    expect(word('')).toBe(0xab3e7c0b);
    expect(word('trace-0')).toBe(0x31ccc93c);
    expect(word('spread:conversation-42')).toBe(0xa21c092a);
  });

  it('spreads texts that differ only in their last character over the whole range', () => {
    const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz';
    for (const prefix of ['conv-000', 'trace-1234', 'gpt-split:req_']) {
      const values = [...alphabet].map((last) => stableUnitHash(prefix + last));
      // FNV-1a alone kept each such run inside a band about a third as wide.
      expect(Math.max(...values) - Math.min(...values)).toBeGreaterThan(0.8);
      for (const quarter of [0, 0.25, 0.5, 0.75]) {
        expect(values.some((value) => value >= quarter && value < quarter + 0.25)).toBe(true);
      }
    }
  });
});
