import { apiKeyIdPattern } from './auth/api-key.js';

/**
 * Upstream error messages sometimes echo part of the credential they rejected (OpenAI's
 * "Incorrect API key provided: sk-proj-****abcd"), and clients occasionally paste keys into
 * prompts that come back in errors. Anything shaped like a key is replaced before a message
 * reaches a client or a log line.
 */
const keyShapedToken =
  /\b(?:sk|sb|pk|rk|key|sess|gsk|xai|AIza)[-_][A-Za-z0-9_*\-]{6,}|\bAIza[A-Za-z0-9_\-]{20,}|\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/g;

/** A run of characters keys are made of, long enough to carry a recognisable piece of one. */
const keyCharacterRun = /[A-Za-z0-9_\-+/=.~*]{12,}/g;

/** Shorter runs of a known secret are too common to mean anything; longer ones identify it. */
const fragmentLength = 12;

export function redactSecrets(text: string, knownSecrets: readonly string[] = []): string {
  // Public key ids share the `key_` prefix with some providers' secrets but are not secret.
  return redactKnownSecrets(text, knownSecrets).replace(keyShapedToken, (token) => (apiKeyIdPattern.test(token) ? token : '[redacted]'));
}

/**
 * Only the secrets given, whole or in pieces: for identifiers such as error codes, which the
 * key-shaped pattern would mistake for keys (`key_not_found`).
 */
export function redactKnownSecrets(text: string, knownSecrets: readonly string[]): string {
  let redacted = text;
  for (const secret of knownSecrets) {
    if (secret.length >= 8) redacted = redacted.split(secret).join('[redacted]');
  }
  return redactFragments(redacted, knownSecrets);
}

/**
 * A provider may quote only part of the key it rejected (the first 20 characters, say): a run
 * of key characters holding 12 or more consecutive characters of a known secret goes too.
 */
function redactFragments(text: string, knownSecrets: readonly string[]): string {
  const fragments = new Set<string>();
  for (const secret of knownSecrets) {
    for (let start = 0; start + fragmentLength <= secret.length; start++) fragments.add(secret.slice(start, start + fragmentLength));
  }
  if (fragments.size === 0) return text;
  return text.replace(keyCharacterRun, (run) => {
    for (let start = 0; start + fragmentLength <= run.length; start++) {
      if (fragments.has(run.slice(start, start + fragmentLength))) return '[redacted]';
    }
    return run;
  });
}
