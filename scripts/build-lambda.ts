import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { lambdaBundling, lambdaEntries, projectRoot } from '../lib/lambda-entries.js';

export type LambdaName = keyof typeof lambdaEntries;

export interface BuiltLambda {
  /** dist/<name>/index.js */
  file: string;
  bytes: number;
  /** Its source map (dist/<name>/index.js.map), 0 without one. */
  mapBytes: number;
}

/** One Lambda bundle exactly as `cdk synth` makes it (see lib/gateway-function.ts), in dist/<name>/. */
export async function buildLambda(name: LambdaName): Promise<BuiltLambda> {
  const outdir = join(projectRoot, 'dist', name);
  const file = join(outdir, 'index.js');
  mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: [lambdaEntries[name]],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: lambdaBundling.target,
    minify: lambdaBundling.minify,
    treeShaking: true,
    sourcemap: lambdaBundling.sourceMap,
    external: [...lambdaBundling.externalModules],
    logLevel: 'warning',
  });
  // Lambda's asset has no package.json, so index.js is CommonJS there; here the project's says "module".
  writeFileSync(join(outdir, 'package.json'), '{ "type": "commonjs" }\n');
  const size = (path: string) => {
    try {
      return statSync(path).size;
    } catch {
      return 0;
    }
  };
  return { file, bytes: size(file), mapBytes: size(`${file}.map`) };
}
