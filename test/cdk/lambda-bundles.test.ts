import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { lambdaBundling, lambdaEntries } from '../../lib/lambda-entries.js';

/** The modules each Lambda bundle is built from, bundled as `cdk synth` bundles them. */
async function bundledInputs(entry: string): Promise<string[]> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'cjs',
    target: lambdaBundling.target,
    external: [...lambdaBundling.externalModules],
    logLevel: 'silent',
  });
  return Object.keys(result.metafile.inputs);
}

describe('Lambda bundles', () => {
  it.each(Object.entries(lambdaEntries))('keep DuckDB, the local analytics engine with its native binary, out of the %s bundle', async (_, entry) => {
    const inputs = await bundledInputs(entry);
    expect(inputs.filter((input) => /@duckdb|adapters\/duckdb|lambdas\/local\//.test(input))).toEqual([]);
    expect(inputs.length).toBeGreaterThan(50);
  });

  it('give the management API the Athena engine', async () => {
    expect(await bundledInputs(lambdaEntries.management)).toEqual(expect.arrayContaining(['lambdas/adapters/athena/athena-analytics-engine.ts']));
  });
});
