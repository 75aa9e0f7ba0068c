import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Key material kept in a file (locally: `<data folder>/webhook-key`), made on first use with
 * 256 random bits, readable by its owner only. Two processes making it at once both end up
 * reading the one that was written first.
 */
export function localKeyFile(path: string): () => Promise<string> {
  return async () => {
    const existing = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? undefined : Promise.reject(error)));
    if (existing !== undefined) return existing.trim();
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, `${randomBytes(32).toString('base64url')}\n`, { flag: 'wx', mode: 0o600 }).catch((error: NodeJS.ErrnoException) =>
      error.code === 'EEXIST' ? undefined : Promise.reject(error),
    );
    return (await readFile(path, 'utf8')).trim();
  };
}
