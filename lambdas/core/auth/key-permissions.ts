import { z } from 'zod';
import { GatewayError } from '../errors.js';
import type { ApiKeyRecord } from '../../ports/key-store.js';

/**
 * What a key may do, as Requesty's API keys carry it
 * (https://docs.requesty.ai/api-reference/endpoint/manage-api-key-create): `manage` for the
 * management API (`read`: its GETs and reports; `write`: everything), `completions` for the
 * model API (`read`: the model list only; `write`: model calls too). Levels are ordered.
 */
export const permissionLevels = ['none', 'read', 'write'] as const;
export type PermissionLevel = (typeof permissionLevels)[number];
export type PermissionScope = 'manage' | 'completions';

const levelSchema = z.enum(permissionLevels);

export const keyPermissionsSchema = z.object({ manage: levelSchema, completions: levelSchema }).strict();
export type KeyPermissions = z.infer<typeof keyPermissionsSchema>;

/** What an API key may do when it was made without permissions (every key made before they existed too). */
export const defaultApiKeyPermissions: KeyPermissions = { manage: 'none', completions: 'write' };

/** A management key manages everything and calls no model. */
const managementKeyPermissions: KeyPermissions = { manage: 'write', completions: 'none' };

export function permissionsOf(record: Pick<ApiKeyRecord, 'kind' | 'permissions'>): KeyPermissions {
  if (record.kind === 'management') return managementKeyPermissions;
  return record.permissions ?? defaultApiKeyPermissions;
}

export function allows(granted: PermissionLevel, needed: PermissionLevel): boolean {
  return permissionLevels.indexOf(granted) >= permissionLevels.indexOf(needed);
}

/** Refuses, with 403 `permission_denied`, a key whose permission in the scope is below what the call needs. */
export function requirePermission(record: Pick<ApiKeyRecord, 'kind' | 'permissions'>, scope: PermissionScope, needed: PermissionLevel): void {
  const granted = permissionsOf(record)[scope];
  if (allows(granted, needed)) return;
  throw new GatewayError(403, 'permission_denied', `This key's "${scope}" permission is "${granted}"; this call needs "${needed}".`, {
    type: 'permission_error',
  });
}
