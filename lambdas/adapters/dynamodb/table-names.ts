/** Key attributes of the tables; the CDK constructs and the local set-up share them. */
export const keysTableSchema = {
  partitionKey: 'key_hash',
} as const;

export const policiesTableSchema = {
  partitionKey: 'scope',
  sortKey: 'name',
} as const;
