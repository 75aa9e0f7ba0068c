import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { formatSoakReport, runMemorySoak, startSoakTarget, type SoakCounts, type SoakTarget } from '../support/memory-soak.js';

// The memory soak of `npm run soak` (20,000 requests, 2,000 streams, 1,000 aborted) at an eighth
// of its size, so it fits a CI run on a busy 2-core machine: 2,500 requests, 250 streams and 125
// streams left after their first chunk, in 5 batches, against the real `npm start` process.
// Memory is read after a full garbage collection (through the process's inspector), so the
// bounds can be tight without garbage-collection noise tripping them: live memory may gain less
// than 1.2 MB over the 2,300 exchanges after the warm-up (a leak of 1 KB an exchange adds 2.3 MB;
// healthy runs gain 0.3-0.4 MB, compiled code), and resident memory only a few MB.
const counts: SoakCounts = { requests: 2_500, streams: 250, abortedStreams: 125, batches: 5, concurrency: 24 };
let target: SoakTarget;

beforeAll(async () => {
  target = await startSoakTarget({ dynamoDbEndpoint: inject('dynamoDbEndpoint') });
}, 60_000);

afterAll(async () => {
  await target?.stop();
});

describe('npm start under sustained traffic', () => {
  it('answers every request and stream, cancels the upstream calls of aborted streams, and its memory settles', async () => {
    const report = await runMemorySoak(target, counts);
    const summary = formatSoakReport(report);

    expect(report.failures, summary).toBe(0);
    expect(report.upstreamAborted).toBeGreaterThan(0);
    await expect.poll(() => target.upstream.closedEarly.length).toBe(report.upstreamAborted);

    expect(report.endLiveMb - report.warmedLiveMb, summary).toBeLessThan(1.2);
    expect(report.endMb - report.warmedMb, summary).toBeLessThan(16);
    expect(report.secondHalfGrowthMb, summary).toBeLessThan(8);
    expect(await target.gateway.serves()).toBe(true);
  }, 240_000);
});
