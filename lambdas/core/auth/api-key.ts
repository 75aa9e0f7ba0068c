import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { ApiKeyRecord, KeyKind } from '../../ports/key-store.js';

const keyPrefix = 'sb-';

/** A key's public id (`key_` and 32 hex digits): shown in the API and in errors, never a secret. */
export const apiKeyIdPattern = /^key_[0-9a-f]{32}$/;

/**
 * Keys carry 256 random bits, so a fast unsalted SHA-256 is enough to make the stored hash
 * useless to an attacker while keeping the lookup a single-item read.
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function generateApiKey(): string {
  return keyPrefix + randomBytes(32).toString('base64url');
}

export function newApiKeyRecord(key: string, name: string, now: number, kind: KeyKind = 'api'): ApiKeyRecord {
  return {
    id: `${kind === 'api' ? 'key' : 'mgmt'}_${randomUUID().replaceAll('-', '')}`,
    kind,
    keyHash: hashApiKey(key),
    prefix: key.slice(0, keyPrefix.length + 6),
    name,
    labels: {},
    disabled: false,
    createdAt: now,
  };
}
