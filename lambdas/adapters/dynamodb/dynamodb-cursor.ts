import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { GatewayError } from '../../core/errors.js';

type Key = Record<string, AttributeValue>;

/** A DynamoDB LastEvaluatedKey as the opaque `cursor` list endpoints hand out. */
export function encodeCursor(key: Key): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string): Key {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Key;
  } catch {
    throw new GatewayError(400, 'invalid_request', 'The cursor is not one this API returned.', { param: 'cursor' });
  }
}
