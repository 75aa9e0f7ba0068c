import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../../lambdas/core/routing/circuit-breaker.js';

describe('CircuitBreaker', () => {
  it('opens after the threshold, lets one probe through after the cooldown, and closes on success', () => {
    const breaker = new CircuitBreaker({ failureThreshold: 3, cooldownMs: 1_000 });
    for (let i = 0; i < 2; i++) breaker.recordFailure('m', 0);
    expect(breaker.allows('m', 0)).toBe(true);
    breaker.recordFailure('m', 0);
    expect(breaker.isOpen('m', 500)).toBe(true);
    expect(breaker.allows('m', 999)).toBe(false);
    expect(breaker.allows('m', 1_000)).toBe(true);
    expect(breaker.allows('m', 1_001)).toBe(false);
    breaker.recordSuccess('m');
    expect(breaker.allows('m', 1_002)).toBe(true);
    expect(breaker.isOpen('m', 1_002)).toBe(false);
  });

  it('reopens when the probe fails, and frees a probe that never reported', () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 1_000 });
    breaker.recordFailure('m', 0);
    expect(breaker.allows('m', 1_000)).toBe(true);
    breaker.recordFailure('m', 1_100);
    expect(breaker.allows('m', 2_000)).toBe(false);
    expect(breaker.allows('m', 2_100)).toBe(true);
    expect(breaker.allows('m', 3_099)).toBe(false);
    expect(breaker.allows('m', 3_100)).toBe(true);
  });
});
