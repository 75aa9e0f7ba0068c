import { describe, expect, it } from 'vitest';
import { allows, permissionsOf, requirePermission } from '../../../lambdas/core/auth/key-permissions.js';

describe('key permissions', () => {
  it('orders none < read < write', () => {
    expect(allows('write', 'read')).toBe(true);
    expect(allows('read', 'read')).toBe(true);
    expect(allows('read', 'write')).toBe(false);
    expect(allows('none', 'read')).toBe(false);
  });

  it('gives API keys without permissions model calls and no management, and management keys the reverse', () => {
    expect(permissionsOf({ kind: 'api' })).toEqual({ manage: 'none', completions: 'write' });
    expect(permissionsOf({ kind: 'management' })).toEqual({ manage: 'write', completions: 'none' });
    expect(permissionsOf({ kind: 'management', permissions: { manage: 'none', completions: 'write' } })).toEqual({ manage: 'write', completions: 'none' });
  });

  it('refuses a call the permission does not cover with 403 permission_denied, saying what it needs', () => {
    const reader = { kind: 'api' as const, permissions: { manage: 'read' as const, completions: 'none' as const } };
    expect(() => requirePermission(reader, 'manage', 'read')).not.toThrow();
    expect(() => requirePermission(reader, 'manage', 'write')).toThrow(expect.objectContaining({ status: 403, code: 'permission_denied', message: expect.stringContaining('"write"') }));
    expect(() => requirePermission(reader, 'completions', 'read')).toThrow(expect.objectContaining({ status: 403 }));
  });
});
