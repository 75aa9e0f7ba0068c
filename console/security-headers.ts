/**
 * The console's Content-Security-Policy: its own scripts, styles and API only. No inline script
 * or style elements, no eval, no framing, no plugins; the management key can only travel to this
 * origin. CloudFront sends it as a response headers policy; the local server sends the same.
 */
export const consoleContentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Every header the console's files are served with, besides type and caching. */
export const consoleSecurityHeaders: Readonly<Record<string, string>> = {
  'content-security-policy': consoleContentSecurityPolicy,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
};
