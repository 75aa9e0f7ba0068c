/** Key attributes of the tables; the CDK constructs and the local set-up share them. */
export const keysTableSchema = {
  partitionKey: 'key_hash',
  /** Global secondary index by key id, for the management API. */
  idIndex: { indexName: 'by_id', partitionKey: 'key_id' },
} as const;

export const policiesTableSchema = {
  partitionKey: 'scope',
  sortKey: 'name',
} as const;

/** Usage counters per key, group and period; items expire by `expires_at` (epoch seconds). */
export const usageTableSchema = {
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLiveAttribute: 'expires_at',
} as const;

/** The organisation, its groups and their members. */
export const directoryTableSchema = {
  partitionKey: 'pk',
  sortKey: 'sk',
} as const;
