import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { buildConsole, consoleBasePath, type ConsoleFile } from '../../console/bundle.js';
import { consoleSecurityHeaders } from '../../console/security-headers.js';

/** The paths CloudFront sends to the console's bucket (lib/edge.ts): `/console` and below. */
export function isConsolePath(path: string): boolean {
  return path === consoleBasePath.slice(0, -1) || path.startsWith(consoleBasePath);
}

/**
 * The console as CloudFront serves it deployed, for the local server: the bucket's files with
 * their Cache-Control, the response headers policy's CSP, `/console` redirected to `/console/`
 * and `/console/` answered with the index (the distribution's viewer-request function). Built
 * in memory on the first request, so a server that never shows the console never builds it.
 */
export function consoleOrigin(build: () => Promise<ConsoleFile[]> = buildConsole) {
  let files: Promise<Map<string, ConsoleFile>> | undefined;
  return async (event: LambdaFunctionURLEvent): Promise<LambdaFunctionURLResult> => {
    const path = event.rawPath;
    if (path === consoleBasePath.slice(0, -1)) return { statusCode: 301, headers: { location: consoleBasePath }, body: '' };
    files ??= build().then((built) => new Map(built.map((file) => [file.path, file])));
    const wanted = path === consoleBasePath ? 'index.html' : path.slice(consoleBasePath.length);
    const file = (await files).get(wanted);
    const method = event.requestContext.http.method;
    if (!file || (method !== 'GET' && method !== 'HEAD')) {
      // S3 behind Origin Access Control answers an absent key 403, as it may not list the bucket.
      return { statusCode: file ? 405 : 403, headers: { 'content-type': 'text/plain; charset=utf-8', ...consoleSecurityHeaders }, body: file ? 'Method Not Allowed' : 'Access Denied' };
    }
    return {
      statusCode: 200,
      headers: { 'content-type': file.contentType, 'cache-control': file.cacheControl, ...consoleSecurityHeaders },
      body: method === 'HEAD' ? '' : Buffer.from(file.body).toString('base64'),
      isBase64Encoded: method !== 'HEAD',
    };
  };
}
