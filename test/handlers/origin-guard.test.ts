import { describe, expect, it, vi } from 'vitest';
import { originGuard, type OriginGuardOptions } from '../../lambdas/handlers/origin-guard.js';

const oldValue = 'old-origin-value-0123456789abcdefghijklmnop';
const newValue = 'new-origin-value-0123456789abcdefghijklmnop';
const interval = 5_000;

/** A secret the test rotates, read through a counting fake, and a clock the test moves. */
function setup(initial: readonly string[]) {
  let values = initial;
  let failing = false;
  const clock = { at: 1_000_000, now: () => clock.at };
  const read = vi.fn(async () => {
    if (failing) throw new Error('AccessDeniedException');
    return values;
  });
  const onRereadFailure = vi.fn();
  const options: OriginGuardOptions = { read, clock, rereadIntervalMs: interval, onRereadFailure };
  return {
    read,
    clock,
    onRereadFailure,
    guard: () => originGuard(options),
    rotate: (next: readonly string[]) => (values = next),
    failReads: (fail: boolean) => (failing = fail),
  };
}

describe('originGuard', () => {
  it('accepts the current and previous values and refuses others, absent and empty ones', async () => {
    const secret = setup([newValue, oldValue]);
    const isFromOrigin = await secret.guard();
    expect(await isFromOrigin(newValue)).toBe(true);
    expect(await isFromOrigin(oldValue)).toBe(true);
    expect(await isFromOrigin(`${newValue}x`)).toBe(false);
    expect(await isFromOrigin(undefined)).toBe(false);
    expect(await isFromOrigin('')).toBe(false);
  });

  it('accepts a rotated value after reading the secret again, and still the previous one', async () => {
    const secret = setup([oldValue]);
    const isFromOrigin = await secret.guard();
    secret.clock.at += 60_000;
    secret.rotate([newValue, oldValue]);
    expect(await isFromOrigin(newValue)).toBe(true);
    expect(secret.read).toHaveBeenCalledTimes(2);
    expect(await isFromOrigin(oldValue)).toBe(true);
    expect(await isFromOrigin(newValue)).toBe(true);
    expect(secret.read).toHaveBeenCalledTimes(2);
  });

  it('reads at most once per interval however many unknown values arrive, one after another or at once', async () => {
    const secret = setup([oldValue]);
    const isFromOrigin = await secret.guard();
    secret.clock.at += interval;
    for (let i = 0; i < 1_000; i++) expect(await isFromOrigin(`forged-${i}`)).toBe(false);
    expect(secret.read).toHaveBeenCalledTimes(2);
    secret.clock.at += interval - 1;
    const concurrent = await Promise.all(Array.from({ length: 1_000 }, (_, i) => isFromOrigin(`forged-${i}`)));
    expect(concurrent.every((accepted) => !accepted)).toBe(true);
    expect(secret.read).toHaveBeenCalledTimes(2);
    secret.clock.at += 1;
    await Promise.all(Array.from({ length: 1_000 }, (_, i) => isFromOrigin(`forged-${i}`)));
    expect(secret.read).toHaveBeenCalledTimes(3);
  });

  it('lets concurrent misses share the read in flight, all accepted once it returns the new value', async () => {
    const secret = setup([oldValue]);
    const isFromOrigin = await secret.guard();
    let finishRead: (values: readonly string[]) => void = () => undefined;
    const readInFlight = new Promise<readonly string[]>((resolve) => (finishRead = resolve));
    secret.read.mockImplementationOnce(() => readInFlight);
    secret.clock.at += interval;
    const first = isFromOrigin(newValue);
    // Past the interval again while the read is still in flight: the waiting misses share it.
    secret.clock.at += interval;
    const others = Array.from({ length: 50 }, () => isFromOrigin(newValue));
    finishRead([newValue, oldValue]);
    expect(await Promise.all([first, ...others])).toEqual(Array.from({ length: 51 }, () => true));
    expect(secret.read).toHaveBeenCalledTimes(2);
  });

  it('keeps serving with the values it has when a re-read fails, and reads again after the interval', async () => {
    const secret = setup([oldValue]);
    const isFromOrigin = await secret.guard();
    secret.rotate([newValue, oldValue]);
    secret.failReads(true);
    secret.clock.at += interval;
    expect(await isFromOrigin(newValue)).toBe(false);
    expect(secret.onRereadFailure).toHaveBeenCalledTimes(1);
    expect(await isFromOrigin(oldValue)).toBe(true);
    secret.failReads(false);
    expect(await isFromOrigin(newValue)).toBe(false);
    secret.clock.at += interval;
    expect(await isFromOrigin(newValue)).toBe(true);
    expect(secret.read).toHaveBeenCalledTimes(3);
  });

  it('does not start when the first read fails', async () => {
    const secret = setup([oldValue]);
    secret.failReads(true);
    await expect(secret.guard()).rejects.toThrow('AccessDeniedException');
  });
});
