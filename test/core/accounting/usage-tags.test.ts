import { describe, expect, it } from 'vitest';
import { usageTags } from '../../../lambdas/core/accounting/usage-tags.js';

describe('usage tags', () => {
  it('keeps requesty.user_id and extra fields as strings, bounded in number and length', () => {
    const extra = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`f${i}`, i]));
    const tags = usageTags({ user_id: 'ann', extra: { ...extra, long: 'x'.repeat(300), nested: { a: 1 } } });
    expect(tags.userId).toBe('ann');
    expect(Object.keys(tags.extra)).toHaveLength(20);
    expect(tags.extra.f3).toBe('3');
    expect(usageTags({ extra: { long: 'x'.repeat(300), nested: { a: 1 } } }).extra).toEqual({ long: 'x'.repeat(256), nested: '{"a":1}' });
    expect(usageTags(undefined)).toEqual({ extra: {} });
  });
});
