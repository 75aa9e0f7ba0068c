import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { GatewayError } from '../../core/errors.js';

type Key = Record<string, AttributeValue>;

/** A DynamoDB LastEvaluatedKey as the opaque `cursor` list endpoints hand out. */
export function encodeCursor(key: Key): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/**
 * The key a cursor stands for, when it has exactly the table's key attributes as strings of a
 * length DynamoDB takes; anything else (a forged or damaged cursor) is a 400, never a query
 * DynamoDB refuses.
 */
export function decodeCursor(cursor: string, keyAttributes: readonly string[]): Key {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  if (!isKey(key, keyAttributes)) {
    throw new GatewayError(400, 'invalid_request', 'The cursor is not one this API returned.', { param: 'cursor' });
  }
  return key;
}

function isKey(key: unknown, keyAttributes: readonly string[]): key is Key {
  if (typeof key !== 'object' || key === null || Array.isArray(key)) return false;
  const entries = Object.entries(key);
  return (
    entries.length === keyAttributes.length &&
    entries.every(([name, value]: [string, unknown]) => {
      if (!keyAttributes.includes(name) || typeof value !== 'object' || value === null) return false;
      const attribute = value as Record<string, unknown>;
      return Object.keys(attribute).length === 1 && typeof attribute.S === 'string' && attribute.S.length > 0 && attribute.S.length <= 1024;
    })
  );
}
