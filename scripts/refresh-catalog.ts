/**
 * `npm run refresh-catalog`: rewrites the market's model prices
 * (`lambdas/core/catalog/data/genai-prices.json`) from the installed `@pydantic/genai-prices`
 * package, offline. It keeps the package's own data format (its `Provider` objects) for the
 * providers the gateway serves; `lambdas/core/catalog/genai-prices-catalog.ts` reads it, and
 * `lambdas/core/catalog/data/catalog-overrides.json` corrects and completes it.
 *
 *   npm run refresh-catalog                        # from node_modules/@pydantic/genai-prices
 *   npm run refresh-catalog -- --package <dir>     # from an unpacked package (npm pack)
 *   npm run refresh-catalog -- --check             # exit 1 if the data file is not what the package gives
 */
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { genaiPricesFileSchema, type GenaiPricesFile, type GenaiProvider } from '../lambdas/core/catalog/genai-prices-schema.js';
import { catalogOverrides } from '../lambdas/core/catalog/catalog-overrides.js';
import { buildModelCatalog } from '../lambdas/core/catalog/model-catalog.js';

const packageName = '@pydantic/genai-prices';
const dataFile = resolve(dirname(fileURLToPath(import.meta.url)), '../lambdas/core/catalog/data/genai-prices.json');

interface PackageApi {
  findProvider(options: { providerId: string }): unknown;
}

/** Where the package is: `--package <dir>`, else resolved from node_modules as any import would be. */
function packageDir(args: readonly string[]): string {
  const at = args.indexOf('--package');
  if (at !== -1) {
    const dir = args[at + 1];
    if (!dir) throw new Error('--package needs the folder of an unpacked @pydantic/genai-prices (the one holding its package.json).');
    return resolve(dir);
  }
  const require = createRequire(import.meta.url);
  try {
    // The package exports only its code: its folder is the nearest above the entry holding a package.json.
    let dir = dirname(require.resolve(packageName));
    while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
    return dir;
  } catch {
    throw new Error(`${packageName} is not installed: add it as a dev dependency, or pass --package <dir> of an unpacked copy.`);
  }
}

/** The package's data for the providers the gateway serves, in its own format, ordered as the package orders it. */
export async function readPackage(dir: string, today: string): Promise<GenaiPricesFile> {
  const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string; module?: string; exports?: unknown };
  if (manifest.name !== packageName || !manifest.version) throw new Error(`${dir} does not hold ${packageName}.`);
  const api = (await import(pathToFileURL(join(dir, 'dist/index.js')).href)) as PackageApi;
  const providers: GenaiProvider[] = [];
  for (const sourceId of new Set(Object.values(catalogOverrides.providers).map((provider) => provider.source))) {
    const found = api.findProvider({ providerId: sourceId }) as { id: string; models: unknown[] } | undefined;
    if (!found) throw new Error(`${packageName}@${manifest.version} has no provider "${sourceId}" (named in catalog-overrides.json).`);
    // Only what the catalog reads: ids, how names match, context windows and prices.
    providers.push({
      id: found.id,
      models: found.models.map((model) => {
        const { id, match, context_window, prices, deprecated } = model as Record<string, unknown>;
        return { id, match, context_window, prices, deprecated } as GenaiProvider['models'][number];
      }),
    });
  }
  return genaiPricesFileSchema.parse({ source: { package: packageName, version: manifest.version, prices_as_of: today }, providers });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const data = await readPackage(packageDir(args), new Date().toISOString().slice(0, 10));
  const text = `${JSON.stringify(data, null, 1)}\n`;
  if (args.includes('--check')) {
    const current = await readFile(dataFile, 'utf8').catch(() => '{}');
    // The refresh day aside, the file must be what the package gives.
    const withoutDay = (json: string) => JSON.stringify({ ...JSON.parse(json), source: undefined });
    if (withoutDay(current) !== withoutDay(text)) {
      console.error(`${dataFile} differs from ${packageName}@${data.source.version}: run npm run refresh-catalog.`);
      process.exit(1);
    }
    console.log(`${dataFile} is ${packageName}@${data.source.version}.`);
    return;
  }
  await writeFile(dataFile, text);
  const orphans = buildModelCatalog(data, catalogOverrides, data.source.prices_as_of).orphans;
  if (orphans.length > 0) console.warn(`catalog-overrides.json patches models the package no longer lists (ignored): ${orphans.join(', ')}`);
  const models = data.providers.reduce((sum, provider) => sum + provider.models.length, 0);
  console.log(`Wrote ${models} models of ${data.providers.length} providers from ${packageName}@${data.source.version} to ${dataFile}.`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
