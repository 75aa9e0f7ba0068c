/** Attribute names of the keys table; the CDK construct and the local set-up share them. */
export const keysTableSchema = {
  partitionKey: 'key_hash',
} as const;
