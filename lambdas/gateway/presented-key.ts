/** The key a client presents, as `Authorization: Bearer <key>` or Anthropic-style `x-api-key`. */
export function presentedKey(headers: Record<string, string | undefined>): string | undefined {
  const authorization = headers.authorization?.trim();
  if (authorization) {
    const match = /^Bearer\s+(.+)$/i.exec(authorization);
    return match?.[1]?.trim() || undefined;
  }
  return headers['x-api-key']?.trim() || undefined;
}
