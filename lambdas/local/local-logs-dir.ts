import { join } from 'node:path';

/** Where the local server's request logs live: `requests/` and `feedback/` under it, laid out as the S3 bucket is. */
export function localLogsDir(dataDir: string): string {
  return join(dataDir, 'logs');
}
