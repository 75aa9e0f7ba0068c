/**
 * Upstream error messages sometimes echo part of the credential they rejected (OpenAI's
 * "Incorrect API key provided: sk-proj-****abcd"), and clients occasionally paste keys into
 * prompts that come back in errors. Anything shaped like a key is replaced before a message
 * reaches a client or a log line.
 */
const keyShapedToken =
  /\b(?:sk|sb|pk|rk|key|sess|gsk|xai|AIza)[-_][A-Za-z0-9_*\-]{6,}|\bAIza[A-Za-z0-9_\-]{20,}|\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/g;

export function redactSecrets(text: string, knownSecrets: readonly string[] = []): string {
  let redacted = text;
  for (const secret of knownSecrets) {
    if (secret.length >= 8) redacted = redacted.split(secret).join('[redacted]');
  }
  return redacted.replace(keyShapedToken, '[redacted]');
}
