import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { lambdaBundling, lambdaEntries, projectRoot } from '../lib/lambda-entries.js';

/**
 * `npm run build`: the Lambda bundles exactly as `cdk synth` makes them (see
 * lib/gateway-function.ts), written to dist/<name>/index.js for inspection and size checks.
 */
for (const [name, entry] of Object.entries(lambdaEntries)) {
  const outdir = join(projectRoot, 'dist', name);
  mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: [entry],
    outfile: join(outdir, 'index.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: lambdaBundling.target,
    minify: lambdaBundling.minify,
    sourcemap: lambdaBundling.sourceMap,
    external: [...lambdaBundling.externalModules],
    logLevel: 'warning',
  });
  const kib = Math.round(statSync(join(outdir, 'index.js')).size / 1024);
  console.log(`${name}: dist/${name}/index.js (${kib} KiB)`);
}
