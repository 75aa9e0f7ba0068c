import { createHash, timingSafeEqual } from 'node:crypto';

export const originVerifyHeader = 'x-origin-verify';

/**
 * CloudFront adds a secret header on its way to the function URL; requests without it went
 * around CloudFront (and its WAF and TLS policy) and are refused. Two values are accepted so the
 * secret can be rotated without downtime. Digests make the comparison constant-time whatever
 * the length of what was sent.
 */
export function originGuard(acceptedSecrets: readonly string[]): (presented: string | undefined) => boolean {
  const accepted = acceptedSecrets.filter((secret) => secret.length > 0).map(digest);
  return (presented) => {
    if (presented === undefined) return false;
    const candidate = digest(presented);
    let match = false;
    for (const secret of accepted) match = timingSafeEqual(secret, candidate) || match;
    return match;
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
