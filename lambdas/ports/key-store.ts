/** API keys call models; management keys call the management API. Neither works as the other. */
export type KeyKind = 'api' | 'management';

/** A key as stored: never the secret itself, only its hash. */
export interface ApiKeyRecord {
  id: string;
  kind: KeyKind;
  keyHash: string;
  /** First characters of the key, shown so people can tell keys apart. */
  prefix: string;
  name: string;
  disabled: boolean;
  /** Epoch milliseconds; absent means the key never expires. */
  expiresAt?: number;
  createdAt: number;
}

export interface KeyStore {
  findByHash(keyHash: string): Promise<ApiKeyRecord | undefined>;
  /** Stores the record unless a key with the same hash exists; returns whether it was stored. */
  putIfAbsent(record: ApiKeyRecord): Promise<boolean>;
  hasAny(kind: KeyKind): Promise<boolean>;
}
