import type { KeyPermissions } from '../core/auth/key-permissions.js';

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
  /** Free-form key/value labels, for the owner's bookkeeping. */
  labels: Record<string, string>;
  disabled: boolean;
  /** Epoch milliseconds; absent means the key never expires. */
  expiresAt?: number;
  /** Spend cap per calendar month (UTC), in micro-dollars; absent means no cap. */
  monthlyLimit?: number;
  /** The group whose budget and approved models the key shares. */
  groupId?: string;
  /** Requesty's `manage` and `completions` permissions of an API key; absent: the defaults (see key-permissions.ts). */
  permissions?: KeyPermissions;
  createdAt: number;
}

/** What the management API may change on a key; `expiresAt: null` removes the expiry. */
export interface KeyChanges {
  labels?: Record<string, string>;
  expiresAt?: number | null;
  /** `null` removes the cap. */
  monthlyLimit?: number | null;
  disabled?: boolean;
  /** `null` takes the key out of its group. */
  groupId?: string | null;
  permissions?: KeyPermissions;
}

export interface KeyPage {
  keys: ApiKeyRecord[];
  nextCursor: string | undefined;
}

export interface KeyStore {
  findByHash(keyHash: string): Promise<ApiKeyRecord | undefined>;
  findById(id: string): Promise<ApiKeyRecord | undefined>;
  /** Keys of one kind, a page at a time (a page may hold fewer than `limit`). */
  list(kind: KeyKind, limit: number, cursor: string | undefined): Promise<KeyPage>;
  /** Stores the record unless a key with the same hash exists; returns whether it was stored. */
  putIfAbsent(record: ApiKeyRecord): Promise<boolean>;
  /** Applies the changes; resolves with the updated record, or undefined when there is no such key of that kind. */
  update(id: string, kind: KeyKind, changes: KeyChanges): Promise<ApiKeyRecord | undefined>;
  /** Removes the key; false when there was no such key of that kind. */
  delete(id: string, kind: KeyKind): Promise<boolean>;
  hasAny(kind: KeyKind): Promise<boolean>;
  /** Whether any API key belongs to the group. */
  anyInGroup(groupId: string): Promise<boolean>;
}
