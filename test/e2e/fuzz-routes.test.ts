import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startFuzzGateway, type FuzzGateway } from '../support/fuzz/fuzz-gateway.js';
import { runFuzz } from '../support/fuzz/run-fuzz.js';

let fuzz: FuzzGateway;

beforeAll(async () => {
  fuzz = await startFuzzGateway({ dynamoDbEndpoint: inject('dynamoDbEndpoint') });
});

afterAll(() => fuzz?.stop());

describe('every public route, fuzzed (npm run fuzz runs the same with 100,000 inputs)', () => {
  it('answers thousands of generated requests (bodies, headers, paths, raw bytes) cleanly, and still serves afterwards', async () => {
    // A fixed seed: the same inputs on every run. A failure names the seed and path that replay it.
    const report = await runFuzz(fuzz.target, { inputs: 2_500, seed: 20_261_203, maxFailures: 1 });
    expect(report.failures).toEqual([]);
    expect(report.inputsTried).toBeGreaterThanOrEqual(2_500);
    // The run reached past validation: successes, and errors of every family.
    const statuses = Object.keys(report.outcomes);
    for (const status of ['200', '400', '401', '404', '405']) expect(statuses).toContain(status);
    expect(Object.keys(report.shapes)).toEqual(expect.arrayContaining(['valid', 'mutated', 'random-json', 'deep-json', 'bytes', 'form-valid', 'form-mutated']));
    // Webhooks were created (and the fixtures' clean-up kept them under the organisation's 20).
    expect(statuses).toContain('201');
    // Test sends were made, to the public webhook, and stopped at the network fence.
    expect(Object.keys(report.outbound)).toContain('1.1.1.1 443');
    expect(await fuzz.gateway.serves()).toBe(true);
    expect(fuzz.gateway.output()).not.toMatch(/unexpected error|Unhandled|uncaught/i);
  }, 180_000);
});
