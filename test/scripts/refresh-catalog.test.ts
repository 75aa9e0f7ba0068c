import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { readPackage } from '../../scripts/refresh-catalog.js';
import marketJson from '../../lambdas/core/catalog/data/genai-prices.json' with { type: 'json' };

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const fixturePackage = join(root, 'test/fixtures/genai-prices/package');
const run = promisify(execFile);

describe('npm run refresh-catalog', () => {
  it('reads a package in genai-prices’ format offline, for the providers the overrides name, keeping only what the catalog reads', async () => {
    const data = await readPackage(fixturePackage, '2026-12-03');
    expect(data.source).toEqual({ package: '@pydantic/genai-prices', version: '0.0.0-fixture', prices_as_of: '2026-12-03' });
    const openai = data.providers.find((provider) => provider.id === 'openai');
    expect(openai?.models.map((model) => model.id)).toEqual(['gpt-4o', 'gpt-4o-realtime-preview', 'text-embedding-3-small', 'gpt-9']);
    expect(Object.keys(openai?.models[0] ?? {}).sort()).toEqual(['context_window', 'deprecated', 'id', 'match', 'prices']);
    expect(data.providers.map((provider) => provider.id)).toContain('aws');
  });

  it('refuses a folder that does not hold the package', async () => {
    await expect(readPackage(join(root, 'test/fixtures'), '2026-12-03')).rejects.toThrow();
  });

  it('checks the committed data against a package and says when it differs', async () => {
    const script = join(root, 'scripts/refresh-catalog.ts');
    const failed = await run(process.execPath, ['--import', 'tsx', script, '--package', fixturePackage, '--check'], { cwd: root }).catch((error: { code: number; stderr: string }) => error);
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stderr: string }).stderr).toMatch(/differs from @pydantic\/genai-prices@0\.0\.0-fixture: run npm run refresh-catalog/);
  }, 60_000);

  it('the committed data is what the installed package gives (a dev dependency)', async () => {
    const script = join(root, 'scripts/refresh-catalog.ts');
    const { stdout } = await run(process.execPath, ['--import', 'tsx', script, '--check'], { cwd: root });
    expect(stdout).toContain(marketJson.source.version);
  }, 60_000);
});
