import { dirname, join, relative } from 'node:path';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build, buildSync, type BuildOptions, type OutputFile } from 'esbuild';

/** One file of the built console, as S3 holds it and CloudFront serves it. */
export interface ConsoleFile {
  /** Relative to the console's root: `index.html`, `assets/main-<hash>.js`. */
  path: string;
  body: Uint8Array;
  contentType: string;
  cacheControl: string;
}

export const consoleRoot = dirname(fileURLToPath(import.meta.url));
/** Where the console is served, locally and behind CloudFront; its files use relative URLs. */
export const consoleBasePath = '/console/';
/** The index names hashed assets: browsers must ask again every time (revalidating is cheap). */
export const indexCacheControl = 'no-cache';
/** Hashed names change with their content, so they never need asking again. */
export const assetCacheControl = 'public, max-age=31536000, immutable';

const outdir = join(consoleRoot, 'out');
const options = {
  entryPoints: [join(consoleRoot, 'src', 'main.ts')],
  bundle: true,
  format: 'esm',
  target: 'es2020',
  minify: true,
  legalComments: 'none',
  entryNames: 'assets/[name]-[hash]',
  assetNames: 'assets/[name]-[hash]',
  outdir,
  write: false,
  logLevel: 'silent',
} satisfies BuildOptions;

const contentTypes: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
};

/** Builds the console in memory (esbuild): the hashed assets and the index that names them. */
export async function buildConsole(): Promise<ConsoleFile[]> {
  return consoleFiles((await build(options)).outputFiles);
}

/** The same, synchronously, for CDK's local asset bundling (which cannot await). */
export function buildConsoleSync(): ConsoleFile[] {
  return consoleFiles(buildSync(options).outputFiles);
}

function consoleFiles(outputs: readonly OutputFile[]): ConsoleFile[] {
  const assets = outputs.map((output) => ({
    path: relative(outdir, output.path).split('\\').join('/'),
    body: output.contents,
    contentType: contentTypes[output.path.slice(output.path.lastIndexOf('.'))] ?? 'application/octet-stream',
    cacheControl: assetCacheControl,
  }));
  const named = (extension: string) => {
    const asset = assets.find((file) => file.path.endsWith(extension));
    if (!asset) throw new Error(`the console build made no ${extension} file`);
    return asset.path;
  };
  const index = readFileSync(join(consoleRoot, 'index.html'), 'utf8')
    .replace('{{script}}', named('.js'))
    .replace('{{style}}', named('.css'));
  return [{ path: 'index.html', body: new TextEncoder().encode(index), contentType: contentTypes['.html'] ?? '', cacheControl: indexCacheControl }, ...assets];
}
